"""Loyalty and revenue: purchases, subscriptions, points ledger, tiers, rewards, referrals."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from crm_desktop.domain.base import Ledger, Replicated, UTCDateTime


class Purchase(Ledger, table=True):
    """Ledger: a customer bought something (a won deal creates one)."""

    __tablename__ = "purchase"
    __table_args__ = (
        Index("ix_purchase_contact_occurred", "contact_id", "deleted_at", "occurred_at", "amount_cents"),
        Index("ix_purchase_occurred", "occurred_at"),
    )
    contact_id: uuid.UUID
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    amount_cents: int
    currency: str = Field(default="EUR", max_length=3)
    channel: str | None = Field(default=None, max_length=40)
    deal_id: uuid.UUID | None = Field(default=None, index=True)
    note: str | None = None


class PurchaseLine(Ledger, table=True):
    """Ledger: one product line of a purchase."""

    __tablename__ = "purchase_line"
    purchase_id: uuid.UUID = Field(index=True)
    product_id: uuid.UUID | None = None
    description: str = Field(max_length=300)
    quantity: int = 1
    unit_price_cents: int = 0


class Subscription(Replicated, table=True):
    """A recurring plan; churn counts a customer active while a subscription runs."""

    __tablename__ = "subscription"
    contact_id: uuid.UUID = Field(index=True)
    plan: str = Field(max_length=120)
    monthly_amount_cents: int
    currency: str = Field(default="EUR", max_length=3)
    started_at: datetime = Field(sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = None


class LoyaltyTier(Replicated, table=True):
    """A loyalty level reached by lifetime points earned (Bronze, Silver, Gold)."""

    __tablename__ = "loyalty_tier"
    name: str = Field(max_length=80)
    min_points: int
    position: int = 0


class Reward(Replicated, table=True):
    """Something a member can redeem points for."""

    __tablename__ = "reward"
    name: str = Field(max_length=200)
    points_cost: int
    description: str | None = None
    active: bool = True


class PointsEntry(Ledger, table=True):
    """Ledger: points earned (positive) or spent (negative), with why and what for."""

    __tablename__ = "points_entry"
    __table_args__ = (
        Index("ix_points_entry_contact_at", "contact_id", "at"),
        Index("ix_points_entry_contact_delta", "contact_id", "deleted_at", "delta"),
    )
    contact_id: uuid.UUID
    delta: int
    reason: str = Field(max_length=20)
    purchase_id: uuid.UUID | None = None
    reward_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = None


class Referral(Replicated, table=True):
    """A customer brought in someone new; converts into a points bonus."""

    __tablename__ = "referral"
    referrer_id: uuid.UUID = Field(index=True)
    referred_id: uuid.UUID | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=12)
    bonus_entry_id: uuid.UUID | None = None
