"""Child process for the figures that need a fresh interpreter: start-up to first paint, and memory.

Usage: probe.py window DB | probe.py bare | probe.py rss DB ROWS
It prints one JSON line: `painted` is `time.monotonic()` (a system-wide clock on Linux, macOS and
Windows, so the parent can subtract its own launch time) and `phases` are the same clock at each step.
"""

from __future__ import annotations

import time

LAUNCHED = time.monotonic()  # as early as a script can be: after the interpreter itself has started

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

PHASES: dict[str, float] = {}
TIMEOUT_MS = 120_000


def mark(phase: str) -> None:
    PHASES[phase] = time.monotonic()


def report(**values: Any) -> None:
    print(json.dumps({"phases": PHASES, **values}), flush=True)


def rss_mb() -> float | None:
    """This process's resident memory in MB: /proc on Linux, psutil if installed, else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil  # type: ignore[import-untyped]  # optional: not a project dependency
    except ImportError:
        return None
    return float(psutil.Process().memory_info().rss) / 2**20


def on_first_paint(widget: Any, ready: Any, then: Any) -> Any:
    """Call `then()` right after `widget` has painted while `ready()` holds (an event filter; keep it alive)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint and ready():
                self.done = True
                QTimer.singleShot(0, then)  # runs once this paint event has been handled
            return False

    watcher = FirstPaint()
    widget.installEventFilter(watcher)
    return watcher


def finish(app: Any, **values: Any) -> None:
    report(**values)
    app.quit()


def main_window(db_path: str) -> None:
    """The real app's start-up path (minus the welcome dialog and the automatic backup), to first paint."""
    from PySide6.QtCore import QTimer

    from crm_desktop.services.workspace import open_workspace
    from crm_desktop.ui.app import make_application
    from crm_desktop.ui.errors import install_excepthook
    from crm_desktop.ui.main_window import MainWindow

    mark("imported")
    app = make_application()
    install_excepthook()
    mark("application")
    db = open_workspace(db_path)
    mark("workspace")
    window = MainWindow(db)
    window.restore()
    window.tabs.setCurrentWidget(window.contacts)
    mark("window built")
    viewport = window.contacts.table.viewport()

    def painted() -> None:
        mark("painted")
        finish(app, painted=PHASES["painted"], rows=window.contacts.model.rowCount())

    keep = on_first_paint(viewport, lambda: window.contacts.model.rowCount() > 0, painted)
    window.load()
    mark("loaded")
    window.show()
    mark("shown")
    QTimer.singleShot(TIMEOUT_MS, lambda: finish(app, error="no paint with data within the timeout"))
    app.exec()
    del keep
    window.runner.shutdown()
    db.close()


def bare_window() -> None:
    """The floor: a bare PySide6 main window shown the same way, to its first paint."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    mark("imported")
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1100, 700)

    def painted() -> None:
        mark("painted")
        finish(app, painted=PHASES["painted"])

    keep = on_first_paint(window, lambda: True, painted)
    window.show()
    mark("shown")
    QTimer.singleShot(TIMEOUT_MS, lambda: finish(app, error="no paint within the timeout"))
    app.exec()
    del keep


def contacts_memory(db_path: str, rows: int) -> None:
    """Open the contacts tab, scroll `rows` rows through it as a view would, and report resident memory."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication

    from crm_desktop.services.workspace import open_workspace
    from crm_desktop.ui.app import make_application
    from crm_desktop.ui.contacts.view import ContactsTab
    from crm_desktop.ui.event_hub import EventHub
    from crm_desktop.ui.formatting import Formatter

    app = make_application()
    before = rss_mb()
    db = open_workspace(db_path)
    hub = EventHub()
    hub.attach(db)
    tab = ContactsTab(db, hub, Formatter.load(db))
    tab.resize(1100, 700)
    tab.show()
    tab.refresh()
    model = tab.model
    while model.rowCount() < rows and model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        tab.table.scrollToBottom()
        QApplication.processEvents()  # let the view lay out and paint, as it would while the user scrolls
    mark("scrolled")
    report(rss_mb=rss_mb(), rss_before_mb=before, rows=model.rowCount(), total=model.total)
    hub.detach()
    db.close()
    del app


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mark("launched")
    PHASES["launched"] = LAUNCHED
    mode = sys.argv[1]
    if mode == "window":
        main_window(sys.argv[2])
    elif mode == "bare":
        bare_window()
    elif mode == "rss":
        contacts_memory(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown probe mode {mode!r}")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter and Qt teardown: not part of what is measured
