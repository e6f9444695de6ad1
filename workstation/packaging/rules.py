"""Completeness rules: what a package must pass before it is sealed, as data.

The rules live in resources/packaging/rules.toml. Each names a check function of this module
(`CHECKS`), its parameters, a severity and a message template, so a rule is turned off or tuned
without touching code. A check is a pure function over `PackageFacts` (what the packaging service
read from the store once) that yields `Finding`s; `check_package` turns each into a `RuleFailure`
with the rule's message, and reports every failure, never only the first.

Embargoes: an embargo must be an ISO 8601 date and time with a UTC offset ("2026-12-01T08:00:00Z").
A time without an offset is refused, because 70 stations in many time zones would read it
differently; an embargo that has passed is only a warning (the portal may publish at once, which may
be what was meant). Every translation carries its source's embargo: the portal publishes the family
together.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from workstation.errors import BadInput
from workstation.model import LANGUAGES, Article, ArticleState, JumpTarget, Picture, RuleFailure
from workstation.resources import resource_path

if TYPE_CHECKING:
    from workstation.translation.qa import QaIssue

__all__ = [
    "CHECKS",
    "ArticleFacts",
    "Finding",
    "PackageFacts",
    "Rule",
    "RuleFailure",
    "TranslationFacts",
    "check_package",
    "default_rules",
    "load_rules",
    "parse_embargo",
]

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)
NO_HEADLINE = "(no headline)"
NO_EMBARGO = "none"

FIELD_NAMES = {"headline": "headline", "subheadline": "subheadline", "lead": "lead", "byline": "byline"}
PICTURE_TEXT_NAMES = {"caption": "caption", "alt_text": "alt text", "credit": "credit"}
"""A picture's texts as rules and change summaries name them, by the key the rule file uses."""
_PICTURE_TEXT_ATTRIBUTES = {"caption": "captions", "alt_text": "alt_texts", "credit": "credits"}
COMMON_VALUES = frozenset({"headline", "language", "language_name", "field"})


# --- what the checks look at ------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationFacts:
    """A translation of a package's article: `unfinished` of its `segments` are not final (or are stale)."""

    article: Article
    segments: int
    unfinished: int
    qa_errors: tuple[QaIssue, ...] = ()


@dataclass(frozen=True)
class ArticleFacts:
    """A source article of the package, its translations (by language) and its pictures."""

    source: Article
    translations: tuple[TranslationFacts, ...] = ()
    pictures: tuple[Picture, ...] = ()

    @property
    def items(self) -> tuple[Article, ...]:
        """The source, then each translation: what the bundle carries of this article."""
        return (self.source, *(translation.article for translation in self.translations))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(item.language for item in self.items)

    def item_in(self, language: str) -> Article | None:
        return next((item for item in self.items if item.language == language), None)


@dataclass(frozen=True)
class PackageFacts:
    articles: tuple[ArticleFacts, ...]
    now: datetime
    """When the check runs (timezone-aware): embargoes are compared with it."""

    @property
    def languages(self) -> tuple[str, ...]:
        """The package's languages: those of its items, in the order first met."""
        return tuple(dict.fromkeys(language for article in self.articles for language in article.languages))


@dataclass(frozen=True)
class Finding:
    """What a check found wrong with one item; the rule's message template words it."""

    item: Article
    field: str
    target: JumpTarget
    language: str = ""
    """The language to fix, when it is not the item's own (a picture text in another language)."""
    values: Mapping[str, object] = field(default_factory=dict)
    """The check's own values for the message template."""


# --- the checks --------------------------------------------------------------------------------------

Params = Mapping[str, Any]
CheckFunction = Callable[[ArticleFacts, PackageFacts, Params], Iterator[Finding]]


def _target(item: Article, field_name: str) -> JumpTarget:
    return JumpTarget("translation" if item.is_translation else "article", item.id, field_name)


def source_state(article: ArticleFacts, _package: PackageFacts, params: Params) -> Iterator[Finding]:
    """The source article is in one of `states` (cleared)."""
    source = article.source
    if source.state not in params["states"]:
        values = {"state": source.state, "states": ", ".join(params["states"])}
        yield Finding(source, "state", _target(source, "state"), values=values)


def translation_final(article: ArticleFacts, _package: PackageFacts, _params: Params) -> Iterator[Finding]:
    """Every sentence of every translation is final and none is stale."""
    for translation in article.translations:
        if translation.unfinished:
            values = {"unfinished": translation.unfinished, "segments": translation.segments}
            yield Finding(translation.article, "state", _target(translation.article, "state"), values=values)


def texts_present(article: ArticleFacts, _package: PackageFacts, params: Params) -> Iterator[Finding]:
    """Each of `fields` is filled in every item (source and translations)."""
    for item in article.items:
        for name in params["fields"]:
            if not str(getattr(item, name) or "").strip():
                yield Finding(item, name, _target(item, name), values={"field_name": FIELD_NAMES[name]})


