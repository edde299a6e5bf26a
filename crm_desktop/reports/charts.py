"""Charts for the summary report, drawn with reportlab.graphics in grays that survive a mono printer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from crm_desktop.analytics.results import Cohort, MonthlyChurn
from crm_desktop.reports.fonts import ReportFonts
from crm_desktop.reports.layout import DARK, INK, LIGHT, MID, Formatter

BAR_FILLS = (colors.Color(0.15, 0.15, 0.15), colors.Color(0.6, 0.6, 0.6), colors.white)
MAX_COHORT_MONTHS = 18


def funnel_drawing(
    title: str, steps: Sequence[tuple[str, int]], *, width: float, fonts: ReportFonts, fmt: Formatter
) -> Drawing:
    """A centred funnel: one bar per step, as wide as its count, labelled with count and share of step 1."""
    row, label_width, top_pad = 22.0, width * 0.3, 20.0
    height = top_pad + row * max(1, len(steps)) + 4
    drawing = _drawing(width, height, fonts)
    drawing.add(String(0, height - 12, title, fontName=fonts.bold, fontSize=9.5, fillColor=INK))
    if not steps or not any(n for _, n in steps):
        drawing.add(String(label_width, height - 34, "None in this period", fontName=fonts.regular, fontSize=8.5))
        return drawing
    first = steps[0][1]
    biggest = max(max(n for _, n in steps), 1)
    bar_area = width - label_width - 70
    centre = label_width + bar_area / 2
    for i, (label, count) in enumerate(steps):
        y = height - top_pad - (i + 1) * row + 4
        bar = max(bar_area * count / biggest, 1.5)
        fill = BAR_FILLS[0] if i == 0 else colors.Color(*(0.15 + 0.5 * i / max(1, len(steps) - 1),) * 3)
        drawing.add(Rect(centre - bar / 2, y, bar, row - 6, fillColor=fill, strokeColor=INK, strokeWidth=0.4))
        drawing.add(String(label_width - 6, y + 5, label, fontName=fonts.regular, fontSize=8.5, textAnchor="end"))
        share = fmt.percent(count / first) if first else fmt.percent(0.0)
        text = f"{fmt.count(count)}  ({share})" if i else fmt.count(count)
        drawing.add(String(width - 2, y + 5, text, fontName=fonts.regular, fontSize=8.5, textAnchor="end"))
    return drawing


def _no_activity(drawing: Drawing, chart: VerticalBarChart | HorizontalLineChart, fonts: ReportFonts) -> None:
    """Say so in the plot area when every value is zero, rather than leave an empty grid."""
    x, y = chart.x + chart.width / 2, chart.y + chart.height / 2
    drawing.add(String(x, y, "No customer activity in this period", fontName=fonts.regular, fontSize=9,
                       fillColor=DARK, textAnchor="middle"))  # fmt: skip


def _drawing(width: float, height: float, fonts: ReportFonts) -> Drawing:
    """A drawing whose default font is the embedded one (ReportLab would reference plain Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.regular
    return drawing


def _month_labels(monthly: Sequence[MonthlyChurn], fmt: Formatter) -> list[str]:
    from babel.dates import format_date

    labels = []
    for m in monthly:
        year, month = (int(p) for p in m.month.split("-"))
        labels.append(format_date(date(year, month, 1), "MMM yy", locale=fmt.locale))
    return labels


def monthly_movements_drawing(
    monthly: Sequence[MonthlyChurn], *, width: float, fonts: ReportFonts, fmt: Formatter
) -> Drawing:
    """Grouped monthly bars of new, reactivated and churned customers (black, gray, white)."""
    height = 190.0
    drawing = _drawing(width, height, fonts)
    drawing.add(String(0, height - 12, "Customers gained and lost per month", fontName=fonts.bold, fontSize=9.5))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 34, 38, width - 44, height - 80
    series = [
        [m.counts.new for m in monthly],
        [m.counts.reactivated for m in monthly],
        [m.counts.churned for m in monthly],
    ]
    chart.data = series
    _style_category_axis(chart, _month_labels(monthly, fmt), fonts)
    _style_value_axis(chart, max((v for s in series for v in s), default=0), fonts)
    chart.barSpacing, chart.groupSpacing = 0.5, 4
    for i, fill in enumerate(BAR_FILLS):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = INK
        chart.bars[i].strokeWidth = 0.4
    drawing.add(chart)
    if not any(v for values in series for v in values):
        _no_activity(drawing, chart, fonts)
    legend = Legend()
    legend.x, legend.y = 34, height - 24
    legend.alignment, legend.columnMaximum, legend.deltax = "right", 1, 85
    legend.fontName, legend.fontSize = fonts.regular, 8
    legend.strokeColor, legend.strokeWidth = INK, 0.4
    legend.colorNamePairs = list(zip(BAR_FILLS, ("New", "Reactivated", "Churned"), strict=True))
    drawing.add(legend)
    return drawing


def churn_rate_drawing(monthly: Sequence[MonthlyChurn], *, width: float, fonts: ReportFonts, fmt: Formatter) -> Drawing:
    """Monthly churn rate (churned from start / customers at start) as a line with markers."""
    height = 150.0
    drawing = _drawing(width, height, fonts)
    drawing.add(String(0, height - 12, "Monthly churn rate", fontName=fonts.bold, fontSize=9.5))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 34, 38, width - 44, height - 62
    rates = [100 * m.counts.churn_rate for m in monthly]
    chart.data = [rates]
    _style_category_axis(chart, _month_labels(monthly, fmt), fonts)
    _style_value_axis(chart, max(rates, default=0.0), fonts, suffix=" %")
    chart.lines[0].strokeColor = INK
    chart.lines[0].strokeWidth = 1.4
    chart.lines[0].symbol = makeMarker("FilledSquare", size=4, fillColor=INK, strokeColor=INK)
    chart.joinedLines = 1
    drawing.add(chart)
    if not any(m.counts.customers_start for m in monthly):
        _no_activity(drawing, chart, fonts)
    return drawing


def _style_category_axis(chart: VerticalBarChart | HorizontalLineChart, labels: list[str], fonts: ReportFonts) -> None:
    axis = chart.categoryAxis
    axis.categoryNames = labels or [""]
    axis.labels.fontName, axis.labels.fontSize = fonts.regular, 7
    axis.strokeColor = INK
    if len(labels) > 12:
        axis.labels.angle, axis.labels.boxAnchor, axis.labels.dy = 45, "ne", -2
    else:
        axis.labels.boxAnchor, axis.labels.dy = "n", -3


def _style_value_axis(
    chart: VerticalBarChart | HorizontalLineChart, biggest: float, fonts: ReportFonts, suffix: str = ""
) -> None:
    axis = chart.valueAxis
    axis.valueMin = 0
    axis.valueMax = _nice_ceiling(biggest, whole=not suffix)
    axis.valueStep = axis.valueMax / 4
    axis.labels.fontName, axis.labels.fontSize = fonts.regular, 7
    axis.labelTextFormat = lambda v: f"{v:g}{suffix}"
    axis.strokeColor = INK
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = 1, LIGHT, 0.4


def _nice_ceiling(value: float, *, whole: bool) -> float:
    """A round axis maximum ≥ value that splits into four even steps (whole steps for counts)."""
    if value <= 0:
        return 4.0
    exponent = math.floor(math.log10(value / 4))
    bases = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    for base in bases:
        step = base * 10.0**exponent
        if whole:
            step = max(1.0, round(step))
        if step * 4 >= value:
            return step * 4
    return value


def cohort_table(cohorts: Sequence[Cohort], *, width: float, fonts: ReportFonts, fmt: Formatter) -> Table:
    """Retention heat table: one row per cohort, one column per month since the first purchase.

    Darker cells mean more of the cohort bought again; the value is printed too, so no colour is needed.
    """
    months = min(MAX_COHORT_MONTHS, max((len(c.retention) for c in cohorts), default=1))
    header = ["Cohort", "Size", *[f"M{k}" for k in range(months)]]
    rows: list[list[str]] = [header]
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, 0), fonts.bold, 7.5),
        ("FONT", (0, 1), (-1, -1), fonts.regular, 7.5),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("GRID", (2, 1), (-1, -1), 0.3, colors.white),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for r, cohort in enumerate(cohorts, start=1):
        cells = [cohort.cohort, fmt.count(cohort.size)]
        for k in range(months):
            if k >= len(cohort.retention):
                cells.append("")
                continue
            value = cohort.retention[k]
            cells.append(f"{round(100 * value)}")
            shade = 1 - 0.8 * value
            commands.append(("BACKGROUND", (k + 2, r), (k + 2, r), colors.Color(shade, shade, shade)))
            if shade < 0.5:
                commands.append(("TEXTCOLOR", (k + 2, r), (k + 2, r), colors.white))
        rows.append(cells)
    first_cols = 48.0, 30.0
    month_width = max(14.0, (width - sum(first_cols)) / max(months, 1))
    table = Table(rows, colWidths=[*first_cols, *([min(month_width, 40.0)] * months)], repeatRows=1, hAlign="LEFT")
    commands.append(("TEXTCOLOR", (0, 0), (-1, 0), DARK))
    commands.append(("LINEBELOW", (0, -1), (-1, -1), 0.6, MID))
    table.setStyle(TableStyle(commands))
    return table
