"""Lead and deal conversion for a period (DESIGN §8): leads, funnels, win rate, sales cycle, sources.

Leads and deals of the period are found through indexed date ranges; their ledgers are read as
compact (id, status) rows with raw ids and joined in Python, which SQLite does far faster than
one index probe per lead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from statistics import mean, median

from sqlalchemy import func
from sqlmodel import Session, select

from crm_desktop.analytics.funnels import deal_funnel, lead_status_funnel
from crm_desktop.analytics.periods import (
    LocalDays,
    Period,
    business_zone,
    check_period,
    fetch_rows,
    ratio,
    raw,
    read_setting,
)
from crm_desktop.analytics.results import ConversionResult, SalesCycle, SourceRow
from crm_desktop.domain import Contact, Deal, LifecycleChange, Purchase
from crm_desktop.domain.enums import DealStatus, LifecycleStage

UNKNOWN_SOURCE = "unknown"
LEAD = LifecycleStage.LEAD.value


@dataclass(frozen=True)
class Lead:
    """A contact created as a lead in the period: where it came from and whether it became a customer."""

    source: str
    status: str | None
    customer: bool


@dataclass(frozen=True)
class WonDeal:
    """A deal won in the period, with its sales cycle in days and the source it is attributed to."""

    value_cents: int
    cycle_days: int
    source: str


def compute_conversion(*, session: Session, start: date, end: date) -> ConversionResult:
    """Lead-to-customer conversion, funnels, win rate, deal value and sales cycle over [start, end]."""
    check_period(start, end)
    period = Period(start, end, business_zone(session))
    leads = _leads(session, period)
    won = _won_deals(session, period)
    lost = _count_lost(session, period)
    won_value = sum(d.value_cents for d in won)
    cycles = [d.cycle_days for d in won]
    converted = sum(1 for lead in leads.values() if lead.customer)
    return ConversionResult(
        start=start,
        end=end,
        currency=str(read_setting(session, "currency")),
        leads_created=len(leads),
        leads_converted=converted,
        lead_conversion_rate=ratio(converted, len(leads)),
        lead_status_funnel=lead_status_funnel(session, period, {key: lead.status for key, lead in leads.items()}),
        deal_funnel=deal_funnel(session, period),
        deals_won=len(won),
        deals_lost=lost,
        win_rate=ratio(len(won), len(won) + lost),
        won_value_cents=won_value,
        avg_won_value_cents=(2 * won_value + len(won)) // (2 * len(won)) if won else 0,
        sales_cycle_days=SalesCycle(float(mean(cycles)), float(median(cycles))) if cycles else SalesCycle(0.0, 0.0),
        by_source=_by_source(leads, won),
    )


def _leads(session: Session, period: Period) -> dict[Hashable, Lead]:
    """Contacts created in the period whose first lifecycle entry (from nothing) made them a lead.

    A contact's lifecycle history starts when it is created, so entries older than the period are not read.
    """
    created = select(raw(Contact.id), Contact.source, Contact.lead_status).where(
        Contact.deleted_at.is_(None),  # type: ignore[union-attr]
        Contact.created_at >= period.utc_start,
        Contact.created_at < period.utc_end,
    )
    contacts = {key: (source, status) for key, source, status in fetch_rows(session, created)}
    entry = LifecycleChange
    entries = select(raw(entry.contact_id), entry.from_stage, entry.to_stage).where(
        entry.deleted_at.is_(None),  # type: ignore[union-attr]
        entry.at >= period.utc_start,
    )
    ordered = entries.order_by(entry.contact_id, entry.at, entry.id)
    customers = _customers_by(session, period)
    leads: dict[Hashable, Lead] = {}
    previous = None
    for key, from_stage, to_stage in fetch_rows(session, ordered):
        if key != previous and key in contacts and from_stage is None and to_stage == LEAD:
            source, status = contacts[key]
            leads[key] = Lead(source or UNKNOWN_SOURCE, status, key in customers)
        previous = key
    return leads


def _customers_by(session: Session, period: Period) -> set[Hashable]:
    """Contacts that were customers by the period's end: a purchase or a won deal on or before it."""
    buyers = select(raw(Purchase.contact_id)).where(
        Purchase.deleted_at.is_(None),  # type: ignore[union-attr]
        Purchase.occurred_at < period.utc_end,
    )
    winners = select(raw(Deal.contact_id)).where(
        Deal.deleted_at.is_(None),  # type: ignore[union-attr]
        Deal.contact_id.is_not(None),  # type: ignore[union-attr]
        Deal.status == DealStatus.WON.value,
        Deal.won_at < period.utc_end,  # type: ignore[operator]
    )
    conn = session.connection()
    return set(conn.execute(buyers.distinct()).scalars()) | set(conn.execute(winners).scalars())


def _won_deals(session: Session, period: Period) -> list[WonDeal]:
    """Deals won in the period in any pipeline, attributed to the deal's source, else its contact's."""
    to_day = LocalDays(period.zone)
    stmt = (
        select(Deal.value_cents, raw(Deal.created_at), raw(Deal.won_at), Deal.source, Contact.source)
        .outerjoin(Contact, Contact.id == Deal.contact_id)  # type: ignore[arg-type]
        .where(
            Deal.deleted_at.is_(None),  # type: ignore[union-attr]
            Deal.status == DealStatus.WON.value,
            Deal.won_at >= period.utc_start,  # type: ignore[operator]
            Deal.won_at < period.utc_end,  # type: ignore[operator]
        )
    )
    return [
        WonDeal(value or 0, to_day(won_at) - to_day(created_at), deal_source or contact_source or UNKNOWN_SOURCE)
        for value, created_at, won_at, deal_source, contact_source in fetch_rows(session, stmt)
    ]


def _count_lost(session: Session, period: Period) -> int:
    stmt = (
        select(func.count())
        .select_from(Deal)
        .where(
            Deal.deleted_at.is_(None),  # type: ignore[union-attr]
            Deal.status == DealStatus.LOST.value,
            Deal.lost_at >= period.utc_start,  # type: ignore[operator]
            Deal.lost_at < period.utc_end,  # type: ignore[operator]
        )
    )
    return int(session.exec(stmt).one())


def _by_source(leads: dict[Hashable, Lead], won: list[WonDeal]) -> tuple[SourceRow, ...]:
    """Leads, customers and won value per source, biggest first ("unknown" when none was recorded)."""
    lead_count: Counter[str] = Counter(lead.source for lead in leads.values())
    customers: Counter[str] = Counter(lead.source for lead in leads.values() if lead.customer)
    value: Counter[str] = Counter()
    for deal in won:
        value[deal.source] += deal.value_cents
    rows = [
        SourceRow(s, lead_count[s], customers[s], ratio(customers[s], lead_count[s]), value[s])
        for s in lead_count.keys() | value.keys()
    ]
    rows.sort(key=lambda r: (-r.leads, -r.won_value_cents, r.source))
    return tuple(rows)
