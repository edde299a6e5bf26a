"""The at-risk list on hand-made customers, scored as at_risk.py documents (end of period: Jun 30, W = 90)."""

from __future__ import annotations

from datetime import date

from crm_desktop.analytics import compute_churn
from tests.unit.analytics.builders import case, contact, feedback, purchase, subscription

START, END = date(2024, 6, 1), date(2024, 6, 30)


def test_scores_reasons_and_order(scratch):
    """Lapsing: buys every 10 days until Apr 10 → 81 days since, 8.1× usual → 50; inactive in 9 days
    (Apr 10 + 90 = Jul 9) → imminent, but recency takes the larger: 50, two reasons.
    Regular: buys Jun 1, 11, 21 → 9 days since, 0.9× usual → nothing: not listed.
    Unhappy: bought Jun 15 and 25; open urgent case → 30; NPS 3 on Jun 1 → 20: score 50.
    Gone: bought Jan 1 only → not active on Jun 30, its urgent case does not list it.
    Subscriber: active by subscription (no recency points); high case 20 + CSAT 1 15 = 35.
    Old grumble: NPS 2 more than 180 days ago (Dec 1, 2023) and a resolved urgent case → nothing.
    Order: score, then days since the last purchase: Lapsing (50, 81 d), Unhappy (50, 5 d), Subscriber."""
    lapsing = contact(scratch, "Lapsing")
    for day in ("2024-03-01", "2024-03-11", "2024-03-21", "2024-03-31", "2024-04-10"):
        purchase(scratch, lapsing, day)
    regular = contact(scratch, "Regular")
    for day in ("2024-06-01", "2024-06-11", "2024-06-21"):
        purchase(scratch, regular, day)
    unhappy = contact(scratch, "Unhappy")
    purchase(scratch, unhappy, "2024-06-15")
    purchase(scratch, unhappy, "2024-06-25")
    urgent = case(scratch, unhappy, priority="urgent")
    feedback(scratch, unhappy, "nps", 3, "2024-06-01")
    gone = contact(scratch, "Gone")
    purchase(scratch, gone, "2024-01-01")
    case(scratch, gone, priority="urgent")
    subscriber = contact(scratch, "Subscriber")
    subscription(scratch, subscriber, "2024-01-01")
    high = case(scratch, subscriber, priority="high", status="pending")
    feedback(scratch, subscriber, "csat", 1, "2024-05-01")
    grumble = contact(scratch, "Old grumble")
    purchase(scratch, grumble, "2024-06-20")
    purchase(scratch, grumble, "2024-06-28")
    feedback(scratch, grumble, "nps", 2, "2023-12-01")
    case(scratch, grumble, priority="urgent", status="resolved")
    scratch.flush()

    at_risk = compute_churn(session=scratch, start=START, end=END, inactivity_days=90).at_risk

    assert [(a.name, a.score) for a in at_risk] == [("Lapsing", 50), ("Unhappy", 50), ("Subscriber", 35)]
    assert at_risk[0].contact_id == lapsing.id
    assert at_risk[0].reasons == (
        "No purchase for 81 days; usually buys every 10 days",
        "Becomes inactive in 9 days without a new purchase",
    )
    assert at_risk[1].reasons == (f"1 open urgent case ({urgent.reference})", "Low NPS score 3 on 2024-06-01")
    assert at_risk[2].reasons == (
        f"1 open high-priority case ({high.reference})",
        "Low CSAT score 1 on 2024-05-01",
    )
    assert at_risk[0].to_dict() == {
        "contact_id": str(lapsing.id), "name": "Lapsing", "score": 50, "reasons": list(at_risk[0].reasons),
    }  # fmt: skip


def test_single_purchase_customer_close_to_lapsing(scratch):
    """One purchase on Apr 5 with W = 90: inactive from Jul 4, 4 days after the period → imminent (25)."""
    purchase(scratch, contact(scratch, "Once"), "2024-04-05")
    scratch.flush()
    at_risk = compute_churn(session=scratch, start=START, end=END, inactivity_days=90).at_risk
    assert [(a.name, a.score, a.reasons) for a in at_risk] == [
        ("Once", 25, ("Becomes inactive in 4 days without a new purchase",))
    ]
