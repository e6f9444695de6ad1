"""The article editor on a 5,000-word Vietnamese article: open time, and UI stalls while autosave runs.

    python bench/bench_editor.py [--opens 16] [--others 2000] [--typing-seconds 20] [--json] [--profile]

Targets (from the issue): opening a 5,000-word article in the editor under 300 ms; during autosave,
no UI stall over 50 ms.

Builds a store in a temporary folder with two 5,000-word articles (~80 paragraphs from the texts of
``../shared/corpus`` regrouped, or generated Vietnamese sentences without it; headings, a quote, a
bulleted list, bold/italic/link marks and three 2000×1500 pictures), opens the main window
offscreen and measures:

- open: from ``window.articles.select(id)`` (what a click in the list does) until the editor is
  loaded, the event loop has nothing left to do and the editor has painted; alternating between the
  two articles so every open really reloads. The first open of the session is reported apart (cold);
  the share of ``EditorialService.get`` and ``ArticleEditor.load`` is measured inside the same opens;
- stalls: a drafter types one character every 30 ms (key events into the body, in the middle of the
  article) for 2 s, pauses 2 s (autosave fires 1.5 s after the last key), and so on; a 5 ms timer
  records the gap between its ticks (stall = gap - 5 ms), overall and in the windows from the autosave
  collecting the fields until 100 ms after ``ArticleEditor.saved``;
- the UI-thread time of the collect (``ArticleEditor.collect``, what ``_take_pending`` runs) and the
  worker's write (``EditorialService.save``), each measured directly 20 times.

With ``--profile``, cProfile runs over ten opens and twenty collects and the heaviest functions are
printed. Nothing of the app is changed: the timing wrappers are set on the instances only.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from workstation.app import Services
    from workstation.model import Block, Mark
    from workstation.ui.article_editor import ArticleEditor
    from workstation.ui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKSTATION_SECRETS", "file")  # never touch an OS keyring

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"

OPEN_TARGET_MS = 300.0
STALL_TARGET_MS = 50.0
WORDS = 5000
METER_INTERVAL_MS = 5
TYPING_INTERVAL_MS = 30
TYPE_SECONDS, PAUSE_SECONDS = 2.0, 2.0
AUTOSAVE_TAIL_S = 0.100  # the saved signal's follow-ups (list refresh, change bus) count as autosave
DIRECT_REPEATS = 20

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")
_FALLBACK_SYLLABLES = tuple(
    """thông tin đối ngoại hợp tác phát triển du lịch văn hoá kinh tế đầu tư hội nghị tỉnh thành phố đại
    sứ quán cộng đồng người Việt quảng bá hình ảnh đất nước con người chuyển đổi số giao lưu nhân dân
    chính sách báo chí truyền thông quốc tế bạn bè tăng cường nâng cao hiệu quả công tác nhiệm vụ trọng
    tâm thời gian qua những năm gần đây bối cảnh mới cơ hội thách thức""".split()
)


# --- the articles -------------------------------------------------------------------------------


def corpus_sentences() -> tuple[list[str], str]:
    """Sentences of the edited corpus (page debris of fewer than 15 words per line dropped)."""
    if not (CORPUS / "README.md").exists():
        rng = random.Random(3)
        sentences = []
        for _ in range(600):
            words = " ".join(rng.choice(_FALLBACK_SYLLABLES) for _ in range(rng.randint(20, 40)))
            sentences.append(words[0].upper() + words[1:] + ".")
        return sentences, "generated Vietnamese sentences (no ../shared/corpus)"
    sentences = []
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 15:
                sentences.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return sentences, f"../shared/corpus ({len(list(CORPUS.glob('*.txt')))} texts, regrouped and repeated)"


def _sentences_from(sentences: list[str], start: int) -> Iterator[str]:
    index = start
    while True:
        yield sentences[index % len(sentences)]
        index += 1


def _marked(text: str, rng: random.Random, number: int) -> tuple[Mark, ...]:
    """Bold, italic and link marks on some words of a paragraph."""
    from workstation.model import Mark

    spans = [match.span() for match in re.finditer(r"\w+(?: \w+)?", text)]
    marks = []
    if number % 3 == 0 and spans:
        marks.append(Mark(*spans[rng.randrange(min(8, len(spans)))], "bold"))
    if number % 4 == 1 and len(spans) > 12:
        marks.append(Mark(*spans[rng.randrange(10, len(spans))], "italic"))
    if number % 7 == 2 and len(spans) > 20:
        start, end = spans[rng.randrange(15, len(spans))]
        marks.append(Mark(start, end, "link", f"https://baoquocte.vn/bai-{number}.html"))
    marks.sort(key=lambda mark: mark.start)
    kept = [mark for index, mark in enumerate(marks) if index == 0 or mark.start >= marks[index - 1].end]
    return tuple(kept)


def article_blocks(sentences: list[str], start: int, seed: int) -> list[Block]:
    """~80 paragraphs of ~60 words, 4 headings, a quote and a 4-item bulleted list: 5,000 words."""
    from workstation.ids import new_id
    from workstation.model import Block, BlockKind

    rng = random.Random(seed)
    source = _sentences_from(sentences, start)
    blocks: list[Block] = []
    words = 0

    def add(text: str, kind: str = BlockKind.PARAGRAPH, marks: tuple[Mark, ...] = ()) -> None:
        nonlocal words
        blocks.append(Block(new_id(), text, kind, marks))
        words += len(text.split())

    paragraphs = 0
    while words < WORDS:
        if paragraphs in (12, 32, 52, 70):
            add(" ".join(next(source).rstrip(".").split()[:8]), BlockKind.HEADING)
        if paragraphs == 24:
            add(f"“{next(source)}”", BlockKind.QUOTE)
        if paragraphs == 44:
            for _ in range(4):
                add(" ".join(next(source).split()[:12]).rstrip(",.;") + ".", BlockKind.BULLETED)
        text = next(source)
        while len(text.split()) < 35:
            text = f"{text} {next(source)}"
        text = " ".join(text.split()[: WORDS - words]) if words + len(text.split()) > WORDS else text
        add(text, marks=_marked(text, rng, paragraphs))
        paragraphs += 1
    return blocks


def photo(seed: int) -> bytes:
    """A 2000×1500 PNG with gradients and shapes (a flat colour would compress to nothing)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    size = (2000, 1500)
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    blue = Image.radial_gradient("L").resize(size)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        radius = rng.randrange(20, 300)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def build_articles(services: Services) -> tuple[list[str], str]:
    sentences, origin = corpus_sentences()
    ids = []
    for number, start in enumerate((0, len(sentences) // 2)):
        headline = " ".join(sentences[start + 3].rstrip(".").split()[:14])
        article = services.editorial.create_article(
            "vi",
            headline,
            lead=sentences[start + 1],
            byline="Phóng viên thường trú",
            dateline="Hà Nội",
            subheadline="Bài dài để đo trình soạn thảo",
            blocks=article_blocks(sentences, start + 5, seed=number),
        )
        length = len(article.blocks)
        for picture in range(3, 0, -1):  # from the last place, so the earlier places do not move
            services.editorial.add_picture(
                article.id, photo(number * 10 + picture), name=f"anh-{picture}.png", position=length * picture // 4
            )
        ids.append(article.id)
    return ids, origin


# --- measuring ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def settle(app: QApplication) -> None:
    """Run the event loop until it is idle: rounds of 'everything posted so far' until two take < 1 ms."""
    from PySide6.QtCore import QEventLoop, QTimer

    quiet = 0
    for _ in range(100):
        started = time.perf_counter()
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)  # a zero timer fires once the events posted before it are done
        loop.exec()
        app.sendPostedEvents()
        quiet = quiet + 1 if time.perf_counter() - started < 0.001 else 0
        if quiet == 2:
            return


def wait(milliseconds: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


@contextmanager
def timed_attribute(owner: object, name: str, log: list[tuple[float, float]]) -> Iterator[None]:
    """Replace ``owner.name`` (on the instance only) with a wrapper logging (start, end) of each call."""
    original: Callable[..., Any] = getattr(owner, name)
    shadowed = name in getattr(owner, "__dict__", {})  # already set on the instance (a wrapper of ours)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            log.append((started, time.perf_counter()))

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        if shadowed:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


def ms(seconds: float) -> float:
    return seconds * 1000.0


@dataclass
class OpenFigures:
    cold_ms: float = 0.0
    totals_ms: list[float] = field(default_factory=list)
    select_ms: list[float] = field(default_factory=list)
    events_ms: list[float] = field(default_factory=list)
    paint_ms: list[float] = field(default_factory=list)
    get_ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    spelling_settled_ms: list[float] = field(default_factory=list)
    after_open_stalls_ms: list[float] = field(default_factory=list)


def spelling_pending(editor: ArticleEditor) -> bool:
    highlighter = editor._highlighters.get(editor.body)  # private: a benchmark may look inside
    return highlighter is not None and bool(highlighter._pending)


def open_once(app: QApplication, window: MainWindow, article_id: str, figures: OpenFigures | None) -> float:
    editor = window.articles.editor
    gets: list[tuple[float, float]] = []
    loads: list[tuple[float, float]] = []
    with timed_attribute(window.services.editorial, "get", gets), timed_attribute(editor, "load", loads):
        started = time.perf_counter()
        window.articles.select(article_id)
        selected = time.perf_counter()
        settle(app)
        settled = time.perf_counter()
        editor.repaint()  # the first paint of the loaded article, done now rather than at the next update
        ready = time.perf_counter()
    assert editor.article is not None and editor.article.id == article_id, "the article did not open"
    meter = StallMeter()  # the spell checker's results arrive after the open: do they stall the UI?
    meter.start()
    while spelling_pending(editor):
        wait(1)
    spelled = time.perf_counter()
    wait(200)  # the drafter looks at it before choosing the other article
    meter.stop()
    if figures is not None:
        figures.totals_ms.append(ms(ready - started))
        figures.select_ms.append(ms(selected - started))
        figures.events_ms.append(ms(settled - selected))
        figures.paint_ms.append(ms(ready - settled))
        figures.get_ms.append(sum(ms(end - start) for start, end in gets))
        figures.load_ms.append(sum(ms(end - start) for start, end in loads))
        figures.spelling_settled_ms.append(ms(spelled - started))
        figures.after_open_stalls_ms.append(max(StallFigures.stalls(meter.gaps) or [0.0]))
    return ms(ready - started)


def measure_opens(app: QApplication, window: MainWindow, ids: list[str], opens: int) -> OpenFigures:
    figures = OpenFigures()
    figures.cold_ms = open_once(app, window, ids[0], None)
    for number in range(opens):
        open_once(app, window, ids[(number + 1) % 2], figures)
    return figures


@dataclass
class StallFigures:
    gaps: list[tuple[float, float]] = field(default_factory=list)  # (previous tick, tick)
    autosave_windows: list[tuple[float, float]] = field(default_factory=list)
    collects_ms: list[float] = field(default_factory=list)
    writes_ms: list[float] = field(default_factory=list)
    keys_ms: list[float] = field(default_factory=list)
    gc_ms: list[float] = field(default_factory=list)  # collections on the UI thread (workstation/ui/garbage.py)
    autosaves: int = 0
    characters: int = 0
    idle_gaps: list[tuple[float, float]] = field(default_factory=list)

    @staticmethod
    def stalls(gaps: list[tuple[float, float]]) -> list[float]:
        return [max(0.0, ms(end - start) - METER_INTERVAL_MS) for start, end in gaps]

    def during_autosave(self) -> list[tuple[float, float]]:
        return [
            gap for gap in self.gaps if any(gap[1] >= start and gap[0] <= end for start, end in self.autosave_windows)
        ]


@contextmanager
def gc_pauses(log: list[float]) -> Iterator[None]:
    """Log the duration of each garbage collection (the app runs them on the UI thread, once a second)."""
    began: list[float] = []

    def callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            log.append(ms(time.perf_counter() - began.pop()))

    gc.callbacks.append(callback)
    try:
        yield
    finally:
        gc.callbacks.remove(callback)


class StallMeter:
    """A 5 ms precise timer on the UI thread; a late tick is a stall of the event loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[tuple[float, float]] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(METER_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((self._last, now))
        self._last = now


def typing_text(sentences: list[str]) -> str:
    return " ".join(sentences[7:40]) + " "


def measure_stalls(app: QApplication, window: MainWindow, article_id: str, text: str, seconds: float) -> StallFigures:
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent

    editor = window.articles.editor
    if editor.article is None or editor.article.id != article_id:
        window.articles.select(article_id)
    settle(app)
    figures = StallFigures()

    idle = StallMeter()  # the noise floor: the same meter with nobody typing
    idle.start()
    wait(2000)
    idle.stop()
    figures.idle_gaps = idle.gaps

    body = editor.body
    body.setFocus()
    cursor = body.textCursor()
    block = body.document().findBlockByNumber(body.document().blockCount() // 2)
    cursor.setPosition(block.position() + block.length() - 1)  # the end of a paragraph mid-article
    body.setTextCursor(cursor)
    body.ensureCursorVisible()
    settle(app)

    collects: list[tuple[float, float]] = []
    writes: list[tuple[float, float]] = []
    saved_at: list[float] = []

    def saved(_article: object) -> None:
        saved_at.append(time.perf_counter())

    editor.saved.connect(saved)
    meter = StallMeter()
    typist = QTimer()
    typist.setTimerType(Qt.TimerType.PreciseTimer)
    typist.setInterval(TYPING_INTERVAL_MS)
    position = 0
    started = 0.0

    def type_one() -> None:
        nonlocal position
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            typist.stop()
            return
        if elapsed % (TYPE_SECONDS + PAUSE_SECONDS) >= TYPE_SECONDS:
            return  # pausing: autosave fires 1.5 s after the last key
        character = text[position % len(text)]
        position += 1
        key_started = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(body, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character))
        figures.keys_ms.append(ms(time.perf_counter() - key_started))

    typist.timeout.connect(type_one)
    with (
        timed_attribute(editor, "_take_pending", collects),
        timed_attribute(window.services.editorial, "save", writes),
        gc_pauses(figures.gc_ms),
    ):
        meter.start()
        started = time.perf_counter()
        typist.start()
        wait(int(seconds * 1000))
        deadline = time.perf_counter() + 5.0  # the last pause's autosave, if still writing
        while (editor.has_unsaved_changes() or len(saved_at) < len(writes)) and time.perf_counter() < deadline:
            wait(20)
        wait(200)
        meter.stop()
    editor.saved.disconnect(saved)
    assert not editor.has_unsaved_changes(), "autosave did not write the last edits"

    figures.gaps = meter.gaps
    figures.characters = position
    figures.autosaves = len(saved_at)
    figures.collects_ms = [ms(end - start) for start, end in collects]
    figures.writes_ms = [ms(end - start) for start, end in writes]
    for start, _end in collects:
        done = next((moment for moment in saved_at if moment >= start), start)
        figures.autosave_windows.append((start, done + AUTOSAVE_TAIL_S))
    return figures


def measure_collect_and_save(app: QApplication, window: MainWindow, article_id: str) -> tuple[list[float], list[float]]:
    editor = window.articles.editor
    assert editor.article is not None and editor.article.id == article_id
    collects = []
    for _ in range(DIRECT_REPEATS):
        started = time.perf_counter()
        editor.collect()
        collects.append(ms(time.perf_counter() - started))
    editorial = window.services.editorial
    article = editorial.get(article_id)
    saves = []
    for number in range(DIRECT_REPEATS):
        edited = replace(article, notes=f"lần lưu {number}")
        started = time.perf_counter()
        editorial.save(edited, reason="autosave")
        saves.append(ms(time.perf_counter() - started))
    settle(app)  # the change notices of those saves, before anything else is measured
    return collects, saves


def profile(app: QApplication, window: MainWindow, ids: list[str]) -> str:
    profiler = cProfile.Profile()
    out = io.StringIO()
    profiler.enable()
    for number in range(10):
        window.articles.select(ids[number % 2])
        settle(app)
        window.articles.editor.repaint()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    out.write("=== 10 opens (select + settle + paint), by own time ===\n")
    stats.sort_stats("tottime").print_stats(18)
    out.write("=== 10 opens, by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(30)
    collector = cProfile.Profile()
    collector.enable()
    for _ in range(DIRECT_REPEATS):
        window.articles.editor.collect()
    collector.disable()
    out.write(f"=== {DIRECT_REPEATS} collects, by own time ===\n")
    pstats.Stats(collector, stream=out).sort_stats("tottime").print_stats(12)
    return out.getvalue()


# --- report -------------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> None:
    opens, stalls = results["open_ms"], results["stall_ms"]
    article = results["article"]
    print(
        f"article: {article['words']:,} words, {article['blocks']} blocks ({article['pictures']} pictures), "
        f"text from {article['text_from']}; {article['other_articles']:,} other articles in the store"
    )
    print(f"{'measure':46}{'min':>9}{'median':>9}{'p95':>9}{'max':>9}")

    def row(label: str, figures: dict[str, float]) -> None:
        cells = "".join(
            f"{figures[key]:9.1f}" if key in figures else f"{'':>9}" for key in ("min", "median", "p95", "max")
        )
        print(f"{label:46}{cells}")

    row(f"open, select → idle + painted, ms ({results['opens']}×)", opens["total"])
    row("  select (list selection, get, load), ms", opens["select"])
    row("    of which EditorialService.get, ms", opens["get"])
    row("    of which ArticleEditor.load, ms", opens["load"])
    row("  pending events until idle, ms", opens["events"])
    row("  editor.repaint(), ms", opens["paint"])
    print(f"  (median shares: get {opens['share_get']:.0%}, load {opens['share_load']:.0%})")
    row("spell check of the body settled, ms", opens["spelling_settled"])
    row("worst stall in the 200 ms after an open, ms", opens["stall_after_open"])
    print(f"{'open, first of the session (cold), ms':46}{opens['cold']:36.1f}")
    row("collect (ArticleEditor.collect), UI thread, ms", results["collect_ms"])
    row("autosave collects while typing, UI thread, ms", results["autosave_collect_ms"])
    row("EditorialService.save (worker), direct, ms", results["save_ms"])
    row("autosave writes while typing (worker), ms", results["autosave_write_ms"])
    row("one keystroke handled (press + release), ms", results["keystroke_ms"])
    print(f"{'stall (tick gap - 5 ms)':46}{'p99':>9}{'max':>9}{'ticks':>9}")
    for label, key in (
        ("idle, nobody typing", "idle"),
        ("typing, overall", "overall"),
        ("during autosave", "autosave"),
    ):
        print(f"{label:46}{stalls[key]['p99']:9.1f}{stalls[key]['max']:9.1f}{stalls[key]['ticks']:9}")
    print(
        f"autosaves: {results['autosaves']} in {results['typing_seconds']:.0f} s, "
        f"{results['characters']} characters typed; {results['gc_ms']['collections']} garbage collections "
        f"on the UI thread, longest {results['gc_ms']['max']:.1f} ms"
    )
    open_ok = opens["total"]["max"] < OPEN_TARGET_MS
    stall_ok = stalls["autosave"]["max"] < STALL_TARGET_MS
    print(
        f"target open < {OPEN_TARGET_MS:.0f} ms: {'met' if open_ok else 'MISSED'} "
        f"(max {opens['total']['max']:.1f} ms); "
        f"autosave stall < {STALL_TARGET_MS:.0f} ms: {'met' if stall_ok else 'MISSED'} "
        f"(max {stalls['autosave']['max']:.1f} ms)"
    )


def stall_summary(gaps: list[tuple[float, float]]) -> dict[str, float]:
    stalls = StallFigures.stalls(gaps) or [0.0]
    return {"p99": percentile(stalls, 0.99), "max": max(stalls), "ticks": len(gaps)}


def quiet_offscreen_notice() -> None:
    """Drop the offscreen plugin's "does not support propagateSizeHints()" warning; keep every other message."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def rounded(value: Any) -> Any:
    """Figures rounded for the JSON output: to 0.01, or 0.001 below 1 (the shares)."""
    if isinstance(value, float):
        return round(value, 3 if abs(value) < 1 else 2)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=16, help="timed opens, alternating two articles")
    parser.add_argument("--others", type=int, default=2000, help="other (short) articles in the store's list")
    parser.add_argument("--typing-seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile ten opens and the collect")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-editor-") as folder:
        os.environ["XDG_DATA_HOME"] = str(Path(folder) / "data-home")  # the app's own settings stay apart
        from workstation.app import open_services
        from workstation.language.counting import count
        from workstation.model import BlockKind
        from workstation.ui.application import make_application
        from workstation.ui.main_window import MainWindow

        app = make_application()
        quiet_offscreen_notice()
        store = Path(folder) / "workspace" / "workspace.db"
        started = time.perf_counter()
        if args.others:
            sys.path.insert(0, str(HERE))
            from generate_store import generate  # the cold-start benchmark's store: six paragraphs each

            store.parent.mkdir(parents=True)
            generate(store, args.others)
        services = open_services(store)
        ids, origin = build_articles(services)
        built_s = time.perf_counter() - started
        article = services.editorial.get(ids[0])
        text = "\n".join((article.headline, article.lead, article.body_text))
        sentences, _origin = corpus_sentences()

        window = MainWindow(services)
        window.show()
        window.activateWindow()
        settle(app)
        try:
            opens = measure_opens(app, window, ids, args.opens)
            stalls = measure_stalls(app, window, ids[1], typing_text(sentences), args.typing_seconds)
            collects, saves = measure_collect_and_save(app, window, ids[1])
            profiled = profile(app, window, ids) if args.profile else ""
        finally:
            window.close()
            app.processEvents()
            services.close()

    results: dict[str, Any] = {
        "article": {
            "words": count(text, "vi").words,
            "blocks": len(article.blocks),
            "pictures": sum(1 for block in article.blocks if block.kind == BlockKind.PICTURE),
            "text_from": origin,
            "other_articles": args.others,
            "store_built_s": round(built_s, 2),
        },
        "opens": args.opens,
        "open_ms": {
            "cold": opens.cold_ms,
            "total": summary(opens.totals_ms),
            "select": summary(opens.select_ms),
            "get": summary(opens.get_ms),
            "load": summary(opens.load_ms),
            "events": summary(opens.events_ms),
            "paint": summary(opens.paint_ms),
            "spelling_settled": summary(opens.spelling_settled_ms),
            "stall_after_open": summary(opens.after_open_stalls_ms),
            "share_get": statistics.median(opens.get_ms) / statistics.median(opens.totals_ms),
            "share_load": statistics.median(opens.load_ms) / statistics.median(opens.totals_ms),
        },
        "typing_seconds": args.typing_seconds,
        "characters": stalls.characters,
        "autosaves": stalls.autosaves,
        "stall_ms": {
            "idle": stall_summary(stalls.idle_gaps),
            "overall": stall_summary(stalls.gaps),
            "autosave": stall_summary(stalls.during_autosave()),
        },
        "keystroke_ms": summary(stalls.keys_ms),
        "gc_ms": {"collections": len(stalls.gc_ms), "max": max(stalls.gc_ms, default=0.0)},
        "autosave_collect_ms": summary(stalls.collects_ms or [0.0]),
        "autosave_write_ms": summary(stalls.writes_ms or [0.0]),
        "collect_ms": summary(collects),
        "save_ms": summary(saves),
        "targets": {"open_ms": OPEN_TARGET_MS, "stall_ms": STALL_TARGET_MS},
    }
    if args.json:
        print(json.dumps(rounded(results), indent=2, ensure_ascii=False))
    else:
        report(results)
    if profiled:
        print(profiled, file=sys.stderr if args.json else sys.stdout)


if __name__ == "__main__":
    main()
