"""The forecast panel: weighted value of the open deals by expected-close month, as bars and as a table.

Fed by services.forecast (one grouped query, run on the worker). Colours come from the palette, so the
chart follows the light or dark scheme; overdue deals are drawn in the warning colour and undated ones
in the muted text colour, apart from the months.
"""

from __future__ import annotations

from decimal import Decimal

from babel import UnknownLocaleError
from babel.numbers import format_compact_currency
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deal_filter import DealFilter
from crm_desktop.services.forecast import MONTH, NO_DATE, OVERDUE, Forecast, ForecastBucket, forecast
from crm_desktop.ui.errors import show_error
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import blend, error_text, make_muted, muted_text
from crm_desktop.ui.workers import TaskContext, TaskRunner

COLUMNS = ("Month", "Deals", "Total", "Weighted")
BAR_GAP = 0.28  # share of each slot left empty between bars
MAX_BAR_WIDTH = 46
TABLE_ROWS = 8  # rows the table shows before it scrolls


def bucket_label(bucket: ForecastBucket, fmt: Formatter, *, short: bool = False) -> str:
    """'Overdue', 'No date', or the month: 'Apr 2024' ('Apr' when short)."""
    if bucket.kind == OVERDUE:
        return "Overdue"
    if bucket.kind == NO_DATE:
        return "No date"
    return fmt.date(bucket.month, fmt="LLL" if short else "LLL y")


def compact_money(fmt: Formatter, cents: int) -> str:
    """'€50K' for a bar's label: babel's compact form in the business locale when it is shorter than whole money."""
    whole = fmt.money(cents, whole=True)
    try:
        amount = (Decimal(cents) / 100).quantize(Decimal(1))
        compact = format_compact_currency(amount, fmt.currency, locale=fmt.locale, fraction_digits=0)
    except (ValueError, KeyError, UnknownLocaleError):
        return whole
    return compact if len(compact) < len(whole) else whole


def bucket_colour(bucket: ForecastBucket, palette: QPalette) -> QColor:
    """Months in the highlight colour, overdue in the warning colour, undated in the muted text colour."""
    if bucket.kind == OVERDUE:
        return error_text(palette)
    if bucket.kind == NO_DATE:
        return muted_text(palette)
    return palette.color(QPalette.ColorRole.Highlight)


class ForecastChart(QWidget):
    """Bars of weighted value per bucket, each over a faint bar of the unweighted total; hover for figures."""

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.buckets: list[ForecastBucket] = []
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Weighted value by expected-close month")
        small = self.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.setFont(small)

    def sizeHint(self) -> QSize:
        return QSize(360, 180)

    def set_buckets(self, buckets: list[ForecastBucket]) -> None:
        self.buckets = list(buckets)
        self.update()

    def _plot(self) -> QRectF:
        """The bars' area: a legend line and a value line above it, month and year lines below."""
        line = self.fontMetrics().height()
        return QRectF(self.rect()).adjusted(8, 2 * line + 10, -8, -(2 * line + 8))

    def _legend(self, painter: QPainter, palette: QPalette) -> None:
        """'■ Weighted  ■ Total' in the top right corner."""
        metrics = self.fontMetrics()
        line, box = metrics.height(), metrics.height() * 0.6
        highlight = palette.color(QPalette.ColorRole.Highlight)
        window = palette.color(QPalette.ColorRole.Window)
        x = float(self.width() - 8)
        for text, colour in (("Total", blend(window, highlight, 0.22)), ("Weighted", highlight)):
            x -= metrics.horizontalAdvance(text)
            painter.setPen(muted_text(palette))
            painter.drawText(QRectF(x, 0, metrics.horizontalAdvance(text), line), Qt.AlignmentFlag.AlignVCenter, text)
            x -= box + 4
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, (line - box) / 2, box, box), 2, 2)
            x -= 12

    def _slot(self, index: int, plot: QRectF) -> QRectF:
        width = plot.width() / max(1, len(self.buckets))
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window, ink = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
        muted = muted_text(palette)
        plot = self._plot()
        painter.setPen(blend(window, ink, 0.18))
        painter.drawLine(QPointF(plot.left(), plot.bottom() + 0.5), QPointF(plot.right(), plot.bottom() + 0.5))
        self._legend(painter, palette)
        if not self.buckets:
            painter.setPen(muted)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No open deals match")
            painter.end()
            return
        peak = max(max(b.total_cents for b in self.buckets), 1)
        metrics = self.fontMetrics()
        line = metrics.height()
        year_shown: int | None = None
        for index, bucket in enumerate(self.buckets):
            slot = self._slot(index, plot)
            bar_width = min(MAX_BAR_WIDTH, slot.width() * (1 - BAR_GAP))
            left = slot.center().x() - bar_width / 2
            colour = bucket_colour(bucket, palette)
            total_h = plot.height() * bucket.total_cents / peak
            weighted_h = plot.height() * bucket.weighted_cents / peak
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(window, colour, 0.22))
            painter.drawRoundedRect(QRectF(left, plot.bottom() - total_h, bar_width, total_h), 3, 3)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(left, plot.bottom() - weighted_h, bar_width, weighted_h), 3, 3)
            value = compact_money(self.fmt, bucket.weighted_cents)
            if metrics.horizontalAdvance(value) <= slot.width() - 2 and bucket.deals:
                painter.setPen(ink)
                above = QRectF(slot.left(), plot.bottom() - total_h - line - 2, slot.width(), line)
                painter.drawText(above, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, value)
            painter.setPen(ink if bucket.kind == MONTH else colour)
            name = QRectF(slot.left(), plot.bottom() + 4, slot.width(), line)
            painter.drawText(
                name,
                Qt.AlignmentFlag.AlignHCenter,
                metrics.elidedText(
                    bucket_label(bucket, self.fmt, short=True), Qt.TextElideMode.ElideRight, int(slot.width())
                ),
            )
            if bucket.month is not None and bucket.month.year != year_shown:
                year_shown = bucket.month.year
                painter.setPen(muted)
                painter.drawText(name.translated(0, line), Qt.AlignmentFlag.AlignHCenter, str(year_shown))
        painter.end()

    def bucket_at(self, x: float) -> ForecastBucket | None:
        """The bucket whose column holds the horizontal position `x`."""
        plot = self._plot()
        for index, bucket in enumerate(self.buckets):
            slot = self._slot(index, plot)
            if slot.left() <= x < slot.right():
                return bucket
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bucket = self.bucket_at(event.position().x())
            if bucket is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), describe(bucket, self.fmt), self)
            return True
        return super().event(event)


