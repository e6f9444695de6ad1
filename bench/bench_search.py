"""Full-text search and list filters on a generated 50,000-article store.

    python bench/bench_search.py [--articles 50000] [--rounds 3] [--store PATH]

Runs 230 varied queries (Vietnamese folded words common and rare, AND-ed words, quoted phrases,
typed with diacritics, English, one- and two-character Chinese, Japanese and Korean, some with a
language filter; and 20 as-you-type queries whose last word is a prefix) through
``SearchService.search`` (ranked page of 50 with snippets and highlight spans from the original
text) and, on the same database in the same run, through a raw FTS5
``SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY rank LIMIT 50`` given the
same MATCH expression. Prints p50/p95/max of both and their ratio, with and without the as-you-type
queries, then the article list's page times and whether each plan sorts.

``--store PATH`` reuses a store generated earlier (by this script or generate_search_store.py).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_search_store import (  # noqa: E402  (bench scripts run from a checkout)
    EN_WORDS,
    JA_WORDS,
    KO_WORDS,
    VI_PHRASES,
    ZH_WORDS,
    Languages,
    generate,
)

from workstation.editorial.search import SearchService  # noqa: E402
from workstation.language.folding import fold  # noqa: E402
from workstation.model import ArticleFilter  # noqa: E402
from workstation.storage.articles import ArticleRepository  # noqa: E402
from workstation.storage.search import match_expression  # noqa: E402
from workstation.storage.store import Store, open_store  # noqa: E402

RAW = "SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY rank LIMIT 50"
Query = tuple[str, str, str | None]  # kind, user query, language filter
AS_YOU_TYPE = "vi as-you-type"


def queries(seed: int = 5) -> list[Query]:
    """230 queries of twelve kinds, drawn from the generator's vocabularies (frequent and rare words)."""
    rng = random.Random(seed)
    vocab = Languages.build(random.Random(11))
    vi, en = vocab.vi.words, vocab.en.words
    phrases = [fold(phrase) for phrase in VI_PHRASES]
    found: list[Query] = []
    found += [("vi word, common", fold(word), None) for word in rng.sample(vi[:100], 20)]
    found += [("vi word, rare", fold(word), None) for word in rng.sample(vi[500:6000], 20)]
    found += [("vi words", f"{rng.choice(phrases)} {fold(rng.choice(vi[:300]))}", None) for _ in range(15)]
    found += [("vi words", " ".join(fold(word) for word in rng.sample(vi[:2000], 2)), None) for _ in range(15)]
    found += [("vi phrase", f'"{phrase}"', None) for phrase in rng.sample(phrases, 20)]
    found += [(AS_YOU_TYPE, _typing(rng, rng.choice(phrases)), None) for _ in range(20)]
    found += [("vi diacritics", rng.choice(VI_PHRASES), None) for _ in range(10)]
    found += [("en", word, None) for word in rng.sample(EN_WORDS, 10) + rng.sample(en[200:6000], 10)]
    found += [("en", f"{rng.choice(EN_WORDS)} {rng.choice(EN_WORDS)}", None) for _ in range(10)]
    found += [("zh 1 char", word[0], None) for word in rng.sample(ZH_WORDS, 5)]
    found += [("zh 1 char", char, None) for char in rng.sample(vocab.zh.words[:1500], 5)]
    found += [("zh 2 chars", word[:2], None) for word in rng.sample(ZH_WORDS, 10)]
    found += [("ja 1-2 chars", word[:2], None) for word in rng.sample(JA_WORDS, 10)]
    found += [("ja 1-2 chars", word[-1], None) for word in rng.sample(JA_WORDS, 5)]
    found += [("ja 1-2 chars", char, None) for char in rng.sample(vocab.ja.words[:1000], 5)]
    found += [("ko syllables", word[:2], None) for word in rng.sample(KO_WORDS, 10)]
    found += [("ko syllables", char, None) for char in rng.sample(vocab.ko.words[:1500], 10)]
    found += [("language filter", fold(rng.choice(VI_PHRASES)), rng.choice(["vi", "en"])) for _ in range(10)]
    found += [("language filter", rng.choice(ZH_WORDS)[:2], "zh") for _ in range(5)]
    found += [("language filter", rng.choice(EN_WORDS), "en") for _ in range(5)]
    return found


def _typing(rng: random.Random, phrase: str) -> str:
    """The search box at some keystroke while typing ``phrase``."""
    words = phrase.split()
    last = words[-1]
    return " ".join([*words[:-1], last[: rng.randint(1, len(last))]])


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Timings:
    ours: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def select(self, keep: Callable[[str], bool]) -> tuple[list[float], list[float]]:
        chosen = [n for n, kind in enumerate(self.kinds) if keep(kind)]
        return [self.ours[n] for n in chosen], [self.raw[n] for n in chosen]


