"""Loyalty: purchases, the points ledger, tiers, rewards and the member list (DESIGN §3, §8).

Points are a ledger: the balance is always the sum of the entries, and no entry may take it below zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, case, func, or_
from sqlmodel import Session, SQLModel, col, select

from crm_desktop.domain import (
    Contact,
    Deal,
    LoyaltyTier,
    PointsEntry,
    Product,
    Purchase,
    PurchaseLine,
    Reward,
)
from crm_desktop.domain.enums import LifecycleStage, PointsReason
from crm_desktop.domain.errors import Conflict, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, moment
from crm_desktop.services.contacts import set_lifecycle_stage
from crm_desktop.services.settings import get_setting
from crm_desktop.store.fts import contact_id_filter

_CONTACT_ID = cast("ColumnElement[object]", Contact.id)


class PurchaseLineInput(SQLModel):
    """One product line of a purchase being recorded."""

    description: str
    quantity: int = 1
    unit_price_cents: int = 0
    product_id: uuid.UUID | None = None


def _live_entries() -> ColumnElement[bool]:
    return col(PointsEntry.deleted_at).is_(None)


def points_balance(*, session: Session, contact_id: uuid.UUID) -> int:
    """Points a contact can spend now: the sum of their ledger."""
    stmt = select(func.coalesce(func.sum(col(PointsEntry.delta)), 0)).where(
        PointsEntry.contact_id == contact_id, _live_entries()
    )
    return int(session.exec(stmt).one())


def lifetime_points(*, session: Session, contact_id: uuid.UUID) -> int:
    """Points ever earned (spending does not lower it); tiers are reached with these."""
    stmt = select(func.coalesce(func.sum(col(PointsEntry.delta)), 0)).where(
        PointsEntry.contact_id == contact_id, col(PointsEntry.delta) > 0, _live_entries()
    )
    return int(session.exec(stmt).one())


def _expiry(session: Session, at: datetime) -> datetime | None:
    days = int(get_setting(session=session, key="points_expiry_days"))
    return at + timedelta(days=days) if days > 0 else None


def _add_entry(
    session: Session, *, contact_id: uuid.UUID, delta: int, reason: str, at: datetime, **links: Any
) -> PointsEntry:
    balance = points_balance(session=session, contact_id=contact_id)
    if balance + delta < 0:
        raise Conflict(f"not enough points: balance {balance}, this needs {-delta}")
    entry = PointsEntry(
        contact_id=contact_id, delta=delta, reason=reason, at=at,
        expires_at=_expiry(session, at) if delta > 0 else None, **links,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    return entry


def record_purchase(
    *,
    session: Session,
    contact_id: uuid.UUID,
    amount_cents: int,
    currency: str | None = None,
    occurred_at: datetime | None = None,
    channel: str | None = None,
    deal_id: uuid.UUID | None = None,
    note: str | None = None,
    lines: Sequence[PurchaseLineInput] = (),
) -> Purchase:
    """Record a sale: awards points per whole currency unit and makes the contact a customer."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    amount = v.check_int(amount_cents, field="amount_cents", minimum=1)
    when = moment(occurred_at)
    v.check_ref(session, Deal, deal_id, field="deal_id", what="Deal")
    purchase = Purchase(
        contact_id=contact.id, occurred_at=when, amount_cents=amount,
        currency=v.check_currency(currency or get_setting(session=session, key="currency")),
        channel=v.clean_text(channel, field="channel", model=Purchase), deal_id=deal_id,
        note=v.clean_text(note, field="note"),
    )  # fmt: skip
    session.add(purchase)
    for position, line in enumerate(lines, start=1):
        session.add(_purchase_line(session, purchase.id, line, position))
    points = amount // 100 * int(get_setting(session=session, key="points_per_currency_unit"))
    if points > 0:
        _add_entry(
            session, contact_id=contact.id, delta=points, reason=PointsReason.PURCHASE.value, at=when,
            purchase_id=purchase.id,
        )  # fmt: skip
    set_lifecycle_stage(session=session, contact_id=contact.id, stage=LifecycleStage.CUSTOMER.value, at=when)
    session.flush()
    return purchase


