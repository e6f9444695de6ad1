"""Package versions: a sealed version never changes; a change makes the next one, with a readable summary."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.support.stations import clear_for_sealing, complete_article
from workstation.errors import Refused
from workstation.model import ArticleState, SegmentState
from workstation.packaging.versions import change_summary, content_digest


def package_json(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(next(archive.read(n) for n in archive.namelist() if n.endswith("/data/package.json")))


@pytest.fixture
def sealed_once(services, tmp_path: Path):
    article, picture = complete_article(services, "Đại sứ quán gặp mặt cộng đồng")
    package = services.packaging.create("Tin tuần 41", [article.id])
    first = services.packaging.seal(package.id, copy_to=tmp_path / "v1.zip")
    return package, article, picture, first


def test_the_first_version_has_no_changes_and_is_listed_with_its_bundle(services, sealed_once) -> None:
    package, _, _, first = sealed_once
    (version,) = services.packaging.versions(package.id)
    assert (version.version, version.changes, version.state) == (1, (), "queued")
    assert (version.file_name, version.size) == (first.entry.file_name, first.entry.size)
    assert version.sealed_at == first.entry.sealed_at
    assert package_json(first.path)["changes"] == []


def test_sealing_unchanged_content_again_is_refused(services, sealed_once) -> None:
    package, article, _, _ = sealed_once
    # The seal moved the article to packaged; a state is not content.
    services.editorial.set_state(article.id, ArticleState.APPROVED)
    with pytest.raises(Refused, match="v1 already holds exactly this content"):
        services.packaging.seal(package.id)
    assert [entry.package_version for entry in services.packaging.outbox()] == [1]
    assert len(services.packaging.versions(package.id)) == 1


def test_a_change_makes_the_next_version_with_a_summary_in_the_bundle(services, sealed_once, tmp_path: Path) -> None:
    package, article, picture, first = sealed_once
    (english,) = services.translations.translations_of(article.id)
    segment = next(s for s in services.translations.segments(english.id) if s.source_text.startswith("Nhiều"))
    services.translations.save_segment(english.id, segment.address, "Many families from Seoul attended.")
    assert services.translations.set_state(english.id, SegmentState.FINAL) == []
    services.pictures.update_texts(picture.id, credits={"en": "Photo: Embassy of Vietnam"})
    added, _ = complete_article(services, "Tết cộng đồng", languages=("en",))
    services.packaging.update(package.id, article_ids=[added.id, article.id], note="Xin đăng sớm.")

    second = services.packaging.seal(package.id, copy_to=tmp_path / "v2.zip")

    expected = [
        "note to the portal's editors changed",
        "article added: “Tết cộng đồng” (vi, en)",
        "“Đại sứ quán gặp mặt cộng đồng” (en): body changed (+2 words)",
        "“Đại sứ quán gặp mặt cộng đồng” (en): credit of picture gap-mat.png changed",
    ]
    assert list(second.changes) == expected
    assert second.entry.package_version == 2
    assert package_json(second.path)["changes"] == expected
    assert package_json(second.path)["version"] == 2
    assert [(v.version, list(v.changes)) for v in services.packaging.versions(package.id)] == [
        (1, []),
        (2, expected),
    ]
    assert first.path.exists() and services.packaging.verify(first.path).problems == []
    assert services.packaging.get(package.id).version == 2


def test_languages_and_articles_removed_or_added_are_named(services, sealed_once) -> None:
    package, article, _, _ = sealed_once
    other, _ = complete_article(services, "Tết cộng đồng", languages=("en",))
    services.packaging.update(package.id, article_ids=[article.id, other.id])
    services.packaging.seal(package.id)
    chinese = services.translations.create(article.id, "zh")
    for segment in services.translations.segments(chinese.id):
        services.translations.save_segment(chinese.id, segment.address, f"中文 {segment.source_text}")
    clear_for_sealing(services, article.id)
    clear_for_sealing(services, other.id, picture_languages=("zh",))  # the package is in Chinese too now
    services.packaging.update(package.id, article_ids=[article.id], name="Tin tuần 42")
    third = services.packaging.seal(package.id)
    assert list(third.changes) == [
        "name changed: “Tin tuần 41” → “Tin tuần 42”",
        "article removed: “Tết cộng đồng”",
        "“Đại sứ quán gặp mặt cộng đồng”: zh added",
    ]
    assert third.entry.package_version == 3


# --- the summary on its own --------------------------------------------------------------------------


def snapshot(articles: list[dict], name: str = "P", destination: str = "portal", note: str = "") -> dict:
    return {"format": 1, "name": name, "destination": destination, "note": note, "articles": articles}


def item(language: str, item_id: str = "", words: int = 10, state: str = "approved", **fields: str) -> dict:
    texts = {"headline": "H", "subheadline": "", "lead": "L", "byline": "", "dateline": "", "embargo": ""}
    unit = "characters" if language in ("zh", "ja", "ko") else "words"
    return {"id": item_id or f"id-{language}", "language": language, **texts, **fields,
            "body_sha256": f"body-{words}", "words": words, "unit": unit, "state": state}  # fmt: skip


def article(article_id: str, items: list[dict], pictures: list[dict] | None = None) -> dict:
    return {"id": article_id, "headline": f"Bài {article_id}", "items": items, "pictures": pictures or []}


def picture(picture_id: str, texts: dict[str, dict[str, str]], sha256: str = "s") -> dict:
    return {"id": picture_id, "name": f"{picture_id}.jpg", "sha256": sha256, "texts": texts}


def test_summary_of_fields_words_and_characters() -> None:
    before = snapshot([article("a", [item("vi"), item("zh", words=100)])])
    after = snapshot(
        [article("a", [item("vi", words=7, lead="L2", embargo="2030-01-01T00:00:00Z"), item("zh", words=130)])],
        destination="portal/culture",
    )
    assert change_summary(before, after) == [
        "destination changed: portal → portal/culture",
        "“Bài a” (vi): lead changed, embargo none → 2030-01-01T00:00:00Z, body changed (-3 words)",
        "“Bài a” (zh): body changed (+30 characters)",
    ]


def test_summary_of_order_languages_and_pictures() -> None:
    texts = {"vi": {"caption": "c1", "alt_text": "a1", "credit": "k1"}}
    pictures = [picture("p1", texts), picture("p2", texts)]
    before = snapshot([article("a", [item("vi"), item("en")], pictures), article("b", [item("vi")])])
    after = snapshot(
        [
            article("b", [item("vi")]),
            article(
                "a",
                [item("vi"), item("ko")],
                [picture("p1", {"vi": {**texts["vi"], "caption": "c2", "credit": "k2"}}), picture("p3", texts)],
            ),
        ]
    )
    assert change_summary(before, after) == [
        "articles reordered",
        "“Bài a”: ko added",
        "“Bài a”: en removed",
        "“Bài a”: picture p3.jpg added",
        "“Bài a”: picture p2.jpg removed",
        "“Bài a” (vi): caption and credit of picture p1.jpg changed",
    ]


def test_states_are_not_content() -> None:
    approved = snapshot([article("a", [item("vi", state="approved")])])
    packaged = snapshot([article("a", [item("vi", state="packaged")])])
    assert content_digest(approved) == content_digest(packaged)
    assert change_summary(approved, packaged) == []
    assert content_digest(approved) != content_digest(snapshot([article("a", [item("vi", words=11)])]))
