"""Generate a workspace store of N articles with realistic text for the search benchmark.

    python bench/generate_search_store.py OUT.db [--articles 50000] [--seed 11]

Sources are 60 % Vietnamese (syllables from onset x rhyme x tone, drawn with a Zipf law, so the
vocabulary has the long tail of real text), 19 % English, 7 % each Chinese, Japanese and Korean;
one article in eight is a translation of the one before it (counted in N; Vietnamese mostly into
English), which makes 57 % Vietnamese and 20 % English in all. Each article holds 300-600 words (CJK: as many
characters) in a headline, a lead and 5-9 paragraphs built from newsroom sentence templates with
random words in their slots. States, genres, subjects and update times vary for the list filters.
Rows are bulk-inserted in one transaction; the index is then built as an upgraded store builds it
(`SearchIndex.rebuild`), and both times are reported.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workstation.clock import timestamp
from workstation.ids import new_id
from workstation.station.identity import load_or_create_identity
from workstation.storage.search import SearchIndex
from workstation.storage.store import Store, open_store

ONSETS = ["", *"b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()]
RHYMES = (
    "a ai am an ang anh ao au ay ăm ăn ăng âm ân âng âu ây e em en eo ê êm ên ênh êu i ia im in inh iu iêm "
    "iên iêng iêu o oa oai oan oang oanh oi om on ong ô ôi ôm ôn ông ơ ơi ơm ơn u ua ui um un ung uân uôi "
    "uôn uông ư ưa ưi ưng ươi ươn ương ươu uy uyên"
).split()
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VI_PHRASES = (
    "thông tin đối ngoại", "cổng thông tin đối ngoại", "chuyển đổi số", "hợp tác kinh tế", "đầu tư nước ngoài",
    "cộng đồng người Việt", "quảng bá hình ảnh", "đại sứ quán", "hội nghị", "du lịch", "văn hoá", "giáo dục",
    "Bộ Ngoại giao", "Ban Tuyên giáo", "Đảng", "Nhà nước", "nhân dân", "biển đảo", "biên giới", "phát triển bền vững",
    "thủ tướng", "chủ tịch nước", "ký kết", "thỏa thuận", "doanh nghiệp", "xuất khẩu", "nông sản", "hội chợ",
)  # fmt: skip
VI_PLACES = "Hà Nội|Thành phố Hồ Chí Minh|Đà Nẵng|Huế|Cần Thơ|Hải Phòng|Quảng Ninh|Seoul|Tokyo|Bắc Kinh|Paris|Berlin"
VI_TEMPLATES = (
    "Ngày {day}/{month}, tại {place}, {phrase} đã {w4} với sự tham gia của {n} đại biểu.",
    "Theo {w3}, {phrase} năm nay {w6} và {w5}.",
    "{Phrase} là {w4} quan trọng trong {w5} của {place}.",
    "Phát biểu tại {w3}, ông {w2} nhấn mạnh {phrase} cần {w6}.",
    "Bà {w2} cho biết, {w8}, góp phần {phrase}.",
    "Trong {n} tháng đầu năm, {w5} đạt {n} tỷ đồng, tăng {pct}% so với cùng kỳ.",
    "Sự kiện {w4} diễn ra tại {place} từ ngày {day} đến ngày {day2}/{month}.",
    "{W6}, {w7} và {phrase}.",
    "Đoàn công tác của {place} đã làm việc với {w4} về {phrase}.",
    "Các đại biểu thống nhất {w6} nhằm thúc đẩy {phrase} trong thời gian tới.",
)
EN_WORDS = (
    "the of and to in a is that for on with as by at from this be are was it an will have has which their "
    "government ministry embassy cooperation economic trade investment culture tourism community overseas "
    "vietnamese digital transformation conference province city delegation agreement minister president "
    "development sustainable growth export agriculture festival education science technology partnership "
    "official visit meeting forum program initiative policy public information portal news report press "
    "people country region international bilateral relations friendship exchange youth women business "
    "market infrastructure energy climate environment health security maritime border heritage museum "
    "university students scholarship language translation publication media television radio online"
).split()
EN_NAMES = "Hanoi|Ho Chi Minh City|Da Nang|Hue|Can Tho|Seoul|Tokyo|Beijing|Paris|Berlin|Canberra|Ottawa"
EN_TEMPLATES = (
    "On {month}/{day}, {place} hosted {w5} attended by {n} delegates.",
    "According to {w3}, {w6} grew by {pct} percent this year.",
    "The {w2} said that {w8} would strengthen {w3}.",
    "Speaking at {w3} in {place}, the minister stressed {w6}.",
    "{W7}, and {w5}.",
    "The event, held in {place} from {day} to {day2} {monthname}, featured {w6}.",
    "Both sides agreed to {w5} in the coming years.",
)
MONTHS = "January February March April May June July August September October November December".split()
ZH_WORDS = (
    "越南 合作 经济 文化 旅游 会议 中国 日本 韩国 发展 投资 政府 人民 国际 交流 河内 北京 大使馆 信息 对外".split()
)
JA_WORDS = "ベトナム 日本 東京 経済 協力 文化 観光 会議 大使館 ハノイ 政府 国際 交流 発展 投資 ニュース 情報".split()
JA_PARTICLES = "の は を に が で と した します から まで です ました".split()
KO_WORDS = "한국 베트남 협력 경제 문화 관광 서울 하노이 정부 국제 교류 발전 투자 대사관 정보 회의 한국어".split()
KO_PARTICLES = "은 는 이 가 을 를 에서 의 와 과 으로 에".split()
STATES = ("draft", "in_review", "approved", "packaged", "sent", "accepted", "returned")
STATE_WEIGHTS = (40, 15, 15, 5, 10, 12, 3)
GENRES = ("news", "feature", "report", "interview", "photo_story", "infographic")
GENRE_WEIGHTS = (55, 15, 15, 8, 5, 2)
SUBJECTS = (
    "politics", "economy", "culture", "tourism", "education", "diaspora", "environment", "science",
    "health", "sport", "defence", "maritime", "agriculture", "technology", "society", "law",
)  # fmt: skip
LANGUAGE_WEIGHTS = {"vi": 60, "en": 19, "zh": 7, "ja": 7, "ko": 7}
TRANSLATION_TARGETS = {"vi": ("en", "en", "en", "zh", "ja", "ko"), "en": ("vi",), "zh": ("vi",), "ja": ("vi",)}
TRANSLATION_TARGETS["ko"] = ("vi",)
SPAN = timedelta(days=730)
END = datetime(2026, 11, 27, tzinfo=UTC)


def vietnamese_syllables(rng: random.Random) -> list[str]:
    """Every onset x rhyme x tone, shuffled so the Zipf ranks fall on a random order."""
    syllables = sorted({unicodedata.normalize("NFC", _toned(o + r, t)) for o in ONSETS for r in RHYMES for t in TONES})
    rng.shuffle(syllables)
    return syllables


def _toned(syllable: str, tone: str) -> str:
    """Put the tone mark on the main vowel (the marked one, else the first of a closing pair, else the last)."""
    vowels = [n for n, c in enumerate(syllable) if c in "aăâeêioôơuưy"]
    if not vowels or not tone:
        return syllable
    marked = [n for n in vowels if syllable[n] in "ăâêôơư"]
    if marked:
        at = marked[-1]
    elif len(vowels) > 1 and vowels[-1] == len(syllable) - 1:
        at = vowels[-2]
    else:
        at = vowels[-1]
    return syllable[: at + 1] + tone + syllable[at + 1 :]


class Vocabulary:
    """Words drawn with a Zipf law (weight 1/rank), as in running text."""

    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self._rng = rng
        self.words = words
        self._cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))

    def take(self, count: int) -> list[str]:
        return self._rng.choices(self.words, cum_weights=self._cumulative, k=count)


@dataclass
class Languages:
    rng: random.Random
    vi: Vocabulary
    en: Vocabulary
    zh: Vocabulary
    ja: Vocabulary
    ko: Vocabulary

    @classmethod
    def build(cls, rng: random.Random) -> Languages:
        hanzi = [chr(code) for code in range(0x4E00, 0x9FA6)]
        rng.shuffle(hanzi)
        hangul = [chr(code) for code in range(0xAC00, 0xD7A4)]
        rng.shuffle(hangul)
        english = EN_WORDS + [_pseudo_word(rng) for _ in range(8000)]
        return cls(
            rng, Vocabulary(rng, vietnamese_syllables(rng)), Vocabulary(rng, english),
            Vocabulary(rng, hanzi[:4000]), Vocabulary(rng, hanzi[4000:7000]), Vocabulary(rng, hangul[:2500]),
        )  # fmt: skip

    def sentence(self, language: str) -> str:
        if language == "vi":
            return self._templated(VI_TEMPLATES, self.vi, VI_PHRASES, VI_PLACES.split("|"))
        if language == "en":
            return self._templated(EN_TEMPLATES, self.en, (), EN_NAMES.split("|"))
        if language == "zh":
            return self._cjk(self.zh, ZH_WORDS, (), "", "。")
        if language == "ja":
            return self._cjk(self.ja, JA_WORDS, JA_PARTICLES, "", "。")
        return self._korean()

    def words(self, language: str, count: int) -> str:
        """A run of ``count`` words (CJK: characters), for headlines."""
        if language in ("zh", "ja"):
            return self.sentence(language)[:count]
        if language == "ko":
            return self._korean()[: count * 2]
        vocabulary = self.vi if language == "vi" else self.en
        text = " ".join(vocabulary.take(count))
        return text[0].upper() + text[1:]

    def _templated(
        self, templates: tuple[str, ...], vocabulary: Vocabulary, phrases: tuple[str, ...], places: list[str]
    ) -> str:
        rng = self.rng
        slots = {f"w{n}": " ".join(vocabulary.take(rng.randint(max(1, n - 1), n + 2))) for n in range(2, 9)}
        phrase = rng.choice(phrases) if phrases else " ".join(vocabulary.take(3))
        values = {
            **slots, "phrase": phrase, "place": rng.choice(places), "n": rng.randint(2, 900),
            "pct": rng.randint(1, 60), "day": rng.randint(1, 28), "day2": rng.randint(1, 28),
            "month": rng.randint(1, 12), "monthname": rng.choice(MONTHS),
        }  # fmt: skip
        values |= {key.capitalize(): str(value)[:1].upper() + str(value)[1:] for key, value in values.items()}
        return rng.choice(templates).format(**values)

    def _cjk(self, vocabulary: Vocabulary, words: list[str], particles: list[str], space: str, stop: str) -> str:
        rng = self.rng
        pieces = []
        for _ in range(rng.randint(6, 14)):
            pieces.append(rng.choice(words) if rng.random() < 0.3 else "".join(vocabulary.take(rng.randint(1, 3))))
            if particles and rng.random() < 0.5:
                pieces.append(rng.choice(particles))
        return space.join(pieces) + stop

    def _korean(self) -> str:
        rng = self.rng
        words = []
        for _ in range(rng.randint(5, 10)):
            stem = rng.choice(KO_WORDS) if rng.random() < 0.3 else "".join(self.ko.take(rng.randint(2, 3)))
            words.append(stem + (rng.choice(KO_PARTICLES) if rng.random() < 0.6 else ""))
        return " ".join(words) + "."


def _pseudo_word(rng: random.Random) -> str:
    """Names and rarer words for the English long tail."""
    return "".join(rng.choice("bcdfghklmnprstvw") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def paragraph(languages: Languages, language: str, words: int) -> str:
    sentences: list[str] = []
    size = 0
    while size < words:
        sentences.append(languages.sentence(language))
        size += _size(sentences[-1], language)
    return " ".join(sentences) if language not in ("zh", "ja") else "".join(sentences)


def _size(text: str, language: str) -> int:
    return len(text) if language in ("zh", "ja") else len(text.split())


def generate(path: Path, articles: int = 50_000, seed: int = 11) -> dict[str, float]:
    """Create the store at ``path``; returns the seconds spent inserting rows and building the index."""
    rng = random.Random(seed)
    languages = Languages.build(rng)
    store = open_store(path)
    station_id = load_or_create_identity(store).station_id
    started = time.perf_counter()
    article_rows, block_rows = _rows(rng, languages, station_id, articles)
    generated = time.perf_counter()
    _insert(store, article_rows, block_rows)
    inserted = time.perf_counter()
    SearchIndex(store).rebuild()
    indexed = time.perf_counter()
    store.close()
    return {"generate_s": generated - started, "insert_s": inserted - generated, "index_s": indexed - inserted}


def _rows(rng: random.Random, languages: Languages, station_id: str, articles: int) -> tuple[list, list]:
    article_rows: list[tuple] = []
    block_rows: list[tuple] = []
    codes, weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)
    source: tuple | None = None
    while len(article_rows) < articles:
        translating = source is not None and len(article_rows) % 8 == 0
        language = rng.choice(TRANSLATION_TARGETS[source[5]]) if translating else rng.choices(codes, weights)[0]
        row, blocks = _article(rng, languages, station_id, language, source if translating else None)
        article_rows.append(row)
        block_rows += blocks
        source = None if translating else row
    return article_rows, block_rows


def _article(
    rng: random.Random, languages: Languages, station_id: str, language: str, source: tuple | None
) -> tuple[tuple, list[tuple]]:
    article_id = new_id()
    updated = END - SPAN * rng.random() ** 2  # more recent work than old
    created = timestamp(updated - timedelta(days=rng.random() * 20))
    total = rng.randint(300, 600)
    lead_words = rng.randint(25, 45)
    count = rng.randint(5, 9)
    blocks = [
        (article_id, new_id(), n, "paragraph", paragraph(languages, language, (total - lead_words) // count), "[]")
        for n in range(count)
    ]
    subjects = json.dumps(rng.sample(SUBJECTS, rng.randint(1, 3)))
    row = (
        article_id, station_id, created, timestamp(updated), rng.randint(1, 12), language,
        languages.words(language, rng.randint(8, 16)), "", paragraph(languages, language, lead_words),
        "Phóng viên" if language == "vi" else "Staff", rng.choice(VI_PLACES.split("|")),
        rng.choices(GENRES, GENRE_WEIGHTS)[0], rng.choices(STATES, STATE_WEIGHTS)[0],
        source[0] if source else None, source[0] if source else None, "forward" if source else None,
        subjects, "[]", "",
    )  # fmt: skip
    return row, blocks


def _insert(store: Store, article_rows: list[tuple], block_rows: list[tuple]) -> None:
    with store.transaction() as connection:
        connection.executemany(
            "INSERT INTO articles (id, station_id, created_at, updated_at, version, language, headline, subheadline, "
            "lead, byline, dateline, genre, state, translated_from, translation_id, direction, subjects, keywords, "
            "notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            article_rows,
        )
        connection.executemany(
            "INSERT INTO blocks (article_id, id, position, kind, text, marks) VALUES (?, ?, ?, ?, ?, ?)", block_rows
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    times = generate(args.out, args.articles, args.seed)
    print(args.out, {name: round(seconds, 1) for name, seconds in times.items()})


if __name__ == "__main__":
    main()
