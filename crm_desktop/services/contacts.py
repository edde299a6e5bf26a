"""Contacts: create, edit, move through lifecycle and lead status, and trash (DESIGN §3, §5; lists: contact_list)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Field, Session, SQLModel

from crm_desktop.domain import Campaign, Contact, LeadStatusChange, LifecycleChange, Organization, User
from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live, moment, move_to_trash, restore_from_trash
from crm_desktop.services.settings import get_setting

format_phone = v.format_phone  # the UI formats stored E.164 numbers with it


class ContactInput(SQLModel):
    """What a person typing into the contact dialog (or an import row) provides."""

    given_name: str | None = None
    family_name: str | None = None
    display_name: str | None = None
    title: str | None = None
    organization_id: uuid.UUID | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    birthday: date | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    source: str | None = None
    campaign_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    lifecycle_stage: str = "lead"
    lead_status: str | None = "open"
    marketing_consent: bool = False
    consent_how: str | None = None
    do_not_contact: bool = False
    external_ref: str | None = None
    custom: dict[str, Any] = Field(default_factory=dict)


_TEXT_FIELDS = frozenset(
    {"given_name", "family_name", "display_name", "title", "street", "city", "region", "postal_code", "notes",
     "source", "consent_how", "external_ref"}
)  # fmt: skip
_NAME_SOURCES = frozenset({"given_name", "family_name", "email"})


def _clean(session: Session, values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Validate and normalize the named fields of a parsed ContactInput."""
    cleaned: dict[str, Any] = {}
    for key in keys:
        value = values[key]
        if key in _TEXT_FIELDS:
            cleaned[key] = v.clean_text(value, field=key, model=Contact)
        elif key == "email":
            cleaned[key] = v.clean_email(value)
        elif key == "phone":
            region = get_setting(session=session, key="default_region") if value else ""
            cleaned[key] = v.clean_phone(value, region=region)
        elif key == "country":
            cleaned[key] = v.check_country(value)
        elif key == "tags":
            cleaned[key] = v.clean_tags(value)
        elif key == "lifecycle_stage":
            cleaned[key] = v.check_choice(value, LifecycleStage, field=key)
        elif key == "lead_status":
            cleaned[key] = v.check_optional_choice(value, LeadStatus, field=key)
        elif key == "organization_id":
            v.check_ref(session, Organization, value, field=key, what="Organization")
            cleaned[key] = value
        elif key == "owner_id":
            v.check_ref(session, User, value, field=key, what="Owner")
            cleaned[key] = value
        elif key == "campaign_id":
            v.check_ref(session, Campaign, value, field=key, what="Campaign")
            cleaned[key] = value
        elif key == "custom":
            cleaned[key] = v.check_custom(session, entity="contact", custom=value)
        elif key == "birthday":
            if value is not None and value > date.today():
                raise ValidationError("Birthday cannot be in the future", field=key)
            cleaned[key] = value
        else:
            cleaned[key] = value
    return cleaned


def _derived_name(given: str | None, family: str | None, email: str | None) -> str | None:
    name = " ".join(part for part in (given, family) if part) or email
    return name[:400] if name else None


def _require_name(name: str | None) -> str:
    if not name:
        raise ValidationError("Enter a name or an email address", field="given_name")
    return name


def create_contact(*, session: Session, data: ContactInput, at: datetime | None = None) -> Contact:
    """A new contact, with its first lifecycle (and lead status) ledger rows dated `at`."""
    when = moment(at)
    fields = data.model_dump()
    cleaned = _clean(session, fields, fields.keys())
    if cleaned["display_name"] is None:
        cleaned["display_name"] = _derived_name(cleaned["given_name"], cleaned["family_name"], cleaned["email"])
    _require_name(cleaned["display_name"])
    contact = Contact(**cleaned, created_at=when, updated_at=when)
    if contact.marketing_consent:
        contact.consent_at = when
    session.add(contact)
    user = acting_user_id(session)
    session.add(
        LifecycleChange(contact_id=contact.id, from_stage=None, to_stage=contact.lifecycle_stage, at=when,
                        user_id=user)
    )  # fmt: skip
    if contact.lead_status is not None:
        session.add(
            LeadStatusChange(contact_id=contact.id, from_status=None, to_status=contact.lead_status, at=when,
                             user_id=user)
        )  # fmt: skip
    session.flush()
    return contact


