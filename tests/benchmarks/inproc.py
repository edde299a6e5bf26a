"""In-process helpers: one offscreen QApplication and one open workspace per database file, reused by benchmarks."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Any


@cache
def application() -> Any:
    """The app's own QApplication (style, names), on the offscreen platform unless one was chosen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler

    from crm_desktop.ui.app import make_application

    previous = qInstallMessageHandler(None)

    def quiet(mode: Any, context: Any, message: str) -> None:
        """Drop the offscreen platform's 'does not support propagateSizeHints()' noise; pass the rest on."""
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    return make_application()


_OPEN: dict[Path, Any] = {}


def workspace(path: Path) -> Any:
    """The workspace at `path`, opened once per run (see `close_all`)."""
    from crm_desktop.services.workspace import open_workspace

    if path not in _OPEN:
        _OPEN[path] = open_workspace(path)
    return _OPEN[path]


def close_all() -> None:
    """Close every workspace a benchmark opened (before their scratch copies are deleted)."""
    while _OPEN:
        _OPEN.popitem()[1].close()


def formatter(db: Any) -> Any:
    from crm_desktop.ui.formatting import Formatter

    return Formatter.load(db)
