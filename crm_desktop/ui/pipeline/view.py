"""The Pipeline tab: stage columns side by side, each a header over a list view of painted cards."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QScrollBar,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import StageColumn, board, deal_summary, list_pipelines
from crm_desktop.ui.errors import show_error
from crm_desktop.ui.event_hub import DEALS, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.delegate import CardDelegate
from crm_desktop.ui.pipeline.model import StageModel
from crm_desktop.ui.style import blend, make_muted
from crm_desktop.ui.widgets import SearchBox, count_label
from crm_desktop.ui.workers import TaskContext, TaskRunner

COLUMN_MIN_WIDTH = 250


class StageColumnWidget(QFrame):
    """Stage name and count, total and weighted value, then the stage's cards."""

    def __init__(self, column: StageColumn, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stageColumn")
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.fmt = fmt
        self.model = StageModel(column, fmt)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.count = make_muted(QLabel(self))
        self.values = make_muted(QLabel(self))
        self.list = QListView(self)
        self.list.setObjectName("stageList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(CardDelegate(fmt, self.list))
        self.list.setUniformItemSizes(True)
        slim = QScrollBar(Qt.Orientation.Vertical, self.list)  # a new bar: the area then honours its QSS width
        slim.setObjectName("slimScrollBar")
        self.list.setVerticalScrollBar(slim)
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAccessibleName(column.name)

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(heading)
        layout.addWidget(self.values)
        layout.addSpacing(6)
        layout.addWidget(self.list, 1)
        for label in (self.title, self.count, self.values):
            label.setContentsMargins(6, 0, 6, 0)
        self.set_column(column)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A softly tinted, rounded lane behind the cards (derived from the palette, so dark mode works)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        painter.setPen(blend(window, palette.color(QPalette.ColorRole.WindowText), 0.1))
        painter.setBrush(blend(window, palette.color(QPalette.ColorRole.WindowText), 0.035))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()

    def set_column(self, column: StageColumn) -> None:
        self.model.set_column(column)
        self._update_header()

    def set_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_header()

    def _update_header(self) -> None:
        column = self.model.column
        shown = self.model.rowCount()
        self.title.setText(column.name)
        count = self.fmt.number(column.count)
        self.count.setText(count if shown == column.count else f"{self.fmt.number(shown)} of {count}")
        self.values.setText(
            f"{self.fmt.money(column.total_cents, whole=True)}  ·  weighted "
            f"{self.fmt.money(column.weighted_cents, whole=True)} ({column.probability} %)"
        )
        self.values.setToolTip(
            "Total value of the open deals in this stage, and that value weighted by each deal's probability"
        )


class PipelineTab(QWidget):
    """The board of the chosen pipeline, loaded on the worker so a big pipeline never freezes the window."""

    WATCHES = DEALS | SETTINGS
    loaded = Signal()

    def __init__(self, runner: TaskRunner, hub: EventHub, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.fmt = runner, fmt
        self.columns: list[StageColumnWidget] = []
        self.summary: dict[str, int] = {}
        self._generation = 0
        self.search = SearchBox("Filter deals by title, organization or contact", self)
        self.pipeline = QComboBox(self)
        self.pipeline.setMinimumWidth(160)
        self.pipeline.hide()
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

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.pipeline)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self.search.search_changed.connect(self._apply_filter)
        self.pipeline.activated.connect(lambda _i: self.refresh())
        hub.changed.connect(self._on_changed)

    @property
    def pipeline_id(self) -> uuid.UUID | None:
        return self.pipeline.currentData()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_formatter(self, fmt: Formatter) -> None:
        if fmt != self.fmt:
            self.fmt = fmt
            self.refresh()

    def refresh(self) -> None:
        """Reload the board on the worker; answers to older requests are dropped."""
        self._generation += 1
        generation, pipeline_id = self._generation, self.pipeline_id
        self.runner.submit(
            "Loading the pipeline",
            lambda ctx: _load(ctx, pipeline_id),
            on_success=lambda result: self._show(generation, result),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & self.WATCHES:
            self.refresh()

    def _show(self, generation: int, result: dict[str, Any]) -> None:
        if generation != self._generation:
            return
        self._fill_pipelines(result["pipelines"], result["pipeline_id"])
        stages: list[StageColumn] = result["board"]
        self.summary = result["summary"]
        if [w.model.column.stage_id for w in self.columns] != [s.stage_id for s in stages]:
            for widget in self.columns:
                widget.setParent(None)
                widget.deleteLater()
            self.columns = [StageColumnWidget(stage, self.fmt, self.board_area) for stage in stages]
            for widget in self.columns:
                self.board_layout.addWidget(widget, 1)
        else:
            for widget, stage in zip(self.columns, stages, strict=True):
                widget.fmt = widget.model.fmt = self.fmt
                widget.set_column(stage)
        self._apply_filter(self.search.text().strip())
        self.loaded.emit()

    def _fill_pipelines(self, pipelines: list[tuple[uuid.UUID, str]], current: uuid.UUID) -> None:
        self.pipeline.blockSignals(True)
        self.pipeline.clear()
        for pipeline_id, name in pipelines:
            self.pipeline.addItem(name, pipeline_id)
        self.pipeline.setCurrentIndex(max(0, self.pipeline.findData(current)))
        self.pipeline.setVisible(len(pipelines) > 1)
        self.pipeline.blockSignals(False)

    def _apply_filter(self, text: str) -> None:
        for widget in self.columns:
            widget.set_filter(text)
        shown = sum(w.model.rowCount() for w in self.columns)
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