def _purchase_line(session: Session, purchase_id: uuid.UUID, line: PurchaseLineInput, n: int) -> PurchaseLine:
    description = v.require_text(line.description, field="description", model=PurchaseLine)
    if line.quantity < 1 or line.unit_price_cents < 0:
        raise ValidationError(f"Line {n}: quantity must be at least 1 and the price not negative", field="lines")
    v.check_ref(session, Product, line.product_id, field="lines", what="Product")
    return PurchaseLine(
        purchase_id=purchase_id, product_id=line.product_id, description=description, quantity=line.quantity,
        unit_price_cents=line.unit_price_cents,
    )  # fmt: skip


def award_points(
    *,
    session: Session,
    contact_id: uuid.UUID,
    delta: int,
    reason: str = "adjustment",
    note: str | None = None,
    at: datetime | None = None,
) -> PointsEntry:
    """A manual correction or bonus (negative to take points away, never below zero)."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    v.check_int(delta, field="delta")
    if delta == 0:
        raise ValidationError("Enter a number of points other than zero", field="delta")
    checked = v.check_choice(reason, PointsReason, field="reason")
    return _add_entry(
        session, contact_id=contact.id, delta=delta, reason=checked, at=moment(at),
        note=v.clean_text(note, field="note"),
    )  # fmt: skip


def redeem_reward(
    *, session: Session, contact_id: uuid.UUID, reward_id: uuid.UUID, at: datetime | None = None
) -> PointsEntry:
    """Spend points on a reward; refused when the balance does not cover it."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    reward = get_live(session, Reward, reward_id, what="Reward")
    if not reward.active:
        raise Conflict(f"{reward.name!r} is no longer offered")
    balance = points_balance(session=session, contact_id=contact.id)
    if balance < reward.points_cost:
        raise Conflict(f"not enough points: balance {balance}, reward needs {reward.points_cost}")
    return _add_entry(
        session, contact_id=contact.id, delta=-reward.points_cost, reason=PointsReason.REDEMPTION.value,
        at=moment(at), reward_id=reward.id,
    )  # fmt: skip


