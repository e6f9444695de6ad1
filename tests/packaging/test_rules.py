"""Completeness rules: each fails when its condition is broken and passes once fixed; the rules are data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.support.stations import complete_article
from workstation.errors import BadInput
from workstation.model import Article, ArticleState, Picture, RuleFailure, SegmentState
from workstation.packaging.rules import default_rules, default_rules_path, load_rules
from workstation.packaging.service import PackageIncomplete, PackagingService


@dataclass
class Complete:
    """A package of one cleared article, its final English translation and a fully described picture."""

    services: object
    package_id: str
    source: Article
    translation: Article
    picture: Picture

    def failures(self, rule: str | None = None) -> list[RuleFailure]:
        found = self.services.packaging.check(self.package_id)
        return [failure for failure in found if rule is None or failure.rule == rule]


@pytest.fixture
def complete(services) -> Complete:
    source, picture = complete_article(services)
    (translation,) = services.translations.translations_of(source.id)
    package = services.packaging.create("Tin tuần 41", [source.id])
    return Complete(services, package.id, source, translation, picture)


def reopen(services, article_id: str, **fields: str) -> None:
    """Change a cleared source as its workflow requires: back to draft, edit, and clear it again."""
    services.editorial.set_state(article_id, ArticleState.DRAFT)
    services.editorial.update_fields(article_id, **fields)
    services.editorial.set_state(article_id, ArticleState.IN_REVIEW)
    services.editorial.set_state(article_id, ArticleState.APPROVED)


def test_a_complete_package_passes_every_rule(complete: Complete) -> None:
    assert complete.failures() == []


# --- article cleared ---------------------------------------------------------------------------------


def test_an_article_not_cleared_fails_until_approved(services, complete: Complete) -> None:
    services.editorial.set_state(complete.source.id, ArticleState.DRAFT)
    (failure,) = complete.failures("article-cleared")
    assert (failure.article_id, failure.item_id, failure.language, failure.field) == (
        complete.source.id,
        complete.source.id,
        "vi",
        "state",
    )
    assert (failure.target.kind, failure.target.id, failure.target.field) == ("article", complete.source.id, "state")
    assert "“Đại sứ quán gặp mặt cộng đồng” (vi) is draft" in failure.message
    services.editorial.set_state(complete.source.id, ArticleState.IN_REVIEW)
    services.editorial.set_state(complete.source.id, ArticleState.APPROVED)
    assert complete.failures("article-cleared") == []


def test_an_article_already_packaged_may_be_sealed_again(services, complete: Complete) -> None:
    services.editorial.set_state(complete.source.id, ArticleState.PACKAGED)
    assert complete.failures() == []


# --- translations final ------------------------------------------------------------------------------


def test_a_translation_not_final_fails_until_final(services, complete: Complete) -> None:
    translation_id = complete.translation.id
    segments = services.translations.segments(translation_id)
    services.translations.save_segment(translation_id, segments[1].address, "Re-worded.", SegmentState.TRANSLATED)
    (failure,) = complete.failures("translation-final")
    assert (failure.item_id, failure.language, failure.field) == (translation_id, "en", "state")
    assert (failure.target.kind, failure.target.id) == ("translation", translation_id)
    assert f"(1 of {len(segments)} sentences still to finish)" in failure.message
    services.translations.save_segment(translation_id, segments[1].address, segments[1].target_text)
    assert services.translations.set_state(translation_id, SegmentState.FINAL) == []
    assert complete.failures("translation-final") == []


def test_a_translation_whose_source_changed_is_not_final(services, complete: Complete) -> None:
    reopen(services, complete.source.id, lead="Đại sứ quán tổ chức buổi gặp mặt lớn.")
    (failure,) = complete.failures("translation-final")
    assert failure.item_id == complete.translation.id and "(1 of" in failure.message


# --- headline and lead -------------------------------------------------------------------------------


def test_a_missing_headline_in_a_translation_fails_until_written(services, complete: Complete) -> None:
    translation = services.editorial.get(complete.translation.id)
    services.editorial.save(replace(translation, headline=""))
    (failure,) = complete.failures("headline-and-lead")
    assert (failure.item_id, failure.language, failure.field) == (complete.translation.id, "en", "headline")
    assert (failure.target.kind, failure.target.id, failure.target.field) == (
        "translation",
        complete.translation.id,
        "headline",
    )
    assert failure.message == "“Đại sứ quán gặp mặt cộng đồng” (English) has no headline"
    services.editorial.save(replace(translation, headline="The Embassy meets the community"))
    assert complete.failures() == []


def test_headline_and_lead_pass_once_written(services) -> None:
    article = services.editorial.create_article("vi", "Tin ngắn", paragraphs=["Nội dung."])
    package = services.packaging.create("P", [article.id])
    assert [f.field for f in services.packaging.check(package.id) if f.rule == "headline-and-lead"] == ["lead"]
    services.editorial.update_fields(article.id, lead="Một câu sapo.")
    assert [f for f in services.packaging.check(package.id) if f.rule == "headline-and-lead"] == []


# --- picture texts -----------------------------------------------------------------------------------


def test_a_picture_text_missing_in_a_language_of_the_package_fails(services, complete: Complete) -> None:
    picture = complete.picture
    services.pictures.update_texts(picture.id, credits={"en": "", "vi": ""})
    failures = complete.failures("picture-texts")
    assert [(f.item_id, f.language, f.field) for f in failures] == [
        (complete.source.id, "vi", f"picture:{picture.id}:credit"),
        (complete.translation.id, "en", f"picture:{picture.id}:credit"),
    ]
    assert all((f.target.kind, f.target.id) == ("picture", picture.id) for f in failures)
    assert failures[1].target.field == "credit"
    assert failures[1].message == "“Đại sứ quán gặp mặt cộng đồng”: picture gap-mat.png has no credit in English"
    services.pictures.update_texts(picture.id, credits={"en": "Photo: Embassy", "vi": "Ảnh: Đại sứ quán"})
    assert complete.failures("picture-texts") == []


def test_every_language_of_the_package_is_asked_of_every_picture(services, complete: Complete) -> None:
    vietnamese_only, picture = complete_article(services, "Tin chỉ có tiếng Việt", languages=())
    services.packaging.update(complete.package_id, article_ids=[complete.source.id, vietnamese_only.id])
    failures = complete.failures("picture-texts")
    assert {(f.article_id, f.item_id, f.language, f.field) for f in failures} == {
        (vietnamese_only.id, vietnamese_only.id, "en", f"picture:{picture.id}:caption"),
        (vietnamese_only.id, vietnamese_only.id, "en", f"picture:{picture.id}:alt_text"),
        (vietnamese_only.id, vietnamese_only.id, "en", f"picture:{picture.id}:credit"),
    }
    # Tuned to the article's own languages (a parameter of the rule, not code), the picture passes.
    tuned = [
        replace(rule, params={**rule.params, "languages": "article"}) if rule.id == "picture-texts" else rule
        for rule in default_rules()
    ]
    assert [f for f in packaging_with(services, tuned).check(complete.package_id) if f.rule == "picture-texts"] == []


# --- QA ----------------------------------------------------------------------------------------------


def test_an_open_qa_error_fails_naming_its_segment_until_fixed(services, complete: Complete) -> None:
    translation_id = complete.translation.id
    segment = next(s for s in services.translations.segments(translation_id) if "200" in s.source_text)
    services.translations.save_segment(translation_id, segment.address, "More than 300 companies attended.", "final")
    failures = complete.failures("qa-errors")
    assert failures and all(f.field == f"segment:{segment.address}" for f in failures)
    assert (failures[0].item_id, failures[0].language) == (translation_id, "en")
    assert (failures[0].target.kind, failures[0].target.id, failures[0].target.field) == (
        "translation",
        translation_id,
        f"segment:{segment.address}",
    )
    assert f"QA error in {segment.address}" in failures[0].message and "200" in failures[0].message
    services.translations.save_segment(translation_id, segment.address, "More than 200 companies attended.", "final")
    assert complete.failures("qa-errors") == []


# --- embargo -----------------------------------------------------------------------------------------


def test_a_translation_embargo_must_equal_its_source(services, complete: Complete) -> None:
    reopen(services, complete.source.id, embargo="2030-01-01T00:00:00Z")
    (failure,) = complete.failures("embargo-matches-source")
    assert (failure.item_id, failure.language, failure.field) == (complete.translation.id, "en", "embargo")
    assert "the embargo is none but the source's is 2030-01-01T00:00:00Z" in failure.message
    # The same moment written with another offset is the same embargo.
    services.editorial.update_fields(complete.translation.id, embargo="2030-01-01T07:00:00+07:00")
    assert complete.failures() == []


def test_an_embargo_that_is_not_a_timestamp_with_an_offset_fails(services, complete: Complete) -> None:
    services.editorial.update_fields(complete.translation.id, embargo="next Monday")
    reopen(services, complete.source.id, embargo="2030-01-01 08:00")  # no offset: read differently per station
    failures = complete.failures("embargo-valid")
    assert [(f.item_id, f.field) for f in failures] == [
        (complete.source.id, "embargo"),
        (complete.translation.id, "embargo"),
    ]
    assert "“next Monday” is not a date and time with a UTC offset" in failures[1].message
    reopen(services, complete.source.id, embargo="2030-01-01T08:00:00+07:00")
    services.editorial.update_fields(complete.translation.id, embargo="2030-01-01T08:00:00+07:00")
    assert complete.failures() == []


def test_an_embargo_that_has_passed_is_a_warning_that_does_not_stop_sealing(
    services, complete: Complete, tmp_path: Path
) -> None:
    reopen(services, complete.source.id, embargo="2020-01-01T00:00:00Z")
    services.editorial.update_fields(complete.translation.id, embargo="2020-01-01T00:00:00Z")
    (failure,) = complete.failures()
    assert (failure.rule, failure.severity, failure.is_error) == ("embargo-passed", "warning", False)
    assert services.packaging.seal(complete.package_id, copy_to=tmp_path / "b.zip").entry.package_version == 1


# --- every failure, and the refusal to seal ----------------------------------------------------------


def test_check_reports_every_failure_of_every_article_and_seal_lists_the_same(services, complete: Complete) -> None:
    bare = services.editorial.create_article("vi", "", paragraphs=["Chưa có tiêu đề."])
    services.packaging.update(complete.package_id, article_ids=[complete.source.id, bare.id])
    services.pictures.update_texts(complete.picture.id, captions={"en": ""})
    failures = complete.failures()
    assert [(f.article_id, f.rule, f.field) for f in failures] == [
        (complete.source.id, "picture-texts", f"picture:{complete.picture.id}:caption"),
        (bare.id, "article-cleared", "state"),
        (bare.id, "headline-and-lead", "headline"),
        (bare.id, "headline-and-lead", "lead"),
    ]
    with pytest.raises(PackageIncomplete) as refused:
        services.packaging.seal(complete.package_id)
    assert refused.value.failures == tuple(failures)
    lines = str(refused.value).splitlines()
    assert lines[0] == "the package is not complete (4 problems):"
    assert lines[1:] == [failure.line() for failure in failures]
    assert lines[3] == f"{bare.id} vi headline: “(no headline)” (Tiếng Việt) has no headline"


# --- the rule file -----------------------------------------------------------------------------------


def packaging_with(services, rules) -> PackagingService:
    """The workspace's packaging service with other rules, built as app.py builds it."""
    return PackagingService(
        services.store,
        services.identity,
        services.clock,
        services.bus,
        editorial=services.editorial,
        people=services.people,
        translations=services.translations,
        pictures=lambda: services.pictures,
        qa_errors=services.qa.errors,
        rules=rules,
    )


