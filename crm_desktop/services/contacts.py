"""Contacts: create, edit, move through lifecycle and lead status, trash and list (DESIGN §3, §5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, func, or_
from sqlmodel import Field, Session, SQLModel, col, select

from crm_desktop.domain import Campaign, Contact, LeadStatusChange, LifecycleChange, Organization, User
from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live, moment, move_to_trash, restore_from_trash
from crm_desktop.services.settings import get_setting
from crm_desktop.store.fts import contact_id_filter

_CONTACT_ID = cast("ColumnElement[object]", Contact.id)

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


@dataclass(frozen=True)
class ContactRow:
    """One line of the contacts table."""

    id: uuid.UUID
    display_name: str
    organization_name: str | None
    email: str | None
    phone: str | None
    lifecycle_stage: str
    lead_status: str | None
    owner_name: str | None
    created_at: datetime
    tags: list[str]


CONTACT_SORT_KEYS = (
    "display_name", "organization_name", "email", "phone", "lifecycle_stage", "lead_status", "owner_name",
    "created_at",
)  # fmt: skip

_NULLABLE_SORTS = frozenset({"organization_name", "email", "phone", "lead_status", "owner_name"})


def _sort_columns() -> dict[str, Any]:
    return {
        "display_name": col(Contact.display_name),
        "organization_name": col(Organization.name),
        "email": col(Contact.email),
        "phone": col(Contact.phone),
        "lifecycle_stage": col(Contact.lifecycle_stage),
        "lead_status": col(Contact.lead_status),
        "owner_name": col(User.name),
        "created_at": col(Contact.created_at),
    }


def _filters(search: str, deleted: bool) -> list[ColumnElement[bool]]:
    deleted_col = col(Contact.deleted_at)
    conditions: list[ColumnElement[bool]] = [deleted_col.is_not(None) if deleted else deleted_col.is_(None)]
    text = search.strip()
    if not text:
        return conditions
    if deleted:  # the search index holds live contacts only; the Trash is small enough for LIKE
        for token in text.split():
            pattern = v.like_pattern(token)
            columns = (col(Contact.display_name), col(Contact.email), col(Contact.phone))
            conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    else:
        match = contact_id_filter(text, _CONTACT_ID)
        if match is not None:
            conditions.append(match)
    return conditions


def _joined(stmt: Select[Any]) -> Select[Any]:
    return stmt.outerjoin(
        Organization,
        and_(col(Organization.id) == col(Contact.organization_id), col(Organization.deleted_at).is_(None)),
    ).outerjoin(User, col(User.id) == col(Contact.owner_id))


def list_contacts(
    *,
    session: Session,
    search: str = "",
    sort: str = "display_name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
    deleted: bool = False,
) -> list[ContactRow]:
    """One page of contacts, searched, sorted and paged in SQL; `deleted=True` lists the Trash.

    Ties are broken by display name, then id, so paging is stable.
    """
    v.check_sort(sort, CONTACT_SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    column = _sort_columns()[sort]
    key = column.desc() if descending else column.asc()
    if sort in _NULLABLE_SORTS:
        key = key.nulls_last()
    ties = [col(Contact.display_name), col(Contact.id)] if sort != "display_name" else [col(Contact.id)]
    tie_keys = [t.desc() if descending else t.asc() for t in ties]  # one direction: indexes stay usable
    stmt = _joined(
        select(  # type: ignore[call-overload]
            Contact.id, Contact.display_name, Organization.name, Contact.email, Contact.phone,
            Contact.lifecycle_stage, Contact.lead_status, User.name, Contact.created_at, Contact.tags,
        ).select_from(Contact)
    ).where(*_filters(search, deleted)).order_by(key, *tie_keys).offset(offset).limit(limit)  # fmt: skip
    return [
        ContactRow(
            id=r[0], display_name=r[1], organization_name=r[2], email=r[3], phone=r[4], lifecycle_stage=r[5],
            lead_status=r[6], owner_name=r[7], created_at=r[8], tags=list(r[9] or []),
        )
        for r in session.exec(stmt)  # type: ignore[call-overload]
    ]  # fmt: skip


def count_contacts(*, session: Session, search: str = "", deleted: bool = False) -> int:
    """How many contacts `list_contacts` would page through with the same search."""
    stmt = select(func.count()).select_from(Contact).where(*_filters(search, deleted))
    return int(session.exec(stmt).one())
