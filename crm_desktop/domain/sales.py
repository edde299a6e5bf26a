"""Acquisition: pipelines, stages, deals and their stage ledger, lost reasons, products."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from crm_desktop.domain.base import Ledger, Replicated, UTCDateTime


class Pipeline(Replicated, table=True):
    """An ordered set of stages a deal moves through."""

    __tablename__ = "pipeline"
    name: str = Field(max_length=120)
    position: int = 0
    is_default: bool = False


class Stage(Replicated, table=True):
    """One column of a pipeline, with default probability, kind and rotting threshold."""

    __tablename__ = "stage"
    __table_args__ = (Index("ix_stage_pipeline_position", "pipeline_id", "position"),)
    pipeline_id: uuid.UUID
    name: str = Field(max_length=120)
    position: int
    probability: int = Field(default=0, ge=0, le=100)
    kind: str = Field(default="open", max_length=10)
    rotting_days: int | None = None


class LostReason(Replicated, table=True):
    """Why a deal was lost; a pick list the user can extend."""

    __tablename__ = "lost_reason"
    name: str = Field(max_length=120)
    position: int = 0
    active: bool = True


class Product(Replicated, table=True):
    """Something the business sells, with a unit price and stock."""

    __tablename__ = "product"
    name: str = Field(max_length=200)
    sku: str | None = Field(default=None, max_length=80, index=True)
    description: str | None = None
    unit_price_cents: int = 0
    currency: str = Field(default="EUR", max_length=3)
    vendor: str | None = Field(default=None, max_length=200)
    stock_on_hand: int | None = None
    active: bool = True


class Deal(Replicated, table=True):
    """An opportunity to sell, moving from stage to stage until won or lost."""

    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_live_stage", "deleted_at", "status", "stage_id"),
        Index("ix_deal_created", "created_at"),
        Index("ix_deal_won_at", "won_at"),
        Index("ix_deal_lost_at", "lost_at"),
    )
    title: str = Field(max_length=300)
    contact_id: uuid.UUID | None = Field(default=None, index=True)
    organization_id: uuid.UUID | None = Field(default=None, index=True)
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    value_cents: int = 0
    currency: str = Field(default="EUR", max_length=3)
    expected_close: date | None = None
    probability: int | None = Field(default=None, ge=0, le=100)
    owner_id: uuid.UUID | None = Field(default=None, index=True)
    status: str = Field(default="open", max_length=10)
    stage_entered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    won_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lost_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lost_reason_id: uuid.UUID | None = None
    lost_note: str | None = None
    source: str | None = Field(default=None, max_length=80)
    campaign_id: uuid.UUID | None = None
    notes: str | None = None
    custom: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DealLine(Replicated, table=True):
    """A product line of a deal; the lines add up to the deal value."""

    __tablename__ = "deal_line"
    deal_id: uuid.UUID = Field(index=True)
    product_id: uuid.UUID | None = None
    description: str = Field(max_length=300)
    quantity: int = 1
    unit_price_cents: int = 0
    discount_percent: int = 0
    position: int = 0


class DealStageChange(Ledger, table=True):
    """Ledger: a deal entered a stage (from_stage is None when it was created)."""

    __tablename__ = "deal_stage_change"
    __table_args__ = (Index("ix_deal_stage_change_deal_at", "deal_id", "at"),)
    deal_id: uuid.UUID
    from_stage_id: uuid.UUID | None = None
    to_stage_id: uuid.UUID
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: uuid.UUID | None = None
