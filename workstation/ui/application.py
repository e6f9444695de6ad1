"""Start the desktop app on a store; failures to open it get a clear message, never a traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.errors import WorkstationError
from workstation.ui.garbage import collect_on_ui_thread
from workstation.ui.i18n import _

# Set by the cold-start benchmark: quit as soon as the main window is shown and idle.
QUIT_WHEN_READY = "WORKSTATION_QUIT_WHEN_READY"


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Editorial Workstation")
    app.setOrganizationName("EditorialWorkstation")
    collect_on_ui_thread(app)
    return app


def run(store_path: Path) -> int:
    app = make_application()
    from workstation.app import open_services
    from workstation.storage.workspace_lock import hold_workspace_lock
    from workstation.ui.i18n import default_ui_language, set_ui_language
    from workstation.ui.main_window import MainWindow
    from workstation.ui.preferences import apply_ui_language, system_ui_languages

    # Until the workspace is open its saved choice is unknown: a failure to open it speaks the
    # computer's language.
    set_ui_language(default_ui_language(system_ui_languages()))
    try:
        # Held while the app runs: a restore, or a second window, must not swap the store under it.
        lock = hold_workspace_lock(store_path)
    except WorkstationError as error:
        QMessageBox.critical(None, _("The workspace is already open"), str(error))
        print(f"workstation: {error}", file=sys.stderr)
        return error.exit_code
    try:
        services = open_services(store_path)
    except WorkstationError as error:
        lock.release()
        QMessageBox.critical(None, _("The workspace could not be opened"), str(error))
        print(f"workstation: {error}", file=sys.stderr)
        return error.exit_code
    apply_ui_language(services.store)
    window = MainWindow(services)
    window.show()
    if os.environ.get(QUIT_WHEN_READY):
        QTimer.singleShot(0, app.quit)
    try:
        return app.exec()
    finally:
        services.close()
        lock.release()
