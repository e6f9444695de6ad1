"""Searching articles and translations through the service: hits, snippets and highlights."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import replace

import pytest

from workstation.editorial.search import SearchService, snippet

LEAD = "Ngày 12/10, Ban Tuyên giáo Trung ương của Đảng khai trương cổng thông tin đối ngoại mới."


@pytest.fixture
def search(services) -> SearchService:
    return SearchService(services.store)


@pytest.fixture
def portal(services):
    return services.editorial.create_article(
        "vi", "Ra mắt Cổng thông tin đối ngoại", lead=LEAD, paragraphs=["Hơn 200 đại biểu tham dự."]
    )


def test_vietnamese_without_diacritics_finds_and_highlights_the_original(search, portal) -> None:
    [hit] = search.search("cong thong tin doi ngoai")
    assert (hit.id, hit.language, hit.headline, hit.is_translation) == (portal.id, "vi", portal.headline, False)
    assert hit.part == "lead"
    assert hit.snippet == LEAD
    assert [hit.snippet[start:end] for start, end in hit.spans] == ["cổng thông tin đối ngoại"]
    assert hit.highlighted("«", "»").endswith("khai trương «cổng thông tin đối ngoại» mới.")
    assert [hit.headline[start:end] for start, end in hit.headline_spans] == ["Cổng thông tin đối ngoại"]
    assert search.count("cong thong tin doi ngoai") == 1


@pytest.mark.parametrize("query", ["dang", "ĐẢNG", "Đảng", unicodedata.normalize("NFD", "Đảng")])
def test_d_with_stroke_and_case_fold_both_ways(search, portal, query: str) -> None:
    [hit] = search.search(query)
    assert [hit.snippet[start:end] for start, end in hit.spans] == ["Đảng"]


def test_the_snippet_comes_from_the_part_matching_most_words(search, portal) -> None:
    [hit] = search.search("dai bieu tham du")
    assert hit.part != "lead"
    assert hit.highlighted("[", "]") == "Hơn 200 [đại biểu tham dự]."


def test_a_match_in_the_headline_only_shows_the_start_of_the_text(search, portal) -> None:
    [hit] = search.search("ra mat")
    assert hit.spans == ()
    assert hit.snippet.startswith("Ngày 12/10")
    assert [hit.headline[start:end] for start, end in hit.headline_spans] == ["Ra mắt"]


def test_translations_are_found_with_their_source(services, search, portal) -> None:
    translation = services.translations.create(portal.id, "zh")
    blocks = [replace(translation.blocks[0], text="越南和日本的合作。")]
    services.editorial.save(replace(translation, headline="越南对外信息门户网站上线", blocks=blocks))
    for query in ("越南", "南", "日本", "合作"):
        [hit] = search.search(query)
        assert (hit.id, hit.is_translation, hit.translated_from) == (translation.id, True, portal.id)
        assert hit.to_json() == {
            "id": translation.id, "language": "zh", "headline": "越南对外信息门户网站上线",
            "snippet": "越南和日本的合作。", "translation_of": portal.id,
        }  # fmt: skip
    [hit] = search.search("南")
    assert hit.highlighted("«", "»") == "越«南»和日本的合作。"


def test_language_filter(services, search, portal) -> None:
    translation = services.translations.create(portal.id, "en")
    services.editorial.save(replace(translation, headline="Foreign information portal launched", lead=LEAD))
    assert {hit.language for hit in search.search("cong thong tin")} == {"vi", "en"}
    assert [hit.language for hit in search.search("cong thong tin", language="en")] == ["en"]
    assert search.count("cong thong tin", language="en") == 1


def test_japanese_and_korean_inside_sentences(services, search) -> None:
    japanese = services.editorial.create_article("ja", "会議", paragraphs=["東京都で国際会議が開かれました。"])
    korean = services.editorial.create_article("ko", "교육", paragraphs=["한국어 교육 협력이 확대되었다."])
    [hit] = search.search("東京")
    assert hit.id == japanese.id and hit.highlighted("«", "»") == "«東京»都で国際会議が開かれました。"
    [hit] = search.search("국")
    assert hit.id == korean.id and hit.highlighted("«", "»") == "한«국»어 교육 협력이 확대되었다."


def test_saving_reindexes(services, search, portal) -> None:
    services.editorial.save(replace(portal, headline="Hội chợ nông sản", lead="Xuất khẩu gạo."))
    assert search.search("cong thong tin doi ngoai") == []
    [hit] = search.search("nong san")
    assert hit.headline == "Hội chợ nông sản"


@pytest.mark.parametrize("query", ["", "  ", "-", "*", '"', "AND", "NEAR(", "OR NOT", "a:b", "^", "(", '" OR "'])
def test_odd_queries_never_error(search, portal, query: str) -> None:
    assert isinstance(search.search(query), list)
    assert search.count(query) >= 0


def test_as_you_type(search, portal) -> None:
    assert search.search("cong thong tin doi ngo") == []
    [hit] = search.search("cong thong tin doi ngo", as_you_type=True)
    assert hit.highlighted("«", "»").endswith("«cổng thông tin đối ngoại» mới.")


def test_highlighted_escapes_the_text_but_not_the_markers(services, search) -> None:
    services.editorial.create_article("en", "Tags", lead="Use <b> & <i> in the portal's editor.")
    [hit] = search.search("portal")
    assert hit.highlighted("<b>", "</b>", html.escape) == (
        "Use &lt;b&gt; &amp; &lt;i&gt; in the <b>portal</b>&#x27;s editor."
    )


def test_long_text_snippet_is_a_window_around_the_first_match() -> None:
    words = [f"từ{n}" for n in range(200)]
    text = " ".join([*words[:150], "Đối", "ngoại", *words[150:]])
    start = text.index("Đối")
    shown, spans = snippet(text, [(start, start + len("Đối ngoại"))])
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown) <= 170
    assert [shown[s:e] for s, e in spans] == ["Đối ngoại"]
    assert not shown[1].isspace() and shown[1:].split()[0] in words  # cut between words


def test_snippet_near_the_end_uses_the_room_before() -> None:
    text = "Mở đầu. " + "chữ " * 80 + "cuối cùng"
    start = text.index("cuối")
    shown, spans = snippet(text, [(start, len(text))])
    assert shown.endswith("cuối cùng") and shown.startswith("…")
    assert len(shown) > 140
    assert [shown[s:e] for s, e in spans] == ["cuối cùng"]


def test_short_text_snippet_is_the_whole_text_with_newlines_flattened() -> None:
    shown, spans = snippet("Dòng một\nDòng hai", [(9, 13)])
    assert shown == "Dòng một Dòng hai"
    assert [shown[s:e] for s, e in spans] == ["Dòng"]


def test_picture_captions_are_found_and_follow_caption_edits(services) -> None:
    from tests.support.images import png_bytes

    article = services.editorial.create_article("vi", "Tin ảnh", lead="Sapo.")
    picture = services.editorial.add_picture(article.id, png_bytes(64, 48), captions={"vi": "Nghệ nhân gốm Bát Tràng"})
    assert [hit.id for hit in services.search.search("bat trang")] == [article.id]
    services.pictures.update_texts(picture.id, captions={"vi": "Làng lụa Vạn Phúc"})
    assert services.search.search("bat trang") == []
    assert [hit.id for hit in services.search.search("van phuc")] == [article.id]
