"""QA of a stored translation: acknowledging warnings with a reason that is kept, lapses when the text
changes, and is refused for errors; the `translation qa` command's output and exit code."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field, replace

import pytest

from workstation.cli.qa import as_json, as_lines, qa_command
from workstation.errors import BadInput, NotFound, Refused
from workstation.translation.qa_service import QaService


@dataclass(frozen=True)
class Hit:
    source_term: str
    target_terms: list[str]
    forbidden: list[str] = field(default_factory=list)
    note: str = ""


def fake_glossary(source_lang: str, target_lang: str):
    terms = {("vi", "en"): {"Hàn Quốc": (["Republic of Korea", "Korea"], ["South Korea"])}}.get(
        (source_lang, target_lang), {}
    )

    def hits(text: str) -> list[Hit]:
        return [Hit(term, approved, forbidden) for term, (approved, forbidden) in terms.items() if term in text]

    return hits


@pytest.fixture
def qa(services) -> QaService:
    return QaService(services.store, services.clock, services.translations, services.people, fake_glossary)


@pytest.fixture
def translation(services, sample_article):
    """The sample article in English, every segment translated cleanly except the last, left without its period."""
    translation = services.translations.create(sample_article.id, "en")
    targets = {
        "headline": "Da Nang promotes tourism in the Republic of Korea",
        "lead": [
            "On October 12, 2023, the city of Da Nang held a tourism promotion conference.",
            "More than 200 businesses attended.",
        ],
    }
    segments = services.translations.segments(translation.id)
    body = [s for s in segments if s.part not in ("headline", "lead")]
    services.translations.save_segment(translation.id, "headline#0", targets["headline"])
    for item, text in zip([s for s in segments if s.part == "lead"], targets["lead"], strict=True):
        services.translations.save_segment(translation.id, item.address, text)
    services.translations.save_segment(translation.id, body[0].address, "The delegation met major travel firms.")
    services.translations.save_segment(translation.id, body[1].address, "The event lasted three days")
    return translation


def body_address(services, translation, index: int) -> str:
    return [s for s in services.translations.segments(translation.id) if s.part not in ("headline", "lead")][
        index
    ].address


def test_issues_of_a_stored_translation(services, qa, translation) -> None:
    last = body_address(services, translation, 1)
    issues = qa.issues(translation.id)
    assert [(i.address, i.code, i.severity, i.acknowledged) for i in issues] == [
        (last, "end-punctuation", "warning", None)
    ]
    assert issues[0].message == "the source ends with period, the target with no punctuation"
    assert issues[0].source_excerpt == "Sự kiện kéo dài ba ngày."
    assert qa.errors(translation.id) == []


def test_glossary_hits_come_from_the_pairs_glossary(services, qa, translation) -> None:
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism in South Korea")
    codes = [(i.address, i.code) for i in qa.issues(translation.id)]
    assert ("headline#0", "glossary-forbidden") in codes
    assert qa.problems(translation.id) == [
        "headline#0: glossary-forbidden: “South Korea” is a forbidden variant for “Hàn Quốc” "
        "(use “Republic of Korea”, “Korea”)"
    ]


def test_an_acknowledged_warning_keeps_its_reason_and_persists(services, qa, translation, store_path) -> None:
    last = body_address(services, translation, 1)
    acknowledged = qa.acknowledge(translation.id, last, "end-punctuation", "  the portal adds the period  ")
    assert acknowledged.acknowledged == "the portal adds the period"
    assert [i.acknowledged for i in qa.issues(translation.id)] == ["the portal adds the period"]
    [record] = qa.acknowledgements(translation.id)
    assert record.reason == "the portal adds the period"
    assert record.profile_name == services.people.current().name and record.at

    from workstation.app import open_services

    reopened = open_services(store_path)
    try:
        again = QaService(reopened.store, reopened.clock, reopened.translations, reopened.people)
        assert [(i.code, i.acknowledged) for i in again.issues(translation.id)] == [
            ("end-punctuation", "the portal adds the period")
        ]
    finally:
        reopened.close()


def test_an_acknowledgement_lapses_when_the_target_changes(services, qa, translation) -> None:
    last = body_address(services, translation, 1)
    qa.acknowledge(translation.id, last, "end-punctuation", "house style")
    services.translations.save_segment(translation.id, last, "The event went on for three days")
    [issue] = qa.issues(translation.id)
    assert issue.code == "end-punctuation" and issue.acknowledged is None
    assert qa.acknowledgements(translation.id) == []
    # Back to the acknowledged text, the acknowledgement holds again: it is tied to the text, not to time.
    services.translations.save_segment(translation.id, last, "The event lasted three days")
    assert [i.acknowledged for i in qa.issues(translation.id)] == ["house style"]


def test_an_acknowledgement_lapses_when_the_source_changes(services, qa, translation, sample_article) -> None:
    last = body_address(services, translation, 1)
    qa.acknowledge(translation.id, last, "end-punctuation", "house style")
    source = services.editorial.get(sample_article.id)
    source.blocks[1] = replace(source.blocks[1], text="Sự kiện kéo dài ba ngày liền.")
    services.editorial.save(source)
    [issue] = [i for i in qa.issues(translation.id) if i.code == "end-punctuation"]
    assert issue.acknowledged is None


def test_errors_cannot_be_acknowledged_and_a_reason_is_required(services, qa, translation) -> None:
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism in Korea 2024")
    first_lead = [s for s in services.translations.segments(translation.id) if s.part == "lead"][1].address
    services.translations.save_segment(translation.id, first_lead, "More than 300 businesses attended.")
    [error] = qa.errors(translation.id)
    assert (error.address, error.code) == (first_lead, "number-missing")
    with pytest.raises(Refused, match="number-missing is an error, which cannot be acknowledged"):
        qa.acknowledge(translation.id, first_lead, "number-missing", "looks fine to me")
    with pytest.raises(BadInput, match="say why"):
        qa.acknowledge(translation.id, "headline#0", "number-extra", "   ")
    with pytest.raises(NotFound, match="no double-space issue at headline#0"):
        qa.acknowledge(translation.id, "headline#0", "double-space", "why not")
    with pytest.raises(NotFound):
        qa.issues("no-such-translation")
    qa.acknowledge(translation.id, "headline#0", "number-extra", "the year is in the source's dateline")
    assert qa.withdraw(translation.id, "headline#0", "number-extra") is True
    assert qa.withdraw(translation.id, "headline#0", "number-extra") is False


def test_an_untranslated_segment_is_an_error(services, qa, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "zh")
    errors = qa.errors(translation.id)
    assert errors and {e.code for e in errors} == {"untranslated"}
    assert len(errors) == len(services.translations.segments(translation.id))


class _Context:
    def __init__(self, services, qa: QaService) -> None:
        services.qa = qa
        self._services = services

    def services(self):
        return self._services


def test_the_qa_command_prints_issues_and_exits_1_while_errors_remain(services, qa, translation, capsys) -> None:
    last = body_address(services, translation, 1)
    context = _Context(services, qa)
    assert qa_command(argparse.Namespace(translation_id=translation.id, json=False), context) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{last}\twarning\tend-punctuation\tthe source ends with period, the target with no punctuation",
        "0 errors, 1 warnings (0 acknowledged)",
    ]
    qa.acknowledge(translation.id, last, "end-punctuation", "house style")
    first_lead = [s for s in services.translations.segments(translation.id) if s.part == "lead"][1].address
    services.translations.save_segment(translation.id, first_lead, "More than 300 businesses attended.")

    assert qa_command(argparse.Namespace(translation_id=translation.id, json=False), context) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{first_lead}\terror\tnumber-missing\t200 is not in the target (the target has 300)",
        f"{last}\twarning\tend-punctuation\tthe source ends with period, the target with no punctuation"
        "\t(acknowledged: house style)",
        "1 errors, 1 warnings (1 acknowledged)",
    ]

    assert qa_command(argparse.Namespace(translation_id=translation.id, json=True), context) == 1
    assert json.loads(capsys.readouterr().out) == {
        "errors": 1,
        "warnings": 1,
        "issues": [
            {
                "address": first_lead,
                "severity": "error",
                "code": "number-missing",
                "message": "200 is not in the target (the target has 300)",
                "acknowledged": None,
            },
            {
                "address": last,
                "severity": "warning",
                "code": "end-punctuation",
                "message": "the source ends with period, the target with no punctuation",
                "acknowledged": "house style",
            },
        ],
    }


def test_output_of_a_clean_translation() -> None:
    assert as_lines([]) == ["0 errors, 0 warnings (0 acknowledged)"]
    assert as_json([]) == {"errors": 0, "warnings": 0, "issues": []}


def test_register_qa_adds_the_action_to_the_translation_command() -> None:
    from workstation.cli.qa import register_qa

    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="translation_command", required=True)
    register_qa(commands)
    args = parser.parse_args(["qa", "0190f3c2", "--json"])
    assert (args.translation_id, args.json, args.handler) == ("0190f3c2", True, qa_command)
