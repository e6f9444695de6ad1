"""QA of stored translations: the checks of qa.py over a translation's segments, and acknowledgements.

An acknowledgement answers one warning (translation, segment address, check code) with a reason,
which is kept with who gave it and when. It holds while the issue's fingerprint (code, source and
target text) is unchanged: edit the target, or the source, and the warning is open again. Errors
cannot be acknowledged: they block "final" until fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workstation.clock import Clock, timestamp
from workstation.editorial.people import PeopleService
from workstation.errors import BadInput, NotFound, Refused
from workstation.language.normalise import normalise_text
from workstation.storage.qa import Acknowledgement, QaAcknowledgementRepository
from workstation.storage.store import Store
from workstation.translation.qa import HitLike, HitsFor, QaIssue, check_translation
from workstation.translation.service import TranslationService

HitsForPair = Callable[[str, str], Callable[[str], Sequence[HitLike]]]
"""(source language, target language) → the glossary hits of one source text, e.g.
``lambda s, t: lambda text: glossary.hits(text, s, t)``."""

MAX_REASON_CHARS = 2000


class QaService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        translations: TranslationService,
        people: PeopleService,
        hits_for_pair: HitsForPair | None = None,
    ) -> None:
        self._acknowledgements = QaAcknowledgementRepository(store)
        self._clock = clock
        self._translations = translations
        self._people = people
        self._hits_for_pair = hits_for_pair

    def issues(self, translation_id: str) -> list[QaIssue]:
        """Every issue in segment order, errors first within a segment; acknowledged warnings carry
        their reason in `acknowledged`."""
        translation = self._translations.get(translation_id)
        source_lang = self._translations.source_of(translation).language
        hits_for: HitsFor | None = None
        if self._hits_for_pair is not None:
            hits_for = self._hits_for_pair(source_lang, translation.language)
        segments = self._translations.segments(translation_id)
        found = check_translation(segments, source_lang, translation.language, hits_for)
        acknowledged = self._acknowledgements.of_translation(translation_id)
        return [_with_acknowledgement(issue, acknowledged.get((issue.address, issue.code))) for issue in found]

    def errors(self, translation_id: str) -> list[QaIssue]:
        """The issues that block "final"."""
        return [issue for issue in self.issues(translation_id) if issue.is_error]

    def problems(self, translation_id: str) -> list[str]:
        """The errors as lines for a refused state change: `<address>: <code>: <message>`."""
        return [f"{issue.address}: {issue.code}: {issue.message}" for issue in self.errors(translation_id)]

    def acknowledge(self, translation_id: str, address: str, code: str, reason: str) -> QaIssue:
        """Answer a warning with a reason; returns the issue, now acknowledged."""
        reason = " ".join(normalise_text(reason).split())
        if not reason:
            raise BadInput("say why the warning can stand: the reason is kept with it")
        if len(reason) > MAX_REASON_CHARS:
            raise BadInput(f"the reason is too long ({len(reason)} characters; at most {MAX_REASON_CHARS})")
        issue = self._issue(translation_id, address, code)
        if issue.is_error:
            raise Refused(f"{address}: {code} is an error, which cannot be acknowledged: fix it ({issue.message})")
        profile = self._people.current()
        at = timestamp(self._clock())
        self._acknowledgements.save(
            Acknowledgement(translation_id, address, code, issue.fingerprint, reason, profile.id, profile.name, at)
        )
        return issue.acknowledged_with(reason)

    def withdraw(self, translation_id: str, address: str, code: str) -> bool:
        """Take an acknowledgement back; True when there was one."""
        self._translations.get(translation_id)
        return self._acknowledgements.delete(translation_id, address, code)

    def acknowledgements(self, translation_id: str) -> list[Acknowledgement]:
        """The acknowledgements that still hold (their issue is unchanged), in segment order."""
        held = self._acknowledgements.of_translation(translation_id)
        found = []
        for issue in self.issues(translation_id):
            record = held.get((issue.address, issue.code))
            if issue.acknowledged is not None and record is not None:
                found.append(record)
        return found

    def _issue(self, translation_id: str, address: str, code: str) -> QaIssue:
        for issue in self.issues(translation_id):
            if issue.address == address and issue.code == code:
                return issue
        raise NotFound(f"translation {translation_id} has no {code} issue at {address}")


def _with_acknowledgement(issue: QaIssue, record: Acknowledgement | None) -> QaIssue:
    if record is None or issue.is_error or record.fingerprint != issue.fingerprint:
        return issue
    return issue.acknowledged_with(record.reason)
