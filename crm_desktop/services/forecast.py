"""The weighted forecast: what the open deals are worth, by the month they are expected to close.

One grouped SQL query, however many deals. Each open deal (in a live, open stage of a live pipeline, as
on the board) counts its value weighted by its probability override, or else its stage's probability.

Buckets, in order:
- "overdue": deals still open whose expected close is before today (today in the business time zone).
  They are not placed in their past month: a forecast looks ahead, and a deal that has slipped past its
  date will not close in a month that is over. Showing them together says "re-date these".
- one bucket per calendar month from the current month on (months are those of the expected-close date,
  a calendar date; only "today" depends on the time zone). Empty months between the first and the last
  are filled with zero rows, so the chart's time axis is even, unless the span exceeds MAX_FILLED_MONTHS.
- "no_date": deals without an expected close (left out when the filter sets a close range).

Values are summed across currencies as they are on the board (one business currency is the norm).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, case, cast, func, literal
from sqlmodel import Session, col, select

from crm_desktop.domain import Deal, Pipeline, Stage
from crm_desktop.domain.enums import StageKind
from crm_desktop.services._common import moment
from crm_desktop.services.deal_filter import DealFilter, deal_conditions, join_names
from crm_desktop.services.settings import get_setting

__all__ = ["MAX_FILLED_MONTHS", "Forecast", "ForecastBucket", "business_zone", "forecast"]

MAX_FILLED_MONTHS = 36  # a longer span keeps only the months that hold deals
OVERDUE, MONTH, NO_DATE = "overdue", "month", "no_date"


@dataclass(frozen=True)
class ForecastBucket:
    """One row of the forecast: a month (kind "month", `month` its first day), the overdue or the undated."""

    kind: str
    month: date | None
    deals: int
    total_cents: int
    weighted_cents: int

    @property
    def key(self) -> str:
        """'2024-03', 'overdue' or 'no_date': a stable name for tests and charts."""
        return f"{self.month:%Y-%m}" if self.month is not None else self.kind


@dataclass(frozen=True)
class Forecast:
    """The buckets, and the day "overdue" was measured against."""

    today: date
    buckets: list[ForecastBucket]

    @property
    def deals(self) -> int:
        return sum(b.deals for b in self.buckets)

    @property
    def total_cents(self) -> int:
        return sum(b.total_cents for b in self.buckets)

    @property
    def weighted_cents(self) -> int:
        return sum(b.weighted_cents for b in self.buckets)

    def bucket(self, key: str) -> ForecastBucket | None:
        """The bucket named `key` ('2024-03', 'overdue', 'no_date'), or None when it has no row."""
        return next((b for b in self.buckets if b.key == key), None)


def business_zone(session: Session) -> tzinfo:
    """The business time zone from the settings (UTC when unset or unknown)."""
    try:
        return ZoneInfo(str(get_setting(session=session, key="timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def forecast(
    *,
    session: Session,
    filter: DealFilter | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Forecast:
    """Open deals matching `filter` (all pipelines when it names none), grouped by expected-close month."""
    today = moment(now).astimezone(tz or business_zone(session)).date()
    close = col(Deal.expected_close)
    month = func.substr(cast(close, String), 1, 7)  # 'YYYY-MM' of the stored ISO date
    bucket = case((close.is_(None), literal(NO_DATE)), (close < today, literal(OVERDUE)), else_=month)
    probability = func.coalesce(col(Deal.probability), col(Stage.probability))
    stmt: Any = (
        select(
            bucket.label("bucket"),
            func.count(),
            func.coalesce(func.sum(col(Deal.value_cents)), 0),
            func.coalesce(func.sum(col(Deal.value_cents) * probability), 0),
        )
        .select_from(Deal)
        .join(Stage, col(Stage.id) == col(Deal.stage_id))
        .join(Pipeline, col(Pipeline.id) == col(Deal.pipeline_id))
    )
    if filter is not None and filter.text.strip():
        stmt = join_names(stmt)
    stmt = stmt.where(
        col(Deal.deleted_at).is_(None),
        col(Deal.status) == "open",
        col(Stage.deleted_at).is_(None),
        col(Stage.kind) == StageKind.OPEN,
        col(Stage.pipeline_id) == col(Deal.pipeline_id),
        col(Pipeline.deleted_at).is_(None),
        *deal_conditions(filter),
    ).group_by(bucket)
    rows = {str(key): (int(n), int(total), int(weighted) // 100) for key, n, total, weighted in session.exec(stmt)}
    return Forecast(today=today, buckets=_ordered(rows))


def _ordered(rows: dict[str, tuple[int, int, int]]) -> list[ForecastBucket]:
    """Overdue, then the months in order (gaps filled when the span is short), then no date."""
    buckets: list[ForecastBucket] = []
    if OVERDUE in rows:
        buckets.append(ForecastBucket(OVERDUE, None, *rows[OVERDUE]))
    months = sorted(_first_day(key) for key in rows if key not in (OVERDUE, NO_DATE))
    if months and _months_between(months[0], months[-1]) < MAX_FILLED_MONTHS:
        months = _month_range(months[0], months[-1])
    for first in months:
        buckets.append(ForecastBucket(MONTH, first, *rows.get(f"{first:%Y-%m}", (0, 0, 0))))
    if NO_DATE in rows:
        buckets.append(ForecastBucket(NO_DATE, None, *rows[NO_DATE]))
    return buckets


def _first_day(key: str) -> date:
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _month_range(first: date, last: date) -> list[date]:
    months = [first]
    while months[-1] < last:
        current = months[-1]
        months.append(date(current.year + current.month // 12, current.month % 12 + 1, 1))
    return months
