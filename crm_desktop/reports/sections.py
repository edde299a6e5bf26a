"""Tables and the definitions footnote of the summary report; every table repeats its header row."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from crm_desktop.analytics.results import ChurnCounts, ChurnResult, ConversionResult
from crm_desktop.reports.fonts import ReportFonts
from crm_desktop.reports.layout import Formatter, Styles, table_style

SHORT_TABLE_ROWS = 16
LONG_TABLE_START = 55 * mm


def _table(rows: list[list[object]], widths: Sequence[float], fonts: ReportFonts, *, bold_last: bool = False) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = table_style(fonts)
    if bold_last:
        style.add("FONT", (0, -1), (-1, -1), fonts.bold, 8.5)
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.6, (0, 0, 0))
    table.setStyle(style)
    return table


def titled(title: str, intro: str | None, body: Flowable, styles: Styles, *, rows: int) -> list[Flowable]:
    """A heading and its introduction that never end up alone at the foot of a page.

    Short tables move to the next page whole; long ones start here (when a few rows fit) and repeat
    their header row on each page they continue on.
    """
    head: list[Flowable] = [Paragraph(escape(title), styles.heading)]
    if intro:
        head.append(Paragraph(escape(intro), styles.intro))
    if rows <= SHORT_TABLE_ROWS:
        return [KeepTogether([*head, body])]
    return [CondPageBreak(LONG_TABLE_START), *head, body]


def _churn_cells(label: str, c: ChurnCounts, fmt: Formatter) -> list[object]:
    return [
        label,
        fmt.count(c.customers_start),
        fmt.count(c.new),
        fmt.count(c.reactivated),
        fmt.count(c.churned),
        fmt.count(c.churned_from_start),
        fmt.count(c.customers_end),
        fmt.percent(c.churn_rate),
    ]


def monthly_table(
    churn: ChurnResult, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float
) -> list[Flowable]:
    """Month by month customer movements, with the whole period as the bold last row."""
    header = ["Month", "At start", "New", "Reactivated", "Churned", "From start", "At end", "Churn rate"]
    rows: list[list[object]] = [header]
    rows += [_churn_cells(m.month, m.counts, fmt) for m in churn.monthly]
    rows.append(_churn_cells("Whole period", churn.totals, fmt))
    first = 0.14 * width
    table = _table(rows, [first, *([(width - first) / 7] * 7)], fonts, bold_last=True)
    table.setStyle([("LEFTPADDING", (1, 0), (-1, -1), 10)])
    intro = "Customers at end = at start + new + reactivated − churned, in every row."
    return titled("Customers month by month", intro, table, styles, rows=len(rows))


def funnel_tables(
    conversion: ConversionResult, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float
) -> list[Flowable]:
    """The lead status funnel and the deal stage funnel as numbers."""
    leads = conversion.leads_created
    lead_rows: list[list[object]] = [["Lead status", "Leads that reached it", "Share of leads created"]]
    for step in conversion.lead_status_funnel:
        share = step.reached / leads if leads else 0.0
        lead_rows.append([step.status.capitalize(), fmt.count(step.reached), fmt.percent(share)])
    first = conversion.deal_funnel[0].reached if conversion.deal_funnel else 0
    deal_rows: list[list[object]] = [["Deal stage", "Deals that reached it", "From previous stage", "Of first stage"]]
    for stage in conversion.deal_funnel:
        of_first = stage.reached / first if first else 0.0
        deal_rows.append(
            [
                Paragraph(escape(stage.stage), styles.cell),
                fmt.count(stage.reached),
                fmt.percent(stage.conversion_from_previous),
                fmt.percent(of_first),
            ]
        )
    lead_table = _table(lead_rows, [0.4 * width, 0.3 * width, 0.3 * width], fonts)
    deal_table = _table(deal_rows, [0.34 * width, 0.22 * width, 0.22 * width, 0.22 * width], fonts)
    return [
        *titled("Lead status funnel", LEAD_FUNNEL_INTRO, lead_table, styles, rows=len(lead_rows)),
        *titled("Deal stage funnel", DEAL_FUNNEL_INTRO, deal_table, styles, rows=len(deal_rows)),
    ]


LEAD_FUNNEL_INTRO = "Leads created in the period, by the furthest status they ever reached."
DEAL_FUNNEL_INTRO = "Deals created in the period in the default pipeline, by the furthest open stage they reached."


def source_table(
    conversion: ConversionResult, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float
) -> list[Flowable]:
    """Leads, customers and won value by lead source."""
    rows: list[list[object]] = [["Source", "Leads", "Customers", "Conversion", "Won value"]]
    for r in conversion.by_source:
        rows.append(
            [
                Paragraph(escape(r.source), styles.cell),
                fmt.count(r.leads),
                fmt.count(r.customers),
                fmt.percent(r.conversion_rate),
                fmt.money(r.won_value_cents),
            ]
        )
    empty = len(rows) == 1
    if empty:
        rows.append(["No leads or won deals in this period", "", "", "", ""])
    table = _table(rows, [0.32 * width, *([0.17 * width] * 4)], fonts)
    if empty:
        table.setStyle([("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "LEFT")])
    intro = "Won value: deals won in the period, by the deal's source, else its contact's."
    return titled("By source", intro, table, styles, rows=len(rows))


def at_risk_table(
    churn: ChurnResult, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float
) -> list[Flowable]:
    """The at-risk customers with their score and the reasons behind it."""
    rows: list[list[object]] = [["Customer", "Score", "Why"]]
    for a in churn.at_risk:
        reasons = "<br/>".join(escape(r) for r in a.reasons)
        rows.append([Paragraph(escape(a.name), styles.cell), fmt.count(a.score), Paragraph(reasons, styles.cell)])
    empty = len(rows) == 1
    if empty:
        rows.append(["Nobody active at the end of the period shows warning signs", "", ""])
    table = _table(rows, [0.3 * width, 0.1 * width, 0.6 * width], fonts)
    table.setStyle([("ALIGN", (2, 0), (2, -1), "LEFT")])
    if empty:
        table.setStyle([("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "LEFT")])
    intro = "Customers active on the last day, highest risk first (top 50, score 20 or more out of 100)."
    return titled("At-risk customers", intro, table, styles, rows=len(rows))


DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Periods",
     "Inclusive calendar dates in the business time zone. Leads, deals, purchases and subscriptions in the "
     "Trash are left out. Rates are shown as percentages; a rate with nothing to divide by is 0.0 %."),
    ("Leads created", "Contacts created in the period whose first lifecycle entry made them a lead."),
    ("Lead conversion",
     "Leads created in the period that became customers (first purchase or first won deal) by the last day "
     "of the period, divided by leads created in the period."),
    ("Lead status funnel",
     "Of the leads created in the period, how many ever reached open, contacted and qualified (reaching "
     "a later status counts for the earlier ones); unqualified is counted apart. A lead with no recorded "
     "status history counts with its current status."),
    ("Deal stage funnel",
     "Deals created in the period in the default pipeline. A deal reached an open stage if it ever entered "
     "it or any later open stage, or was won. A deal with no recorded stage history is taken to have passed "
     "every open stage before its current one (a lost deal without history: the first stage only). From "
     "previous stage = reached(stage) / reached(previous stage); none for the first stage."),
    ("Win rate",
     "Deals won / (won + lost), over deals closed in the period in any pipeline; open deals are excluded."),
    ("Won value, average won deal",
     "The value of deals won in the period, and that value divided by the number of deals won (rounded to "
     "the cent)."),
    ("Sales cycle",
     "Calendar days from a deal's creation to its win, over deals won in the period: mean and median (0 when "
     "none)."),
    ("Active customer",
     "A contact is active on a day if one of its subscriptions runs that day (from its start through its "
     "cancellation day) or it bought something less than {w} days before (the inactivity window)."),
    ("New, reactivated, churned",
     "A customer is new on the first day it is active, and churns on the first day it is no longer active "
     "(for purchases: {w} days after the last one; for subscriptions: the day after the cancellation, unless "
     "a purchase keeps it active). Becoming active again after churning is a reactivation. The counts are "
     "events inside the period."),
    ("Customers at start and end",
     "Active on the day before the period, and on its last day. Always: at end = at start + new + "
     "reactivated − churned."),
    ("Churn rate",
     "Customers active at the start who churned during the period, divided by customers at the start; "
     "customers who joined and left inside the period do not count (as ChartMogul defines it). The monthly "
     "rows apply the same rules to each calendar month."),
    ("Revenue churn",
     "Monthly revenue of the subscriptions running the day before the period and cancelled in it, divided by "
     "the monthly subscription revenue running that day."),
    ("Cohort retention",
     "Customers grouped by the calendar month of their first purchase (first purchases in the period). Month "
     "k shows the share of the cohort that bought at least once in the k-th calendar month after; month 0 is "
     "100 %."),
    ("At risk",
     "Customers active on the last day, scored 0–100: recency against their own usual interval between "
     "purchases (1.5×, 2×, 3× usual: 20, 35, 50 points) or an inactivity window about to run out (25); open "
     "high-priority (20) or urgent (30) cases, up to 40; low feedback in the last 180 days (NPS ≤ 6: 20, "
     "CSAT ≤ 2: 15). Subscribers get no recency points while a subscription runs."),
)  # fmt: skip


def definitions(churn: ChurnResult, styles: Styles) -> list[Flowable]:
    """The footnote every report carries: how each figure is defined (DESIGN §8)."""
    items = [
        Paragraph(f"<b>{escape(term)}.</b> {escape(text.format(w=churn.inactivity_days))}", styles.small)
        for term, text in DEFINITIONS
    ]
    heading = Paragraph("Definitions", styles.heading)
    return [KeepTogether([heading, *items[:2]]), *items[2:], Spacer(1, 2)]
