"""Conversion (DESIGN §8) on a hand-made March 2024: every expected number is derived in the docstrings."""

from __future__ import annotations

from datetime import date

import pytest

from crm_desktop.analytics import compute_conversion
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.settings import set_setting
from tests.unit.analytics.builders import at, contact, deal, purchase

START, END = date(2024, 3, 1), date(2024, 3, 31)
Q, NA, P, WON, LOST = "Qualification", "Needs analysis", "Proposal", "Won", "Lost"


@pytest.fixture(scope="module")
def march(module_workspace):
    """Leads (created in March, first lifecycle entry → lead):
    L1 Website, open → contacted → qualified, buys Mar 20            → converted
    L2 Website, open → unqualified                                   → not converted
    L3 no source, no status history (current status "contacted"), wins deal D3 on Mar 25 → converted
    L4 Referral, open, buys Apr 2 (after the period)                 → not converted
    Not leads of March: X1 created in February; X2 created as a customer; X3 deleted (in the Trash).
    → 4 leads, 2 converted. Status funnel: open 4, contacted 2 (L1, L3), qualified 1, unqualified 1.

    Deals (default pipeline: Qualification 0, Needs analysis 1, Proposal 2, Negotiation 3):
    D1 Mar 3  history Q → NA → P, open                  → furthest 2
    D2 Mar 4  no history, current Proposal              → passed Q, NA: furthest 2
    D3 Mar 6  Q → Won Mar 25, 10 000                     → won: all stages
    D4 Mar 7  Q → NA → Lost Mar 20                       → furthest 1
    D5 Feb 10 (not in the funnel) won Mar 12, 5 001, deal source "Trade fair"
    D6 Mar 8  no history, lost Mar 15, current stage Lost → first stage only
    D7 Jan 5  lost Feb 20                                → outside everything
    D8 Mar 9  Q → P (skipped NA), open                  → furthest 2: counts for NA too
    Funnel: Q 6, NA 5, P 4 (D1 D2 D3 D8), N 1 (D3) → conversions None, 5/6, 4/5, 1/4.
    Won in March: D3, D5 → 15 001 cents, average 7 500.5 → 7 501; lost: D4, D6 → win rate 1/2.
    Sales cycle: D3 Mar 6 → Mar 25 = 19 days, D5 Feb 10 → Mar 12 = 31 days: mean = median = 25.
    """
    with module_workspace.session() as s:
        statuses = (("open", ""), ("contacted", "2024-03-03"), ("qualified", "2024-03-05"))
        l1 = contact(s, "L1", created="2024-03-02", source="Website", statuses=statuses)
        purchase(s, l1, "2024-03-20")
        unqualified = (("open", ""), ("unqualified", "2024-03-04"))
        contact(s, "L2", created="2024-03-03", source="Website", statuses=unqualified)
        l3 = contact(s, "L3", created="2024-03-10", statuses=(), lead_status="contacted")
        l4 = contact(s, "L4", created="2024-03-15", source="Referral")
        purchase(s, l4, "2024-04-02")
        contact(s, "X1", created="2024-02-20", source="Website")
        contact(s, "X2", created="2024-03-05", first_stage="customer", source="Website")
        contact(s, "X3", created="2024-03-06", source="Website", deleted=True)

        deal(
            s,
            "D1",
            created="2024-03-03",
            current=P,
            history=((Q, "2024-03-03"), (NA, "2024-03-05"), (P, "2024-03-08")),
        )
        deal(s, "D2", created="2024-03-04", current=P)
        won = {"status": "won", "current": WON}
        deal(s, "D3", created="2024-03-06", **won, who=l3, closed="2024-03-25", value=10_000,
             history=((Q, "2024-03-06"), (WON, "2024-03-25")))  # fmt: skip
        deal(s, "D4", created="2024-03-07", current=LOST, status="lost", closed="2024-03-20",
             history=((Q, "2024-03-07"), (NA, "2024-03-09"), (LOST, "2024-03-20")))  # fmt: skip
        deal(s, "D5", created="2024-02-10", **won, closed="2024-03-12", value=5_001, source="Trade fair")
        deal(s, "D6", created="2024-03-08", current=LOST, status="lost", closed="2024-03-15")
        deal(s, "D7", created="2024-01-05", current=LOST, status="lost", closed="2024-02-20")
        deal(s, "D8", created="2024-03-09", current=P, history=((Q, "2024-03-09"), (P, "2024-03-12")))
    return module_workspace