def run_queries(store_path: Path, rounds: int) -> None:
    store = open_store(store_path)
    service = SearchService(store)
    raw = sqlite3.connect(store_path)  # a plain connection: nothing of ours between the query and FTS5
    asked = queries()
    calls = [(kind, *_pair(service, raw, query, language, kind == AS_YOU_TYPE)) for kind, query, language in asked]
    for _, ours, baseline in calls:  # warm the page cache for both
        ours(), baseline()
    timings = Timings()
    for round_number in range(rounds):
        for n, (kind, ours, baseline) in enumerate(calls):
            if (n + round_number) % 2:  # alternate which goes first
                raw_ms, ours_ms = timed(baseline), timed(ours)
            else:
                ours_ms, raw_ms = timed(ours), timed(baseline)
            timings.ours.append(ours_ms)
            timings.raw.append(raw_ms)
            timings.kinds.append(kind)
    hits = sum(1 for _, ours, _ in calls if ours())
    print(f"\n{len(asked)} queries x {rounds} rounds ({hits} of {len(asked)} find something)")
    _print_search(timings)
    raw.close()
    _lists(store)
    store.close()


def _pair(
    service: SearchService, raw: sqlite3.Connection, query: str, language: str | None, as_you_type: bool
) -> tuple[Callable[[], list], Callable[[], list]]:
    match = match_expression(query, language, as_you_type)
    return (
        lambda: service.search(query, language, as_you_type=as_you_type),
        lambda: raw.execute(RAW, (match,)).fetchall(),
    )


