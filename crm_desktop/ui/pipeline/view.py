"""The Pipeline tab: stage columns of painted cards you drag between, Won/Lost drop zones, and a List mode."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import DealCard, StageColumn, board, deal_summary, list_pipelines
from crm_desktop.ui.errors import show_error
from crm_desktop.ui.event_hub import DEALS, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_moves import LOST_COLOR, WON_COLOR, CardActions, DealMoves, DropZone
from crm_desktop.ui.pipeline.deal_moves import Target as Target
from crm_desktop.ui.pipeline.deal_table import DealTableModel, make_deal_table
from crm_desktop.ui.pipeline.delegate import StageColumnWidget as StageColumnWidget
from crm_desktop.ui.pipeline.model import move_card
from crm_desktop.ui.table_model import ROW_ROLE
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import SearchBox, count_label
from crm_desktop.ui.workers import TaskContext, TaskRunner


class PipelineTab(QWidget):
    """The board of the chosen pipeline, loaded on the worker so a big pipeline never freezes the window."""

    WATCHES = DEALS | SETTINGS
    loaded = Signal()
    open_deal = Signal(object)  # a deal id: the window opens its editor

    def __init__(
        self, runner: TaskRunner, hub: EventHub, fmt: Formatter, undo: UndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner, self.hub, self.fmt = runner, hub, fmt
        self.columns: list[StageColumnWidget] = []
        self.summary: dict[str, int] = {}
        self.menu: QMenu | None = None  # the last context menu shown, for tests
        self._generation = 0
        self._loading = False
        self._table_stale = True
        self.moves = DealMoves(undo, self)
        self.actions = CardActions(self)
        self.search = SearchBox("Filter deals by title, organization or contact", self)
        self.pipeline = QComboBox(self)
        self.pipeline.setMinimumWidth(160)
        self.pipeline.hide()
        self.board_button, self.list_button = self._mode_button("Board"), self._mode_button("List")
        self.board_button.setChecked(True)
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.board_button, 0)
        self.modes.addButton(self.list_button, 1)
        self.count = count_label(self)
        self.board_area = QWidget(self)
        self.board_layout = QHBoxLayout(self.board_area)
        self.board_layout.setContentsMargins(0, 0, 0, 0)
        self.board_layout.setSpacing(10)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.board_area)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.won_zone = DropZone("won", "Won — drop a deal here to record the sale", WON_COLOR, self)
        self.lost_zone = DropZone("lost", "Lost — drop a deal here and say why", LOST_COLOR, self)
        self.table_model = DealTableModel(undo.db, fmt)
        self.table = make_deal_table(self.table_model, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._board_page(scroll))
        self.stack.addWidget(self.table)
        for widget in (self.board_area, self.table):
            widget.addActions(self.actions.all())

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.pipeline)
        bar.addWidget(self.board_button)
        bar.addWidget(self.list_button)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self._connect()

    def _mode_button(self, text: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setToolTip(f"Show the deals as a {text.lower()}")
        return button

    def _board_page(self, scroll: QScrollArea) -> QWidget:
        page = QWidget(self)
        zones = QHBoxLayout()
        zones.setSpacing(10)
        zones.addWidget(self.won_zone)
        zones.addWidget(self.lost_zone)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(scroll, 1)
        layout.addLayout(zones)
        return page

    def _connect(self) -> None:
        self.search.search_changed.connect(self._apply_filter)
        self.pipeline.activated.connect(lambda _i: self.refresh())
        self.modes.idToggled.connect(lambda mode, on: on and self.show_mode(mode))
        self.hub.changed.connect(self._on_changed)
        self.moves.moved.connect(self._place)
        self.moves.closed.connect(self._remove)
        self.won_zone.dropped.connect(lambda deal_id: self._with(deal_id, self.moves.win))
        self.lost_zone.dropped.connect(lambda deal_id: self._with(deal_id, self.moves.ask_lost))
        acts = self.actions
        acts.open.triggered.connect(lambda: self._with_current(lambda t: self.open_deal.emit(t.deal_id)))
        acts.previous.triggered.connect(lambda: self.step(-1))
        acts.next.triggered.connect(lambda: self.step(1))
        acts.won.triggered.connect(lambda: self._with_current(self.moves.win))
        acts.lost.triggered.connect(lambda: self._with_current(self.moves.ask_lost))
        acts.delete.triggered.connect(lambda: self._with_current(self.moves.delete))
        self.table.doubleClicked.connect(lambda _i: acts.open.trigger())
        self.table.customContextMenuRequested.connect(lambda pos: self._show_menu(self.table, pos))
        self.table_model.modelReset.connect(self._update_count)

    @property
    def pipeline_id(self) -> uuid.UUID | None:
        return self.pipeline.currentData()

    @property
    def list_mode(self) -> bool:
        return self.stack.currentIndex() == 1

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_formatter(self, fmt: Formatter) -> None:
        if fmt != self.fmt:
            self.fmt = self.table_model.fmt = fmt
            self._table_stale = True
            self.refresh()

    def show_mode(self, mode: int) -> None:
        """0 = the board, 1 = the sortable list (loaded when first shown or stale)."""
        self.stack.setCurrentIndex(mode)
        (self.list_button if mode else self.board_button).setChecked(True)
        if mode:
            self._reload_table()
        self._update_count()

    def refresh(self) -> None:
        """Reload the board on the worker; answers to older requests are dropped."""
        self._generation += 1
        self._loading = True
        generation, pipeline_id = self._generation, self.pipeline_id
        self.runner.submit(
            "Loading the pipeline",
            lambda ctx: _load(ctx, pipeline_id),
            on_success=lambda result: self._show(generation, result),
            on_failure=lambda exc: self._failed(generation, exc),
        )

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            show_error(self, exc)

    def _on_changed(self, tables: frozenset[str]) -> None:
        if not tables & self.WATCHES or self.hub.initiator is self:
            return  # not ours to show, or the echo of a move this tab has already shown in place
        self._table_stale = True
        self.refresh()

    def _show(self, generation: int, result: dict[str, Any]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._fill_pipelines(result["pipelines"], result["pipeline_id"])
        stages: list[StageColumn] = result["board"]
        self.summary = result["summary"]
        if [w.stage_id for w in self.columns] != [s.stage_id for s in stages]:
            for widget in self.columns:
                widget.setParent(None)
                widget.deleteLater()
            self.columns = [self._column_widget(stage) for stage in stages]
            for widget in self.columns:
                self.board_layout.addWidget(widget, 1)
        else:
            for widget, stage in zip(self.columns, stages, strict=True):
                widget.set_formatter(self.fmt)
                widget.set_column(stage)
        self._apply_filter(self.search.text().strip())
        self.loaded.emit()

    def _column_widget(self, stage: StageColumn) -> StageColumnWidget:
        widget = StageColumnWidget(stage, self.fmt, self.board_area)
        view = widget.list
        view.dropped.connect(lambda deal_id, _key, w=widget: self._with(deal_id, lambda t: self._move(t, w)))
        view.drag_started.connect(lambda: self._arm_zones(True))
        view.drag_finished.connect(lambda: self._arm_zones(False))
        view.customContextMenuRequested.connect(lambda pos, v=view: self._show_menu(v, pos))
        view.activated_record.connect(self.open_deal.emit)  # Enter or a double-click
        view.step_requested.connect(lambda _deal_id, delta: self.step(delta))  # when the shortcut did not fire
        view.focus_requested.connect(lambda delta, w=widget: self._walk(w, delta))
        view.selectionModel().currentChanged.connect(lambda cur, _p, w=widget: self._single_selection(w, cur))
        return widget

    def _fill_pipelines(self, pipelines: list[tuple[uuid.UUID, str]], current: uuid.UUID) -> None:
        self.pipeline.blockSignals(True)
        self.pipeline.clear()
        for pipeline_id, name in pipelines:
            self.pipeline.addItem(name, pipeline_id)
        self.pipeline.setCurrentIndex(max(0, self.pipeline.findData(current)))
        self.pipeline.setVisible(len(pipelines) > 1)
        self.pipeline.blockSignals(False)
        if self.table_model.pipeline_id != self.pipeline_id:
            self.table_model.pipeline_id = self.pipeline_id
            self._table_stale = True
        if self.list_mode:
            self._reload_table()

    def _reload_table(self) -> None:
        if self._table_stale and self.pipeline_id is not None:
            self._table_stale = False
            self.table_model.search = self.search.text().strip()
            self.table_model.reload()

    def _apply_filter(self, text: str) -> None:
        for widget in self.columns:
            widget.set_filter(text)
        if text != self.table_model.search:
            self._table_stale = True
            if self.list_mode:
                self._reload_table()
        self._update_count()

    def _update_count(self) -> None:
        text = self.search.text().strip()
        if self.list_mode:
            shown = self.table_model.total
            self.count.setText(self.fmt.count(shown, "open deal") + (" found" if text else ""))
            return
        shown = sum(w.model.matched() for w in self.columns)
        total = sum(w.model.column.count for w in self.columns)
        value = sum(w.model.column.total_cents for w in self.columns)
        if text:
            self.count.setText(f"{self.fmt.number(shown)} of {self.fmt.count(total, 'open deal')}")
        else:
            won, lost = self.summary.get("won_count", 0), self.summary.get("lost_count", 0)
            self.count.setText(
                f"{self.fmt.count(total, 'open deal')} · {self.fmt.money(value, whole=True)}"
                f"  ·  {self.fmt.number(won)} won · {self.fmt.number(lost)} lost"
            )

    # --- acting on cards ---------------------------------------------------------------------------
    def _single_selection(self, widget: StageColumnWidget, current: QModelIndex) -> None:
        """One selected card on the whole board, so the keyboard and menu actions have one target."""
        if current.isValid():
            for other in self.columns:
                if other is not widget:
                    other.list.clearSelection()

    def find(self, deal_id: uuid.UUID) -> tuple[StageColumnWidget, DealCard] | None:
        """The column and card of a deal on the board."""
        for widget in self.columns:
            card = widget.model.card(deal_id)
            if card is not None:
                return widget, card
        return None

    def current(self) -> Target | None:
        """The selected card (board) or row (list) the actions apply to."""
        if self.list_mode:
            row = self.table.currentIndex().data(ROW_ROLE) if self.table.currentIndex().isValid() else None
            return Target(row.id, row.title, row.stage_id) if row is not None else None
        for widget in self.columns:
            card = widget.selected_card()
            if card is not None:
                return Target(card.id, card.title, card.stage_id)
        return None

    def _with(self, deal_id: uuid.UUID, act: Any) -> None:
        found = self.find(deal_id)
        if found is not None:
            act(Target(found[1].id, found[1].title, found[0].stage_id))

    def _with_current(self, act: Any) -> None:
        target = self.current()
        if target is not None:
            act(target)

    def _move(self, target: Target, widget: StageColumnWidget) -> None:
        self.moves.move(target, widget.stage_id, widget.model.column.name)

    def step(self, delta: int) -> None:
        """Ctrl+Left / Ctrl+Right: the selected deal to the previous / next open stage."""
        target = self.current()
        stages = [w.stage_id for w in self.columns]
        if target is None or target.stage_id not in stages:
            return
        position = stages.index(target.stage_id) + delta
        if 0 <= position < len(self.columns):
            self._move(target, self.columns[position])

    def _walk(self, widget: StageColumnWidget, delta: int) -> None:
        """Left / Right: the keyboard focus goes to the neighbouring stage's first card."""
        position = self.columns.index(widget) + delta
        if 0 <= position < len(self.columns) and self.columns[position].model.rowCount():
            neighbour = self.columns[position]
            neighbour.list.setCurrentIndex(neighbour.model.index(0, 0))
            neighbour.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_menu(self, view: QAbstractItemView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid():
            return
        view.setCurrentIndex(index)
        target = self.current()
        if target is None:
            return
        stages = [(w.stage_id, w.model.column.name) for w in self.columns]
        self.menu = self.actions.menu(self, stages, target.stage_id)
        self.menu.triggered.connect(lambda action: self._menu_move(target, action))
        self.menu.popup(view.viewport().mapToGlobal(pos))

    def _menu_move(self, target: Target, action: QAction) -> None:
        if action.objectName() == "moveTo":
            self.moves.move(target, action.data(), action.text())

    # --- updating in place after this tab's own writes ---------------------------------------------
    def _place(self, deal_id: uuid.UUID, stage_id: uuid.UUID, probability: int | None) -> None:
        """A move was saved: the card goes from its column to the new one in place; both headers update."""
        found, target = self.find(deal_id), next((w for w in self.columns if w.stage_id == stage_id), None)
        if found is None or target is None:
            self.refresh()
            return
        move_card(found[0].model, target.model, deal_id, probability)
        for widget in (found[0], target):
            widget.update_header()
        if not self.list_mode:
            target.select(deal_id, focus=True)
        self._after_local_write()

    def _remove(self, deal_id: uuid.UUID, outcome: str) -> None:
        """Won, lost or deleted: the card leaves the board."""
        found = self.find(deal_id)
        if found is not None:
            found[0].model.take(deal_id)
            found[0].update_header()
        key = {"won": "won_count", "lost": "lost_count"}.get(outcome)
        if key is not None:
            self.summary[key] = self.summary.get(key, 0) + 1
        self._after_local_write()

    def _after_local_write(self) -> None:
        self._table_stale = True
        if self.list_mode:
            self._reload_table()
        self._update_count()
        if self._loading:
            self.refresh()  # a load that started before this write would show the old stage: load again

    def _arm_zones(self, armed: bool) -> None:
        for zone in (self.won_zone, self.lost_zone):
            zone.set_armed(armed)


def _load(ctx: TaskContext, pipeline_id: uuid.UUID | None) -> dict[str, Any]:
    """Runs on the worker: everything the tab shows, read in one session."""
    with ctx.read_session() as session:
        pipelines = [(p.id, p.name) for p in list_pipelines(session=session)]
        if pipeline_id not in {p[0] for p in pipelines}:
            pipeline_id = pipelines[0][0] if pipelines else None
        return {
            "pipelines": pipelines,
            "pipeline_id": pipeline_id,
            "board": board(session=session, pipeline_id=pipeline_id),
            "summary": deal_summary(session=session, pipeline_id=pipeline_id),
        }
