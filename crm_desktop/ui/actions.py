"""Every user action declared once (id, text, shortcut, icon, handler) and placed from this one list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from crm_desktop.ui.resources import line_icon

if TYPE_CHECKING:
    from crm_desktop.ui.main_window import MainWindow

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """One action; `handler` names a MainWindow method (None = present but not available yet).

    `more_shortcuts` adds alternatives to the platform's own (e.g. both Ctrl+Shift+Z and Ctrl+Y for Redo);
    a `checkable` action passes its new checked state to the handler after `args`.
    """

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
    more_shortcuts: tuple[str, ...] = ()
    checkable: bool = False


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
        "import_contacts",
        "&Import Contacts…",
        "file",
        "import_contacts",
        "Ctrl+Shift+I",
        "import",
        "Bring contacts in from a CSV file (Google, Outlook, Thunderbird…) or vCards",
        separator_before=True,
    ),
    ActionSpec(
        "import_deals",
        "Import &Deals…",
        "file",
        "import_table",
        None,
        "import",
        "Bring a sales history in from a CSV file (e.g. a Pipedrive or HubSpot export)",
        args=("deals",),
    ),
    ActionSpec(
        "import_organizations",
        "Import &Organizations…",
        "file",
        "import_table",
        None,
        "import",
        "Bring organizations in from a CSV file",
        args=("organizations",),
    ),
    ActionSpec(
        "import_purchases",
        "Import &Purchases…",
        "file",
        "import_table",
        None,
        "import",
        "Bring past purchases in from a CSV file (e.g. a shop export)",
        args=("purchases",),
    ),
    ActionSpec(
        "export_contacts",
        "&Export Contacts…",
        "file",
        "export_contacts",
        None,
        "export",
        "Save every contact, or the selected ones, as a CSV spreadsheet or vCard file",
    ),
    ActionSpec(
        "export_workspace",
        "Export &Workspace…",
        "file",
        "export_workspace",
        None,
        "export",
        "Save everything in this database as one archive (JSON Lines) that imports back losslessly",
    ),
    ActionSpec(
        "business_settings",
        "Business &Settings…",
        "file",
        "business_settings",
        None,
        None,
        "Business name, address and logo, currency, locale, time zone, quotes, onboarding and loyalty rules",
        separator_before=True,
        role=QAction.MenuRole.PreferencesRole,
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
    ActionSpec("undo", "&Undo", "edit", "undo", Key.Undo, "undo", "Nothing to undo"),
    ActionSpec(
        "redo", "&Redo", "edit", "redo", Key.Redo, "redo", "Nothing to redo", more_shortcuts=("Ctrl+Shift+Z", "Ctrl+Y")
    ),
    ActionSpec("find", "&Find…", "edit", "find", Key.Find, "find", "Search the current tab", separator_before=True),
    ActionSpec(
        "find_duplicates",
        "Find &Duplicates…",
        "edit",
        "find_duplicates",
        None,
        None,
        "People entered twice: review and merge them (undoable)",
    ),
    ActionSpec("show_contacts", "&Contacts", "view", "show_tab", "Ctrl+1", args=(0,)),
    ActionSpec("show_pipeline", "&Pipeline", "view", "show_tab", "Ctrl+2", args=(1,)),
    ActionSpec("show_cases", "C&ases", "view", "show_tab", "Ctrl+3", args=(2,)),
    ActionSpec("show_loyalty", "&Loyalty", "view", "show_tab", "Ctrl+4", args=(3,)),
    ActionSpec(
        "show_due_tasks",
        "&Due Tasks",
        "view",
        "show_due_tasks",
        "Ctrl+T",
        "overdue",
        "Overdue tasks and what is due today and this week",
        toolbar=True,
        short="Due tasks",
        separator_before=True,
        checkable=True,
    ),
    ActionSpec("show_trash", "&Trash…", "view", "show_trash", None, None, "Deleted contacts and organizations"),
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
        if spec.more_shortcuts:
            action.setShortcuts(_shortcuts(spec))
        elif spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        action.setCheckable(spec.checkable)
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        if spec.handler is None:
            action.setEnabled(False)
        elif spec.checkable:
            handler, args = getattr(window, spec.handler), spec.args
            action.triggered.connect(lambda checked=False, h=handler, a=args: h(*a, checked))
        else:
            handler, args = getattr(window, spec.handler), spec.args
            action.triggered.connect(lambda _checked=False, h=handler, a=args: h(*a))
        actions[spec.id] = action
    refresh_icons(window, actions)
    return actions


def _shortcuts(spec: ActionSpec) -> list[QKeySequence]:
    """The platform's bindings for a standard key, then the extra ones it lacks (no duplicates)."""
    first = spec.shortcut
    found = QKeySequence.keyBindings(first) if isinstance(first, Key) else [QKeySequence(first)] if first else []
    for extra in spec.more_shortcuts:
        found.append(QKeySequence(extra))
    unique: dict[str, QKeySequence] = {}
    for sequence in found:
        unique.setdefault(sequence.toString(), sequence)
    return list(unique.values())


def bind_undo(actions: dict[str, QAction], stack: QUndoStack) -> None:
    """Keep Edit → Undo/Redo enabled and named after the step they would take ("Undo Edit Ada")."""
    pairs = (
        (actions["undo"], stack.canUndo, stack.undoText, "Undo"),
        (actions["redo"], stack.canRedo, stack.redoText, "Redo"),
    )

    def update() -> None:
        for action, can, text, verb in pairs:
            step = text().replace("&", "&&")
            action.setEnabled(can())
            action.setText(f"&{verb} {step}" if step else f"&{verb}")
            tip = f"{verb} {text()}" if step else f"Nothing to {verb.lower()}"
            action.setToolTip(tip)
            action.setStatusTip(tip)

    for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
        signal.connect(lambda *_: update())
    stack.indexChanged.connect(lambda *_: update())
    update()


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