def _print_search(timings: Timings) -> None:
    print(f"{'':52}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, keep in (
        ("all queries", lambda kind: True),
        ("without as-you-type", lambda kind: kind != AS_YOU_TYPE),
        ("as-you-type only", lambda kind: kind == AS_YOU_TYPE),
    ):
        ours, baseline = timings.select(keep)
        print(f"{label}:")
        print(f"  {'SearchService.search (page of 50, snippets)':50}{_stats(ours)}")
        print(f"  {'raw FTS5 MATCH ? ORDER BY rank LIMIT 50':50}{_stats(baseline)}")
        print(
            f"  ratio ours / raw: p50 {percentile(ours, 0.5) / percentile(baseline, 0.5):.2f}x, "
            f"p95 {percentile(ours, 0.95) / percentile(baseline, 0.95):.2f}x"
        )
    print(f"\nby kind of query (ours | raw){'':23}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in dict.fromkeys(timings.kinds):
        ours, baseline = timings.select(lambda other, kind=kind: other == kind)
        print(f"  {kind:50}{_stats(ours)}  |{_stats(baseline)}")


def _stats(values: list[float]) -> str:
    return f"{percentile(values, 0.5):9.2f}{percentile(values, 0.95):9.2f}{max(values):9.2f}"


LIST_CASES: list[tuple[str, ArticleFilter, int]] = [
    ("sources, page 1", ArticleFilter(), 0),
    ("sources, offset 20,000", ArticleFilter(), 20_000),
    ("all, page 1", ArticleFilter(translations=None), 0),
    ("state in_review, page 1", ArticleFilter(states=frozenset({"in_review"})), 0),
    ("state returned, offset 500", ArticleFilter(states=frozenset({"returned"})), 500),
    ("states approved+packaged, page 1", ArticleFilter(states=frozenset({"approved", "packaged"})), 0),
    ("language ja, page 1", ArticleFilter(language="ja"), 0),
    ("language ja, offset 2,000", ArticleFilter(language="ja"), 2_000),
    ("genre interview, page 1", ArticleFilter(genre="interview"), 0),
    ("subject maritime, page 1", ArticleFilter(subject="maritime"), 0),
    ("updated in March 2026, page 1", ArticleFilter(updated_from="2026-03-01", updated_to="2026-03-31"), 0),
    ("returned + ko + news, page 1", ArticleFilter(states=frozenset({"returned"}), language="ko", genre="news"), 0),
]


def _lists(store: Store) -> None:
    articles = ArticleRepository(store)
    print(f"\narticle list (page of 100, newest first){'':6}{'page ms':>9}{'count ms':>9}{'rows':>8}  plan")
    for label, article_filter, offset in LIST_CASES:
        page = min(timed(lambda f=article_filter, o=offset: articles.summaries(100, o, filter=f)) for _ in range(5))
        counting = min(timed(lambda f=article_filter: articles.count(filter=f)) for _ in range(3))
        rows = articles.count(filter=article_filter)
        print(f"  {label:44}{page:9.2f}{counting:9.2f}{rows:8}  {_plan(store, article_filter)}")


def _plan(store: Store, article_filter: ArticleFilter) -> str:
    from workstation.storage.articles import _where

    where, params = _where(article_filter)
    plan = store.query(
        f"EXPLAIN QUERY PLAN SELECT a.id FROM articles a {where} ORDER BY a.updated_at DESC, a.id DESC LIMIT 100",
        params,
    )
    details = " | ".join(row["detail"] for row in plan)
    return ("SORTS: " if "TEMP B-TREE" in details else "") + details.replace("SEARCH a USING ", "")


def compare_trigram(store_path: Path) -> None:
    """The alternative: a trigram index of the CJK articles, scanning for one and two characters."""
    connection = sqlite3.connect(store_path)
    connection.execute("ATTACH ':memory:' AS scratch")  # the store is left as it was
    connection.execute("CREATE VIRTUAL TABLE scratch.trigram USING fts5(text, tokenize = 'trigram')")
    started = time.perf_counter()
    connection.execute(
        "INSERT INTO scratch.trigram (rowid, text) SELECT a.rowid, a.headline || char(10) || a.lead || char(10) || "
        "(SELECT group_concat(text, char(10)) FROM blocks WHERE article_id = a.id) FROM articles a "
        "WHERE a.language IN ('zh', 'ja', 'ko')"
    )
    built = time.perf_counter() - started
    size = connection.execute("SELECT sum(length(block)) FROM scratch.trigram_data").fetchone()[0]
    ours_size = connection.execute("SELECT sum(length(block)) FROM article_search_data").fetchone()[0]
    articles = connection.execute("SELECT count(*) FROM scratch.trigram").fetchone()[0]
    cjk = [query for kind, query, _ in queries() if kind.startswith(("zh", "ja", "ko"))]
    cjk += ["越南和", "日本の", "한국어", "経済協力", "会議が開"]
    print(f"\ntrigram index of the {articles:,} CJK articles: {size / 1e6:.1f} MB, built in {built:.1f} s")
    print(f"(the one unicode61 index of all articles: {ours_size / 1e6:.1f} MB)")
    print(f"p50 ms{'':24}{'ours page':>11}{'trigram page':>14}{'ours count':>12}{'trigram count':>15}")
    for length, label in ((1, "1 char (scan)"), (2, "2 chars (scan)"), (3, "3+ chars (MATCH)")):
        chosen = [query for query in cjk if (len(query) >= 3 if length == 3 else len(query) == length)]
        figures = [
            percentile([timed(lambda q=q, m=make: connection.execute(*m(q)).fetchall()) for q in chosen], 0.5)
            for make in (_ours_page, _trigram_page, _ours_count, _trigram_count)
        ]
        print(f"  {label:28}" + "".join(f"{f:{w}.2f}" for f, w in zip(figures, (11, 14, 12, 15), strict=True)))
    connection.close()


def _ours_page(query: str) -> tuple[str, tuple[str | None]]:
    return RAW, (match_expression(query),)


def _ours_count(query: str) -> tuple[str, tuple[str | None]]:
    return "SELECT count(*) FROM article_search WHERE article_search MATCH ?", (match_expression(query),)


def _trigram_page(query: str) -> tuple[str, tuple[str]]:
    # Shorter than three characters, the trigram tokenizer finds nothing (SQLite 3.40 answers a LIKE
    # with no rows): the fallback scans the text, and stops at the first 50 (unranked).
    if len(query) < 3:
        return "SELECT rowid FROM scratch.trigram WHERE instr(text, ?) > 0 LIMIT 50", (query,)
    return "SELECT rowid FROM scratch.trigram WHERE trigram MATCH ? ORDER BY rank LIMIT 50", (f'"{query}"',)


def _trigram_count(query: str) -> tuple[str, tuple[str]]:
    if len(query) < 3:
        return "SELECT count(*) FROM scratch.trigram WHERE instr(text, ?) > 0", (query,)
    return "SELECT count(*) FROM scratch.trigram WHERE trigram MATCH ?", (f'"{query}"',)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--trigram", action="store_true", help="also measure the trigram alternative for CJK")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store_path = args.store or Path(folder) / "workspace.db"
        if not store_path.exists():
            print(f"generating {args.articles:,} articles ...", flush=True)
            times = generate(store_path, args.articles)
            print(", ".join(f"{name} {seconds:.1f}" for name, seconds in times.items()))
        size = sum(path.stat().st_size for path in store_path.parent.glob(store_path.name + "*"))
        print(f"store {store_path.name}: {size / 1e6:.0f} MB (with WAL)")
        run_queries(store_path, args.rounds)
        if args.trigram:
            compare_trigram(store_path)


if __name__ == "__main__":
    main()
