"""The leads board: Open, Contacted, Qualified and Unqualified side by side; drag or Ctrl+←/→ to change status.

Each column is a list view over its own model, loaded on the worker a page at a time (more on scroll), so tens
of thousands of leads stay smooth. Every move is one undoable step writing a lead-status ledger row; it shows at
once and the reload that follows the commit confirms it. Qualified leads convert to deals from here.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import list_pipelines
from crm_desktop.services.errors import CRMError
from crm_desktop.services.leads import BOARD_STATUSES, STATUS_LABELS, LeadCard, LeadColumn, lead_cards, leads_by_status
from crm_desktop.services.leads import move_lead as move_lead_service
from crm_desktop.services.users import list_users
from crm_desktop.ui.contacts.convert_dialog import ConvertDialog
from crm_desktop.ui.errors import error_box, show_error
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.lead_delegate import LeadColumnWidget
from crm_desktop.ui.pipeline.model import CARD_ROLE
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import SearchBox, count_label
from crm_desktop.ui.workers import TaskContext, TaskRunner

PAGE = 100  # cards per column at first, and per "more" fetched on scroll
KEEP_MAX = 2000  # a reload keeps up to this many scrolled-in cards per column


class LeadsBoard(QWidget):
    """Leads by status, loaded on the worker; owns its moves (undoable) and the Convert to Deal dialog."""

    WATCHES = frozenset({"contact", "lead_status_change", "organization", "user"})
    loaded = Signal()
    message = Signal(str)  # a status-bar line after a move or a conversion
    open_requested = Signal(object)  # a contact id: Enter or double-click on a card

    def __init__(
        self, runner: TaskRunner, hub: EventHub, fmt: Formatter, undo_stack: UndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner, self.fmt, self.undo_stack = runner, fmt, undo_stack
        self.pipelines: list[tuple[uuid.UUID, str]] = []
        self.selected: uuid.UUID | None = None
        self.convert_dialog: ConvertDialog | None = None
        self.message_box: QMessageBox | None = None
        self._generation = 0
        self._stale = True  # loaded when first shown
        self._reload = QTimer(self)  # several commits in a row reload once
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh)

        self.search = SearchBox("Filter leads by name, e-mail, phone or organization", self)
        self.owner = QComboBox(self)
        self.owner.setMinimumWidth(160)
        self.owner.addItem("All owners", "")
        self.owner.setToolTip("Only the leads this team member owns")
        self.owners: list[tuple[uuid.UUID, str]] = []
        self.convert_button = QPushButton("Convert to Deal…", self)
        self.convert_button.setEnabled(False)
        self.convert_button.setToolTip("Select a qualified lead to open a deal for it")
        self.count = count_label(self)
        self.count.setToolTip("Each column lists the most recently updated leads first")
        self.columns = [
            LeadColumnWidget(LeadColumn(s, STATUS_LABELS[s], 0, []), fmt, self) for s in BOARD_STATUSES
        ]  # fmt: skip
        board_area = QWidget(self)
        row = QHBoxLayout(board_area)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        for column in self.columns:
            row.addWidget(column, 1)
            self._wire(column)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(board_area)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.owner)
        bar.addWidget(self.convert_button)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self.card_menu = QMenu(self)
        self.convert_action = self.card_menu.addAction("Convert to Deal…", self.convert_selected)
        self.move_menu = self.card_menu.addMenu("Move to")
        self.move_actions: dict[str, QAction] = {}
        for status in BOARD_STATUSES:
            action = self.move_menu.addAction(STATUS_LABELS[status])
            action.triggered.connect(lambda _on=False, s=status: self._move_selected(s))
            self.move_actions[status] = action
        self.card_menu.addAction("Open Contact", lambda: self.selected and self.open_requested.emit(self.selected))

        self.search.search_changed.connect(lambda _text: self.refresh(keep=False))
        self.owner.activated.connect(lambda _i: self.refresh(keep=False))
        self.convert_button.clicked.connect(self.convert_selected)
        hub.changed.connect(self._on_changed)

    def _wire(self, column: LeadColumnWidget) -> None:
        view, model = column.list, column.model
        view.dropped.connect(self.move)
        view.step_requested.connect(self.step)
        view.focus_requested.connect(lambda step: self._walk(column, step))
        view.activated_record.connect(self.open_requested.emit)
        view.customContextMenuRequested.connect(lambda pos: self._show_menu(column, pos))
        view.selectionModel().currentChanged.connect(lambda index, _old: self._on_current(column, index))
        model.more_wanted.connect(lambda _status: self._fetch_more(column))

    # --- loading ----------------------------------------------------------------------------------
    @property
    def owner_id(self) -> uuid.UUID | None:
        data = self.owner.currentData()  # ids travel as text: findData cannot compare Python objects
        return uuid.UUID(data) if data else None

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_formatter(self, fmt: Formatter) -> None:
        """New business locale or currency: repaint the cards with it."""
        if fmt != self.fmt:
            self.fmt = fmt
            for widget in self.columns:
                widget.fmt = widget.model.fmt = fmt
                widget.list.itemDelegate().fmt = fmt  # type: ignore[attr-defined]
            self.refresh()

    def column(self, status: str) -> LeadColumnWidget:
        return self.columns[BOARD_STATUSES.index(status)]

    def refresh(self, *, keep: bool = True) -> None:
        """Reload on the worker; answers to older requests are dropped.

        `keep` holds on to what each column had scrolled in (a reload after a change); a new filter starts over.
        """
        self._generation += 1
        self._stale = False
        generation, owner_id, search = self._generation, self.owner_id, self.search.text().strip()
        loaded = {c.model.status: c.model.rowCount() for c in self.columns}
        limits = {status: min(KEEP_MAX, n) for status, n in loaded.items() if keep and n > PAGE}
        self.runner.submit(
            "Loading the leads board",
            lambda ctx: _load(ctx, owner_id, search, limits),
            on_success=lambda result: self._show(generation, result, keep),
            on_failure=lambda exc: show_error(self, exc),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._reload.start()

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & self.WATCHES:
            if self.isVisible():
                self._reload.start()
            else:
                self._stale = True  # reloaded when shown: a hidden board costs the worker nothing

    def _show(self, generation: int, result: dict[str, Any], keep: bool) -> None:
        if generation != self._generation:
            return
        self.pipelines = result["pipelines"]
        self._fill_owners(result["owners"])
        for widget, column in zip(self.columns, result["board"], strict=True):
            widget.show_scrolled(column, self.selected, keep=keep)
        if self._holder(self.selected) is None:
            self.selected = None
        total = sum(c.model.count for c in self.columns)
        filtered = bool(self.search.text().strip()) or self.owner_id is not None
        self.count.setText(self.fmt.count(total, "matching lead" if filtered else "lead"))
        self._update_convert()
        self.loaded.emit()

    def _fill_owners(self, owners: list[tuple[uuid.UUID, str]]) -> None:
        if owners == self.owners:
            return
        self.owners = owners
        current = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("All owners", "")
        for user_id, name in owners:
            self.owner.addItem(name, str(user_id))
        self.owner.setCurrentIndex(max(0, self.owner.findData(current)))
        self.owner.blockSignals(False)

    def _fetch_more(self, column: LeadColumnWidget) -> None:
        generation, model = self._generation, column.model
        after, owner_id, search = model.last_card(), self.owner_id, self.search.text().strip()

        def load(ctx: TaskContext) -> list[LeadCard]:
            with ctx.read_session() as session:
                return lead_cards(
                    session=session, status=model.status, owner_id=owner_id, search=search, after=after, limit=PAGE
                )

        def done(cards: list[LeadCard]) -> None:
            if generation == self._generation and model.last_card() == after:
                model.append(cards)
            else:
                model.fetching = False

        def failed(exc: BaseException) -> None:
            model.fetching = False
            show_error(self, exc)

        self.runner.submit("Loading more leads", load, on_success=done, on_failure=failed)

    # --- selection ---------------------------------------------------------------------------------
    def _on_current(self, column: LeadColumnWidget, index: Any) -> None:
        if not index.isValid():
            return
        self.selected = index.data(CARD_ROLE).id
        for other in self.columns:  # one selected card on the whole board
            if other is not column:
                other.list.selectionModel().clearSelection()
        self._update_convert()

    def _holder(self, record_id: uuid.UUID | None) -> LeadColumnWidget | None:
        if record_id is None:
            return None
        return next((c for c in self.columns if c.model.row_of(record_id) is not None), None)

    def selected_card(self) -> LeadCard | None:
        holder = self._holder(self.selected)
        row = holder.model.row_of(self.selected) if holder and self.selected else None
        return holder.model.cards()[row] if holder is not None and row is not None else None

    def _update_convert(self) -> None:
        card = self.selected_card()
        self.convert_button.setEnabled(card is not None and card.status == "qualified")

    def _walk(self, column: LeadColumnWidget, step: int) -> None:
        """Left/Right: the card at about the same height in the neighbouring column."""
        number = self.columns.index(column) + step
        if not 0 <= number < len(self.columns):
            return
        target = self.columns[number]
        if target.model.rowCount():
            row = min(max(column.list.currentIndex().row(), 0), target.model.rowCount() - 1)
            target.list.setCurrentIndex(target.model.index(row, 0))
        target.list.setFocus()

    def _show_menu(self, column: LeadColumnWidget, pos: QPoint) -> None:
        index = column.list.indexAt(pos)
        if not index.isValid():
            return
        column.list.setCurrentIndex(index)
        card = self.selected_card()
        self.convert_action.setEnabled(card is not None and card.status == "qualified")
        for status, action in self.move_actions.items():
            action.setEnabled(card is not None and card.status != status)
        self.card_menu.popup(column.list.viewport().mapToGlobal(pos))

    # --- moving ------------------------------------------------------------------------------------
    def step(self, record_id: uuid.UUID, step: int) -> bool:
        """Ctrl+Left / Ctrl+Right: move the card to the previous or next column."""
        holder = self._holder(record_id)
        if holder is None:
            return False
        number = self.columns.index(holder) + step
        if not 0 <= number < len(self.columns):
            return False
        return self.move(record_id, BOARD_STATUSES[number])

    def _move_selected(self, status: str) -> None:
        if self.selected is not None:
            self.move(self.selected, status)

    def move(self, record_id: uuid.UUID, status: str) -> bool:
        """Change a lead's status as one undoable step and show it at once; a refused move says why."""
        source = self._holder(record_id)
        if source is None or source.model.status == status:
            return False
        card = source.model.cards()[source.model.row_of(record_id) or 0]
        target = self.column(status)
        try:
            self.undo_stack.perform(
                f"Move {card.display_name} to {STATUS_LABELS[status]}",
                lambda s: move_lead_service(session=s, contact_id=record_id, status=status),
                initiator=self,
            )
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            self.refresh()
            return False
        self._generation += 1  # an answer already on its way predates the move: the commit's reload follows
        had_focus = source.list.hasFocus()
        source.model.take(record_id)
        row = target.model.put(card)
        self.selected = record_id
        target.list.setCurrentIndex(target.model.index(row, 0))
        target.list.scrollTo(target.model.index(row, 0))
        if had_focus or self.hasFocus():
            target.list.setFocus()
        self.message.emit(f"{card.display_name} is now {STATUS_LABELS[status].lower()}")
        return True

    # --- converting --------------------------------------------------------------------------------
    def convert_selected(self) -> ConvertDialog | None:
        """Open Convert to Deal (non-modal) for the selected qualified lead."""
        card = self.selected_card()
        if card is None or card.status != "qualified":
            return None
        if self.convert_dialog is not None:  # one at a time: a second Convert replaces the first
            self.convert_dialog.close()
            self.convert_dialog.deleteLater()
        dialog = ConvertDialog(
            card.id, card.display_name, card.organization_name, self.pipelines, self.fmt, self.undo_stack, self
        )
        dialog.converted.connect(self.message.emit)
        self.convert_dialog = dialog
        dialog.show()
        return dialog


def _load(ctx: TaskContext, owner_id: uuid.UUID | None, search: str, limits: dict[str, int]) -> dict[str, Any]:
    """Runs on the worker: the board, the owners for the filter and the pipelines for Convert, in one session."""
    with ctx.read_session() as session:
        return {
            "board": leads_by_status(
                session=session, owner_id=owner_id, search=search, limit_per_status=PAGE, limits=limits
            ),
            "owners": [(u.id, u.name) for u in list_users(session=session)],
            "pipelines": [(p.id, p.name) for p in list_pipelines(session=session)],
        }