def picture_texts(article: ArticleFacts, package: PackageFacts, params: Params) -> Iterator[Finding]:
    """Each picture has each of `texts` in every language of the package (or of its article)."""
    languages = package.languages if params["languages"] == "package" else article.languages
    for picture in article.pictures:
        name = picture.original_name or picture.id
        for language in languages:
            item = article.item_in(language) or article.source
            for text in params["texts"]:
                if not picture_text(picture, text, language).strip():
                    yield Finding(
                        item,
                        f"picture:{picture.id}:{text}",
                        JumpTarget("picture", picture.id, text),
                        language=language,
                        values={"picture": name, "text_name": PICTURE_TEXT_NAMES[text]},
                    )


def picture_text(picture: Picture, text: str, language: str) -> str:
    """The picture's `text` (a key of PICTURE_TEXT_NAMES) in `language`; "" when it has none."""
    return getattr(picture, _PICTURE_TEXT_ATTRIBUTES[text]).get(language, "")


def qa_errors(article: ArticleFacts, _package: PackageFacts, params: Params) -> Iterator[Finding]:
    """No translation has an open QA error (errors cannot be acknowledged; they are fixed)."""
    ignored = set(params["ignore_codes"])
    for translation in article.translations:
        for issue in translation.qa_errors:
            if issue.code in ignored:
                continue
            where = f"segment:{issue.address}"
            values = {"address": issue.address, "code": issue.code, "qa_message": issue.message}
            yield Finding(translation.article, where, _target(translation.article, where), values=values)


def embargo_valid(article: ArticleFacts, _package: PackageFacts, _params: Params) -> Iterator[Finding]:
    """Every embargo that is set reads as a date and time with a UTC offset."""
    for item in article.items:
        if item.embargo and parse_embargo(item.embargo) is None:
            yield Finding(item, "embargo", _target(item, "embargo"), values={"embargo": item.embargo})


def embargo_matches_source(article: ArticleFacts, _package: PackageFacts, _params: Params) -> Iterator[Finding]:
    """Every translation has its source's embargo (both none, or the same moment)."""
    expected = _moment_or_text(article.source.embargo)
    for translation in article.translations:
        item = translation.article
        if _moment_or_text(item.embargo) != expected:
            values = {"embargo": item.embargo or NO_EMBARGO, "source_embargo": article.source.embargo or NO_EMBARGO}
            yield Finding(item, "embargo", _target(item, "embargo"), values=values)


def embargo_passed(article: ArticleFacts, package: PackageFacts, _params: Params) -> Iterator[Finding]:
    """The source's embargo, when set, is still ahead (translations follow it: see embargo_matches_source)."""
    source = article.source
    moment = parse_embargo(source.embargo or "")
    if moment is not None and moment <= package.now:
        yield Finding(source, "embargo", _target(source, "embargo"), values={"embargo": source.embargo})


def parse_embargo(text: str) -> datetime | None:
    """The moment an embargo names, or None when it is empty or not a date and time with a UTC offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _moment_or_text(embargo: str | None) -> object:
    """Embargoes compared as moments ("…T10:00+02:00" equals "…T08:00Z"), unreadable ones as written."""
    if not embargo:
        return None
    return parse_embargo(embargo) or embargo


# --- the rule file -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter a check takes: its type, default, and for lists or text the values allowed (if limited)."""

    kind: type
    default: Any
    choices: frozenset[str] | None = None


@dataclass(frozen=True)
class CheckSpec:
    function: CheckFunction
    params: Mapping[str, Param]
    values: frozenset[str]
    """The placeholders this check fills, beyond COMMON_VALUES."""


CLEARED_STATES = (ArticleState.APPROVED, ArticleState.PACKAGED, ArticleState.SENT, ArticleState.ACCEPTED)

CHECKS: Mapping[str, CheckSpec] = MappingProxyType(
    {
        "source_state": CheckSpec(
            source_state,
            {"states": Param(list, list(CLEARED_STATES), frozenset(ArticleState))},
            frozenset({"state", "states"}),
        ),
        "translation_final": CheckSpec(translation_final, {}, frozenset({"unfinished", "segments"})),
        "texts_present": CheckSpec(
            texts_present,
            {"fields": Param(list, ["headline", "lead"], frozenset(FIELD_NAMES))},
            frozenset({"field_name"}),
        ),
        "picture_texts": CheckSpec(
            picture_texts,
            {
                "texts": Param(list, list(PICTURE_TEXT_NAMES), frozenset(PICTURE_TEXT_NAMES)),
                "languages": Param(str, "package", frozenset({"package", "article"})),
            },
            frozenset({"picture", "text_name"}),
        ),
        "qa_errors": CheckSpec(
            qa_errors, {"ignore_codes": Param(list, ["untranslated"])}, frozenset({"address", "code", "qa_message"})
        ),
        "embargo_valid": CheckSpec(embargo_valid, {}, frozenset({"embargo"})),
        "embargo_matches_source": CheckSpec(embargo_matches_source, {}, frozenset({"embargo", "source_embargo"})),
        "embargo_passed": CheckSpec(embargo_passed, {}, frozenset({"embargo"})),
    }
)


