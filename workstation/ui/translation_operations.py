"""Whole-translation work for the editor: readable readiness problems, the list of them, file names.

Small pure helpers (Picard's `similarity.py` style) so the editor widget stays about the editing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.model import Article
from workstation.ui.i18n import _, ngettext, state_label
from workstation.ui.segment_model import SegmentModel

MAX_LISTED_PROBLEMS = 15

_REASONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # TRANSLATORS: why a segment cannot be final yet.
    (re.compile(r"not translated"), lambda m: _("not translated")),
    (
        re.compile(r"the source changed; confirm the target again"),
        # TRANSLATORS: why a segment cannot be final yet: its source sentence was edited after translation.
        lambda m: _("the source changed; confirm the target again"),
    ),
    (
        re.compile(r"rejected by (?P<name>.+), not yet corrected"),
        # TRANSLATORS: why a segment cannot be final yet; {name} is the reviewer.
        lambda m: _("rejected by {name}, not yet corrected").format(name=m["name"]),
    ),
    # TRANSLATORS: why a segment cannot be final: it is still in a state such as "draft".
    (re.compile(r"still (?P<state>\w+)"), lambda m: _("still {state}").format(state=state_label(m["state"]))),
)


def readable_problem(model: SegmentModel, problem: str) -> str:
    """A service's "<address>: reason" as "#12 Paragraph 3: reason", in the UI language where known."""
    address, _sep, reason = problem.partition(": ")
    row = model.row_of(address)
    where = f"#{row + 1} {model.part_label(row)}" if row is not None else address
    for pattern, message in _REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return f"{where}: {message(match)}"
    return f"{where}: {reason}"


def problem_box(parent: QWidget, title: str, text: str, lines: list[str]) -> QMessageBox:
    """A warning listing `lines` (the first ones; all of them under "Show Details…"), opened non-modal."""
    shown = lines[:MAX_LISTED_PROBLEMS]
    more = len(lines) - len(shown)
    listing = "\n".join(f"• {line}" for line in shown)
    if more:
        listing += "\n" + ngettext("…and {n} more", "…and {n} more", more).format(n=more)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(listing)
    if more:
        box.setDetailedText("\n".join(lines))
    box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))  # Qt ships no Vietnamese catalog
    box.open()
    return box


def xliff_file_name(source: Article, translation: Article) -> str:
    """ "Da-Nang-quang-ba-du-lich.vi-en.xlf": the headline, then the language pair."""
    stem = re.sub(r"[^\w]+", "-", source.headline, flags=re.UNICODE).strip("-")[:60] or "translation"
    return f"{stem}.{source.language}-{translation.language}.xlf"