def points_history(*, session: Session, contact_id: uuid.UUID, limit: int = 200) -> list[PointsEntry]:
    """A contact's points ledger, newest first."""
    stmt = (
        select(PointsEntry)
        .where(PointsEntry.contact_id == contact_id, _live_entries())
        .order_by(col(PointsEntry.at).desc(), col(PointsEntry.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def list_purchases(*, session: Session, contact_id: uuid.UUID, limit: int = 200) -> list[Purchase]:
    """A contact's purchases, newest first."""
    stmt = (
        select(Purchase)
        .where(Purchase.contact_id == contact_id, col(Purchase.deleted_at).is_(None))
        .order_by(col(Purchase.occurred_at).desc(), col(Purchase.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def list_tiers(*, session: Session) -> list[LoyaltyTier]:
    """Loyalty tiers from the entry level up."""
    stmt = (
        select(LoyaltyTier)
        .where(col(LoyaltyTier.deleted_at).is_(None))
        .order_by(col(LoyaltyTier.min_points), col(LoyaltyTier.position))
    )
    return list(session.exec(stmt))


def list_rewards(*, session: Session) -> list[Reward]:
    """Rewards on offer, cheapest first."""
    stmt = (
        select(Reward)
        .where(col(Reward.deleted_at).is_(None), col(Reward.active).is_(True))
        .order_by(col(Reward.points_cost), col(Reward.name))
    )
    return list(session.exec(stmt))


def tier_for(*, tiers: Sequence[LoyaltyTier], lifetime_points: int) -> LoyaltyTier | None:
    """The highest tier whose threshold the lifetime points reach (None below every tier)."""
    reached = [t for t in tiers if t.min_points <= lifetime_points]
    return max(reached, key=lambda t: (t.min_points, t.position)) if reached else None


@dataclass(frozen=True)
class MemberRow:
    """One line of the loyalty members table."""

    contact_id: uuid.UUID
    display_name: str
    email: str | None
    balance: int
    lifetime_points: int
    tier: str | None
    purchases: int
    total_spent_cents: int
    currency: str
    last_purchase_at: datetime | None


MEMBER_SORT_KEYS = (
    "display_name", "email", "balance", "lifetime_points", "tier", "purchases", "total_spent_cents",
    "last_purchase_at",
)  # fmt: skip


def _member_query(search: str) -> tuple[Any, dict[str, Any]]:
    """Live contacts with points or purchases, joined to their aggregates (one GROUP BY each)."""
    points = (
        select(
            col(PointsEntry.contact_id).label("contact_id"),
            func.sum(col(PointsEntry.delta)).label("balance"),
            func.sum(case((col(PointsEntry.delta) > 0, col(PointsEntry.delta)), else_=0)).label("lifetime"),
        )
        .where(_live_entries())
        .group_by(col(PointsEntry.contact_id))
        .subquery()
    )
    buys = (
        select(
            col(Purchase.contact_id).label("contact_id"),
            func.count().label("purchases"),
            func.sum(col(Purchase.amount_cents)).label("spent"),
            func.max(col(Purchase.occurred_at)).label("last_at"),
        )
        .where(col(Purchase.deleted_at).is_(None))
        .group_by(col(Purchase.contact_id))
        .subquery()
    )
    columns: dict[str, Any] = {
        "display_name": col(Contact.display_name),
        "email": col(Contact.email),
        "balance": func.coalesce(points.c.balance, 0),
        "lifetime_points": func.coalesce(points.c.lifetime, 0),
        "purchases": func.coalesce(buys.c.purchases, 0),
        "total_spent_cents": func.coalesce(buys.c.spent, 0),
        "last_purchase_at": buys.c.last_at,
    }
    columns["tier"] = columns["lifetime_points"]  # tiers are ordered by the points that reach them
    conditions: list[ColumnElement[bool]] = [
        col(Contact.deleted_at).is_(None),
        or_(points.c.contact_id.is_not(None), buys.c.contact_id.is_not(None)),
    ]
    match = contact_id_filter(search.strip(), _CONTACT_ID)
    if match is not None:
        conditions.append(match)
    stmt = (
        select(  # type: ignore[call-overload]
            Contact.id, Contact.display_name, Contact.email, columns["balance"], columns["lifetime_points"],
            columns["purchases"], columns["total_spent_cents"], columns["last_purchase_at"],
        )
        .select_from(Contact)
        .outerjoin(points, points.c.contact_id == col(Contact.id))
        .outerjoin(buys, buys.c.contact_id == col(Contact.id))
        .where(*conditions)
    )  # fmt: skip
    return stmt, columns


def list_members(
    *,
    session: Session,
    search: str = "",
    sort: str = "balance",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[MemberRow]:
    """One page of loyalty members with balances and spend, aggregated and sorted in SQL."""
    v.check_sort(sort, MEMBER_SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    stmt, columns = _member_query(search)
    key = columns[sort].desc() if descending else columns[sort].asc()
    if sort in ("email", "last_purchase_at"):
        key = key.nulls_last()
    tie = col(Contact.id).desc() if descending else col(Contact.id).asc()
    tiers = list_tiers(session=session)
    currency = get_setting(session=session, key="currency")
    rows = []
    for r in session.exec(stmt.order_by(key, tie).offset(offset).limit(limit)):
        tier = tier_for(tiers=tiers, lifetime_points=int(r[4]))
        rows.append(
            MemberRow(
                contact_id=r[0], display_name=r[1], email=r[2], balance=int(r[3]), lifetime_points=int(r[4]),
                tier=tier.name if tier else None, purchases=int(r[5]), total_spent_cents=int(r[6]),
                currency=currency, last_purchase_at=r[7],
            )
        )  # fmt: skip
    return rows


def count_members(*, session: Session, search: str = "") -> int:
    """How many members `list_members` would page through with the same search."""
    stmt, _ = _member_query(search)
    return int(session.exec(select(func.count()).select_from(stmt.subquery())).one())
