"""The full-text index (storage/search.py), the article list's filters, and the upgrade to schema 5."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.model import Article, ArticleFilter, Block, BlockKind
from workstation.storage.articles import ArticleRepository
from workstation.storage.migrations import MIGRATIONS
from workstation.storage.search import SearchIndex, match_expression
from workstation.storage.store import Store, _statements, open_store

_ids = itertools.count(1)


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    yield opened
    opened.close()


@pytest.fixture
def articles(store: Store) -> ArticleRepository:
    return ArticleRepository(store)


@pytest.fixture
def index(store: Store) -> SearchIndex:
    return SearchIndex(store)


def make(
    articles: ArticleRepository, language: str = "vi", headline: str = "", body: str = "", **fields: object
) -> Article:
    number = next(_ids)
    article = Article(
        id=f"a{number:04}", station_id="s", language=language, headline=headline,
        blocks=[Block(id=f"b{number}", text=body)] if body else [],
        created_at="2026-01-01T00:00:00.000Z", updated_at=f"2026-01-01T00:00:{number % 60:02}.000Z",
    )  # fmt: skip
    article = replace(article, **fields)
    articles.insert(article)
    return article


def found(index: SearchIndex, query: str, language: str | None = None) -> list[str]:
    return [row.id for row in index.search(query, language)]


def test_vietnamese_is_found_without_diacritics_in_any_case(articles, index) -> None:
    portal = make(articles, "vi", "Cổng thông tin đối ngoại ra mắt", "Ban Tuyên giáo của Đảng khai trương.")
    make(articles, "vi", "Du lịch Huế", "Lễ hội mùa thu.")
    assert found(index, "cong thong tin doi ngoai") == [portal.id]
    assert found(index, "dang") == [portal.id]
    assert found(index, "ĐẢNG") == [portal.id]
    assert found(index, "CỔNG Thông TIN") == [portal.id]
    assert found(index, '"tin doi ngoai"') == [portal.id]
    assert found(index, '"doi tin"') == []
    assert index.count("cong thong tin doi ngoai") == 1


def test_all_words_must_match(articles, index) -> None:
    make(articles, "vi", "Hợp tác kinh tế")
    assert found(index, "hop tac kinh te") != []
    assert found(index, "hop tac van hoa") == []


def test_headline_matches_rank_above_body_matches(articles, index) -> None:
    in_body = make(articles, "vi", "Tin tổng hợp", "Hội nghị về chuyển đổi số diễn ra hôm nay.")
    in_headline = make(articles, "vi", "Chuyển đổi số ở Đà Nẵng", "Thành phố tổ chức hội nghị.")
    assert found(index, "chuyen doi so") == [in_headline.id, in_body.id]


@pytest.mark.parametrize(
    ("language", "text", "query"),
    [
        ("zh", "越南和日本加强经济合作。", "越南"),
        ("zh", "越南和日本加强经济合作。", "南"),
        ("zh", "越南和日本加强经济合作。", "经济合作"),
        ("ja", "東京都で国際会議が開かれました。", "東京"),
        ("ja", "東京都で国際会議が開かれました。", "会議"),
        ("ja", "東京都で国際会議が開かれました。", "が"),
        ("ko", "한국어 교육 협력이 확대되었다.", "한국"),
        ("ko", "한국어 교육 협력이 확대되었다.", "국"),
        ("ko", "한국어 교육 협력이 확대되었다.", "협력"),
    ],
)
def test_cjk_substrings_of_one_and_two_characters_are_found(articles, index, language, text, query) -> None:
    article = make(articles, language, "", text)
    make(articles, language, "", "無関係な記事です。다른 기사. 其他文章。")
    assert found(index, query) == [article.id]


def test_cjk_characters_out_of_order_do_not_match(articles, index) -> None:
    make(articles, "zh", "", "越南和日本")
    assert found(index, "南越") == []


def test_translations_are_found_and_the_language_filter_keeps_one_language(articles, index) -> None:
    source = make(articles, "vi", "Đại sứ quán Việt Nam tại Tokyo", "Đại sứ quán tổ chức gặp mặt.")
    translation = make(
        articles, "ja", "東京のベトナム大使館", "大使館は交流会を開きました。Tokyo", translated_from=source.id
    )
    assert set(found(index, "tokyo")) == {source.id, translation.id}
    assert found(index, "tokyo", language="ja") == [translation.id]
    assert found(index, "tokyo", language="vi") == [source.id]
    assert found(index, "tokyo", language="ko") == []
    assert index.count("tokyo", language="ja") == 1
    assert found(index, "大使館") == [translation.id]


def test_the_language_column_is_not_searched_as_text(articles, index) -> None:
    make(articles, "vi", "Thông tin", "Nội dung")
    make(articles, "en", "Information", "Content")
    assert found(index, "vi") == []
    assert found(index, "en") == []


def test_update_reindexes_the_article(articles, index) -> None:
    article = make(articles, "vi", "Hội chợ nông sản", "Xuất khẩu gạo.")
    articles.update(replace(article, headline="Lễ hội văn hoá", blocks=[Block(id="b", text="Du lịch biển.")]))
    assert found(index, "nong san") == []
    assert found(index, "gao") == []
    assert found(index, "le hoi van hoa") == [article.id]
    assert found(index, "du lich bien") == [article.id]
    assert index.count("du lich") == 1


def test_every_text_field_is_searched_but_picture_blocks_are_not(articles, index) -> None:
    article = make(
        articles, "vi", "Tiêu đề", subheadline="Sapo phụ", lead="Đoạn dẫn", byline="Minh Anh", dateline="Seoul",
        subjects=["kinh tế"], keywords=["ASEAN"], notes="ghi chú biên tập",
        blocks=[Block(id="p", text="", kind=BlockKind.PICTURE, picture_id="x"), Block(id="q", text="Trích dẫn")],
    )  # fmt: skip
    for query in ("sapo", "doan dan", "minh anh", "seoul", "kinh te", "asean", "ghi chu", "trich dan"):
        assert found(index, query) == [article.id], query


@pytest.mark.parametrize(
    "query",
    [
        "AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)", '"', '""', '"unterminated', "*", "a*", "-", "-x", "^",
        "col:x", "headline:x", "{headline}: x", "(", ")", "x AND", "'; DROP TABLE articles; --", "\\", "+", "",
        "   ", "…", "language : vi",
    ],
)  # fmt: skip
def test_fts_syntax_in_a_query_never_errors(articles, index, query: str) -> None:
    make(articles, "vi", "Tin tức", "Nội dung")
    assert isinstance(index.search(query), list)
    assert isinstance(index.search(query, language="vi"), list)
    assert index.count(query) >= 0


def test_a_query_of_nothing_finds_nothing(articles, index) -> None:
    make(articles, "vi", "Tin tức")
    assert match_expression("  - * ") is None
    assert index.search("  - * ") == []
    assert index.count('""') == 0


def test_paging_through_results(articles, index) -> None:
    made = {make(articles, "vi", f"Hội nghị số {n}").id for n in range(7)}
    pages = [found_page for offset in (0, 3, 6) for found_page in index.search("hoi nghi", limit=3, offset=offset)]
    assert {row.id for row in pages} == made
    assert len(pages) == 7


def test_as_you_type_matches_the_last_word_as_a_prefix(articles, index) -> None:
    article = make(articles, "vi", "Chuyển đổi số quốc gia")
    assert found(index, "chuyen doi so quo") == []
    assert [row.id for row in index.search("chuyen doi so quo", as_you_type=True)] == [article.id]
    assert index.count("chuyen doi so quo", as_you_type=True) == 1


def test_deleting_an_article_drops_it_and_its_translations_from_the_index(store, articles, index) -> None:
    source = make(articles, "vi", "Hội nghị ngoại giao")
    make(articles, "en", "Diplomatic conference hoi nghi", translated_from=source.id)
    with store.transaction() as connection:
        connection.execute("DELETE FROM articles WHERE id = ?", (source.id,))
    assert store.query_one("SELECT count(*) AS n FROM article_search")["n"] == 0


def test_remove_and_rebuild(store, articles, index) -> None:
    kept = make(articles, "vi", "Hợp tác giáo dục")
    removed = make(articles, "vi", "Hợp tác y tế")
    with store.transaction() as connection:
        index.remove(connection, removed.id)
    assert found(index, "hop tac") == [kept.id]
    assert index.rebuild() == 2
    assert set(found(index, "hop tac")) == {kept.id, removed.id}


def test_rebuild_indexes_exactly_what_saving_indexes(store, articles, index) -> None:
    make(
        articles, "vi", "Cổng thông tin", subheadline="Sapo", lead="Đoạn dẫn", notes="Ghi chú", keywords=["ASEAN"],
        blocks=[Block(id="1", text="Một"), Block(id="2", text="", kind=BlockKind.PICTURE), Block(id="3", text="Hai")],
    )  # fmt: skip
    make(articles, "zh", "越南新闻", "越南和日本")
    saved = store.query("SELECT rowid, * FROM article_search ORDER BY rowid")
    index.rebuild()
    assert store.query("SELECT rowid, * FROM article_search ORDER BY rowid") == saved


def test_texts_of_hits_come_in_reading_order(articles, index) -> None:
    article = make(
        articles, "vi", "Tiêu đề", lead="Dẫn", byline="An", keywords=["khóa"],
        blocks=[Block(id="x", text="Một"), Block(id="p", text="", kind=BlockKind.PICTURE), Block(id="y", text="Hai")],
    )  # fmt: skip
    parts = index.texts([article.id])[article.id].parts
    assert parts == (("headline", "Tiêu đề"), ("lead", "Dẫn"), ("x", "Một"), ("y", "Hai"), ("byline", "An"),
                     ("keywords", "khóa"))  # fmt: skip
    assert index.texts([]) == {}


# --- the upgrade from schema 4 --------------------------------------------------------------------


def schema_4_store(path: Path) -> None:
    """A workspace as the previous release left it, with two articles (one a translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:
        for statement in _statements(script):
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 4")
    insert = (
        "INSERT INTO articles (id, station_id, created_at, updated_at, language, headline, lead, subjects, "
        "translated_from) VALUES (?, 's', '2026-01-01', '2026-01-01', ?, ?, ?, ?, ?)"
    )
    connection.execute(
        insert, ("old-vi", "vi", "Đối ngoại nhân dân", "Giao lưu hữu nghị", json.dumps(["ngoại giao"]), None)
    )
    connection.execute(insert, ("old-ja", "ja", "民間外交", "友好交流", "[]", "old-vi"))
    connection.execute(
        "INSERT INTO blocks (article_id, id, position, kind, text) VALUES ('old-vi', 'b1', 0, 'paragraph', ?)",
        ("Cộng đồng người Việt ở Nhật Bản.",),
    )
    connection.close()


def test_upgrading_a_schema_4_store_indexes_its_articles(store_path: Path) -> None:
    schema_4_store(store_path)
    upgraded = open_store(store_path)
    try:
        index = SearchIndex(upgraded)
        assert upgraded.query_one("PRAGMA user_version")["user_version"] == len(MIGRATIONS)
        assert found(index, "doi ngoai nhan dan") == ["old-vi"]
        assert found(index, "cong dong nguoi viet") == ["old-vi"]
        assert found(index, "ngoai giao") == ["old-vi"]
        assert found(index, "外交") == ["old-ja"]
        assert found(index, "交", language="ja") == ["old-ja"]
        saved = upgraded.query("SELECT rowid, * FROM article_search ORDER BY rowid")
        index.rebuild()
        assert upgraded.query("SELECT rowid, * FROM article_search ORDER BY rowid") == saved
    finally:
        upgraded.close()


# --- the article list's filters ---------------------------------------------------------------------


@pytest.fixture
def listed(articles: ArticleRepository) -> dict[str, Article]:
    rows = [
        ("draft_vi", "vi", "draft", "news", ["economy"], "2026-03-01T08:00:00.000Z"),
        ("review_vi", "vi", "in_review", "feature", ["culture", "tourism"], "2026-03-15T23:59:59.999Z"),
        ("review_en", "en", "in_review", "news", ["economy"], "2026-03-16T00:00:00.000Z"),
        ("returned_ko", "ko", "returned", "report", [], "2026-04-02T10:00:00.000Z"),
    ]
    fields = ("language", "state", "genre", "subjects", "updated_at")
    made = {row[0]: make(articles, headline=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows}
    made["translation_ja"] = make(
        articles, "ja", "translation_ja", translated_from=made["draft_vi"].id, state="draft", subjects=["economy"],
        updated_at="2026-03-20T00:00:00.000Z",
    )  # fmt: skip
    return made


def names(articles: ArticleRepository, article_filter: ArticleFilter) -> list[str]:
    listed = [summary.headline for summary in articles.summaries(filter=article_filter)]
    assert articles.count(filter=article_filter) == len(listed)
    return listed


def test_list_filters_each_field(articles, listed) -> None:
    assert names(articles, ArticleFilter()) == ["returned_ko", "review_en", "review_vi", "draft_vi"]
    assert names(articles, ArticleFilter(translations=True)) == ["translation_ja"]
    assert len(names(articles, ArticleFilter(translations=None))) == 5
    assert names(articles, ArticleFilter(states=frozenset({"in_review"}))) == ["review_en", "review_vi"]
    assert names(articles, ArticleFilter(states=frozenset({"draft", "returned"}))) == ["returned_ko", "draft_vi"]
    assert names(articles, ArticleFilter(language="vi")) == ["review_vi", "draft_vi"]
    assert names(articles, ArticleFilter(genre="news")) == ["review_en", "draft_vi"]
    assert names(articles, ArticleFilter(subject="economy")) == ["review_en", "draft_vi"]
    assert names(articles, ArticleFilter(subject="econ")) == []
    assert names(articles, ArticleFilter(updated_from="2026-03-15", updated_to="2026-03-31")) == [
        "review_en", "review_vi",
    ]  # fmt: skip
    assert names(articles, ArticleFilter(updated_to="2026-03-15")) == ["review_vi", "draft_vi"]
    assert names(articles, ArticleFilter(updated_from="2026-04-01")) == ["returned_ko"]


def test_list_filters_combine(articles, listed) -> None:
    both = ArticleFilter(states=frozenset({"in_review"}), language="vi", genre="feature", subject="tourism")
    assert names(articles, both) == ["review_vi"]
    assert names(articles, ArticleFilter(translations=None, subject="economy", updated_from="2026-03-10")) == [
        "translation_ja", "review_en",
    ]  # fmt: skip


def test_list_keeps_its_old_signature(articles, listed) -> None:
    assert [s.headline for s in articles.summaries(2, 0, translations=False)] == ["returned_ko", "review_en"]
    assert [s.headline for s in articles.summaries(translations=True)] == ["translation_ja"]
    assert articles.count(translations=None) == 5
    assert articles.count() == 5
    # a filter wins over the translations argument
    assert articles.count(translations=True, filter=ArticleFilter(language="vi")) == 2


def test_list_filter_pages(articles, listed) -> None:
    page = articles.summaries(2, 1, filter=ArticleFilter(translations=None))
    assert [s.headline for s in page] == ["translation_ja", "review_en"]


def test_a_bad_day_is_bad_input(articles) -> None:
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        articles.summaries(filter=ArticleFilter(updated_from="15/03/2026"))


@pytest.mark.parametrize(
    "article_filter",
    [
        ArticleFilter(),
        ArticleFilter(translations=None),
        ArticleFilter(translations=True),
        ArticleFilter(states=frozenset({"in_review"})),
        ArticleFilter(states=frozenset({"in_review", "returned"})),
        ArticleFilter(language="ja"),
        ArticleFilter(genre="news", subject="economy"),
        ArticleFilter(updated_from="2026-03-01", updated_to="2026-03-31"),
        ArticleFilter(states=frozenset({"returned"}), language="ko", updated_from="2026-01-01"),
    ],
)
def test_list_pages_walk_an_index_in_order_without_sorting(store, articles, article_filter) -> None:
    executed: list[str] = []
    store._connection.set_trace_callback(executed.append)
    try:
        articles.summaries(50, 100, filter=article_filter)
    finally:
        store._connection.set_trace_callback(None)
    sql = next(statement for statement in executed if statement.lstrip().startswith("SELECT"))
    plan = " | ".join(row["detail"] for row in store.query(f"EXPLAIN QUERY PLAN {sql}"))
    assert "TEMP B-TREE" not in plan, plan
    assert any(index in plan for index in ("articles_recent", "articles_state", "articles_language")), plan
