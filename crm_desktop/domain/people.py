"""Who the business deals with: team members, organizations, contacts, campaigns and their ledgers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String
from sqlmodel import Field

from crm_desktop.domain.base import Ledger, Replicated, UTCDateTime


class User(Replicated, table=True):
    """A team member; a single-user install has exactly one, created at first run."""

    __tablename__ = "user"
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    active: bool = True


class Organization(Replicated, table=True):
    """A company or household that contacts belong to."""

    __tablename__ = "organization"
    __table_args__ = (Index("ix_organization_live_name", "deleted_at", "name"),)
    name: str = Field(max_length=300)
    website: str | None = Field(default=None, max_length=500)
    domain: str | None = Field(default=None, max_length=255, index=True)
    industry: str | None = Field(default=None, max_length=120)
    size: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, max_length=40)
    street: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=120)
    postal_code: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, max_length=2)
    owner_id: uuid.UUID | None = Field(default=None, index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str | None = None
    external_ref: str | None = Field(default=None, max_length=200, index=True)
    custom: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Contact(Replicated, table=True):
    """A person: lead, customer or anything in between."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_live_display_name", "deleted_at", "display_name"),
        Index("ix_contact_live_created", "deleted_at", "created_at"),
        Index("ix_contact_live_lifecycle", "deleted_at", "lifecycle_stage", "display_name"),
        Index("ix_contact_live_lead_status", "deleted_at", "lead_status", "display_name"),
        Index("ix_contact_live_updated", "deleted_at", "updated_at"),
        Index("ix_contact_family_name", "family_name"),
        Index("ix_contact_id_live_name", "id", "deleted_at", "display_name"),  # search: sort matches by name
    )
    given_name: str | None = Field(default=None, max_length=200)
    family_name: str | None = Field(default=None, max_length=200)
    display_name: str = Field(max_length=400)
    title: str | None = Field(default=None, max_length=200)
    organization_id: uuid.UUID | None = Field(default=None, index=True)
    email: str | None = Field(default=None, max_length=320, index=True)
    phone: str | None = Field(default=None, max_length=40, index=True)
    street: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=120)
    postal_code: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, max_length=2)
    birthday: date | None = None
    notes: str | None = None
    owner_id: uuid.UUID | None = Field(default=None, index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str | None = Field(default=None, max_length=80, index=True)
    campaign_id: uuid.UUID | None = Field(default=None, index=True)
    lifecycle_stage: str = Field(default="lead", max_length=20)
    # no column default: SQLAlchemy would otherwise store "open" for an explicit None (customers have no lead status)
    lead_status: str | None = Field(default="open", sa_column=Column(String(20), nullable=True, index=True))
    marketing_consent: bool = False
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_how: str | None = Field(default=None, max_length=200)
    do_not_contact: bool = False
    external_ref: str | None = Field(default=None, max_length=200, index=True)
    merged_into: uuid.UUID | None = Field(default=None)
    custom: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ContactChannel(Replicated, table=True):
    """An extra email, phone, web address or social handle of a contact, with its label."""

    __tablename__ = "contact_channel"
    contact_id: uuid.UUID = Field(index=True)
    kind: str = Field(max_length=10)
    label: str | None = Field(default=None, max_length=40)
    value: str = Field(max_length=500)
    normalized: str | None = Field(default=None, max_length=500, index=True)
    position: int = 0


class LifecycleChange(Ledger, table=True):
    """Ledger: a contact moved from one lifecycle stage to another."""

    __tablename__ = "lifecycle_change"
    __table_args__ = (Index("ix_lifecycle_change_contact_at", "contact_id", "at"),)
    contact_id: uuid.UUID
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: uuid.UUID | None = None


class LeadStatusChange(Ledger, table=True):
    """Ledger: a lead's status changed (open, contacted, qualified, unqualified)."""

    __tablename__ = "lead_status_change"
    __table_args__ = (Index("ix_lead_status_change_contact_at", "contact_id", "at"),)
    contact_id: uuid.UUID
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: uuid.UUID | None = None


class Campaign(Replicated, table=True):
    """A marketing effort that brings leads in (newsletter, trade fair, ads)."""

    __tablename__ = "campaign"
    name: str = Field(max_length=200)
    channel: str | None = Field(default=None, max_length=80)
    starts_on: date | None = None
    ends_on: date | None = None
    budget_cents: int | None = None
    currency: str = Field(default="EUR", max_length=3)
    notes: str | None = None
