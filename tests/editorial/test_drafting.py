"""Drafting through the services: metadata, profiles and roles, the workflow, revisions, diff and restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from workstation.app import open_services
from workstation.editorial.revisions import as_html, as_text, diff_articles
from workstation.errors import BadInput, NotFound, Refused
from workstation.model import Block, BlockKind, Mark, Role


class SteppingClock:
    """A clock the test moves forward, so revision coalescing can be checked without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clocked(store_path):
    clock = SteppingClock()
    services = open_services(store_path, clock=clock)
    yield services, clock
    services.close()


def test_metadata_round_trips_and_is_normalised(services) -> None:
    article = services.editorial.create_article("vi", "Tie\u0302u \u0111e\u0302\u0300", genre="feature")
    assert article.headline == "Tiêu đề"  # composed to NFC on the way in
    saved = services.editorial.save(
        replace(
            article,
            subjects=["Du lịch", " du  lịch ", "Ngoại giao"],
            keywords=["Đà Nẵng"],
            embargo="2026-12-01T08:00:00Z",
            notes="Ảnh do Sở Du lịch cung cấp",
            blocks=[
                Block("b1", "Trích dẫn.", BlockKind.QUOTE),
                Block("b2", "In đậm và liên kết", marks=(Mark(0, 6, "bold"), Mark(10, 18, "link", "https://a.vn"))),
            ],
        )
    )
    loaded = services.editorial.get(article.id)
    assert loaded == saved
    assert loaded.subjects == ["Du lịch", "Ngoại giao"]  # blanks collapsed, duplicates dropped
    assert loaded.genre == "feature" and loaded.embargo == "2026-12-01T08:00:00Z"
    assert loaded.blocks[1].marks == (Mark(0, 6, "bold"), Mark(10, 18, "link", "https://a.vn"))
    assert loaded.created_by == services.people.current().id


def test_marks_follow_text_when_decomposed_accents_are_composed(services) -> None:
    article = services.editorial.create_article("vi", "H")
    decomposed = "  Vie\u0323\u0302t Nam ma\u0323nh"  # 'Việt' and 'mạnh' typed with combining marks
    bold_manh = Mark(decomposed.index("ma"), len(decomposed), "bold")
    saved = services.editorial.save(replace(article, blocks=[Block("b", decomposed, marks=(bold_manh,))]))
    block = saved.blocks[0]
    assert block.text == "Việt Nam mạnh"
    mark = block.marks[0]
    assert block.text[mark.start : mark.end] == "mạnh"


def test_unknown_genre_and_language_are_refused(services) -> None:
    with pytest.raises(BadInput, match="genre"):
        services.editorial.create_article("vi", "H", genre="gossip")
    article = services.editorial.create_article("vi", "H")
    with pytest.raises(BadInput, match="language"):
        services.editorial.save(replace(article, language="fr"))


def test_fresh_workspace_has_one_profile_with_every_role(services) -> None:
    profiles = services.people.all()
    assert len(profiles) == 1
    assert profiles[0].roles == frozenset(Role)
    assert services.people.current() == profiles[0]


def test_workflow_checks_roles_and_records_who_and_when(services) -> None:
    article = services.editorial.create_article("vi", "Bài cần duyệt")
    services.people.create("Lan", frozenset({Role.DRAFTER}))
    services.people.create("Đại sứ", frozenset({Role.HEAD_OF_MISSION}))

    services.people.act_as("Lan")
    services.editorial.set_state(article.id, "in_review", comment="xin duyệt")
    with pytest.raises(Refused, match="head of mission"):
        services.editorial.set_state(article.id, "approved")

    services.people.act_as("Đại sứ")
    with pytest.raises(Refused, match="cannot go to sent"):
        services.editorial.set_state(article.id, "sent")
    approved = services.editorial.set_state(article.id, "approved")
    assert approved.state == "approved"

    changes = services.editorial.state_changes(article.id)
    assert [(c.from_state, c.to_state, c.profile_name) for c in changes] == [
        ("draft", "in_review", "Lan"),
        ("in_review", "approved", "Đại sứ"),
    ]
    assert changes[0].comment == "xin duyệt"


def test_cleared_article_is_locked_until_reopened(services) -> None:
    article = services.editorial.create_article("vi", "Đã duyệt")
    services.editorial.set_state(article.id, "in_review")
    approved = services.editorial.set_state(article.id, "approved")
    with pytest.raises(Refused, match="locked"):
        services.editorial.save(replace(approved, headline="Sửa sau khi duyệt"))
    reopened = services.editorial.set_state(article.id, "draft", comment="sửa số liệu")
    assert services.editorial.save(replace(reopened, headline="Sửa sau khi duyệt")).headline == "Sửa sau khi duyệt"


