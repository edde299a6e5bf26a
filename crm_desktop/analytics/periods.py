"""Business-calendar helpers: periods are inclusive local dates, the database stores UTC instants."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, type_coerce
from sqlmodel import Session, select

from crm_desktop.domain import Setting
from crm_desktop.domain.config import SETTINGS
from crm_desktop.domain.errors import ValidationError

ONE_DAY = timedelta(days=1)


def read_setting(session: Session, key: str) -> Any:
    """A shared business setting straight from its table, or its declared default when unset."""
    default = SETTINGS[key].default
    stmt = select(Setting.value).where(Setting.key == key, Setting.deleted_at.is_(None))  # type: ignore[union-attr]
    value = session.exec(stmt).first()
    return default if value is None else value


def business_zone(session: Session) -> ZoneInfo:
    """The business time zone that turns UTC instants into calendar days."""
    name = read_setting(session, "timezone")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown business time zone {name!r}", field="timezone") from exc


def inactivity_window(session: Session, override: int | None) -> int:
    """The churn inactivity window W in days: the explicit value, else the business setting."""
    value = override if override is not None else read_setting(session, "churn_inactivity_days")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("the inactivity window must be a whole number of days ≥ 1", field="inactivity_days")
    return value


def check_period(start: date, end: date) -> None:
    """Refuse a period that ends before it starts."""
    if start > end:
        raise ValidationError(f"the period starts ({start}) after it ends ({end})", field="start")


@dataclass(frozen=True)
class Period:
    """An inclusive range of local calendar dates with its half-open UTC bounds for SQL."""

    start: date
    end: date
    zone: tzinfo

    @property
    def utc_start(self) -> datetime:
        """The first instant of `start` in the business zone, in UTC."""
        return local_midnight_utc(self.start, self.zone)

    @property
    def utc_end(self) -> datetime:
        """The first instant after `end` (exclusive bound), in UTC."""
        return local_midnight_utc(self.end + ONE_DAY, self.zone)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def local_midnight_utc(day: date, zone: tzinfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def local_date(at: datetime, zone: tzinfo) -> date:
    """The business-calendar day of an aware instant."""
    return at.astimezone(zone).date()


def raw(column: Any) -> Any:
    """A column fetched without per-row Python conversion (no UUID or datetime objects).

    UUIDs then come back as hex text on SQLite (driver UUIDs on PostgreSQL) and instants as ISO text:
    only ever compared with other `raw` values of the same database, and turned into days by `LocalDays`.
    """
    return type_coerce(column, String)


def fetch_rows(session: Session, stmt: Any) -> list[Any]:
    """All rows of `stmt` as plain driver tuples, skipping SQLAlchemy's per-row result processing.

    Only for statements whose columns need no processing: `raw` columns, strings and integers. Building a
    Row object per row costs as much as SQLite's own work for the 100k-row reads of the analytics.
    """
    result = session.connection().execute(stmt)
    try:
        return list(result.cursor.fetchall()) if result.cursor is not None else []
    finally:
        result.close()


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID from a `raw` id (hex text on SQLite, already a UUID on PostgreSQL)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class LocalDays:
    """Turns stored UTC instants into business-calendar day ordinals, with one zone lookup per UTC day.

    Converting 200k purchase times through zoneinfo one by one costs more than the rest of the churn
    computation; within a UTC day without a DST switch the offset is constant, so it is looked up once.
    """

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._offsets: dict[int, timedelta | None] = {}

    def __call__(self, value: datetime | str) -> int:
        """The local day ordinal of an instant (aware datetime, or naive UTC / ISO text as stored)."""
        at = datetime.fromisoformat(value) if isinstance(value, str) else value
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = at.toordinal()
        try:
            offset = self._offsets[day]
        except KeyError:
            offset = self._offsets[day] = self._constant_offset(day)
        if offset is None:
            return at.replace(tzinfo=UTC).astimezone(self.zone).toordinal()
        return (at + offset).toordinal()

    def _constant_offset(self, day: int) -> timedelta | None:
        """The zone's UTC offset throughout UTC day `day`, or None when it changes that day (DST)."""
        midnight = datetime.fromordinal(day).replace(tzinfo=UTC)
        first = midnight.astimezone(self.zone).utcoffset()
        last = (midnight + ONE_DAY - timedelta(microseconds=1)).astimezone(self.zone).utcoffset()
        return first if first == last else None


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    """Each calendar month overlapping [start, end], clipped to it, as (first, last) days."""
    months: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        months.append((cursor, min(end, following - ONE_DAY)))
        cursor = following
    return months


def next_month(day: date) -> date:
    """The first day of the month after `day`."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def month_index(day: date) -> int:
    """Months since year 0, so month arithmetic is integer subtraction."""
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    """YYYY-MM for a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def ratio(numerator: float, denominator: float) -> float:
    """A rate as a fraction, 0.0 when there is nothing to divide by."""
    return numerator / denominator if denominator else 0.0