def update_contact(*, session: Session, contact_id: uuid.UUID, changes: Mapping[str, Any]) -> Contact:
    """Apply edited fields, validated like a new contact; only fields that really change are written."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    current = {name: getattr(contact, name) for name in ContactInput.model_fields}
    parsed = v.parse_input(ContactInput, {**current, **changes}).model_dump()
    cleaned = _clean(session, parsed, changes.keys())
    if "display_name" not in changes and _NAME_SOURCES & changes.keys():
        old = _derived_name(contact.given_name, contact.family_name, contact.email)
        if contact.display_name == old:
            cleaned["display_name"] = None
    if "display_name" in cleaned and cleaned["display_name"] is None:
        merged = {**current, **cleaned}
        cleaned["display_name"] = _derived_name(merged["given_name"], merged["family_name"], merged["email"])
    if "display_name" in cleaned:
        _require_name(cleaned["display_name"])
    when = moment(None)
    stage = cleaned.pop("lifecycle_stage", contact.lifecycle_stage)
    status = cleaned.pop("lead_status", contact.lead_status)
    _apply_lifecycle(session, contact, stage, when)
    _apply_lead_status(session, contact, status, when)
    if "marketing_consent" in cleaned and cleaned["marketing_consent"] != contact.marketing_consent:
        contact.consent_at = when if cleaned["marketing_consent"] else None
    for name, value in cleaned.items():
        if getattr(contact, name) != value:
            setattr(contact, name, value)
    session.add(contact)
    session.flush()
    return contact


def _apply_lifecycle(session: Session, contact: Contact, stage: str, at: datetime) -> None:
    if stage == contact.lifecycle_stage:
        return
    session.add(
        LifecycleChange(contact_id=contact.id, from_stage=contact.lifecycle_stage, to_stage=stage, at=at,
                        user_id=acting_user_id(session))
    )  # fmt: skip
    contact.lifecycle_stage = stage


def _apply_lead_status(session: Session, contact: Contact, status: str | None, at: datetime) -> None:
    if status == contact.lead_status:
        return
    if status is not None:  # the ledger records statuses reached; clearing the status is not one
        session.add(
            LeadStatusChange(contact_id=contact.id, from_status=contact.lead_status, to_status=status, at=at,
                             user_id=acting_user_id(session))
        )  # fmt: skip
    contact.lead_status = status


def set_lead_status(*, session: Session, contact_id: uuid.UUID, status: str, at: datetime | None = None) -> Contact:
    """Move a lead to open, contacted, qualified or unqualified (a no-op when unchanged)."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    checked = v.check_choice(status, LeadStatus, field="lead_status")
    _apply_lead_status(session, contact, checked, moment(at))
    session.add(contact)
    session.flush()
    return contact


def set_lifecycle_stage(*, session: Session, contact_id: uuid.UUID, stage: str, at: datetime | None = None) -> Contact:
    """Move a contact to another lifecycle stage (a no-op when unchanged)."""
    contact = get_live(session, Contact, contact_id, what="Contact")
    checked = v.check_choice(stage, LifecycleStage, field="lifecycle_stage")
    _apply_lifecycle(session, contact, checked, moment(at))
    session.add(contact)
    session.flush()
    return contact


def delete_contact(*, session: Session, contact_id: uuid.UUID) -> None:
    """Move a contact to the Trash (rows are never erased: sync and history need them)."""
    move_to_trash(session, Contact, contact_id, what="Contact")


def restore_contact(*, session: Session, contact_id: uuid.UUID) -> Contact:
    """Bring a contact back from the Trash (a no-op for a live one)."""
    return restore_from_trash(session, Contact, contact_id, what="Contact")


def get_contact(*, session: Session, contact_id: uuid.UUID, include_deleted: bool = False) -> Contact:
    """One contact; NotFound when missing or (unless asked for) in the Trash."""
    return get_live(session, Contact, contact_id, what="Contact", include_deleted=include_deleted)
