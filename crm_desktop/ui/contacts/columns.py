"""The contacts table's columns (each with a key, for saved views) and the header menu that shows or hides them.

Which columns are visible, and in what order, is per-machine state kept in QSettings; a saved view can
carry its own set. The name column cannot be hidden: it is how a row is recognised.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QIcon
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QWidget

from crm_desktop.services.contact_list import SORT_KEYS, ContactRow
from crm_desktop.services.contacts import format_phone
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.table_model import Column
from crm_desktop.ui.window_state import qsettings

SETTINGS_KEY = "contacts/columns"  # the visible column keys, in display order
TRASHED = QColor("#9ca3af")


@dataclass(frozen=True)
class ColumnSpec:
    """One available column: its stable key, whether it shows by default, and how to draw it."""

    key: str
    column: Column[ContactRow]
    default: bool = True
    rigid: bool = False  # short values (phone, stage, dates): never narrowed to fit


@lru_cache(maxsize=8192)
def _phone(e164: str | None, region: str) -> str:
    """Formatting a number (phonenumbers) costs ~0.1 ms, and every repaint asks again: remember them."""
    return format_phone(e164, region)


@lru_cache(maxsize=8192)
def _date(fmt: Formatter, value: datetime | None) -> str:
    return fmt.date(value)


def _trashed_color(row: ContactRow) -> QColor | None:
    return TRASHED if row.deleted else None


def _name_tooltip(row: ContactRow) -> str | None:
    lines = [row.display_name]
    if row.deleted:
        lines.append("In the Trash")
    if row.tags:
        lines.append(f"Tags: {', '.join(row.tags)}")
    return "\n".join(lines) if len(lines) > 1 else None


def contact_columns(fmt: Callable[[], Formatter]) -> list[ColumnSpec]:
    """Every column the contacts table can show; `fmt` gives the current formatter (it can change)."""

    def spec(key: str, title: str, text: Callable[[ContactRow], str], width: int, **kw: object) -> ColumnSpec:
        default, rigid = bool(kw.pop("default", True)), bool(kw.pop("rigid", False))
        sort_key = key if key in SORT_KEYS else None  # last activity is shown but too slow to sort 100k by
        column = Column(title, text, sort_key, width=width, color=_trashed_color, **kw)  # type: ignore[arg-type]
        return ColumnSpec(key, column, default, rigid)

    def stage_icon(r: ContactRow) -> QIcon | None:
        return marker(r.lifecycle_stage)

    def status_icon(r: ContactRow) -> QIcon | None:
        return marker(r.lead_status)

    return [
        spec("display_name", "Name", lambda r: r.display_name, 190, tooltip=_name_tooltip, stretch=True),
        spec("organization_name", "Organization", lambda r: r.organization_name or "", 170),
        spec("email", "Email", lambda r: r.email or "", 220),
        spec("phone", "Phone", lambda r: _phone(r.phone, fmt().region), 135, rigid=True),
        spec("lifecycle_stage", "Stage", lambda r: label(r.lifecycle_stage), 125, icon=stage_icon, rigid=True),
        spec("lead_status", "Lead status", lambda r: label(r.lead_status), 125, icon=status_icon, rigid=True),
        spec("owner_name", "Owner", lambda r: r.owner_name or "", 130),
        spec("created_at", "Created", lambda r: _date(fmt(), r.created_at), 115, rigid=True, default=False),
        spec("source", "Source", lambda r: label(r.source), 110, default=False),
        spec("campaign_name", "Campaign", lambda r: r.campaign_name or "", 180, default=False),
        spec("tags", "Tags", lambda r: ", ".join(r.tags), 160, default=False),
        spec("updated_at", "Updated", lambda r: _date(fmt(), r.updated_at), 115, rigid=True, default=False),
        spec(
            "last_activity_at",
            "Last activity",
            lambda r: _date(fmt(), r.last_activity_at),
            120,
            rigid=True,
            default=False,
        ),
    ]


def default_keys(specs: Sequence[ColumnSpec]) -> list[str]:
    return [s.key for s in specs if s.default]


def load_keys(specs: Sequence[ColumnSpec]) -> list[str]:
    """The visible columns saved on this machine (unknown keys dropped), or the defaults."""
    stored = qsettings().value(SETTINGS_KEY)
    known = {s.key for s in specs}
    keys = [k for k in (stored if isinstance(stored, list) else []) if k in known]
    return keys if "display_name" in keys else default_keys(specs)


def save_keys(keys: Sequence[str]) -> None:
    settings = qsettings()
    settings.setValue(SETTINGS_KEY, list(keys))
    settings.sync()


class ColumnChooser:
    """Shows the columns named by key, in that order, and offers the header's right-click menu."""

    def __init__(self, table: QTableView, specs: Sequence[ColumnSpec], on_change: Callable[[], None]) -> None:
        self.table = table
        self.specs = list(specs)
        self._on_change = on_change
        self.menu: QMenu | None = None  # the last menu shown, for tests
        self.fit = FitColumns(table, [s.column.width for s in specs], rigid={n for n, s in enumerate(specs) if s.rigid})
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        header.sectionMoved.connect(lambda *_: self._on_change())

    @property
    def header(self) -> QHeaderView:
        return self.table.horizontalHeader()

    def visible_keys(self) -> list[str]:
        """The shown columns' keys, left to right."""
        header = self.header
        ordered = sorted(range(len(self.specs)), key=header.visualIndex)
        return [self.specs[i].key for i in ordered if not header.isSectionHidden(i)]

    def apply(self, keys: Sequence[str]) -> None:
        """Show exactly these columns, in this order (the name column always stays)."""
        index = {s.key: n for n, s in enumerate(self.specs)}
        wanted = [k for k in dict.fromkeys(keys) if k in index] or default_keys(self.specs)
        if "display_name" not in wanted:
            wanted.insert(0, "display_name")
        header = self.header
        blocked = header.blockSignals(True)
        try:
            for target, key in enumerate(wanted):
                header.moveSection(header.visualIndex(index[key]), target)
            for key, logical in index.items():
                header.setSectionHidden(logical, key not in wanted)
        finally:
            header.blockSignals(blocked)
        self.fit.fit()

    def set_visible(self, key: str, visible: bool) -> None:
        """Show or hide one column (new ones appear at the right end)."""
        keys = [k for k in self.visible_keys() if k != key]
        if visible:
            keys.append(key)
        self.apply(keys)
        self._on_change()

    def _show_menu(self, pos: QPoint) -> None:
        self.menu = self.build_menu(self.table)
        self.menu.popup(self.header.mapToGlobal(pos))

    def build_menu(self, parent: QWidget) -> QMenu:
        """Checkable entries for every column, and a reset to the defaults."""
        menu = QMenu("Columns", parent)
        shown = set(self.visible_keys())
        for spec in self.specs:
            action = QAction(spec.column.title, menu)
            action.setCheckable(True)
            action.setChecked(spec.key in shown)
            action.setEnabled(spec.key != "display_name")
            action.setData(spec.key)
            action.toggled.connect(lambda on, key=spec.key: self.set_visible(key, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset Columns")
        reset.triggered.connect(self.reset)
        return menu

    def reset(self) -> None:
        self.apply(default_keys(self.specs))
        self._on_change()


class FitColumns(QObject):
    """Narrows the columns in proportion when the table is narrower than their natural widths.

    The table then never needs a sideways scroll bar, also with the detail pane open beside it.
    """

    def __init__(self, table: QTableView, widths: Sequence[int], rigid: Collection[int] = ()) -> None:
        super().__init__(table)
        self.table = table
        self.widths = list(widths)
        self.rigid = frozenset(rigid)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        shown = [n for n in range(min(len(self.widths), header.count())) if not header.isSectionHidden(n)]
        flexible = sum(self.widths[n] for n in shown if n not in self.rigid)
        if not flexible:
            return
        room = self.table.viewport().width() - sum(self.widths[n] for n in shown if n in self.rigid)
        factor = max(0.0, min(1.0, room / flexible))
        for n in shown:
            if header.sectionResizeMode(n) == QHeaderView.ResizeMode.Stretch:
                continue
            width = self.widths[n] if n in self.rigid else int(self.widths[n] * factor)
            header.resizeSection(n, max(header.minimumSectionSize(), width))
