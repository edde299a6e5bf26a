"""Per-machine window state in QSettings, with every key declared once here."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from crm_desktop import APP_NAME

ORGANIZATION = "CRM Desktop"
GEOMETRY = "window/geometry"
STATE = "window/state"
TAB = "window/tab"


def qsettings() -> QSettings:
    """The app's settings file in the user config dir (never the shared business settings)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def save_window(window: QMainWindow, tab: int) -> None:
    settings = qsettings()
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(STATE, window.saveState())
    settings.setValue(TAB, tab)
    settings.sync()


def restore_window(window: QMainWindow) -> int:
    """Restore size, position and toolbars; returns the tab to show (0 when none was saved)."""
    settings = qsettings()
    geometry = settings.value(GEOMETRY)
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 800)
    state = settings.value(STATE)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    try:
        return int(settings.value(TAB, 0))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
