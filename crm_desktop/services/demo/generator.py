"""Writes the demo business's story step by step: setup first, then contacts in time-ordered chunks.

Each chunk holds a slice of contacts and everything that happens to them (lead work, deals, purchases,
cases, activities, tasks), so memory stays bounded however many contacts the profile asks for.
"""

from __future__ import annotations

from collections.abc import Iterator

from crm_desktop.services.demo import commerce, engagement
from crm_desktop.services.demo.people import Person, contact_rows, lead_journey, make_people
from crm_desktop.services.demo.sales import DealInfo, make_deal, net_price
from crm_desktop.services.demo.setup import setup_rows
from crm_desktop.services.demo.world import DAY, Rows, World, quota

SETUP_SHARE = 0.02  # of the progress bar; the search index takes the last few percent


def generate(w: World, *, done_share: float = 0.92) -> Iterator[tuple[str, Rows, float]]:
    """(progress label, rows to write, fraction of the job done once written) for each step."""
    yield "Setting up products, campaigns and organizations", setup_rows(w), SETUP_SHARE
    total, chunk = w.profile.contacts, w.profile.chunk
    for first in range(0, total, chunk):
        n = min(chunk, total - first)
        rows = chunk_rows(w, first, n)
        share = SETUP_SHARE + (done_share - SETUP_SHARE) * (first + n) / total
        yield f"Created {first + n:,} of {total:,} contacts and their history", rows, share


def chunk_rows(w: World, first: int, n: int) -> Rows:
    """Contacts `first`..`first + n` and everything that happens to them."""
    rng, profile, rows = w.rng, w.profile, Rows()
    total = profile.contacts
    people = make_people(w, first, n)
    business = [p for p in people if p.b2b]
    deals_due = quota(profile.deals, first, n, total)
    holders = rng.sample(business, min(len(business), round(deals_due * 0.85)))
    for p in holders:
        p.fate = "deal"
    for p in people:
        if p.fate is None:
            p.fate = "customer" if not p.b2b and rng.random() < profile.consumer_buyers else "lead"
        lead_journey(w, p, rows)
    made = 0
    for p in holders:
        if p.fate == "deal":
            _deal(w, p, w.after(p.qualified, 0, 5), rows)
            made += 1
    _more_deals(w, [p for p in holders if p.deals], deals_due - made, rows)
    _subscribers(w, people, quota(profile.subscriptions, first, n, total))
    for p in people:
        commerce.plan_purchases(w, p)
        commerce.write_purchases(w, p, rows)
        commerce.lifecycle(w, p, rows)
    commerce.referrals(w, people, rows)
    customers = [p for p in people if p.customer_since is not None and p.customer_since < w.end - DAY]
    cases = engagement.cases(w, customers, quota(profile.cases, first, n, total), rows)
    engagement.feedback(w, customers, cases, quota(profile.feedback, first, n, total), rows)
    engagement.activities(w, people, cases, quota(profile.activities, first, n, total), rows)
    engagement.tasks(w, people, cases, quota(profile.tasks, first, n, total), rows)
    contact_rows(w, people, rows)
    return rows


def _deal(w: World, p: Person, created: int, rows: Rows) -> DealInfo:
    """A deal; a won one turns into a purchase at the moment it was won."""
    deal = make_deal(w, p, created, rows)
    if deal.status == "won":
        lines = [(pid, text, q, net_price(unit, discount)) for pid, text, q, unit, discount in deal.lines]
        p.purchases.append((deal.closed, "sales", deal.id, lines or [(None, deal.title, 1, deal.value)]))
    return deal


def _more_deals(w: World, candidates: list[Person], wanted: int, rows: Rows) -> None:
    """Repeat business: later deals with contacts who already had one (recent ones are often still open)."""
    rng, end = w.rng, w.end
    attempts = 0
    while wanted > 0 and candidates and attempts < 5 * wanted + 20:
        attempts += 1
        p = rng.choice(candidates)
        earliest = max(d.closed or d.created for d in p.deals) + 20 * DAY
        if earliest >= end - 2 * DAY:
            continue
        created = w.after(end - int((end - earliest) * rng.random() ** 1.5), 0, 0)
        if created >= end:
            continue
        _deal(w, p, created, rows)
        wanted -= 1


def _subscribers(w: World, people: list[Person], wanted: int) -> None:
    """Pick who takes a coffee subscription: shop customers, and offices that bought from us."""
    candidates = [
        p
        for p in people
        if (p.fate == "customer" and p.buy_at is not None)
        or (p.org is not None and p.org.industry == "Office" and any(d.status == "won" for d in p.deals))
    ]
    for p in w.rng.sample(candidates, min(wanted, len(candidates))):
        p.subscription = True
