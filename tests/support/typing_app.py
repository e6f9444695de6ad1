"""A drafter typing without pause into the real app, for the kill-and-reopen test.

Run as `python -m tests.support.typing_app STORE`: opens the main window on STORE, starts a new
article and types TEXT into its body one character every few milliseconds, printing
`saved <version> <characters>` each time autosave has written. The test kills it mid-stream.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TEXT = "Hội nghị xúc tiến du lịch Đà Nẵng tại Seoul thu hút hơn 200 doanh nghiệp. " * 40
HEADLINE = "Bài đang gõ dở"


def main(store: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    from workstation.app import open_services
    from workstation.ui.application import make_application
    from workstation.ui.main_window import MainWindow

    app = make_application()
    services = open_services(store)
    window = MainWindow(services)
    window.show()
    editor = window.articles.editor
    article = window.articles.new_article()
    editor.headline.setText(HEADLINE)
    editor.headline.textEdited.emit(HEADLINE)
    position = 0

    def type_next() -> None:
        nonlocal position
        if position < len(TEXT):
            editor.body.insertPlainText(TEXT[position])
            position += 1

    def report(saved: object) -> None:
        body = "\n".join(block.text for block in saved.blocks)  # type: ignore[attr-defined]
        print(f"saved {saved.version} {len(body)}", flush=True)  # type: ignore[attr-defined]

    editor.saved.connect(report)
    editor.body.setFocus()
    typing = QTimer(interval=5)
    typing.timeout.connect(type_next)

    def burst() -> None:
        # A drafter types for a second, then pauses long enough for autosave to write.
        typing.start()
        QTimer.singleShot(1000, typing.stop)

    cycle = QTimer(interval=3000)
    cycle.timeout.connect(burst)
    cycle.start()
    burst()
    print(f"article {article.id}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
