"""Retention: support cases, their event ledger, and customer feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from crm_desktop.domain.base import Ledger, Replicated, UTCDateTime


def case_reference(case_id: uuid.UUID) -> str:
    """A short human reference derived from the id (never a sequence: two laptops would collide)."""
    return "C-" + case_id.hex[-8:].upper()


class Case(Replicated, table=True):
    """A support request with status, priority and SLA."""

    __tablename__ = "support_case"
    __table_args__ = (
        Index("ix_case_live_status", "deleted_at", "status", "priority"),
        Index("ix_case_opened", "opened_at"),
    )
    reference: str = Field(max_length=12, index=True)
    subject: str = Field(max_length=300)
    description: str | None = None
    contact_id: uuid.UUID | None = Field(default=None, index=True)
    organization_id: uuid.UUID | None = Field(default=None, index=True)
    product_id: uuid.UUID | None = None
    status: str = Field(default="new", max_length=10)
    priority: str = Field(default="normal", max_length=10)
    category: str | None = Field(default=None, max_length=80)
    channel: str | None = Field(default=None, max_length=40)
    assignee_id: uuid.UUID | None = None
    opened_at: datetime = Field(sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sla_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    resolution: str | None = None
    custom: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CaseEvent(Ledger, table=True):
    """Ledger: something happened on a case (opened, comment, status, priority, assignment)."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_at", "case_id", "at"),)
    case_id: uuid.UUID
    kind: str = Field(max_length=12)
    body: str | None = None
    from_value: str | None = Field(default=None, max_length=80)
    to_value: str | None = Field(default=None, max_length=80)
    at: datetime = Field(sa_type=UTCDateTime)
    author_id: uuid.UUID | None = None


class Feedback(Replicated, table=True):
    """An NPS or CSAT score or a free comment from a customer."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_contact_at", "contact_id", "at"),)
    contact_id: uuid.UUID
    kind: str = Field(max_length=10)
    score: int | None = None
    comment: str | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    case_id: uuid.UUID | None = None
