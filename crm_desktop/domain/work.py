"""Engagement: logged activities and follow-up tasks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from crm_desktop.domain.base import Replicated, UTCDateTime


class Activity(Replicated, table=True):
    """A call, email, meeting, note, message or visit, linked to whom it concerned."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_contact_occurred", "contact_id", "occurred_at"),
        Index("ix_activity_organization_occurred", "organization_id", "occurred_at"),
    )
    kind: str = Field(max_length=10)
    direction: str | None = Field(default=None, max_length=10)
    subject: str = Field(max_length=300)
    body: str | None = None
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    duration_minutes: int | None = None
    contact_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = Field(default=None, index=True)
    case_id: uuid.UUID | None = Field(default=None, index=True)
    user_id: uuid.UUID | None = None


class Task(Replicated, table=True):
    """Something to do by a date, with an optional reminder."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_open_due", "done_at", "due_at"),)
    title: str = Field(max_length=300)
    notes: str | None = None
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    remind_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    priority: str = Field(default="normal", max_length=10)
    contact_id: uuid.UUID | None = Field(default=None, index=True)
    organization_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = Field(default=None, index=True)
    case_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
