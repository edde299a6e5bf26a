"""Business-calendar helpers: the fast instant → local day conversion must agree with zoneinfo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_desktop.analytics.periods import LocalDays, Period, months_between

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham",
         "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago")  # fmt: skip
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda t: t.replace(tzinfo=UTC)
)


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), at=instants)
def test_local_days_agree_with_zoneinfo_for_stored_text_and_datetimes(zone, at):
    tz = ZoneInfo(zone)
    to_day = LocalDays(tz)
    expected = at.astimezone(tz).toordinal()
    assert to_day(at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")) == expected
    assert to_day(at.replace(tzinfo=None).isoformat(sep=" ")) == expected
    assert to_day(at) == expected


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_local_days_at_every_quarter_hour_around_dst_changes(zone):
    tz = ZoneInfo(zone)
    to_day = LocalDays(tz)
    for day in (
        date(2024, 3, 10),
        date(2024, 3, 31),
        date(2024, 4, 7),
        date(2024, 10, 6),
        date(2024, 10, 27),
    ):
        start = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC)
        for quarter in range(3 * 96):
            at = start + timedelta(minutes=15 * quarter)
            for t in (at, at - timedelta(microseconds=1)):
                text = t.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                assert to_day(text) == t.astimezone(tz).toordinal(), text


def test_period_bounds_are_local_midnights():
    period = Period(date(2024, 3, 1), date(2024, 3, 31), ZoneInfo("Europe/Berlin"))
    assert period.utc_start == datetime(2024, 2, 29, 23, 0, tzinfo=UTC)
    assert period.utc_end == datetime(2024, 3, 31, 22, 0, tzinfo=UTC)  # summer time began on Mar 31


def test_months_are_clipped_to_the_period():
    assert months_between(date(2024, 1, 15), date(2024, 3, 2)) == [
        (date(2024, 1, 15), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 2)),
    ]
