"""Every user action declared once (id, text, shortcut, icon, handler) and placed from this one list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from crm_desktop.ui.resources import line_icon

if TYPE_CHECKING:
    from crm_desktop.ui.main_window import MainWindow

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """One action; `handler` names a MainWindow method (None = present but not available yet)."""

    id: str
    text: str
    menu: str
    handler: str | None
    shortcut: Key | str | None = None
    icon: str | None = None
    tip: str = ""
    args: tuple[object, ...] = ()
    toolbar: bool = False
    short: str = ""
    separator_before: bool = False
    role: QAction.MenuRole = QAction.MenuRole.NoRole


MENUS: tuple[tuple[str, str], ...] = (
    ("file", "&File"),
    ("edit", "&Edit"),
    ("view", "&View"),
    ("reports", "&Reports"),
    ("help", "&Help"),
)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_contact",
        "&New Contact…",
        "file",
        "new_contact",
        Key.New,
        "contact-new",
        "Add a person or lead",
        toolbar=True,
        short="New contact",
    ),
    ActionSpec(
        "new_database",
        "New &Database…",
        "file",
        "new_database",
        None,
        "folder",
        "Start a new, empty database file",
        separator_before=True,
    ),
    ActionSpec(
        "open_database",
        "&Open Database…",
        "file",
        "open_database",
        Key.Open,
        "folder",
        "Open another CRM Desktop database file",
    ),
    ActionSpec(
        "load_demo",
        "Load &Demo Business…",
        "file",
        "load_demo",
        None,
        "demo",
        "Fill an empty database with a realistic example business",
        separator_before=True,
    ),
    ActionSpec(
        "quit",
        "&Quit",
        "file",
        "close",
        Key.Quit,
        "quit",
        separator_before=True,
        role=QAction.MenuRole.QuitRole,
    ),
    ActionSpec("undo", "&Undo", "edit", None, Key.Undo, "undo", "Undo is coming in a later version"),
    ActionSpec("redo", "&Redo", "edit", None, "Ctrl+Shift+Z", "redo", "Redo is coming in a later version"),
    ActionSpec("find", "&Find…", "edit", "find", Key.Find, "find", "Search the current tab", separator_before=True),
    ActionSpec("show_contacts", "&Contacts", "view", "show_tab", "Ctrl+1", args=(0,)),
    ActionSpec("show_pipeline", "&Pipeline", "view", "show_tab", "Ctrl+2", args=(1,)),
    ActionSpec("show_cases", "C&ases", "view", "show_tab", "Ctrl+3", args=(2,)),
    ActionSpec("show_loyalty", "&Loyalty", "view", "show_tab", "Ctrl+4", args=(3,)),
    ActionSpec(
        "refresh",
        "&Refresh",
        "view",
        "refresh",
        "F5",
        "refresh",
        "Reload every view from the database",
        toolbar=True,
        separator_before=True,
        short="Refresh",
    ),
    ActionSpec(
        "summary_pdf",
        "Save &Summary PDF…",
        "reports",
        "save_summary_pdf",
        None,
        "report",
        "A printable summary of conversion and churn for a period",
        toolbar=True,
        short="Summary PDF",
    ),
    ActionSpec("open_log_folder", "Open &Log Folder", "help", "open_log_folder", None, "folder"),
    ActionSpec(
        "about",
        "&About CRM Desktop",
        "help",
        "about",
        None,
        "about",
        separator_before=True,
        role=QAction.MenuRole.AboutRole,
    ),
)


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Create the QActions, wired to the window's handlers; unavailable ones stay visibly disabled."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(spec.id)
        action.setMenuRole(spec.role)
        if spec.short:
            action.setIconText(spec.short)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        if spec.handler is None:
            action.setEnabled(False)
        else:
            handler, args = getattr(window, spec.handler), spec.args
            action.triggered.connect(lambda _checked=False, h=handler, a=args: h(*a))
        actions[spec.id] = action
    refresh_icons(window, actions)
    return actions


def refresh_icons(window: QMainWindow, actions: dict[str, QAction]) -> None:
    """(Re)draw the line icons in the current palette's ink, e.g. after a light/dark switch."""
    for spec in ACTIONS:
        if spec.icon:
            actions[spec.id].setIcon(line_icon(spec.icon, window.palette()))


def place_actions(window: QMainWindow, actions: dict[str, QAction]) -> QToolBar:
    """Fill the menu bar and the toolbar from ACTIONS, in declaration order."""
    menus: dict[str, QMenu] = {key: window.menuBar().addMenu(title) for key, title in MENUS}
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for spec in ACTIONS:
        menu = menus[spec.menu]
        if spec.separator_before:
            menu.addSeparator()
        menu.addAction(actions[spec.id])
        if spec.toolbar:
            toolbar.addAction(actions[spec.id])
    return toolbar
