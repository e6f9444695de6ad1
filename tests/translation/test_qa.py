"""QA checks: a planted error of each kind is caught with its code and a message naming it; clean
translations (vi→en, vi→zh) flag nothing; numbers and dates are compared as values per language."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from workstation.model import Segment
from workstation.translation.qa import ERROR, SEVERITY, WARNING, QaIssue, check_segment, check_translation


@dataclass(frozen=True)
class Hit:
    source_term: str
    target_terms: list[str]
    forbidden: list[str] = field(default_factory=list)
    note: str = ""


GLOSSARY = {
    "en": {
        "Bộ Ngoại giao": (["Ministry of Foreign Affairs"], ["Foreign Ministry"]),
        "Hàn Quốc": (["Republic of Korea", "Korea"], ["South Korea"]),
        "Đảng Cộng sản Việt Nam": (["Communist Party of Viet Nam"], ["Communist Party", "Vietnamese Communist Party"]),
    },
    "zh": {"Bộ Ngoại giao": (["外交部"], ["外务部"]), "Hàn Quốc": (["韩国"], ["南韩"])},
}


def hits_for(target_lang: str):
    """A stand-in for Glossary.hits: every glossary term found in the source, whatever its case."""

    def hits(source: str) -> list[Hit]:
        return [
            Hit(term, approved, forbidden)
            for term, (approved, forbidden) in GLOSSARY[target_lang].items()
            if term.casefold() in source.casefold()
        ]

    return hits


def segment(source: str, target: str, address: str = "p1#0", position: int = 0) -> Segment:
    return Segment(address, position, address.split("#")[0], source, "hash", target_text=target)


def check(source: str, target: str, source_lang: str = "vi", target_lang: str = "en") -> list[QaIssue]:
    hits = hits_for(target_lang)(source) if target_lang in GLOSSARY and source_lang == "vi" else []
    return check_segment(segment(source, target), source_lang, target_lang, hits)


def codes(source: str, target: str, source_lang: str = "vi", target_lang: str = "en") -> list[str]:
    return [issue.code for issue in check(source, target, source_lang, target_lang)]


def only(source: str, target: str, code: str, source_lang: str = "vi", target_lang: str = "en") -> QaIssue:
    issues = check(source, target, source_lang, target_lang)
    assert [issue.code for issue in issues] == [code], issues
    return issues[0]


# --- clean translations ---------------------------------------------------------------------------

CLEAN = [
    # (source, English, Chinese)
    (
        "Đà Nẵng quảng bá du lịch tại Hàn Quốc",
        "Da Nang promotes tourism in the Republic of Korea",
        "岘港在韩国推介旅游",
    ),
    (
        "Ngày 12/10/2023, thành phố Đà Nẵng tổ chức hội nghị xúc tiến du lịch tại Seoul.",
        "On October 12, 2023, Da Nang held a tourism promotion conference in Seoul.",
        "2023年10月12日，岘港市在首尔举办旅游推介会。",
    ),
    (
        "Hơn 3.000 khách và 200 doanh nghiệp tham dự.",
        "More than 3,000 visitors and 200 businesses attended.",
        "3,000多名游客和200家企业出席。",
    ),
    (
        "Lượng khách Hàn Quốc đến Đà Nẵng tăng 12,5% trong 9 tháng đầu năm.",
        "Arrivals from Korea in Da Nang rose 12.5% in the first nine months of the year.",
        "前9个月，赴岘港的韩国游客增长12.5%。",
    ),
    (
        "Thứ trưởng <b1>Bộ Ngoại giao</b1> phát biểu tại <a2>lễ khai mạc</a2> lúc 20h30.",
        "A Deputy Minister of the <b1>Ministry of Foreign Affairs</b1> spoke at the <a2>opening ceremony</a2> "
        "at 8:30 p.m.",
        "<b1>外交部</b1>副部长于20时30分在<a2>开幕式</a2>上致辞。",
    ),
    (
        "Hội nghị triển khai Kết luận 57-KL/TW của Bộ Chính trị.",
        "The conference implements Conclusion 57-KL/TW of the Politburo.",
        "会议落实政治局第57-KL/TW号结论。",
    ),
    ("Sự kiện kéo dài ba ngày.", "The event lasted three days.", "活动为期三天。"),
    ("Ông nói: “Chúng tôi sẵn sàng hợp tác.”", "He said: “We are ready to cooperate.”", "他说：“我们愿意合作。”"),
    ("Vốn đầu tư có đạt 3,5 tỷ USD?", "Will investment reach 3.5 billion USD?", "投资能否达到35亿美元？"),
    ("Sự kiện kéo dài ba ngày.", "The event lasted three days.", "活动为期三天。"),
    ("Ảnh: TTXVN", "Photo: VNA", "图：越通社"),
    (
        "Dự kiến khoảng 1,2 triệu lượt khách trong năm 2024 (tăng 15-20%).",
        "About 1.2 million arrivals are expected in 2024 (up 15-20%).",
        "预计2024年接待游客约120万人次（增长15-20%）。",
    ),
]


def clean_segments(column: int) -> list[Segment]:
    return [segment(row[0], row[column], f"p{i}#0", i) for i, row in enumerate(CLEAN)]


@pytest.mark.parametrize(("target_lang", "column"), [("en", 1), ("zh", 2)])
def test_a_clean_translation_flags_nothing(target_lang: str, column: int) -> None:
    assert check_translation(clean_segments(column), "vi", target_lang, hits_for(target_lang)) == []


def test_a_clean_backward_translation_flags_nothing() -> None:
    segments = [segment(row[1], row[0], f"p{i}#0", i) for i, row in enumerate(CLEAN) if "<" not in row[0]]
    assert check_translation(segments, "en", "vi") == []


# --- one planted error of each kind -----------------------------------------------------------------


def test_untranslated_is_an_error() -> None:
    issue = only("Hơn 200 doanh nghiệp tham dự.", "", "untranslated")
    assert issue.severity == ERROR and issue.message == "not translated"
    assert issue.source_excerpt == "Hơn 200 doanh nghiệp tham dự."
    assert check_segment(segment("", ""), "vi", "en") == []


def test_same_as_source_is_a_warning_unless_nothing_needs_translating() -> None:
    issue = only("Đoàn công tác gặp gỡ các hãng lữ hành.", "Đoàn công tác gặp gỡ các hãng lữ hành.", "same-as-source")
    assert issue.severity == WARNING
    for text in ("57-KL/TW", "2023", "https://dangcongsan.vn", "ASEAN", "Nguyễn Văn A", "12/10/2023"):
        assert codes(text, text) == [], text


def test_a_changed_number_is_an_error_naming_both() -> None:
    issue = only("Hơn 200 doanh nghiệp tham dự.", "More than 300 businesses attended.", "number-missing")
    assert issue.severity == ERROR
    assert issue.message == "200 is not in the target (the target has 300)"


def test_a_dropped_percentage_and_time() -> None:
    assert only("Tăng 12,5%.", "It rose.", "number-missing").message == "12,5% is not in the target"
    issue = only("Khai mạc lúc 20h30.", "The opening was at 9:30 p.m.", "number-missing")
    assert issue.message == "the time 20h30 is not in the target (the target has the time 9:30 p.m.)"
    assert "number-missing" in codes("Tăng 12,5%.", "Up 12.5.")  # the percentage is lost


def test_a_swapped_day_and_month_is_an_error() -> None:
    issue = only("Ngày 12/10/2023, hội nghị khai mạc.", "On December 10, 2023, the conference opened.", "date-missing")
    assert issue.severity == ERROR
    assert issue.message == (
        "the date 12/10/2023 (12 October 2023) is not in the target (the target has December 10, 2023)"
    )


def test_a_number_in_the_source_convention_is_a_format_error() -> None:
    issue = only("Hơn 3.000 khách.", "More than 3.000 visitors.", "number-format")
    assert issue.severity == ERROR
    assert issue.message == "“3.000” reads as 3 in English: write 3,000"
    assert only("Tăng 12,5%.", "Up 12,5%.", "number-format").message == (
        "“12,5%” is not how English writes numbers: write 12.5%"
    )


def test_a_document_number_must_be_copied_as_written() -> None:
    issue = only("Triển khai Kết luận 57-KL/TW.", "Implementing Conclusion 57/KL-TW.", "reference-changed")
    assert issue.severity == ERROR
    assert issue.message.startswith("57-KL/TW is not in the target as written")
    assert "(the target has 57/KL-TW)" in issue.message
    assert codes("Theo Nghị định 24/2023/NĐ-CP.", "Under Decree 24/2023/ND-CP.") == []
    assert codes("Theo Quyết định 123/QĐ-TTg.", "Under Decision 123/QD-TTg.") == []
    assert codes("Kết luận 57-KL/TW.", "Conclusion 57-KL/TW.") == []


def test_an_added_number_is_a_warning() -> None:
    issue = only("Hơn 200 doanh nghiệp tham dự.", "More than 200 businesses attended in 2023.", "number-extra")
    assert issue.severity == WARNING and issue.message == "2023 is in the target but not in the source"


def test_a_letter_and_digit_name_left_out_is_a_warning() -> None:
    issue = only("Dịch COVID-19 đã được kiểm soát.", "The pandemic is under control.", "code-missing")
    assert issue.severity == WARNING and issue.message == "COVID-19 is not in the target"
    assert codes("Dịch COVID-19 đã được kiểm soát.", "The Covid-19 pandemic is under control.") == []


def test_a_forbidden_glossary_variant_is_an_error() -> None:
    issue = only("Bộ Ngoại giao ra thông cáo.", "The Foreign Ministry issued a statement.", "glossary-forbidden")
    assert issue.severity == ERROR
    assert issue.message == (
        "“Foreign Ministry” is a forbidden variant for “Bộ Ngoại giao” (use “Ministry of Foreign Affairs”)"
    )


def test_an_approved_term_containing_a_forbidden_one_is_not_a_forbidden_use() -> None:
    source = "Đảng Cộng sản Việt Nam được thành lập năm 1930."
    assert codes(source, "The Communist Party of Viet Nam was founded in 1930.") == []
    assert codes(source, "The Communist Party was founded in 1930.") == ["glossary-forbidden"]


def test_a_glossary_term_not_translated_as_approved_is_a_warning() -> None:
    issue = only("Bộ Ngoại giao ra thông cáo.", "The ministry issued a statement.", "glossary-missing")
    assert issue.severity == WARNING
    assert issue.message == "“Bộ Ngoại giao” should be translated as “Ministry of Foreign Affairs”"
    assert codes("Bộ Ngoại giao ra thông cáo.", "The MINISTRY OF FOREIGN AFFAIRS issued a statement.") == []
    assert codes("Bộ Ngoại giao ra thông cáo.", "外交部发表声明。", target_lang="zh") == []


def test_formatting_tags() -> None:
    source = "Đại sứ <b1>Nguyễn Văn A</b1> dự <a2>lễ khai mạc</a2>."
    missing = only(source, "Ambassador Nguyen Van A attended the <a2>opening ceremony</a2>.", "tag-missing")
    assert missing.severity == ERROR
    assert missing.message == "<b1> (bold), </b1> (bold) missing: the formatting would be lost"
    extra = only(source, "Ambassador <b1>Nguyen Van A</b1> <i3>attended</i3> the <a2>opening</a2>.", "tag-extra")
    assert extra.message == "<i3> (italic), </i3> (italic) not in the source"
    broken = only(source, "Ambassador </b1>Nguyen Van A<b1> attended the <a2>opening</a2>.", "tag-unbalanced")
    assert broken.severity == ERROR and broken.message.startswith("<b1>…</b1> closed before opening or around nothing")
    assert codes(source, "Ambassador <b1></b1>Nguyen Van A attended the <a2>opening</a2>.") == ["tag-unbalanced"]
    # Sibling tags in another order follow the words: not flagged.
    assert codes(source, "The <a2>opening ceremony</a2> was attended by Ambassador <b1>Nguyen Van A</b1>.") == []


def test_changed_nesting_is_a_warning() -> None:
    source = "Ông <b1>Nguyễn <i2>Văn</i2> A</b1> phát biểu."
    issue = only(source, "Mr <b1>Nguyen</b1> <i2>Van</i2> A spoke.", "tag-nesting")
    assert issue.severity == WARNING
    assert codes(source, "Mr <b1>Nguyen <i2>Van</b1> A</i2> spoke.") == ["tag-nesting"]
    assert codes(source, "Mr <b1>Nguyen <i2>Van</i2> A</b1> spoke.") == []


def test_punctuation_and_spacing() -> None:
    source = "Đoàn công tác gặp gỡ các hãng lữ hành lớn."
    assert only(source, "The delegation met  major travel firms.", "double-space").message == (
        "two spaces in a row after “met”"
    )
    assert only(source, "The delegation met major travel firms .", "space-before-punctuation").message == (
        "a space before “.” after “firms”"
    )
    assert only(source, "The delegation met major travel firms!", "end-punctuation").message == (
        "the source ends with period, the target with exclamation mark"
    )
    assert only(source, "The delegation met major travel firms", "end-punctuation").severity == WARNING
    assert only(source, "The delegation (of Da Nang met major travel firms.", "unbalanced-brackets").message == (
        "the target's brackets do not pair up as the source's do"
    )
    assert only(source, "The delegation met “major travel firms.", "unbalanced-brackets").severity == WARNING
    assert only(source, "代表团会见了大型旅行社 。", "space-before-punctuation", target_lang="zh").message == (
        "a space before “。” after “代表团会见了大型旅行社”"
    )
    # A quotation spanning sentences is open in the source too; the ellipsis style is free.
    assert codes("Ông nói: “Chúng tôi sẵn sàng.", 'He said: "We are ready.') == []
    assert codes("Chúng tôi sẵn sàng…", "We are ready...") == []


def test_length_far_outside_the_pairs_band_is_a_warning() -> None:
    source = "Đoàn công tác đã gặp gỡ các hãng lữ hành lớn tại thủ đô Seoul."
    issue = only(source, "The delegation met firms.", "length-ratio")
    assert issue.severity == WARNING
    assert issue.message == (
        "the target is 0.40× the source's length, shorter than usual for vi→en (0.50–2.00): "
        "something left out or added?"
    )
    assert codes(source, "The delegation met major travel firms in the capital, Seoul.") == []
    # Chinese runs about a third of the length: a Latin-length "translation" is suspect.
    long_zh = (
        "代表团在首尔会见了韩国各大旅行社的代表，并就双方旅游合作的具体措施、市场推广以及航线开通等问题深入交换了意见。"
    )
    assert codes(source, long_zh, target_lang="zh") == ["length-ratio"]
    assert codes("Hội nghị.", "The conference was held in the capital city of the country.") == []  # too short


def test_one_source_translated_two_ways_warns_on_each() -> None:
    segments = [
        segment("Sự kiện kéo dài ba ngày.", "The event lasted three days.", "p1#0", 0),
        segment("Đây là câu khác.", "This is another sentence.", "p2#0", 1),
        segment("Sự kiện kéo dài ba ngày.", "The event went on for three days.", "p3#0", 2),
    ]
    issues = check_translation(segments, "vi", "en")
    assert [(i.address, i.code, i.severity) for i in issues] == [
        ("p1#0", "inconsistent", WARNING),
        ("p3#0", "inconsistent", WARNING),
    ]
    assert (
        issues[0].message == "the same source is translated differently: p3#0 has “The event went on for three days.”"
    )


def test_issues_come_in_segment_order_errors_first_with_fingerprints() -> None:
    segments = [
        segment("Hơn 200 doanh nghiệp tham dự", "More than 300 businesses attended.", "p1#0", 0),
        segment("Câu hai.", "", "p2#0", 1),
    ]
    issues = check_translation(segments, "vi", "en")
    assert [(i.address, i.code) for i in issues] == [
        ("p1#0", "number-missing"),
        ("p1#0", "end-punctuation"),
        ("p2#0", "untranslated"),
    ]
    assert all(issue.severity == SEVERITY[issue.code] for issue in issues)
    changed = check_translation([segment("Câu hai.", "Sentence", "p2#0")], "vi", "en")
    assert issues[0].fingerprint and changed[0].fingerprint != issues[1].fingerprint


# --- numbers read per language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "source_lang", "target_lang", "expected"),
    [
        ("3.000 khách", "3,000 visitors", "vi", "en", []),
        ("3.000 khách", "3000 visitors", "vi", "en", []),
        ("3.000 khách", "3.000 visitors", "vi", "en", ["number-format"]),
        ("12,5% khách", "12.5% of visitors", "vi", "en", []),
        ("12,5% khách", "12.5 percent of visitors", "vi", "en", []),
        ("dài 12,5 km", "12,5 km long", "vi", "en", ["number-format"]),
        ("dài 12,5 km", "12.5 km long", "vi", "en", []),
        ("3,000 visitors", "3.000 khách", "en", "vi", []),
        ("3,000 visitors", "3,000 khách", "en", "vi", ["number-format"]),
        ("12.5% growth", "tăng 12,5%", "en", "vi", []),
        ("12.5% growth", "tăng 12.5%", "en", "vi", ["number-format"]),
        ("3.000 khách", "游客3,000人", "vi", "zh", []),
        ("3.000 khách", "游客３０００人", "vi", "zh", []),  # full-width digits
        ("12,5%", "１２．５％", "vi", "ja", []),
        ("200 triệu USD", "200 million USD", "vi", "en", []),
        ("200 triệu USD", "2亿美元", "vi", "zh", []),
        ("3,5 tỷ USD", "35억 달러", "vi", "ko", []),
        ("35 nghìn người", "35,000 people", "vi", "en", []),
        ("3万5千人", "35,000 people", "zh", "en", []),
        ("200 triệu USD", "200 USD", "vi", "en", ["number-missing"]),
        ("kéo dài 3 ngày", "lasted three days", "vi", "en", []),
        ("kéo dài 3 ngày", "持续三天", "vi", "zh", []),
        ("kéo dài ba ngày", "lasted 3 days", "vi", "en", []),
        ("chiếm 2/3 số phiếu", "two-thirds of the votes", "vi", "en", []),
        ("chiếm 2/3 số phiếu", "三分之二的选票", "vi", "zh", []),
        ("tăng 10-12%", "up 10% to 12%", "vi", "en", []),
        ("trong 48 giờ", "within 48 hours", "vi", "en", []),
        ("lúc 8 giờ sáng", "at 8 a.m.", "vi", "en", []),
        ("lúc 8 giờ sáng", "午前8時に", "vi", "ja", []),
        ("Điều 3 của luật", "제3조", "vi", "ko", []),  # 조 after 제 is "Article", not a trillion
        ("phiên bản 1.2.3", "version 1.2.3", "vi", "en", []),
        ("khóa XIII", "the 13th Central Committee", "vi", "en", []),  # Roman numerals answer numbers
        ("the 13th Congress", "Đại hội XIII", "en", "vi", []),
        ("the 13th Congress", "Đại hội XII", "en", "vi", ["number-missing"]),
        ("quý III tăng 5,33%", "第3四半期は5.33％増", "vi", "ja", []),
    ],
)
def test_numbers_are_compared_as_values(source, target, source_lang, target_lang, expected) -> None:
    found = [c for c in codes(source, target, source_lang, target_lang) if c not in ("end-punctuation",)]
    assert found == expected


@pytest.mark.parametrize(
    ("target", "target_lang"),
    [
        ("On 12 October 2023, the fair opened.", "en"),
        ("On October 12, 2023, the fair opened.", "en"),
        ("On the 12th of October 2023, the fair opened.", "en"),
        ("On 2023-10-12, the fair opened.", "en"),
        ("On 12/10/2023, the fair opened.", "en"),  # British order
        ("2023年10月12日，博览会开幕。", "zh"),
        ("2023年10月12日、見本市が開幕した。", "ja"),
        ("2023년 10월 12일 박람회가 개막했다.", "ko"),
    ],
)
def test_dates_are_compared_as_dates(target: str, target_lang: str) -> None:
    assert [c for c in codes("Ngày 12/10/2023, hội chợ khai mạc.", target, "vi", target_lang)] == []


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("Ngày 12/10, hội chợ khai mạc.", "On October 12, 2023, the fair opened.", []),  # the year may be added
        ("Ngày 12/10/2023, hội chợ khai mạc.", "On October 12, the fair opened.", ["date-missing"]),  # not dropped
        ("Ngày 12/10, hội chợ khai mạc.", "On October 21, the fair opened.", ["date-missing"]),
        ("Từ 10-12/10, hội chợ diễn ra.", "From October 10-12, the fair takes place.", []),
        ("Ngày 12 và 13/10, hội chợ diễn ra.", "On October 12 and 13, the fair takes place.", []),
        ("Ngày 12 tháng 10 năm 2023, hội chợ khai mạc.", "On 12 October 2023, the fair opened.", []),
        ("Tháng 10/2023, hội chợ khai mạc.", "In October 2023, the fair opened.", []),
        ("Tháng 10/2023, hội chợ khai mạc.", "In November 2023, the fair opened.", ["date-missing"]),
        ("Vào tháng 10, hội chợ khai mạc.", "In October, the fair opened.", []),
        ("Trong 2 ngày 8 - 9/5, đoàn làm việc tại Lào Cai.", "On May 8-9, the delegation worked in Lao Cai.", []),
        (
            "Trong 3 ngày 8 - 9/5, đoàn làm việc tại Lào Cai.",
            "On May 8-9, the delegation worked in Lao Cai.",
            ["number-missing"],
        ),
        ("Hội nghị diễn ra từ ngày 15 đến 17/6/2023.", "The conference took place from June 15 to 17, 2023.", []),
    ],
)
def test_date_forms(source: str, target: str, expected: list[str]) -> None:
    assert codes(source, target) == expected


def test_dates_between_cjk_and_vietnamese() -> None:
    assert codes("会议于2023年6月15日至17日举行。", "Hội nghị diễn ra từ ngày 15 đến 17/6/2023.", "zh", "vi") == []
    assert codes("수출액은 3555억 달러에 달했다.", "Kim ngạch xuất khẩu đạt 355,5 tỷ USD.", "ko", "vi") == []
    assert (
        codes("8월 20일 오후 2시 30분에 서명식이 열렸다.", "Lễ ký kết diễn ra lúc 14h30 ngày 20/8.", "ko", "vi") == []
    )


def test_a_missing_date_names_its_reading() -> None:
    issue = only("Ngày 12/10, hội chợ khai mạc.", "On October 21, the fair opened.", "date-missing")
    assert issue.message == "the date 12/10 (12 October) is not in the target (the target has October 21)"


def test_every_code_has_a_severity_and_errors_are_the_blocking_kinds() -> None:
    assert {code for code, severity in SEVERITY.items() if severity == ERROR} == {
        "untranslated",
        "number-missing",
        "date-missing",
        "number-format",
        "reference-changed",
        "glossary-forbidden",
        "tag-missing",
        "tag-extra",
        "tag-unbalanced",
    }
