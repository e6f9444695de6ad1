"""The translation editor's "Glossary" tab: the glossary terms found in the selected segment's source,
their approved translations (the first is what Alt+N inserts), forbidden variants and notes."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workstation.translation.glossary import GlossaryHit
from workstation.ui.i18n import _
from workstation.ui.memory_pane import INSERT_SCHEME, language_html
from workstation.ui.pane_parts import status_and_browser
from workstation.ui.translation_panels import DELETED_STYLE

TERM_KEYS = 9


def term_key(number: int) -> str:
    return QKeySequence(f"Alt+{number}").toString(QKeySequence.SequenceFormat.NativeText)


class GlossaryPane(QWidget):
    insert_requested = Signal(int)  # the hit's number, from 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: list[GlossaryHit] = []
        self.status, self.view = status_and_browser(self._clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.show_hits([], "", "")

    def show_hits(self, hits: Sequence[GlossaryHit], source_language: str, target_language: str) -> None:
        self.hits = list(hits)
        if not hits:
            self.view.clear()
            self.status.setText(_("No glossary term in this segment's source."))
            return
        shown = min(len(hits), TERM_KEYS)
        self.status.setText(
            _("{first} … {last} insert the approved translations at the cursor.").format(
                first=term_key(1), last=term_key(shown)
            )
            if shown > 1
            else _("{key} inserts the approved translation at the cursor.").format(key=term_key(1))
        )
        self.view.setHtml(
            "<hr>".join(
                hit_html(number, hit, source_language, target_language) for number, hit in enumerate(hits, start=1)
            )
        )

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == INSERT_SCHEME and url.path().isdigit():
            self.insert_requested.emit(int(url.path()))

    def hit_plain(self, number: int) -> str:
        """Hit `number` as text: "term → translation; …" (tests, screen readers)."""
        if not 0 < number <= len(self.hits):
            return ""
        hit = self.hits[number - 1]
        text = f"{hit.source_term} → {'; '.join(hit.target_terms)}"
        if hit.forbidden:
            text += " ≠ " + "; ".join(hit.forbidden)
        return text


def hit_html(number: int, hit: GlossaryHit, source_language: str, target_language: str) -> str:
    term = language_html(html.escape(hit.source_term), source_language)
    approved = [language_html(f"<b>{html.escape(t)}</b>", target_language) for t in hit.target_terms[:1]]
    approved += [language_html(html.escape(t), target_language) for t in hit.target_terms[1:]]
    key = ""
    if number <= TERM_KEYS:
        insert = _("Insert")
        key = f' · <a href="{INSERT_SCHEME}:{number}">{html.escape(insert)} ({html.escape(term_key(number))})</a>'
    parts = [f"<p style='margin:2px 0'><b>{number}</b> {term} →</p>"]
    parts.append(f"<p style='margin:2px 0 2px 12px;color:#0b3d91'>{' / '.join(approved)}{key}</p>")
    if hit.forbidden:
        # TRANSLATORS: glossary pane: variants of the translation that must not be used.
        label = html.escape(_("Not:"))
        variants = ", ".join(
            f'<span style="{DELETED_STYLE}">{language_html(html.escape(v), target_language)}</span>'
            for v in hit.forbidden
        )
        parts.append(f"<p style='margin:2px 0 2px 12px'>{label} {variants}</p>")
    if hit.note:
        note = html.escape(hit.note).replace("\n", "<br>")
        parts.append(f"<p style='margin:2px 0 2px 12px;color:#555'><i>{note}</i></p>")
    return "".join(parts)
