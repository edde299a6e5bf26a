"""The summary PDF (DESIGN §9): KPIs on page 1, then charts, tables and the definitions of §8."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from crm_desktop.analytics.results import ChurnResult, ConversionResult
from crm_desktop.reports import charts, sections
from crm_desktop.reports.fonts import ReportFonts, register_fonts
from crm_desktop.reports.layout import (
    EDGE,
    FAINT,
    MARGIN,
    MID,
    Formatter,
    PageDecor,
    Styles,
    numbered_canvas,
    page_size,
)

Progress = Callable[[float, str], None]
TITLE = "Business summary"
LEAD_FUNNEL = "Leads by furthest status reached"
DEAL_FUNNEL = "Deals by furthest stage reached"
COHORT_INTRO = (
    "Share of each cohort (customers by month of first purchase) buying again k months later, in %. "
    "Darker cells: more of the cohort bought."
)


def build_summary_pdf(
    *,
    out: Path,
    conversion: ConversionResult,
    churn: ChurnResult,
    start: date,
    end: date,
    business_name: str,
    paper_size: str = "A4",
    locale: str = "en_GB",
    progress: Progress | None = None,
    logo: Path | None = None,
) -> Path:
    """Write the summary report to `out` (through a temporary file, so a failure never leaves half a PDF)."""
    report = progress or (lambda _fraction, _message: None)
    report(0.02, "Laying out the summary…")
    fonts = register_fonts()
    styles = Styles.create(fonts)
    fmt = Formatter.create(locale, conversion.currency)
    size = page_size(paper_size)
    width = size[0] - 2 * EDGE
    story = _story(conversion, churn, start, end, fmt=fmt, styles=styles, fonts=fonts, width=width)
    decor = PageDecor(fonts, business_name, TITLE, fmt.period(start, end), fmt.day(date.today()), logo)
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    report(0.1, "Drawing pages…")
    try:
        doc = _ProgressDoc(
            str(temporary),
            on_progress=lambda done: report(0.1 + 0.85 * done, "Drawing pages…"),
            total=len(story),
            pagesize=size,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN,
            title=f"{TITLE} {start.isoformat()} – {end.isoformat()}",
            author=business_name,
            creator="CRM Desktop",
        )
        doc.build(story, onFirstPage=decor.draw, onLaterPages=decor.draw, canvasmaker=numbered_canvas(fonts))
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    report(1.0, "Summary written")
    return out


class _ProgressDoc(SimpleDocTemplate):
    """A document that reports how far through the story the layout has got."""

    def __init__(self, filename: str, *, on_progress: Callable[[float], None], total: int, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self._on_progress, self._total, self._done = on_progress, max(total, 1), 0

    def afterFlowable(self, flowable: Flowable) -> None:
        self._done += 1
        self._on_progress(min(1.0, self._done / self._total))


def _story(
    conversion: ConversionResult,
    churn: ChurnResult,
    start: date,
    end: date,
    *,
    fmt: Formatter,
    styles: Styles,
    fonts: ReportFonts,
    width: float,
) -> list[Flowable]:
    def _funnel(title: str, steps: list[tuple[str, int]]) -> Flowable:
        return charts.funnel_drawing(title, steps, width=width, fonts=fonts, fmt=fmt)

    cohorts = _cohorts(churn, fmt, styles, fonts, width)
    story: list[Flowable] = [
        Paragraph(TITLE, styles.title),
        Paragraph(
            escape(
                f"{fmt.period(start, end)} · inactivity window {churn.inactivity_days} days · "
                f"amounts in {conversion.currency}"
            ),
            styles.subtitle,
        ),
        *_kpi_block("Acquisition", _acquisition_cards(conversion, fmt), styles, fonts, width),
        *_kpi_block("Retention", _retention_cards(churn, fmt), styles, fonts, width),
        Spacer(1, 4 * mm),
        Paragraph(
            "Every figure is defined on the last page. Rates with nothing to divide by are shown as 0.0 %.",
            styles.small,
        ),
        PageBreak(),
        KeepTogether([Paragraph("Funnels", styles.heading), _funnel(LEAD_FUNNEL, _lead_steps(conversion))]),
        Spacer(1, 5 * mm),
        KeepTogether(_funnel(DEAL_FUNNEL, _deal_steps(conversion))),
        KeepTogether(
            [
                Paragraph("Customers over time", styles.heading),
                charts.monthly_movements_drawing(churn.monthly, width=width, fonts=fonts, fmt=fmt),
            ]
        ),
        Spacer(1, 3 * mm),
        KeepTogether(charts.churn_rate_drawing(churn.monthly, width=width, fonts=fonts, fmt=fmt)),
        *sections.titled("Cohort retention", COHORT_INTRO, cohorts, styles, rows=len(churn.cohorts) + 1),
        *sections.monthly_table(churn, fmt, styles, fonts, width),
        *sections.funnel_tables(conversion, fmt, styles, fonts, width),
        *sections.source_table(conversion, fmt, styles, fonts, width),
        *sections.at_risk_table(churn, fmt, styles, fonts, width),
        *sections.definitions(churn, styles),
    ]
    return story


def _acquisition_cards(c: ConversionResult, fmt: Formatter) -> list[tuple[str, str, str]]:
    closed = c.deals_won + c.deals_lost
    cycle = c.sales_cycle_days
    return [
        (fmt.count(c.leads_created), "Leads created", "new contacts that started as leads"),
        (fmt.percent(c.lead_conversion_rate), "Lead conversion",
         f"{fmt.count(c.leads_converted)} of {fmt.count(c.leads_created)} became customers"),
        (fmt.percent(c.win_rate), "Win rate", f"{fmt.count(c.deals_won)} won of {fmt.count(closed)} closed"),
        (fmt.count(c.deals_won), "Deals won", f"{fmt.count(c.deals_lost)} lost"),
        (fmt.money(c.won_value_cents), "Won value", "deals won in the period"),
        (fmt.money(c.avg_won_value_cents), "Average won deal", "won value / deals won"),
        (f"{fmt.days(cycle.mean)} d", "Sales cycle, mean", "days from creation to won"),
        (f"{fmt.days(cycle.median)} d", "Sales cycle, median", "days from creation to won"),
    ]  # fmt: skip


def _retention_cards(c: ChurnResult, fmt: Formatter) -> list[tuple[str, str, str]]:
    return [
        (fmt.count(c.customers_start), "Customers at start", "active the day before the period"),
        (fmt.count(c.new), "New customers", "first active in the period"),
        (fmt.count(c.reactivated), "Reactivated", "came back after churning"),
        (fmt.count(c.churned), "Churned", f"{fmt.count(c.churned_from_start)} of them customers at start"),
        (fmt.count(c.customers_end), "Customers at end", "active on the last day"),
        (fmt.percent(c.churn_rate), "Churn rate",
         f"{fmt.count(c.churned_from_start)} of {fmt.count(c.customers_start)} customers at start"),
        (fmt.percent(c.revenue_churn_rate), "Revenue churn", "of subscription revenue at start"),
        (fmt.count(len(c.at_risk)), "At risk", "active customers with warning signs"),
    ]  # fmt: skip


def _kpi_block(
    title: str, cards: Sequence[tuple[str, str, str]], styles: Styles, fonts: ReportFonts, width: float
) -> list[Flowable]:
    """A heading over a 4-column grid of KPI cards: big value, label, short explanation."""
    columns, padding = 4, 8
    room = width / columns - 2 * padding
    cells = [
        [Paragraph(escape(value), _fitting(styles.kpi_value, value, room)), Paragraph(escape(label), styles.kpi_label),
         Paragraph(escape(note), styles.kpi_note)]
        for value, label, note in cards
    ]  # fmt: skip
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    table = Table(rows, colWidths=[width / columns] * columns, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, -1), FAINT),
        ("BOX", (0, 0), (-1, -1), 0.6, MID),
        ("INNERGRID", (0, 0), (-1, -1), 3, (1, 1, 1)),
        ("TOPPADDING", (0, 0), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    table.setStyle(commands)
    return [Paragraph(escape(title), styles.heading), table]


def _fitting(style: ParagraphStyle, text: str, room: float) -> ParagraphStyle:
    """`style`, shrunk just enough for `text` to fit on one line (long money amounts)."""
    size = style.fontSize
    while size > 8 and stringWidth(text, style.fontName, size) > room:
        size -= 0.5
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=style.leading)


def _lead_steps(c: ConversionResult) -> list[tuple[str, int]]:
    return [(s.status.capitalize(), s.reached) for s in c.lead_status_funnel if s.status != "unqualified"]


def _deal_steps(c: ConversionResult) -> list[tuple[str, int]]:
    return [(s.stage, s.reached) for s in c.deal_funnel]


def _cohorts(churn: ChurnResult, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float) -> Flowable:
    if not churn.cohorts:
        return Paragraph("No first purchases in this period.", styles.body)
    return charts.cohort_table(churn.cohorts, width=width, fonts=fonts, fmt=fmt)