def describe(bucket: ForecastBucket, fmt: Formatter) -> str:
    """'Apr 2024: 3 deals, 503 € total, 271 € weighted' — a bar's tooltip."""
    return (
        f"{bucket_label(bucket, fmt)}: {fmt.count(bucket.deals, 'deal')}, "
        f"{fmt.money(bucket.total_cents, whole=True)} total, {fmt.money(bucket.weighted_cents, whole=True)} weighted"
    )


class ForecastPanel(QWidget):
    """Title, a one-line summary, the bar chart and the month table; loads on the worker for a filter."""

    loaded = Signal()

    def __init__(self, runner: TaskRunner | None, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forecastPanel")
        self.runner, self.fmt = runner, fmt
        self.filter: DealFilter | None = None
        self.result: Forecast | None = None
        self._generation = 0
        title = QLabel("Forecast", self)
        title.setObjectName("sectionTitle")
        self.summary = make_muted(QLabel(self))
        self.summary.setWordWrap(True)
        self.summary.setToolTip(
            "Open deals by the month they are expected to close; weighted by each deal's probability "
            "(or its stage's). Deals past their expected close are shown as Overdue."
        )
        self.chart = ForecastChart(fmt, self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.table.horizontalHeaderItem(column).setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.table)
        self.show_forecast(None)

    def sizeHint(self) -> QSize:
        return QSize(380, 460)

    def set_formatter(self, fmt: Formatter) -> None:
        if fmt != self.fmt:
            self.fmt = self.chart.fmt = fmt
            self.show_forecast(self.result)

    def set_filter(self, f: DealFilter) -> None:
        """Show the forecast for `f`: loaded on the worker, answers to older requests dropped."""
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        """Reload for the current filter (after the deals changed); nothing until a filter is set."""
        if self.filter is None or self.runner is None:
            return
        self._generation += 1
        generation, f = self._generation, self.filter
        self.runner.submit(
            "Loading the forecast",
            lambda ctx: _load(ctx, f),
            on_success=lambda result: self._loaded(generation, result),
            on_failure=lambda exc: show_error(self, exc),
        )

    def _loaded(self, generation: int, result: Forecast) -> None:
        if generation == self._generation:
            self.show_forecast(result)
            self.loaded.emit()

    def show_forecast(self, result: Forecast | None) -> None:
        """Fill the summary, chart and table from a computed forecast (None: nothing yet)."""
        self.result = result
        buckets = result.buckets if result is not None else []
        fmt = self.fmt
        if result is None:
            self.summary.setText("Loading…")
        elif not result.deals:
            self.summary.setText("No open deals match the filter")
        else:
            self.summary.setText(
                f"{fmt.money(result.weighted_cents, whole=True)} weighted of "
                f"{fmt.money(result.total_cents, whole=True)} in {fmt.count(result.deals, 'open deal')}"
            )
        self.chart.set_buckets(buckets)
        self.table.setRowCount(len(buckets))
        for row, bucket in enumerate(buckets):
            cells = (bucket_label(bucket, fmt), fmt.number(bucket.deals), fmt.money(bucket.total_cents, whole=True),
                     fmt.money(bucket.weighted_cents, whole=True))  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if bucket.kind != MONTH:
                    item.setForeground(bucket_colour(bucket, self.palette()))
                self.table.setItem(row, column, item)
        self._fit_table(len(buckets))
        self.table.setVisible(bool(buckets))

    def _fit_table(self, rows: int) -> None:
        """As tall as its rows (up to TABLE_ROWS, then it scrolls), so the chart gets the rest."""
        shown = max(1, min(rows, TABLE_ROWS))
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(header + shown * self.table.verticalHeader().defaultSectionSize() + frame)

    def changeEvent(self, event: QEvent) -> None:
        """Re-colour the overdue and undated rows when the light/dark scheme changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.result is not None:
            self.show_forecast(self.result)

    def rows(self) -> list[tuple[str, ...]]:
        """The table's text, row by row (what a user reads; used by tests)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]


def _load(ctx: TaskContext, f: DealFilter) -> Forecast:
    """Runs on the worker."""
    with ctx.read_session() as session:
        return forecast(session=session, filter=f)
