"""Churn edge cases: touching runs, one-day periods, time-zone boundaries, empty data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from crm_desktop.analytics import compute_churn
from crm_desktop.domain import Purchase
from crm_desktop.services.settings import set_setting
from tests.unit.analytics.builders import at, contact, purchase, subscription


def test_touching_runs_merge_and_a_gap_reactivates(scratch):
    """W = 10. "Touching" buys Jan 1 (active Jan 1–10) and Jan 11: the runs touch and merge, no churn.
    "Gap" buys Jan 1 and Jan 12: churns Jan 11, reactivates Jan 12. "Late" buys first on Jan 11."""
    touching, gap = contact(scratch, "Touching"), contact(scratch, "Gap")
    purchase(scratch, touching, "2024-01-01")
    purchase(scratch, touching, "2024-01-11")
    purchase(scratch, gap, "2024-01-01")
    purchase(scratch, gap, "2024-01-12")
    purchase(scratch, contact(scratch, "Late"), "2024-01-11")
    scratch.flush()
    day11 = compute_churn(session=scratch, start=date(2024, 1, 11), end=date(2024, 1, 11), inactivity_days=10)
    day12 = compute_churn(session=scratch, start=date(2024, 1, 12), end=date(2024, 1, 12), inactivity_days=10)
    # Jan 11: start (Jan 10) = Touching, Gap; Late is new; Gap churns → end Touching, Late.
    assert (day11.customers_start, day11.new, day11.churned, day11.customers_end) == (2, 1, 1, 2)
    # Jan 12: start = Touching, Late; Gap reactivates → end = 3.
    assert (day12.customers_start, day12.reactivated, day12.churned, day12.customers_end) == (2, 1, 0, 3)


def test_subscription_day_of_cancellation_is_still_active(scratch):
    """A subscription cancelled on Mar 10 is active that day and churns Mar 11; a running one never churns."""
    subscription(scratch, contact(scratch, "Quits"), "2024-01-15", "2024-03-10", cents=2000)
    subscription(scratch, contact(scratch, "Stays"), "2024-01-15", None, cents=500)
    scratch.flush()
    on_10 = compute_churn(session=scratch, start=date(2024, 3, 10), end=date(2024, 3, 10), inactivity_days=30)
    on_11 = compute_churn(session=scratch, start=date(2024, 3, 11), end=date(2024, 3, 11), inactivity_days=30)
    assert (on_10.churned, on_10.customers_end) == (0, 2)
    assert (on_11.churned, on_11.churned_from_start, on_11.customers_end) == (1, 1, 1)
    assert on_11.churn_rate == 0.5
    assert on_10.revenue_churn_rate == pytest.approx(2000 / 2500)  # cancelled on the period's day
    assert on_11.revenue_churn_rate == 0.0  # already cancelled before: not running the day before


@pytest.mark.parametrize(
    ("zone", "counted"),
    [("UTC", True), ("America/New_York", True), ("Europe/Berlin", False), ("Asia/Tokyo", False)],
)
def test_time_zone_decides_the_day_of_a_late_purchase(scratch, zone, counted):
    """23:30 UTC on Mar 31 is Mar 31 in New York (19:30) but Apr 1 in Berlin (01:30) and Tokyo (08:30)."""
    set_setting(session=scratch, key="timezone", value=zone)
    purchase(scratch, contact(scratch, "Late"), at("2024-03-31", 23, 30))
    scratch.flush()
    march = compute_churn(session=scratch, start=date(2024, 3, 1), end=date(2024, 3, 31), inactivity_days=30)
    april = compute_churn(session=scratch, start=date(2024, 4, 1), end=date(2024, 4, 30), inactivity_days=30)
    assert (march.new, march.customers_end) == ((1, 1) if counted else (0, 0))
    assert april.new == (0 if counted else 1)
    assert [c.cohort for c in (march.cohorts or april.cohorts)] == ["2024-03" if counted else "2024-04"]


def test_no_data_gives_zero_rates_and_empty_months(scratch):
    result = compute_churn(session=scratch, start=date(2024, 3, 15), end=date(2024, 5, 2))
    assert result.churn_rate == 0.0 and result.revenue_churn_rate == 0.0
    assert result.cohorts == () and result.at_risk == ()
    assert [m["month"] for m in result.to_dict()["monthly"]] == ["2024-03", "2024-04", "2024-05"]


def test_deleted_purchases_are_ignored(scratch):
    who = contact(scratch, "Refunded")
    purchase(scratch, who, "2024-03-05")
    scratch.flush()
    row = scratch.exec(select(Purchase)).one()
    row.deleted_at = at("2024-03-06")
    scratch.flush()
    result = compute_churn(session=scratch, start=date(2024, 3, 1), end=date(2024, 3, 31), inactivity_days=30)
    assert result.new == 0
