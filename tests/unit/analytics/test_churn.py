"""Churn (DESIGN §8) on hand-made timelines whose answers are worked out below, day by day."""

from __future__ import annotations

from datetime import date

import pytest

from crm_desktop.analytics import compute_churn
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.settings import set_setting
from tests.unit.analytics.builders import contact, purchase, subscription

START, END = date(2024, 3, 1), date(2024, 4, 30)


@pytest.fixture(scope="module")
def timeline(module_workspace):
    """Eight customers, W = 30 days (a purchase on day p keeps a customer active on p … p+29).

    A  buys Jan 10, Feb 20, Apr 10: runs Jan10–Feb8, Feb20–Mar20, Apr10–May9
       → active Feb 29; churns Mar 21 (from start); reactivates Apr 10; active Apr 30.
    B  first buys Mar 5: run Mar5–Apr3 → new in March, churns Apr 4: joined and left inside the period.
    C  subscription Dec 1 – May 15 (3000/month), also buys Apr 10 → active throughout.
    D  subscription Jan 15 – Mar 10 (2000/month), never buys → churns Mar 11 (from start).
    E  first buys Apr 25 → new in April, active Apr 30.
    F  bought once, Jun 2023 → long gone, never counted.
    G  subscription Jan 1 – Mar 31 (1000/month) and a purchase Mar 25 that keeps it active to Apr 23
       → one run Jan1–Apr23, churns Apr 24 (from start) — not Apr 1.
    H  buys Mar 15 and Apr 20: runs Mar15–Apr13, Apr20–May19 → new, churns Apr 14, reactivates Apr 20.

    Period Mar 1 – Apr 30: start (Feb 29) = A C D G = 4; new = B E H = 3; reactivated = A H = 2;
    churned = A(Mar21) B(Apr4) D(Mar11) G(Apr24) H(Apr14) = 5; from start = A D G = 3;
    end (Apr 30) = A C E H = 4 = 4 + 3 + 2 − 5. Churn rate 3/4 (B and H joined inside: not counted).
    """
    with module_workspace.session() as s:
        a = contact(s, "A")
        for day in ("2024-01-10", "2024-02-20", "2024-04-10"):
            purchase(s, a, day)
        purchase(s, contact(s, "B"), "2024-03-05")
        c = contact(s, "C")
        subscription(s, c, "2023-12-01", "2024-05-15", cents=3000)
        purchase(s, c, "2024-04-10")
        subscription(s, contact(s, "D"), "2024-01-15", "2024-03-10", cents=2000)
        purchase(s, contact(s, "E"), "2024-04-25")
        purchase(s, contact(s, "F"), "2023-06-01")
        g = contact(s, "G")
        subscription(s, g, "2024-01-01", "2024-03-31", cents=1000)
        purchase(s, g, "2024-03-25")
        h = contact(s, "H")
        purchase(s, h, "2024-03-15")
        purchase(s, h, "2024-04-20")
    return module_workspace


def test_period_totals_follow_the_definitions(timeline):
    with timeline.read_session() as s:
        result = compute_churn(session=s, start=START, end=END, inactivity_days=30)
    t = result.to_dict()
    assert (t["customers_start"], t["new"], t["reactivated"], t["churned"]) == (4, 3, 2, 5)
    assert (t["churned_from_start"], t["customers_end"]) == (3, 4)
    assert t["churn_rate"] == pytest.approx(3 / 4)
    assert t["inactivity_days"] == 30


def test_monthly_rows_are_clipped_calendar_months(timeline):
    """March: start A C D G; new B H; churned A D; end B C G H.
    April: start B C G H; new E; reactivated A H; churned B G H (all active Mar 31); end A C E H."""
    with timeline.read_session() as s:
        monthly = compute_churn(session=s, start=START, end=END, inactivity_days=30).to_dict()["monthly"]
    assert monthly == [
        {"month": "2024-03", "customers_start": 4, "new": 2, "reactivated": 0, "churned": 2,
         "churned_from_start": 2, "customers_end": 4, "churn_rate": 0.5},
        {"month": "2024-04", "customers_start": 4, "new": 1, "reactivated": 2, "churned": 3,
         "churned_from_start": 3, "customers_end": 4, "churn_rate": 0.75},
    ]  # fmt: skip


def test_revenue_churn_counts_cancelled_mrr_running_at_the_start(timeline):
    """MRR on Feb 29 = C 3000 + D 2000 + G 1000; cancelled in the period: D (Mar 10) + G (Mar 31) = 3000."""
    with timeline.read_session() as s:
        result = compute_churn(session=s, start=START, end=END, inactivity_days=30)
    assert result.revenue_churn_rate == pytest.approx(0.5)


def test_cohorts_by_month_of_first_purchase(timeline):
    """March cohort: B, G (its first purchase, though a subscriber before), H; only H buys in April.
    April cohort: C (a subscriber whose first purchase is Apr 10) and E. A and F bought first before."""
    with timeline.read_session() as s:
        cohorts = compute_churn(session=s, start=START, end=END, inactivity_days=30).to_dict()["cohorts"]
    assert cohorts == [
        {"cohort": "2024-03", "size": 3, "retention": [1.0, pytest.approx(1 / 3)]},
        {"cohort": "2024-04", "size": 2, "retention": [1.0]},
    ]


def test_inactivity_window_comes_from_the_setting(timeline, scratch):
    """With W = 90 from the setting A's purchases overlap (Jan 10 → Jul 8), G's Mar 25 purchase carries it
    to Jun 22, B and H stay active: only D churns (Mar 11). End = A B C E G H = 4 + 3 + 0 − 1."""
    set_setting(session=scratch, key="churn_inactivity_days", value=90)
    result = compute_churn(session=scratch, start=START, end=END)
    assert result.inactivity_days == 90
    assert (result.customers_start, result.new, result.reactivated, result.churned) == (4, 3, 0, 1)
    assert result.customers_end == 6


def test_period_must_not_end_before_it_starts(timeline):
    with timeline.read_session() as s, pytest.raises(ValidationError):
        compute_churn(session=s, start=END, end=START)


def test_json_keys_are_the_contract(timeline):
    with timeline.read_session() as s:
        data = compute_churn(session=s, start=START, end=END, inactivity_days=30).to_dict()
    assert list(data) == [
        "inactivity_days", "customers_start", "new", "reactivated", "churned", "churned_from_start",
        "customers_end", "churn_rate", "revenue_churn_rate", "monthly", "cohorts", "at_risk",
    ]  # fmt: skip
    assert set(data["monthly"][0]) == {
        "month", "customers_start", "new", "reactivated", "churned", "churned_from_start", "customers_end",
        "churn_rate",
    }  # fmt: skip
    assert set(data["cohorts"][0]) == {"cohort", "size", "retention"}