@dataclass(frozen=True)
class Rule:
    """One rule of the rule file: `check` names an entry of CHECKS; `params` are complete (defaults filled)."""

    id: str
    check: str
    severity: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True


def default_rules_path() -> Path:
    return resource_path("packaging", "rules.toml")


@cache
def default_rules() -> tuple[Rule, ...]:
    """The rules shipped in resources/packaging/rules.toml (read once)."""
    return load_rules(default_rules_path())


def load_rules(path: Path) -> tuple[Rule, ...]:
    """Every rule of a rule file, disabled ones included; BadInput names the file, rule and field at fault."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as error:
        raise BadInput(f"the rule file {path} does not exist") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"the rule file {path} is not valid TOML: {error}") from error
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise BadInput(f"the rule file {path} has no [[rule]] tables")
    rules = [_rule(entry, number, path) for number, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise BadInput(f"{path}: two rules have the id {rule.id!r}")
        seen.add(rule.id)
    return tuple(rules)


def _rule(entry: Any, number: int, path: Path) -> Rule:
    where = f"{path}: rule {number}"
    if not isinstance(entry, dict):
        raise BadInput(f"{where} is not a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise BadInput(f"{where} has no id")
    where = f"{path}: rule {rule_id!r}"
    unknown = set(entry) - {"id", "check", "severity", "message", "params", "enabled"}
    if unknown:
        raise BadInput(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    check = entry.get("check")
    if check not in CHECKS:
        raise BadInput(f"{where}: check {check!r} is not one of {', '.join(CHECKS)}")
    severity = entry.get("severity", ERROR)
    if severity not in SEVERITIES:
        raise BadInput(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise BadInput(f"{where}: enabled must be true or false")
    spec = CHECKS[check]
    message = entry.get("message")
    if not isinstance(message, str) or not message.strip():
        raise BadInput(f"{where} has no message")
    _check_template(message, spec.values | COMMON_VALUES, where)
    return Rule(
        id=rule_id,
        check=check,
        severity=severity,
        message=message,
        params=MappingProxyType(_params(entry.get("params", {}), spec, where)),
        enabled=enabled,
    )


def _params(given: Any, spec: CheckSpec, where: str) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise BadInput(f"{where}: params must be a table")
    unknown = set(given) - set(spec.params)
    if unknown:
        allowed = ", ".join(spec.params) or "none"
        raise BadInput(f"{where}: unknown params {', '.join(sorted(unknown))} (this check takes: {allowed})")
    params: dict[str, Any] = {}
    for name, param in spec.params.items():
        value = given.get(name, param.default)
        if not isinstance(value, param.kind) or (param.kind is list and not all(isinstance(v, str) for v in value)):
            expected = "a list of texts" if param.kind is list else "a text"
            raise BadInput(f"{where}: params.{name} must be {expected}")
        values = value if isinstance(value, list) else [value]
        if param.choices is not None and not set(values) <= param.choices:
            wrong = ", ".join(sorted(set(values) - param.choices))
            raise BadInput(f"{where}: params.{name} has {wrong}; choose from {', '.join(sorted(param.choices))}")
        params[name] = tuple(value) if isinstance(value, list) else value
    return params


def _check_template(message: str, allowed: frozenset[str], where: str) -> None:
    try:
        names = {name for _text, name, _spec, _conversion in string.Formatter().parse(message) if name is not None}
    except ValueError as error:
        raise BadInput(f"{where}: the message is not a valid template ({error})") from error
    unknown = names - allowed
    if unknown or "" in names:
        shown = ", ".join("{" + name + "}" for name in sorted(unknown)) or "{}"
        raise BadInput(f"{where}: the message uses {shown}; it may use {', '.join(sorted(allowed))}")


# --- running the rules -------------------------------------------------------------------------------


def check_package(facts: PackageFacts, rules: Sequence[Rule]) -> list[RuleFailure]:
    """Every failure of every enabled rule, article by article in package order, rules in file order."""
    failures = []
    for article in facts.articles:
        for rule in rules:
            if not rule.enabled:
                continue
            for finding in CHECKS[rule.check].function(article, facts, rule.params):
                failures.append(_failure(rule, article, finding))
    return failures


def _failure(rule: Rule, article: ArticleFacts, finding: Finding) -> RuleFailure:
    language = finding.language or finding.item.language
    values = {
        "headline": article.source.headline or NO_HEADLINE,
        "language": language,
        "language_name": LANGUAGES.get(language, language),
        "field": finding.field,
        **finding.values,
    }
    return RuleFailure(
        rule=rule.id,
        article_id=article.source.id,
        item_id=finding.item.id,
        language=language,
        field=finding.field,
        message=rule.message.format_map(values),
        target=finding.target,
        severity=rule.severity,
    )
