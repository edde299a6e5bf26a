"""Starting the window: logging, QApplication, the error hook, the style, the workspace, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from crm_desktop import APP_NAME, __version__
from crm_desktop.services.errors import StorageError, SyncedFolderWarning
from crm_desktop.services.workspace import Workspace, open_workspace
from crm_desktop.ui.errors import error_box, install_excepthook
from crm_desktop.ui.main_window import MainWindow
from crm_desktop.ui.resources import app_icon
from crm_desktop.ui.style import apply_style
from crm_desktop.ui.window_state import ORGANIZATION

try:
    from crm_desktop.logging_setup import configure_logging
except ImportError:  # pragma: no cover - the lead's module is optional for the window
    configure_logging = None  # type: ignore[assignment]

log = logging.getLogger("crm_desktop.ui")


def _follow_color_scheme(app: QApplication) -> None:
    """Re-apply the style sheet when the system switches light/dark (palette() is resolved once).

    A signal, not an application-wide event filter: such a filter runs Python for every event of every
    widget (11,000 while the window is built).
    """
    if app.property("crm_follows_scheme"):
        return
    app.setProperty("crm_follows_scheme", True)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: QTimer.singleShot(0, lambda: apply_style(app)))


def make_application() -> QApplication:
    """The QApplication with our names, icon and style (reused if one exists, as in tests)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("CRM Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANIZATION)
    QGuiApplication.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    apply_style(app)
    _follow_color_scheme(app)
    return app


def open_or_explain(location: str | None, *, allow_synced_folder: bool) -> Workspace | None:
    """Open the workspace, asking before using a synced folder; None when it cannot or should not open."""
    while True:
        try:
            return open_workspace(location, allow_synced_folder=allow_synced_folder)
        except SyncedFolderWarning as exc:
            if allow_synced_folder or not _open_anyway(str(exc)):
                return None
            allow_synced_folder = True
        except StorageError as exc:
            log.error("cannot open the database %s: %s", location, exc)
            error_box(None, exc).exec()
            return None


def _open_anyway(message: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, "Database in a synced folder", message)
    box.setInformativeText(
        "Opening it in place risks corrupting it. Team sharing through a synced folder, "
        "which keeps each database local, is the safe way to share."
    )
    open_button = box.addButton("Open anyway", QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is open_button


class AppController(QObject):
    """Owns the open workspace and its window, and swaps both when the user opens another database."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db: Workspace | None = None
        self.window: MainWindow | None = None

    def open(self, location: str | None, *, allow_synced_folder: bool = False) -> bool:
        """Open `location` and show it; on failure the current window (if any) stays as it was."""
        db = open_or_explain(location, allow_synced_folder=allow_synced_folder)
        if db is None:
            return False
        log.info("opened %s", db.location)
        old_window, old_db = self.window, self.db
        window = MainWindow(db)
        window.database_requested.connect(self.open)
        window.restore()
        window.load()
        window.show()
        QTimer.singleShot(0, window.maybe_welcome)
        QTimer.singleShot(0, window.start_rolling_backup)
        self.window, self.db = window, db
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_db is not None:
            old_db.close()
        return True

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def run_app(location: str | None, *, allow_synced_folder: bool = False) -> int:
    """Run the desktop app until its last window closes; 1 when the database could not be opened."""
    if configure_logging is not None:
        configure_logging()
    app = make_application()
    install_excepthook()
    controller = AppController(app)
    if not controller.open(location, allow_synced_folder=allow_synced_folder):
        return 1
    try:
        return app.exec()
    finally:
        controller.close()
