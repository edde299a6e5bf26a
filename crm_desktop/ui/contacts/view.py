"""The Contacts tab: people (filter bar, saved views, columns, bulk actions) or organizations, in one place.

Everything is filtered, sorted and paged in SQL, so 100,000 contacts open as fast as 100. The right-hand
side of `splitter` is left for the contact detail pane, which follows `current_contact_changed`.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.contact_list import ContactFilter
from crm_desktop.services.saved_views import SavedView
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.bulk import BulkBar
from crm_desktop.ui.contacts.columns import ColumnChooser, load_keys, save_keys
from crm_desktop.ui.contacts.filters import CHIP_STYLE, FilterBar
from crm_desktop.ui.contacts.model import ContactsModel
from crm_desktop.ui.contacts.views_menu import ViewsButton
from crm_desktop.ui.event_hub import CONTACTS, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.organizations.view import OrganizationsView
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import SearchBox, count_label, make_table
from crm_desktop.ui.workers import TaskRunner

PEOPLE, ORGANIZATIONS = 0, 1
NOTICE_MS = 8000
SEGMENT_STYLE = """
QToolButton { padding: 4px 12px; border: 1px solid palette(mid); background: palette(base); }
QToolButton:checked {
    background: palette(highlight); color: palette(highlighted-text); border-color: palette(highlight);
}
QToolButton[side="left"] { border-top-left-radius: 6px; border-bottom-left-radius: 6px; }
QToolButton[side="right"] { border-top-right-radius: 6px; border-bottom-right-radius: 6px; }
"""


class ContactsTab(QWidget):
    """People and organizations; the people list follows the filter bar, a saved view or the search box."""

    WATCHES = CONTACTS | SETTINGS | frozenset({"deal", "support_case", "campaign", "activity"})
    current_contact_changed = Signal(object)  # uuid.UUID or None

    def __init__(
        self,
        db: Workspace,
        hub: EventHub,
        fmt: Formatter,
        parent: QWidget | None = None,
        *,
        undo: UndoStack | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self.fmt, self.undo = db, fmt, undo
        self.model = ContactsModel(db, fmt)
        self.search = SearchBox("Search name, email, phone, organization or tag", self)
        self.count = count_label(self)
        self.notice = make_muted(QLabel(self))
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS, timeout=self.notice.clear)
        self.filter_bar = FilterBar(db, self)
        self.views = ViewsButton(db, self.current_view, undo, self)
        self.views.setStyleSheet(CHIP_STYLE)
        self.table: QTableView = make_table(self.model, self)
        self.columns = ColumnChooser(self.table, self.model.specs, self._columns_changed)
        self.columns.apply(load_keys(self.model.specs))
        self.empty_label = make_muted(QLabel(self.table.viewport()))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        self.bulk = BulkBar(db, self.table, self.model, self.filter_bar, undo_stack=undo, runner=runner)
        self._organizations: OrganizationsView | None = None  # built when first shown: most visits are for people
        self.people_button, self.organizations_button = self._segments()
        self._searches = ["", ""]  # what each mode's search box held
        self._organizations_stale = True
        self._current: uuid.UUID | None = None
        self._applying = False
        self._build_layout()
        self._connect(hub)

    # --- layout ---------------------------------------------------------------------------------
    def _segments(self) -> tuple[QToolButton, QToolButton]:
        """A two-part toggle: People | Organizations."""
        self.segments = QWidget(self)
        self.segments.setStyleSheet(SEGMENT_STYLE)
        row = QHBoxLayout(self.segments)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        group = QButtonGroup(self)
        buttons = []
        for number, (text, side, tip) in enumerate(
            (("People", "left", "People and leads"),
             ("Organizations", "right", "Companies and households, with their contacts and deals"))
        ):  # fmt: skip
            button = QToolButton(self.segments)
            button.setText(text)
            button.setCheckable(True)
            button.setProperty("side", side)
            button.setToolTip(tip)
            group.addButton(button, number)
            row.addWidget(button)
            buttons.append(button)
        buttons[0].setChecked(True)
        group.idClicked.connect(self.show_mode)
        return buttons[0], buttons[1]

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.segments)
        top.addSpacing(4)
        top.addWidget(self.search, 3)
        top.addWidget(self.views)
        top.addStretch(1)
        top.addWidget(self.notice)
        top.addWidget(self.count)

        people = QWidget(self)
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.setSpacing(8)
        people_layout.addWidget(self.filter_bar)
        people_layout.addWidget(self.bulk)
        people_layout.addWidget(self.table, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(people)

        self.list_panel = QWidget(self)
        panel = QVBoxLayout(self.list_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(8)
        panel.addLayout(top)
        panel.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_panel)
        self.splitter.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(self.splitter, 1)

        self.row_menu = QMenu(self.table)
        self.row_menu.addAction("Add Tag…").triggered.connect(lambda: self.bulk.ask_tag())
        self.row_menu.addMenu(self.bulk.owner_button.menu()).setText("Set Owner")
        self.row_menu.addMenu(self.bulk.status_button.menu()).setText("Set Lead Status")
        self.row_menu.addSeparator()
        self.row_menu.addAction("Move to Trash").triggered.connect(self.bulk.move_to_trash)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: (
                self.table.selectionModel().hasSelection()
                and self.row_menu.popup(self.table.viewport().mapToGlobal(pos))
            )
        )

    def _connect(self, hub: EventHub) -> None:
        self.search.search_changed.connect(self._on_search)
        self.filter_bar.filter_changed.connect(self._on_filter)
        self.views.view_applied.connect(self.apply_view)
        self.model.modelReset.connect(self._after_reset)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_indicator)
        self.bulk.message.connect(self.show_notice)
        hub.changed.connect(self._on_changed)

    # --- what the main window calls -------------------------------------------------------------
    @property
    def mode(self) -> int:
        return self.stack.currentIndex()

    @property
    def organizations(self) -> OrganizationsView:
        """The organizations view (made on first use)."""
        if self._organizations is None:
            view = OrganizationsView(self._db, self.fmt, self)
            self.stack.addWidget(view)
            view.model.modelReset.connect(self._update_count)
            view.contact_chosen.connect(self._set_current)
            self._organizations = view
        return self._organizations

    def refresh(self) -> None:
        """Re-query what is shown (the other mode reloads when it is next shown)."""
        self.filter_bar.reset_choices()
        if self.mode == ORGANIZATIONS:
            self.organizations.refresh()
            self._organizations_stale = False
        else:
            self._organizations_stale = True
        self.model.reload()

    def focus_search(self) -> None:
        """Edit → Find lands here."""
        self.search.setFocus()
        self.search.selectAll()

    def set_formatter(self, fmt: Formatter) -> None:
        """Settings changed (locale, currency, region): redraw with the new formats."""
        if fmt != self.fmt:
            self.fmt = self.model.fmt = fmt
            if self._organizations is not None:
                self._organizations.set_formatter(fmt)
            self.refresh()

    def show_mode(self, mode: int) -> None:
        """People (0) or organizations (1); each keeps its own search text."""
        if mode == self.mode:
            return
        if self.search.debounce.isActive():  # typing not yet applied belongs to the mode being left
            self.search.debounce.stop()
            self._on_search(self.search.text().strip())
        self._searches[self.mode] = self.search.text()
        self.stack.setCurrentWidget(self.organizations if mode == ORGANIZATIONS else self.stack.widget(PEOPLE))
        (self.people_button if mode == PEOPLE else self.organizations_button).setChecked(True)
        blocked = self.search.blockSignals(True)
        self.search.setText(self._searches[mode])
        self.search.blockSignals(blocked)
        people = mode == PEOPLE
        self.search.setPlaceholderText(
            "Search name, email, phone, organization or tag" if people else "Search organization name, domain or city"
        )
        self.views.setVisible(people)
        if not people and self._organizations_stale:
            self._organizations_stale = False
            self.organizations.refresh()
        self._update_count()
        chosen = self._current_row_id() if people else self.organizations.contacts_model.row_id(
            self.organizations.contacts_table.currentIndex().row()
        )  # fmt: skip
        self._set_current(chosen)

    def show_notice(self, text: str) -> None:
        """A quiet line beside the count saying what just happened (fades after a few seconds)."""
        self.notice.setText(text)
        self._notice_timer.start()

    # --- saved views ----------------------------------------------------------------------------
    def current_view(self, name: str) -> SavedView:
        """What "Save Current View" stores: the filter with its search text, the sort and the columns."""
        return SavedView(
            name=name,
            filter=self.model.filter,
            sort_key=self.model.sort_key,
            descending=self.model.descending,
            columns=tuple(self.columns.visible_keys()),
        )

    def apply_view(self, view: SavedView) -> None:
        """Show a saved view: its filter, search text, sort and columns, with one query."""
        self._applying = True
        try:
            self.show_mode(PEOPLE)
            self.filter_bar.set_filter(view.filter)
            blocked = self.search.blockSignals(True)
            self.search.setText(view.filter.search)
            self.search.blockSignals(blocked)
            if view.columns:
                self.columns.apply(view.columns)
                save_keys(self.columns.visible_keys())
            keys = self.model.keys
            column = keys.index(view.sort_key) if view.sort_key in keys else 0
            self.model.filter, self.model.search = view.filter, view.filter.search
            self.model.sort_column, self.model.descending = column, view.descending
            header = self.table.horizontalHeader()
            order = Qt.SortOrder.DescendingOrder if view.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(column, order)
            self.model.reload(keep_loaded=False)
        finally:
            self._applying = False

    # --- reactions ------------------------------------------------------------------------------
    def _on_search(self, text: str) -> None:
        if self.mode == PEOPLE:
            self._user_changed_view()
            self.model.set_search(text)
        else:
            self.organizations.model.set_search(text)

    def _on_filter(self, new: ContactFilter) -> None:
        self._user_changed_view()
        self.model.set_filter(replace(new, search=self.model.filter.search))

    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column that cannot be sorted puts the arrow back where the order really is."""
        if self.model.columns[column].sort_key is None:
            header = self.table.horizontalHeader()
            order = Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
            blocked = header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column, order)
            header.blockSignals(blocked)
            return
        self._user_changed_view()

    def _user_changed_view(self) -> None:
        if not self._applying:
            self.views.forget_active()

    def _columns_changed(self) -> None:
        save_keys(self.columns.visible_keys())
        self._user_changed_view()

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & self.WATCHES:
            self.refresh()

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.mode == PEOPLE:
            self._set_current(self.model.row_id(current.row()) if current.isValid() else None)

    def _current_row_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _set_current(self, contact_id: uuid.UUID | None) -> None:
        if contact_id != self._current:
            self._current = contact_id
            self.current_contact_changed.emit(contact_id)

    def _after_reset(self) -> None:
        """After a reload, keep the same contact current when it is still listed."""
        self._update_count()
        if self.mode != PEOPLE:
            return
        keep = self._current
        for number, row in enumerate(self.model.rows()):
            if row.id == keep:
                selection = self.table.selectionModel()
                flags = selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
                selection.setCurrentIndex(self.model.index(number, 0), flags)
                return
        self._set_current(None)

    def _update_count(self) -> None:
        if self.mode == PEOPLE:
            total, noun = self.model.total, ("contact", "contacts")
            narrowed = bool(self.model.filter.search) or not self.model.filter.is_empty()
        else:
            total, noun = self.organizations.model.total, ("organization", "organizations")
            narrowed = bool(self.organizations.model.search)
        text = self.fmt.count(total, *noun)
        self.count.setText(f"{text} found" if narrowed else text)
        self._show_empty_state()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.empty_label.isVisible():
            QTimer.singleShot(0, lambda: self.empty_label.resize(self.table.viewport().size()))

    def _show_empty_state(self) -> None:
        """Say why the table is empty, rather than showing a blank box."""
        if self.model.total or self.mode != PEOPLE:
            self.empty_label.hide()
            return
        narrowed = bool(self.model.filter.search) or not self.model.filter.is_empty()
        self.empty_label.setText(
            "No contacts match.\nTry other words, or Clear filters."
            if narrowed
            else "No contacts yet.\nAdd one with New Contact, or import a file."
        )
        self.empty_label.resize(self.table.viewport().size())
        self.empty_label.show()