def test_autosaves_share_a_revision_within_ten_minutes_edits_do_not(clocked) -> None:
    services, clock = clocked
    article = services.editorial.create_article("vi", "Một")
    for word in ("Hai", "Ba", "Bốn"):
        clock.advance(seconds=30)
        article = services.editorial.save(replace(article, headline=word), reason="autosave")
    clock.advance(minutes=11)
    article = services.editorial.save(replace(article, headline="Năm"), reason="autosave")
    article = services.editorial.save(replace(article, headline="Sáu"))

    history = services.editorial.history(article.id)
    assert [(r.version, r.reason, r.article.headline) for r in history] == [
        (6, "edit", "Sáu"),
        (5, "autosave", "Năm"),
        (4, "autosave", "Bốn"),
        (1, "created", "Một"),
    ]


def test_restore_brings_back_an_earlier_revision_as_a_new_one(services) -> None:
    article = services.editorial.create_article("vi", "Bản đầu", lead="Sapo đầu", paragraphs=["Đoạn một."])
    edited = services.editorial.save(
        replace(article, headline="Bản sau", blocks=[*article.blocks, Block("new", "Đoạn hai.")])
    )
    restored = services.editorial.restore(article.id, 1)
    assert restored.version == edited.version + 1
    assert restored.headline == "Bản đầu" and [b.text for b in restored.blocks] == ["Đoạn một."]
    assert services.editorial.history(article.id)[0].reason == "restore of version 1"
    with pytest.raises(NotFound, match="no revision 99"):
        services.editorial.restore(article.id, 99)


def test_diff_is_word_by_word_and_block_by_block(services) -> None:
    article = services.editorial.create_article(
        "vi", "Đà Nẵng đón khách Hàn Quốc", paragraphs=["Đoạn giữ nguyên.", "Đoạn sẽ bị xoá."]
    )
    kept, _removed = article.blocks
    services.editorial.save(
        replace(
            article,
            headline="Đà Nẵng đón 2 triệu khách Hàn Quốc",
            blocks=[Block("added", "Đoạn mới."), kept],
        )
    )
    diffs = services.editorial.diff(article.id, 1)
    text = as_text(diffs)
    assert "Headline (changed): Đà Nẵng đón {+2 triệu +}khách Hàn Quốc" in text
    assert "Paragraph 1 (added): {+Đoạn mới.+}" in text
    assert "(removed): [-Đoạn sẽ bị xoá.-]" in text
    assert "Đoạn giữ nguyên" not in text  # unchanged text in place is not reported
    assert "line-through" in as_html(diffs) and "2 triệu" in as_html(diffs)


def test_diff_of_chinese_is_by_character() -> None:
    from workstation.model import Article

    old = Article(id="a", station_id="s", language="zh", headline="越南岘港欢迎韩国游客")
    new = replace(old, headline="越南岘港欢迎日本游客")
    assert as_text(diff_articles(old, new)) == "Headline (changed): 越南岘港欢迎[-韩国-]{+日本+}游客"


def test_body_html_keeps_the_portal_vocabulary() -> None:
    from workstation.editorial.body_html import body_html

    blocks = [
        Block("a", "Đại sứ & khách", marks=(Mark(0, 6, "bold"), Mark(4, 6, "italic"))),
        Block("b", "Mục một", BlockKind.BULLETED),
        Block("c", "Mục hai", BlockKind.BULLETED),
        Block("d", "Xem", marks=(Mark(0, 3, "link", "https://a.vn/?x=1&y=2"), Mark(0, 3, "link", "javascript:x"))),
        Block("e", "", BlockKind.PICTURE, picture_id="P"),
    ]
    assert body_html(blocks) == (
        "<p><b>Đại </b><i><b>sứ</b></i> &amp; khách</p>\n"
        "<ul><li>Mục một</li><li>Mục hai</li></ul>\n"
        '<p><a href="https://a.vn/?x=1&amp;y=2">Xem</a></p>\n'
        '<figure data-picture="P"></figure>'
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Đà Nẵng quảng bá du lịch", "vi"),
        ("Vietnam Culture Week opens in Seoul, café and all", "en"),
        ("越南文化周在首尔开幕", "zh"),
        ("ベトナム文化週間がソウルで開幕", "ja"),
        ("베트남 문화 주간 서울에서 개막", "ko"),
        ("", "vi"),
    ],
)
def test_the_language_of_an_imported_document_is_guessed_from_its_script(text: str, language: str) -> None:
    from workstation.editorial.service import guess_language

    assert guess_language(text) == language
