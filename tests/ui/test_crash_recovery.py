"""Kill the app while it autosaves; the store stays consistent and the app says what it reopened."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.typing_app import HEADLINE, TEXT

REPOSITORY = Path(__file__).resolve().parents[2]


def _start_typing(store: Path) -> subprocess.Popen[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPOSITORY)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.typing_app", str(store)],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _read_until_saves(process: subprocess.Popen[str], saves: int, timeout: float = 60) -> tuple[str, int]:
    """The article id and the length of the body in the last save reported before killing."""
    assert process.stdout is not None
    article_id, seen, last_length = "", 0, 0
    deadline = time.monotonic() + timeout
    while seen < saves and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("article "):
            article_id = line.split()[1]
        elif line.startswith("saved "):
            seen += 1
            last_length = int(line.split()[2])
    assert seen == saves, f"only {seen} autosaves reported"
    return article_id, last_length


@pytest.mark.parametrize("delay", [0.0, 0.35, 0.6])
def test_kill_during_autosave_loses_at_most_the_last_seconds(open_window, tmp_path: Path, delay: float) -> None:
    store = tmp_path / "workspace.db"
    process = _start_typing(store)
    try:
        article_id, saved_length = _read_until_saves(process, saves=3)
        time.sleep(delay)  # the next autosave is due during these moments
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)

    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    window = open_window(store)
    assert window.recovery_banner.isVisible()
    assert HEADLINE in window.recovery_banner.text()
    editor = window.articles.editor
    assert editor.article is not None and editor.article.id == article_id
    body = editor.body.toPlainText()
    # Everything reported saved is there, and nothing but what was typed.
    assert len(body) >= saved_length - 1
    assert TEXT.startswith(body.strip()[:200])
    assert editor.headline.text() == HEADLINE


def test_a_clean_close_shows_no_recovery_message(open_window, store_path: Path) -> None:
    from tests.support.qt import close_window

    window = open_window(store_path)
    window.articles.new_article()
    close_window(window, window.services)
    assert not open_window(store_path).recovery_banner.isVisible()