@pytest.fixture(scope="module")
def result(march):
    with march.read_session() as s:
        return compute_conversion(session=s, start=START, end=END).to_dict()


def test_leads_and_conversion(result):
    assert (result["leads_created"], result["leads_converted"]) == (4, 2)
    assert result["lead_conversion_rate"] == 0.5


def test_lead_status_funnel_counts_later_statuses_for_earlier_ones(result):
    assert result["lead_status_funnel"] == [
        {"status": "open", "reached": 4},
        {"status": "contacted", "reached": 2},
        {"status": "qualified", "reached": 1},
        {"status": "unqualified", "reached": 1},
    ]


def test_deal_funnel_with_history_skips_and_no_history_rule(result):
    assert result["deal_funnel"] == [
        {"stage": "Qualification", "reached": 6, "conversion_from_previous": None},
        {"stage": "Needs analysis", "reached": 5, "conversion_from_previous": pytest.approx(5 / 6)},
        {"stage": "Proposal", "reached": 4, "conversion_from_previous": pytest.approx(4 / 5)},
        {"stage": "Negotiation", "reached": 1, "conversion_from_previous": pytest.approx(1 / 4)},
    ]


def test_win_rate_value_and_sales_cycle(result):
    assert (result["deals_won"], result["deals_lost"], result["win_rate"]) == (2, 2, 0.5)
    assert (result["won_value_cents"], result["avg_won_value_cents"]) == (15_001, 7_501)
    assert result["sales_cycle_days"] == {"mean": 25.0, "median": 25.0}


def test_by_source(result):
    """D3 has no source and neither has its contact L3 → "unknown"; D5 carries its own source."""
    assert result["by_source"] == [
        {"source": "Website", "leads": 2, "customers": 1, "conversion_rate": 0.5, "won_value_cents": 0},
        {"source": "unknown", "leads": 1, "customers": 1, "conversion_rate": 1.0, "won_value_cents": 10_000},
        {"source": "Referral", "leads": 1, "customers": 0, "conversion_rate": 0.0, "won_value_cents": 0},
        {
            "source": "Trade fair",
            "leads": 0,
            "customers": 0,
            "conversion_rate": 0.0,
            "won_value_cents": 5_001,
        },
    ]


def test_conversion_by_a_later_end(march):
    """Through April, L4's Apr 2 purchase converts it too — but April creates no leads of its own."""
    with march.read_session() as s:
        spring = compute_conversion(session=s, start=START, end=date(2024, 4, 30))
    assert (spring.leads_created, spring.leads_converted) == (4, 3)


def test_json_keys_are_the_contract(result):
    assert list(result) == [
        "leads_created", "leads_converted", "lead_conversion_rate", "lead_status_funnel", "deal_funnel",
        "deals_won", "deals_lost", "win_rate", "won_value_cents", "avg_won_value_cents", "sales_cycle_days",
        "by_source",
    ]  # fmt: skip


def test_time_zone_decides_whether_a_late_win_is_in_the_period(march, scratch):
    """Won at 23:30 UTC on Mar 31: still March in New York (D3, D5 and it), already April in Berlin."""
    late = deal(scratch, "Late", created="2024-03-01", current="Won", status="won", closed="2024-03-31")
    late.won_at = at("2024-03-31", 23, 30)
    for zone, won in (("America/New_York", 3), ("Europe/Berlin", 2)):
        set_setting(session=scratch, key="timezone", value=zone)
        scratch.flush()
        assert compute_conversion(session=scratch, start=START, end=END).deals_won == won


def test_empty_period_gives_zero_rates(scratch):
    result = compute_conversion(session=scratch, start=date(2030, 1, 1), end=date(2030, 1, 31))
    assert result.lead_conversion_rate == 0.0 and result.win_rate == 0.0
    assert result.sales_cycle_days.mean == 0.0 and result.avg_won_value_cents == 0
    assert [s.reached for s in result.deal_funnel] == [0, 0, 0, 0]


def test_period_must_not_end_before_it_starts(scratch):
    with pytest.raises(ValidationError):
        compute_conversion(session=scratch, start=END, end=START)