def test_the_shipped_rules_cover_the_issue(tmp_path: Path) -> None:
    rules = load_rules(default_rules_path())
    assert [rule.id for rule in rules] == [
        "article-cleared",
        "translation-final",
        "headline-and-lead",
        "picture-texts",
        "qa-errors",
        "embargo-valid",
        "embargo-matches-source",
        "embargo-passed",
    ]
    assert all(rule.enabled for rule in rules)


def test_a_rule_turned_off_in_the_file_is_not_checked(services, tmp_path: Path) -> None:
    text = (
        default_rules_path()
        .read_text("utf-8")
        .replace('id = "article-cleared"', 'id = "article-cleared"\nenabled = false')
    )
    (tmp_path / "rules.toml").write_text(text, "utf-8")
    rules = load_rules(tmp_path / "rules.toml")
    article = services.editorial.create_article("vi", "Bản nháp", lead="Sapo.", paragraphs=["Nội dung."])
    package = services.packaging.create("P", [article.id])
    assert [f.rule for f in services.packaging.check(package.id)] == ["article-cleared"]
    assert packaging_with(services, rules).check(package.id) == []


def test_a_tuned_message_and_severity_come_from_the_file(services, tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(
        '[[rule]]\nid = "cleared"\ncheck = "source_state"\nseverity = "warning"\n'
        'message = "{headline}: {state} ≠ {states}"\nparams = { states = ["approved"] }\n',
        "utf-8",
    )
    article = services.editorial.create_article("vi", "Bản nháp", lead="Sapo.", paragraphs=["Nội dung."])
    package = services.packaging.create("P", [article.id])
    (failure,) = packaging_with(services, load_rules(tmp_path / "rules.toml")).check(package.id)
    assert (failure.rule, failure.severity, failure.message) == ("cleared", "warning", "Bản nháp: draft ≠ approved")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("not toml [", "is not valid TOML"),
        ("[other]\nx = 1\n", "has no [[rule]] tables"),
        ('[[rule]]\ncheck = "source_state"\nmessage = "m"\n', "rule 1 has no id"),
        ('[[rule]]\nid = "a"\ncheck = "nothing"\nmessage = "m"\n', "rule 'a': check 'nothing' is not one of"),
        ('[[rule]]\nid = "a"\ncheck = "source_state"\nmessage = "{oops}"\n', "the message uses {oops}"),
        ('[[rule]]\nid = "a"\ncheck = "source_state"\nmessage = "m"\nseverity = "fatal"\n', "severity 'fatal'"),
        ('[[rule]]\nid = "a"\ncheck = "source_state"\nmessage = "m"\nparams = { states = ["gone"] }\n', "has gone"),
        ('[[rule]]\nid = "a"\ncheck = "picture_texts"\nmessage = "m"\nparams = { colour = "red" }\n', "colour"),
        ('[[rule]]\nid = "a"\ncheck = "embargo_valid"\nmessage = "m"\n' * 2, "two rules have the id 'a'"),
    ],
)
def test_a_broken_rule_file_is_refused_naming_the_file_and_the_rule(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(BadInput) as refused:
        load_rules(path)
    assert str(path) in str(refused.value) and expected in str(refused.value)
