"""Demo revenue: purchases with realistic rhythms, subscriptions, points and rewards, referrals, lifecycle."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from datetime import date

from crm_desktop.domain import LifecycleChange, PointsEntry, Purchase, PurchaseLine, Referral, Subscription
from crm_desktop.services.demo import catalog
from crm_desktop.services.demo.people import Person
from crm_desktop.services.demo.world import (
    CHURN_DAYS,
    DAY,
    POINTS_EXPIRY_DAYS,
    Rows,
    Weighted,
    World,
    day,
    dt,
    stamp,
)

BEANS = Weighted(
    [
        (20, "MR-ESP-0250"),
        (25, "MR-ESP-1000"),
        (20, "MR-FIL-0500"),
        (12, "MR-ETH-0250"),
        (8, "MR-COL-1000"),
        (5, "MR-DEC-0500"),
        (10, "MR-CRE-1000"),
    ]
)
GEAR = Weighted([(40, "HA-V60"), (30, "CX-6"), (20, "CO-C40"), (10, "EU-MSP")])
CONSUMER_KIND = Weighted([(40, "regular"), (25, "occasional"), (20, "lapsing"), (15, "one-off")])
BUSINESS_KIND = Weighted([(60, "regular"), (25, "lapsing"), (15, "one-off")])
REPEAT_DAYS = {"regular": 30, "occasional": 65, "lapsing": 35, "subscriber": 90}
BUSINESS_REPEAT_DAYS = {"regular": 21, "lapsing": 25}
REFERRAL_BONUS = 250
EXPIRY = POINTS_EXPIRY_DAYS * DAY
CHURN = CHURN_DAYS * DAY

SaleLine = tuple[uuid.UUID | None, str, int, int]  # product id, description, quantity, unit price paid
Sale = tuple[int, str, uuid.UUID | None, list[SaleLine]]  # at, channel, deal id, lines


def plan_purchases(w: World, p: Person) -> None:
    """Add the shop, reorder and subscription purchases of a customer to `p.purchases`, in time order."""
    rng = w.rng
    won = [d.closed for d in p.deals if d.status == "won"]
    if p.b2b:
        if not won:
            return
        first, p.kind = min(won), BUSINESS_KIND.pick(rng)
        repeat_days = BUSINESS_REPEAT_DAYS.get(p.kind)
    else:
        if p.buy_at is None:
            return
        first, p.kind = p.buy_at, CONSUMER_KIND.pick(rng)
        p.purchases.append((first, _shop_channel(w), None, _basket(w)))
        repeat_days = REPEAT_DAYS.get("subscriber" if p.subscription else p.kind)
    stop = w.end
    if p.kind == "lapsing":
        stop = min(stop, first + rng.randrange(45, 300) * DAY)
    if p.subscription is not None:
        stop = _subscription(w, p, first, stop=stop)
    if p.kind == "one-off":
        if rng.random() < 0.3:
            again = w.after(first, 7, 45)
            if again < w.end:
                p.purchases.append((again, _shop_channel(w), None, _basket(w)))
    elif repeat_days is not None:
        mean = repeat_days / w.profile.repeat_rate
        t = first
        while True:
            factor = 0.6 if _is_gift_season(t) else 1.0
            t = w.after(t, mean * factor * 0.6, mean * factor * 1.4)
            if t >= stop:
                break
            p.purchases.append((t, "wholesale" if p.b2b else _shop_channel(w), None, _basket(w, business=p.b2b)))
        if not p.b2b:
            _gifts(w, p, first, stop)
    p.purchases.sort(key=lambda sale: sale[0])


def _is_gift_season(t: int) -> bool:
    """Late November and December, when people buy coffee as presents."""
    d = day(t)
    return d.month == 12 or (d.month == 11 and d.day >= 20)


def _gifts(w: World, p: Person, first: int, stop: int) -> None:
    """Christmas: many customers buy a gift set in early December."""
    for year in range(day(w.start).year, day(w.end).year + 1):
        begins = int(w.start + (date(year, 12, 1) - day(w.start)).days * DAY)
        if first < begins and begins + 22 * DAY < stop and w.rng.random() < 0.35:
            lines = [_sale_line(w, "MR-ETH-0250", 2), _sale_line(w, w.rng.choice(("CX-6", "HA-V60")), 1)]
            p.purchases.append((w.after(begins, 0, 22), "online", None, lines))


def _subscription(w: World, p: Person, first: int, *, stop: int) -> int:
    """Monthly subscription deliveries; returns when the customer stops buying otherwise."""
    rng = w.rng
    plan, cents = catalog.PLANS[3] if p.b2b else rng.choice(catalog.PLANS[:3])
    started = w.after(first, 0, 3) if rng.random() < 0.5 else w.after(first, 10, 120)
    if started >= w.end:
        p.subscription = None
        return stop
    cancelled = None
    if rng.random() < 0.5:
        cancelled = started + rng.randrange(45, 300) * DAY
        if cancelled >= w.end:
            cancelled = None
    p.subscription = (
        plan,
        cents,
        started,
        cancelled,
        rng.choice(catalog.CANCEL_REASONS) if cancelled else None,
    )
    t, last = started, cancelled or w.end
    while t < last:
        p.purchases.append((t, "subscription", None, [(None, plan, 1, cents)]))
        t += 30 * DAY
    if cancelled is not None and rng.random() < 0.6:
        return min(stop, cancelled)
    return stop


def _shop_channel(w: World) -> str:
    """Where a consumer bought: the web shop or the roastery shop."""
    return "online" if w.rng.random() < 0.55 else "store"


def _sale_line(w: World, sku: str, quantity: int, *, wholesale: bool = False) -> SaleLine:
    """A purchase line at list price, or at the wholesale price (80 %, whole ten cents)."""
    pid, name, price, _ = w.products[sku]
    return pid, name, quantity, price * 80 // 100 // 10 * 10 if wholesale else price


def _basket(w: World, *, business: bool = False) -> list[SaleLine]:
    """What one visit buys: a few bags for consumers, bulk beans for businesses."""
    rng = w.rng
    if business:
        if rng.random() < 0.7:
            return [_sale_line(w, "MR-ESP-1000", rng.randrange(5, 31), wholesale=True)]
        return [_sale_line(w, "MR-BRA-5000", rng.randrange(1, 7), wholesale=True)]
    r = rng.random()
    lines = [_sale_line(w, BEANS.pick(rng), 1 if rng.random() < 0.7 else 2) for _ in range(1 + (r > 0.55) + (r > 0.85))]
    if rng.random() < 0.05:
        lines.append(_sale_line(w, GEAR.pick(rng), 1))
    return lines


def write_purchases(w: World, p: Person, rows: Rows) -> None:
    """Purchases with their lines, a points entry each, and some reward redemptions (never overdrawn)."""
    if not p.purchases:
        return
    rng, end, lines_too = w.rng, w.end, w.profile.purchase_lines
    earned: list[tuple[int, int]] = []  # (expires, points)
    spent = 0
    for at, channel, deal_id, lines in p.purchases:
        pid = w.new_id(at)
        amount = sum(q * u for _, _, q, u in lines)
        row = {
            "id": pid,
            **stamp(at),
            "contact_id": p.id,
            "occurred_at": dt(at),
            "amount_cents": amount,
            "currency": "EUR",
            "channel": channel,
        }
        if deal_id is not None:
            row["deal_id"] = deal_id
        rows.add(Purchase, row)
        if lines_too or deal_id is not None:
            for product_id, description, quantity, unit in lines:
                line = {
                    "id": w.new_id(at),
                    **stamp(at),
                    "purchase_id": pid,
                    "description": description,
                    "quantity": quantity,
                    "unit_price_cents": unit,
                }
                if product_id is not None:
                    line["product_id"] = product_id
                rows.add(PurchaseLine, line)
        points = amount // 100
        if points <= 0:
            continue
        rows.add(
            PointsEntry,
            {
                "id": w.new_id(at),
                **stamp(at),
                "contact_id": p.id,
                "delta": points,
                "reason": "purchase",
                "purchase_id": pid,
                "at": dt(at),
                "expires_at": dt(at + EXPIRY),
            },
        )
        earned.append((at + EXPIRY, points))
        if rng.random() < 0.22:
            spend_at = w.after(at, 0.01, 3)
            available = sum(pts for expires, pts in earned if expires > spend_at) - spent
            affordable = [(rid, cost) for rid, cost in w.rewards if cost <= available]
            if affordable and spend_at < end:
                reward_id, cost = rng.choice(affordable)
                spent += cost
                rows.add(
                    PointsEntry,
                    {
                        "id": w.new_id(spend_at),
                        **stamp(spend_at),
                        "contact_id": p.id,
                        "delta": -cost,
                        "reason": "redemption",
                        "reward_id": reward_id,
                        "at": dt(spend_at),
                    },
                )
    p.customer_since, p.last_purchase = p.purchases[0][0], p.purchases[-1][0]
    p.touch(p.last_purchase)
    if p.subscription is not None:
        plan, cents, started, cancelled, reason = p.subscription
        row = {
            "id": w.new_id(started),
            **stamp(started, cancelled),
            "contact_id": p.id,
            "plan": plan,
            "monthly_amount_cents": cents,
            "currency": "EUR",
            "started_at": dt(started),
        }
        if cancelled is not None:
            row.update(cancelled_at=dt(cancelled), cancel_reason=reason)
        rows.add(Subscription, row)


def lifecycle(w: World, p: Person, rows: Rows) -> None:
    """Lead at creation, opportunity while a first deal is open, customer at the first purchase,
    churned 90 days after the last purchase (and customer again on a later purchase)."""
    events = sorted(
        [(d.created, 0) for d in p.deals]
        + [(d.closed, 1 if d.status == "lost" else 2) for d in p.deals if d.closed is not None]
        + [(sale[0], 3) for sale in p.purchases]
    )
    changes: list[tuple[str | None, str, int]] = [(None, "lead", p.created)]
    state, open_deals, last = "lead", 0, 0
    for at, kind in events:
        if state == "customer" and at >= last + CHURN:
            changes.append((state, "churned", last + CHURN))
            state = "churned"
        if kind == 0:
            open_deals += 1
            if state == "lead":
                changes.append((state, "opportunity", at))
                state = "opportunity"
        elif kind in (1, 2):
            open_deals -= 1
            if kind == 1 and state == "opportunity" and open_deals == 0:
                changes.append((state, "lead", at))
                state = "lead"
        else:
            last = at
            if state != "customer":
                changes.append((state, "customer", at))
                state = "customer"
    if state == "customer" and last + CHURN <= w.end:
        changes.append((state, "churned", last + CHURN))
        state = "churned"
    for from_stage, to_stage, at in changes:
        rows.add(
            LifecycleChange,
            {
                "id": w.new_id(at),
                **stamp(at),
                "contact_id": p.id,
                "from_stage": from_stage,
                "to_stage": to_stage,
                "at": dt(at),
            },
        )
    p.lifecycle = state
    p.touch(changes[-1][2])


def referrals(w: World, people: list[Person], rows: Rows) -> None:
    """Contacts who came by referral name an earlier customer; a converted referral earns a points bonus."""
    rng = w.rng
    customers = sorted(((p.customer_since, p) for p in people if p.customer_since is not None), key=lambda c: c[0])
    since = [c for c, _ in customers]
    for p in people:
        if not p.referred:
            continue
        known = bisect_left(since, p.created)
        if known == 0:
            continue
        referrer = customers[rng.randrange(known)][1]
        converted = p.customer_since is not None
        status = "converted" if converted else "declined" if p.status == "unqualified" else "pending"
        rid = w.new_id(p.created)
        row = {
            "id": rid,
            **stamp(p.created, p.customer_since),
            "referrer_id": referrer.id,
            "referred_id": p.id,
            "at": dt(p.created),
            "status": status,
        }
        if converted:
            at = p.customer_since
            entry = w.new_id(at)
            rows.add(
                PointsEntry,
                {
                    "id": entry,
                    **stamp(at),
                    "contact_id": referrer.id,
                    "delta": REFERRAL_BONUS,
                    "reason": "referral",
                    "referral_id": rid,
                    "at": dt(at),
                    "expires_at": dt(at + EXPIRY),
                    "note": f"Referred {p.name}",
                },
            )
            row["bonus_entry_id"] = entry
        rows.add(Referral, row)
