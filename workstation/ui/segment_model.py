"""The rows of the translation editor: one per segment, grouped by the article part they belong to.

The model keeps the segments of the open translation in memory (read once when it opens) and writes
one segment at a time through the translation service; nothing here queries the store per row.
Labels, fonts and folded texts for filtering are computed once per load.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap, QPolygonF

from workstation.app import Services
from workstation.language.folding import fold
from workstation.language.normalise import normalise_text
from workstation.model import Article, BlockKind, Segment, SegmentState
from workstation.translation.segmenting import ALT, split_picture_part
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, ngettext, state_label

ModelIndex = QModelIndex | QPersistentModelIndex

CONFIRMED = frozenset({SegmentState.TRANSLATED, SegmentState.REVIEWED, SegmentState.FINAL})
REJECTED = "rejected"
HISTORY_DEPTH = 100

FIELD_NAMES = {
    "headline": N_("Headline"),
    "subheadline": N_("Subheadline"),
    # TRANSLATORS: the lead (standfirst) of an article, the paragraph under the headline.
    "lead": N_("Lead"),
}
# TRANSLATORS: labels of the groups of sentences in the translation editor; {n} counts blocks of that kind.
BLOCK_NAMES = {
    BlockKind.PARAGRAPH: N_("Paragraph {n}"),
    BlockKind.HEADING: N_("Heading {n}"),
    BlockKind.QUOTE: N_("Quote {n}"),
    BlockKind.BULLETED: N_("List item {n}"),
    BlockKind.NUMBERED: N_("List item {n}"),
}
# TRANSLATORS: a group of sentences in the translation editor: the caption of the article's picture number {n}.
CAPTION_NAME = N_("Picture {n} — caption")
# TRANSLATORS: a group of sentences in the translation editor: the alternative text (for blind readers) of a picture.
ALT_NAME = N_("Picture {n} — alt text")

STATE_COLOURS = {
    SegmentState.NEW: "#f3f3f3",
    SegmentState.DRAFT: "#fff4d6",
    SegmentState.TRANSLATED: "#e3f4e1",
    SegmentState.REVIEWED: "#d9ecff",
    SegmentState.FINAL: "#c8ebc2",
}
STALE_COLOUR = "#ffd9b3"
REJECTED_COLOUR = "#d32f2f"

ORIGIN_LABELS = {
    # TRANSLATORS: origin of a translated sentence: typed by a translator.
    "human": N_("human"),
    # TRANSLATORS: origin of a translated sentence: read from an XLIFF file made in another CAT tool.
    "xliff": N_("XLIFF"),
    # TRANSLATORS: origin of a translated sentence: a 100 % match from the translation memory.
    "exact": N_("exact match"),
    # TRANSLATORS: origin of a translated sentence: copied from an identical sentence of the same text.
    "propagated": N_("propagated"),
}

# Custom data roles, for the delegate and for tests.
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # the part label on the first row of a group, else ""
STALE_ROLE = Qt.ItemDataRole.UserRole + 2  # bool
HITS_ROLE = Qt.ItemDataRole.UserRole + 3  # the glossary hits in the source (list of GlossaryHit), source column

HitsProvider = Callable[[str, str, str], Sequence]
"""(source text, source language, target language) → the glossary hits in the text."""
ERROR_MARK, WARNING_MARK = "error", "warning"
ERROR_COLOUR, WARNING_COLOUR = "#d32f2f", "#f5a623"


@dataclass(frozen=True)
class IssueMark:
    """The QA issues of one segment, for its marker in the number column."""

    severity: str
    """"error" when any is an error, else "warning"."""
    messages: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    """Confirmed segments (translated, reviewed or final, and not stale) out of all."""

    confirmed: int = 0
    total: int = 0
    stale: int = 0
    rejected: int = 0

    @property
    def percent(self) -> int:
        return self.confirmed * 100 // self.total if self.total else 0


def is_confirmed(item: Segment) -> bool:
    return item.state in CONFIRMED and not item.is_stale


def is_untranslated(item: Segment) -> bool:
    """Not yet confirmed: new, or a draft (also one a reviewer sent back)."""
    return item.state in (SegmentState.NEW, SegmentState.DRAFT) or not item.target_text


def is_rejected(item: Segment) -> bool:
    return bool(item.comments) and item.comments[-1].verdict == REJECTED and item.state == SegmentState.DRAFT


def progress_of(segments: list[Segment]) -> Progress:
    return Progress(
        confirmed=sum(1 for item in segments if is_confirmed(item)),
        total=len(segments),
        stale=sum(1 for item in segments if item.is_stale),
        rejected=sum(1 for item in segments if is_rejected(item)),
    )


def progress_text(progress: Progress) -> str:
    """ "12 of 40 segments translated (30 %) · 3 stale"."""
    if not progress.total:
        return ""
    parts = [
        ngettext(
            "{done} of {total} segment translated", "{done} of {total} segments translated", progress.total
        ).format(done=progress.confirmed, total=progress.total)
        + f" ({progress.percent} %)"
    ]
    if progress.stale:
        # TRANSLATORS: segments whose source sentence changed after they were translated.
        parts.append(ngettext("{n} stale", "{n} stale", progress.stale).format(n=progress.stale))
    if progress.rejected:
        # TRANSLATORS: segments a reviewer rejected, waiting for the translator.
        parts.append(ngettext("{n} rejected", "{n} rejected", progress.rejected).format(n=progress.rejected))
    return " · ".join(parts)


TM_ORIGIN = re.compile(r"tm (\d{1,3})%")
"""A fuzzy match inserted from the translation memory: "tm 87%"."""


def tm_origin(score: int) -> str:
    """The origin stored for a target inserted from a memory match: "exact" for 100 %, else "tm 87%"."""
    return "exact" if score >= 100 else f"tm {score}%"


def origin_label(origin: str) -> str:
    label = ORIGIN_LABELS.get(origin)
    if label:
        return _(label)
    fuzzy = TM_ORIGIN.fullmatch(origin)
    if fuzzy:
        # TRANSLATORS: origin of a translated sentence: a fuzzy match of {score} % from the translation memory.
        return _("{score} % match").format(score=fuzzy.group(1))
    return origin


def part_labels(segments: list[Segment], source: Article | None) -> dict[str, str]:
    """A readable label per part: "Headline", "Paragraph 3", "Picture 1 — caption"."""
    kinds: dict[str, str] = {}
    pictures: dict[str, int] = {}
    numbers: dict[str, int] = {}
    if source is not None:
        counters: dict[str, int] = {}
        for block in source.blocks:
            if block.kind == BlockKind.PICTURE:
                if block.picture_id and block.picture_id not in pictures:
                    pictures[block.picture_id] = len(pictures) + 1
                continue
            kind = BlockKind.BULLETED if block.kind == BlockKind.NUMBERED else block.kind
            counters[kind] = counters.get(kind, 0) + 1
            kinds[block.id], numbers[block.id] = block.kind, counters[kind]
    labels: dict[str, str] = {}
    for item in segments:
        part = item.part
        if part in labels:
            continue
        if part in FIELD_NAMES:
            labels[part] = _(FIELD_NAMES[part])
            continue
        picture = split_picture_part(part)
        if picture is not None:
            kind, picture_id = picture
            number = pictures.setdefault(picture_id, len(pictures) + 1)
            labels[part] = _(ALT_NAME if kind == ALT else CAPTION_NAME).format(n=number)
            continue
        if part not in numbers:  # a block the source no longer names: number it after the known ones
            numbers[part] = len(numbers) + 1
        labels[part] = _(
            BLOCK_NAMES.get(kinds.get(part, BlockKind.PARAGRAPH), BLOCK_NAMES[BlockKind.PARAGRAPH])
        ).format(n=numbers[part])
    return labels


@dataclass(frozen=True)
class SegmentFilter:
    """Which rows to show: `kind` is "all", "untranslated", "stale", "comments" or a segment state."""

    kind: str = "all"
    text: str = ""

    @property
    def is_active(self) -> bool:
        return self.kind != "all" or bool(self.text.strip())


FILTER_KINDS = (
    # TRANSLATORS: filter of the translation editor.
    ("all", N_("All segments")),
    # TRANSLATORS: filter of the translation editor: segments not yet confirmed (new or draft).
    ("untranslated", N_("Untranslated")),
    # TRANSLATORS: filter of the translation editor: segments whose source changed after translation.
    ("stale", N_("Stale (source changed)")),
    # TRANSLATORS: filter of the translation editor: segments a reviewer rejected.
    ("rejected", N_("Rejected by a reviewer")),
    # TRANSLATORS: filter of the translation editor: segments with reviewers' comments.
    ("comments", N_("With comments")),
)


def _folded(text: str) -> str:
    return fold(unicodedata.normalize("NFC", text))


_ICONS: dict[str, QIcon] = {}


def _icon(name: str, colour: str) -> QIcon:
    """A small round marker, drawn once per colour (no icon files to ship or load)."""
    icon = _ICONS.get(name)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(colour))
        painter.setPen(QColor(colour).darker(140))
        if name == "stale":
            painter.drawPolygon(QPolygonF([QPointF(6, 0.5), QPointF(11.5, 11.5), QPointF(0.5, 11.5)]))
        else:
            painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = _ICONS[name] = QIcon(pixmap)
    return icon


def marker_icon(name: str, colour: str) -> QIcon:
    """A small round marker of `colour`, kept under `name` (the QA pane's severities)."""
    return _icon(name, colour)


class SegmentModel(QAbstractTableModel):
    """Row = segment, in reading order. Columns: number, source, target, state, origin."""

    NUMBER, SOURCE, TARGET, STATE, ORIGIN = range(5)
    # TRANSLATORS: column of the translation editor: the segment's number.
    HEADERS = (N_("#"), N_("Source"), N_("Target"), N_("State"), N_("Origin"))

    saved = Signal(int)  # row
    """A segment was written to the store (its row); not emitted for a whole reload."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._services = services
        self.translation: Article | None = None
        self.source: Article | None = None
        self.source_language = ""
        self.segments: list[Segment] = []
        self.history: list[Segment] = []
        """Segments as they were before this model wrote them, oldest first: what undo restores."""
        self._labels: dict[str, str] = {}
        self._group_start: list[bool] = []
        self._rows_by_address: dict[str, int] = {}
        self._folded: dict[int, tuple[str, str]] = {}
        self._fonts: tuple[QFont, QFont] = (QFont(), QFont())
        self._brushes = {state: QBrush(QColor(colour)) for state, colour in STATE_COLOURS.items()}
        self._stale_brush = QBrush(QColor(STALE_COLOUR))
        self._rejected_brush = QBrush(QColor(REJECTED_COLOUR))
        self.hits_provider: HitsProvider | None = None
        """Set by the editor's assistance: glossary hits are computed per row when first shown."""
        self._hits: dict[int, Sequence] = {}
        self._issue_marks: dict[str, IssueMark] = {}
        self.origin_hint: Callable[[str, str], str | None] | None = None
        """(address, text) → the origin of a text inserted from elsewhere (a memory match), if it is that."""

    # --- loading ------------------------------------------------------------------------------

    def load(self, translation: Article, source: Article) -> None:
        segments = self._services.translations.segments(translation.id)
        if self.translation is None or self.translation.id != translation.id:
            self.history = []
        self.beginResetModel()
        self.translation, self.source, self.source_language = translation, source, source.language
        self.segments = segments
        self._fonts = (font_for_language(source.language), font_for_language(translation.language))
        self._index()
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.translation = self.source = None
        self.segments, self.history = [], []
        self._index()
        self.endResetModel()

    def _index(self) -> None:
        self._labels = part_labels(self.segments, self.source)
        self._group_start = [
            row == 0 or item.part != self.segments[row - 1].part for row, item in enumerate(self.segments)
        ]
        self._rows_by_address = {item.address: row for row, item in enumerate(self.segments)}
        self._folded = {}
        self._hits = {}

    # --- reading ------------------------------------------------------------------------------

    def segment(self, row: int) -> Segment:
        return self.segments[row]

    def row_of(self, address: str) -> int | None:
        return self._rows_by_address.get(address)

    def part_label(self, row: int) -> str:
        return self._labels.get(self.segments[row].part, self.segments[row].part)

    def is_group_start(self, row: int) -> bool:
        return self._group_start[row]

    def font(self, column: int) -> QFont:
        return self._fonts[1] if column == self.TARGET else self._fonts[0]

    def progress(self) -> Progress:
        return progress_of(self.segments)

    def hits(self, row: int) -> Sequence:
        """The glossary hits in the source of `row` (computed once, until the glossary changes)."""
        found = self._hits.get(row)
        if found is None:
            found = ()
            if self.hits_provider is not None and self.translation is not None:
                try:
                    found = self.hits_provider(
                        self.segments[row].source_text, self.source_language, self.translation.language
                    )
                except Exception:  # the glossary's store closed meanwhile: no highlights, never a failed paint
                    found = ()
            self._hits[row] = found
        return found

    def refresh_hits(self) -> None:
        """The glossary changed: highlights are computed again as rows are shown."""
        self._hits = {}
        if self.segments:
            self.dataChanged.emit(self.index(0, self.SOURCE), self.index(len(self.segments) - 1, self.SOURCE))

    def set_issue_marks(self, marks: dict[str, IssueMark]) -> None:
        """The QA issues per segment address, shown as a marker before the segment's number."""
        if marks == self._issue_marks:
            return
        self._issue_marks = marks
        if self.segments:
            self.dataChanged.emit(self.index(0, self.NUMBER), self.index(len(self.segments) - 1, self.NUMBER))

    def issue_mark(self, row: int) -> IssueMark | None:
        return self._issue_marks.get(self.segments[row].address)

    def matches(self, row: int, spec: SegmentFilter) -> bool:
        item = self.segments[row]
        kind = spec.kind
        if kind == "untranslated" and not is_untranslated(item):
            return False
        if kind == "stale" and not item.is_stale:
            return False
        if kind == "rejected" and not is_rejected(item):
            return False
        if kind == "comments" and not item.comments:
            return False
        if kind in tuple(SegmentState) and item.state != kind:
            return False
        query = spec.text.strip()
        if query:
            folded = self._folded.get(row)
            if folded is None:
                folded = self._folded[row] = (_folded(item.source_text), _folded(item.target_text))
            needle = _folded(query)
            return needle in folded[0] or needle in folded[1]
        return True

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == self.TARGET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.translation is None:
            return None
        row, column = index.row(), index.column()
        item = self.segments[row]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            if column == self.NUMBER:
                return str(row + 1)
            if column == self.SOURCE:
                return item.source_text
            if column == self.TARGET:
                return item.target_text
            if column == self.STATE:
                return state_label(item.state) if role == Qt.ItemDataRole.DisplayRole else item.state
            return origin_label(item.origin) if item.target_text else ""
        if role == Qt.ItemDataRole.FontRole:
            if column in (self.SOURCE, self.TARGET):
                return self.font(column)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == self.STATE or (column == self.NUMBER and item.is_stale):
                return self._stale_brush if item.is_stale else self._brushes.get(item.state)
            if column == self.SOURCE and item.is_stale:
                return self._stale_brush
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE and is_rejected(item):
            return self._rejected_brush
        if role == Qt.ItemDataRole.DecorationRole and column == self.NUMBER:
            mark = self._issue_marks.get(item.address)
            if mark is None:
                return None
            return (
                marker_icon("qa-error", ERROR_COLOUR)
                if mark.severity == ERROR_MARK
                else marker_icon("qa-warning", WARNING_COLOUR)
            )
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATE:
            if item.is_stale:
                return _icon("stale", "#f08c00")
            if is_rejected(item):
                return _icon("rejected", REJECTED_COLOUR)
            if item.comments:
                return _icon("comment", "#5b8def")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, item, column)
        if role == HITS_ROLE:
            return self.hits(row) if column == self.SOURCE else ()
        if role == GROUP_ROLE:
            return self.part_label(row) if self._group_start[row] else ""
        if role == STALE_ROLE:
            return item.is_stale
        return None

    def _tooltip(self, row: int, item: Segment, column: int) -> str:
        lines = [f"{self.part_label(row)} · {item.address}"]
        mark = self._issue_marks.get(item.address)
        if mark is not None and column == self.NUMBER:
            lines += mark.messages
        if column == self.SOURCE:
            for hit in self.hits(row):
                # TRANSLATORS: tooltip of a glossary term in the source: "Glossary: Bộ Ngoại giao → Ministry of …".
                lines.append(
                    _("Glossary: {term} → {translation}").format(
                        term=hit.source_term, translation=" / ".join(hit.target_terms)
                    )
                )
        if item.is_stale:
            lines.append(_("The source changed after this segment was translated: confirm it again."))
        if item.comments:
            last = item.comments[-1]
            lines.append(f"{last.profile_name}: {last.text or state_label(last.verdict)}")
        return "\n".join(lines)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    # --- writing ------------------------------------------------------------------------------

    def setData(self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A target typed without confirming: stored as a draft (or new, when emptied). Unchanged: nothing."""
        if role != Qt.ItemDataRole.EditRole or index.column() != self.TARGET or self.translation is None:
            return False
        row = index.row()
        item = self.segments[row]
        text = normalise_text(str(value)).strip()
        if text == item.target_text:
            return False
        self.save(row, text, SegmentState.DRAFT if text else SegmentState.NEW, self.typed_origin(row, text))
        return True

    def typed_origin(self, row: int, text: str) -> str:
        """The origin to store with `text` as the target of `row`: a memory match's ("tm 87%") when the
        text is the match as inserted, the stored one when the text is unchanged, else "human"."""
        item = self.segments[row]
        text = normalise_text(text).strip()
        if self.origin_hint is not None:
            hint = self.origin_hint(item.address, text)
            if hint:
                return hint
        if text == item.target_text and item.origin:
            return item.origin
        return "human"

    def save(self, row: int, text: str, state: str, origin: str = "human", record: bool = True) -> Segment:
        """Write one segment; returns the segment as it was before, also kept in `history` for undo
        (unless `record` is False). Errors propagate."""
        assert self.translation is not None
        item = self.segments[row]
        text = normalise_text(text).strip()
        self.translation = self._services.translations.save_segment(
            self.translation.id, item.address, text, state, origin
        )
        confirmed = SegmentState(state) in CONFIRMED
        self.segments[row] = replace(
            item,
            target_text=text,
            state=SegmentState(state),
            origin=origin,
            updated_by=self._services.people.current().id,
            stale_source=None if confirmed else item.stale_source,
        )
        if record:
            self.history.append(item)
            del self.history[:-HISTORY_DEPTH]
        self._folded.pop(row, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.saved.emit(row)
        return item

    def replace_segment(self, row: int, segment: Segment) -> None:
        """Show a segment as the service returned it (after a review or a comment)."""
        self.segments[row] = segment
        self._folded.pop(row, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
