"""Customer churn for a period (DESIGN §8): totals, monthly series, revenue churn, cohorts, at risk.

Purchases and subscriptions are fetched once as compact (contact, day) arrays; everything else is
integer arithmetic over per-customer activity runs (see `activity`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from operator import itemgetter

from sqlmodel import Session, select

from crm_desktop.analytics.activity import FOREVER, Run, Timeline, build_runs
from crm_desktop.analytics.at_risk import find_at_risk
from crm_desktop.analytics.cohorts import cohort_retention
from crm_desktop.analytics.periods import (
    LocalDays,
    Period,
    business_zone,
    check_period,
    fetch_rows,
    inactivity_window,
    month_index,
    months_between,
    ratio,
    raw,
)
from crm_desktop.analytics.results import ChurnResult, MonthlyChurn
from crm_desktop.domain import Purchase, Subscription


@dataclass
class CustomerActivity:
    """What churn needs per customer, as day ordinals in the business zone, up to the period's end."""

    purchase_days: dict[Hashable, list[int]] = field(default_factory=dict)
    subscription_spans: dict[Hashable, list[Run]] = field(default_factory=dict)
    runs: dict[Hashable, list[Run]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Subscription:
    contact_id: Hashable
    first_day: int
    last_day: int
    monthly_cents: int


def compute_churn(*, session: Session, start: date, end: date, inactivity_days: int | None = None) -> ChurnResult:
    """Customer churn over [start, end]; the inactivity window defaults to the business setting."""
    check_period(start, end)
    window = inactivity_window(session, inactivity_days)
    period = Period(start, end, business_zone(session))
    subscriptions = _load_subscriptions(session, period)
    activity = _load_activity(session, period, subscriptions, window)
    timeline = Timeline.from_runs(activity.runs)

    first, last = start.toordinal(), end.toordinal()
    monthly = tuple(
        MonthlyChurn(month=f"{lo:%Y-%m}", counts=timeline.counts(lo.toordinal(), hi.toordinal()))
        for lo, hi in months_between(start, end)
    )
    return ChurnResult(
        start=start,
        end=end,
        inactivity_days=window,
        totals=timeline.counts(first, last),
        revenue_churn_rate=_revenue_churn_rate(subscriptions, first, last),
        monthly=monthly,
        cohorts=cohort_retention(activity.purchase_days, first_month=month_index(start), end=end),
        at_risk=find_at_risk(session=session, period=period, activity=activity, window=window),
    )


def _load_subscriptions(session: Session, period: Period) -> list[_Subscription]:
    """Subscriptions begun by the end of the period, as inclusive local day spans (cancel day counts)."""
    to_day = LocalDays(period.zone)
    stmt = select(
        raw(Subscription.contact_id),
        raw(Subscription.started_at),
        raw(Subscription.cancelled_at),
        Subscription.monthly_amount_cents,
    ).where(Subscription.deleted_at.is_(None), Subscription.started_at < period.utc_end)  # type: ignore[union-attr]
    subscriptions = []
    for contact_id, started_at, cancelled_at, cents in fetch_rows(session, stmt):
        last_day = FOREVER if cancelled_at is None else to_day(cancelled_at)
        subscriptions.append(_Subscription(contact_id, to_day(started_at), last_day, cents or 0))
    return subscriptions


def _load_activity(
    session: Session, period: Period, subscriptions: list[_Subscription], window: int
) -> CustomerActivity:
    """Per-customer distinct purchase days and subscription spans, merged into activity runs."""
    to_day = LocalDays(period.zone)
    activity = CustomerActivity()
    for sub in subscriptions:
        activity.subscription_spans.setdefault(sub.contact_id, []).append((sub.first_day, sub.last_day))
    stmt = (
        select(raw(Purchase.contact_id), raw(Purchase.occurred_at))
        .where(Purchase.deleted_at.is_(None), Purchase.occurred_at < period.utc_end)  # type: ignore[union-attr]
        .order_by(Purchase.contact_id)
    )
    rows = fetch_rows(session, stmt)
    for contact_id, group in groupby(rows, key=itemgetter(0)):
        activity.purchase_days[contact_id] = sorted({to_day(at) for _, at in group})
    for contact_id in activity.purchase_days.keys() | activity.subscription_spans.keys():
        days = activity.purchase_days.get(contact_id, [])
        activity.runs[contact_id] = build_runs(days, activity.subscription_spans.get(contact_id, ()), window)
    return activity


def _revenue_churn_rate(subscriptions: list[_Subscription], first: int, last: int) -> float:
    """MRR of subscriptions running the day before the period and cancelled in it, over that MRR."""
    eve = first - 1
    running = [s for s in subscriptions if s.first_day <= eve <= s.last_day]
    mrr = sum(s.monthly_cents for s in running)
    lost = sum(s.monthly_cents for s in running if first <= s.last_day <= last)
    return ratio(lost, mrr)
