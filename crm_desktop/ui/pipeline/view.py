"""The Pipeline tab: stage columns of painted cards you drag between, Won/Lost drop zones, a List mode, the
Leads board, filters and the forecast; the deal editor, quotes and pipeline set-up open from here."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deal_filter import DealFilter
from crm_desktop.services.deals import StageColumn, board, deal_summary, list_pipelines
from crm_desktop.ui.errors import show_error
from crm_desktop.ui.event_hub import DEALS, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.board_actions import BoardActions
from crm_desktop.ui.pipeline.deal_moves import LOST_COLOR, WON_COLOR, CardActions, DealMoves, DropZone
from crm_desktop.ui.pipeline.deal_moves import Target as Target
from crm_desktop.ui.pipeline.deal_table import DealTableModel, make_deal_table
from crm_desktop.ui.pipeline.delegate import StageColumnWidget as StageColumnWidget
from crm_desktop.ui.pipeline.filter_bar import DealFilterBar
from crm_desktop.ui.pipeline.forecast_panel import ForecastPanel
from crm_desktop.ui.pipeline.leads_board import LeadsBoard
from crm_desktop.ui.pipeline.tab_dialogs import PipelineDialogs, settings_button
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import count_label
from crm_desktop.ui.workers import TaskContext, TaskRunner

BOARD, LIST, LEADS = 0, 1, 2  # the tab's modes
FORECAST_WIDTH = 420


class PipelineTab(BoardActions, QWidget):
    """The board of the chosen pipeline, loaded on the worker so a big pipeline never freezes the window."""

    WATCHES = DEALS | SETTINGS
    loaded = Signal()
    open_deal = Signal(object)  # a deal id: Open, Enter or a double-click (the tab opens its editor)
    open_contact = Signal(object)  # a contact id, from the Leads board: the window shows it in Contacts
    message = Signal(str)  # a status-bar line

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
        self.dialogs = PipelineDialogs(self, runner, hub, undo, fmt)
        self.filters = DealFilterBar(undo.db, fmt, self)
        self.search = self.filters.search  # its text filters the cards in place; owner and dates go to SQL
        self.pipeline = QComboBox(self)
        self.pipeline.setMinimumWidth(160)
        self.pipeline.hide()
        self.board_button, self.list_button = self._mode_button("Board"), self._mode_button("List")
        self.leads_button = self._mode_button("Leads")
        self.leads_button.setToolTip("Leads by status: drag to change it, convert qualified leads to deals")
        self.board_button.setChecked(True)
        self.modes = QButtonGroup(self)
        for mode, button in enumerate((self.board_button, self.list_button, self.leads_button)):
            self.modes.addButton(button, mode)
        self.new_button = QToolButton(self)
        self.new_button.setText("New deal")
        self.new_button.setToolTip("Create a deal in this pipeline")
        self.forecast_button = QToolButton(self)
        self.forecast_button.setText("Forecast")
        self.forecast_button.setCheckable(True)
        self.forecast_button.setToolTip("Weighted value of the deals shown, by expected-close month")
        self.setup_button = settings_button(self, self.dialogs, lambda: self.pipeline_id)
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
        self.table_model.narrow = DealFilter()
        self.leads = LeadsBoard(runner, hub, fmt, undo, self)
        self.forecast = ForecastPanel(runner, fmt, self)
        self.forecast.hide()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._board_page(scroll))
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.leads)
        for widget in (self.board_area, self.table):
            widget.addActions(self.actions.all())
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.stack)
        self.split.addWidget(self.forecast)
        self.split.setStretchFactor(0, 1)
        self.split.setChildrenCollapsible(False)
        self._build_layout()
        self._connect()

    def _build_layout(self) -> None:
        modes = QHBoxLayout()
        modes.setSpacing(8)
        for widget in (self.pipeline, self.board_button, self.list_button, self.leads_button):
            modes.addWidget(widget)
        modes.addSpacing(12)
        modes.addWidget(self.new_button)
        modes.addWidget(self.forecast_button)
        modes.addWidget(self.setup_button)
        modes.addStretch(1)
        modes.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(modes)
        layout.addWidget(self.filters)
        layout.addWidget(self.split, 1)

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
        self.filters.filter_changed.connect(self._filter_changed)
        self.pipeline.activated.connect(lambda _i: self.refresh())
        self.new_button.clicked.connect(lambda: self.dialogs.edit_deal(None, pipeline_id=self.pipeline_id))
        self.forecast_button.toggled.connect(self._show_forecast)
        self.open_deal.connect(lambda deal_id: self.dialogs.edit_deal(deal_id))
        self.leads.open_requested.connect(self.open_contact.emit)
        self.leads.message.connect(self.message.emit)
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
        return self.stack.currentIndex() == LIST

    def focus_search(self) -> None:
        if self.stack.currentIndex() == LEADS:
            self.leads.focus_search()
            return
        self.search.setFocus()
        self.search.selectAll()

    def set_formatter(self, fmt: Formatter) -> None:
        if fmt != self.fmt:
            self.fmt = self.table_model.fmt = self.dialogs.fmt = fmt
            self.leads.set_formatter(fmt)
            self.forecast.set_formatter(fmt)
            self._table_stale = True
            self.refresh()

    def show_mode(self, mode: int) -> None:
        """BOARD, LIST (the sortable list, loaded when first shown or stale) or LEADS (its own filters)."""
        self.stack.setCurrentIndex(mode)
        self.modes.button(mode).setChecked(True)
        deals = mode != LEADS
        for widget in (self.filters, self.pipeline, self.new_button, self.forecast_button):
            widget.setEnabled(deals)
        self.filters.setVisible(deals)
        self.forecast.setVisible(deals and self.forecast_button.isChecked())
        if mode == LIST:
            self._reload_table()
        self._update_count()

    @property
    def deal_filter(self) -> DealFilter:
        """What the filter bar asks for, in the pipeline shown."""
        return replace(self.filters.filter, pipeline_id=self.pipeline_id)

    def _filter_changed(self, new: DealFilter) -> None:
        """Owner and expected close are asked of SQL (the board reloads); text narrows the cards in place."""
        narrow = replace(new, text="", pipeline_id=None)
        if narrow != self.table_model.narrow:
            self.table_model.narrow = narrow
            self._table_stale = True
            self.refresh()
        elif self.forecast.isVisible():
            self.forecast.set_filter(self.deal_filter)

    def _show_forecast(self, shown: bool) -> None:
        self.forecast.setVisible(shown and self.stack.currentIndex() != LEADS)
        if shown:
            self.split.setSizes([max(self.width() - FORECAST_WIDTH, 400), FORECAST_WIDTH])
            self.forecast.set_filter(self.deal_filter)

    def card_menu_extras(self, menu: QMenu, target: Target) -> None:
        menu.addSeparator()
        menu.addAction("&Print quote…", lambda: self.dialogs.print_quote(target.deal_id))

    def refresh(self) -> None:
        """Reload the board on the worker; answers to older requests are dropped."""
        self._generation += 1
        self._loading = True
        generation, pipeline_id = self._generation, self.pipeline_id
        narrow = self.table_model.narrow
        self.runner.submit(
            "Loading the pipeline",
            lambda ctx: _load(ctx, pipeline_id, narrow),
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
        if self.forecast.isVisible():
            self.forecast.set_filter(self.deal_filter)
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
        ids = [self.pipeline.itemData(i) for i in range(self.pipeline.count())]  # findData: same object only
        self.pipeline.setCurrentIndex(ids.index(current) if current in ids else 0)
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
        narrowed = self.table_model.narrow is not None and not self.table_model.narrow.is_empty()
        self.count.setVisible(self.stack.currentIndex() != LEADS)  # the Leads board counts its own columns
        if self.list_mode:
            shown = self.table_model.total
            self.count.setText(self.fmt.count(shown, "open deal") + (" found" if text else ""))
            return
        shown = sum(w.model.matched() for w in self.columns)
        total = sum(w.model.column.count for w in self.columns)
        value = sum(w.model.column.total_cents for w in self.columns)
        if text:
            self.count.setText(f"{self.fmt.number(shown)} of {self.fmt.count(total, 'open deal')}")
        elif narrowed:
            self.count.setText(f"{self.fmt.count(total, 'open deal')} match · {self.fmt.money(value, whole=True)}")
        else:
            won, lost = self.summary.get("won_count", 0), self.summary.get("lost_count", 0)
            self.count.setText(
                f"{self.fmt.count(total, 'open deal')} · {self.fmt.money(value, whole=True)}"
                f"  ·  {self.fmt.number(won)} won · {self.fmt.number(lost)} lost"
            )


def _load(ctx: TaskContext, pipeline_id: uuid.UUID | None, narrow: DealFilter | None) -> dict[str, Any]:
    """Runs on the worker: everything the tab shows, read in one session."""
    with ctx.read_session() as session:
        pipelines = [(p.id, p.name) for p in list_pipelines(session=session)]
        if pipeline_id not in {p[0] for p in pipelines}:
            pipeline_id = pipelines[0][0] if pipelines else None
        return {
            "pipelines": pipelines,
            "pipeline_id": pipeline_id,
            "board": board(session=session, pipeline_id=pipeline_id, filter=narrow),
            "summary": deal_summary(session=session, pipeline_id=pipeline_id),
        }
