"""A contact's extra emails, phones and web handles (ContactChannel rows), and the pick lists its editor offers.

The primary email and phone live on the contact itself; every further address is a channel row with a label
("work", "mobile"). Emails are normalized with email-validator and phones stored in E.164, like the contact's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from crm_desktop.domain import Campaign, Contact, ContactChannel, CustomFieldDef, Organization
from crm_desktop.domain.enums import ChannelKind
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, move_to_trash
from crm_desktop.services.settings import get_setting


def normalize_email(value: str | None) -> str | None:
    """The address as stored (normalized), None when blank; ValidationError when malformed."""
    return v.clean_email(value)


def normalize_phone(value: str | None, *, region: str) -> str | None:
    """The number in E.164, read with `region` when it is local; None when blank; ValidationError when invalid."""
    return v.clean_phone(value, region=region)


def _clean_value(session: Session, kind: str, value: Any) -> tuple[str, str]:
    """(value, normalized) for a channel of this kind; blank values are refused."""
    if kind == ChannelKind.EMAIL:
        email = v.clean_email(value, field="value")
        if email is None:
            raise ValidationError("Enter the email address", field="value")
        return email, email.casefold()
    if kind == ChannelKind.PHONE:
        region = get_setting(session=session, key="default_region")
        phone = v.clean_phone(value, region=region, field="value")
        if phone is None:
            raise ValidationError("Enter the phone number", field="value")
        return phone, phone
    text_value = v.require_text(value, field="value", model=ContactChannel)
    return text_value, text_value.casefold()


def list_channels(
    *, session: Session, contact_id: uuid.UUID, kind: str | None = None, include_deleted: bool = False
) -> list[ContactChannel]:
    """A contact's channels in their order (of one kind when asked)."""
    stmt = select(ContactChannel).where(col(ContactChannel.contact_id) == contact_id)
    if not include_deleted:
        stmt = stmt.where(col(ContactChannel.deleted_at).is_(None))
    if kind is not None:
        stmt = stmt.where(col(ContactChannel.kind) == v.check_choice(kind, ChannelKind, field="kind"))
    stmt = stmt.order_by(col(ContactChannel.kind), col(ContactChannel.position), col(ContactChannel.id))
    return list(session.exec(stmt))


def add_channel(
    *, session: Session, contact_id: uuid.UUID, kind: str, value: str, label: str | None = None
) -> ContactChannel:
    """Another email, phone, web address or social handle for a contact, placed after the others of its kind."""
    get_live(session, Contact, contact_id, what="Contact")
    checked_kind = v.check_choice(kind, ChannelKind, field="kind")
    clean, normalized = _clean_value(session, checked_kind, value)
    last = session.exec(
        select(func.max(ContactChannel.position)).where(
            col(ContactChannel.contact_id) == contact_id, col(ContactChannel.kind) == checked_kind
        )
    ).one()
    channel = ContactChannel(
        contact_id=contact_id,
        kind=checked_kind,
        label=v.clean_text(label, field="label", model=ContactChannel),
        value=clean,
        normalized=normalized,
        position=0 if last is None else int(last) + 1,
    )
    session.add(channel)
    session.flush()
    return channel


def update_channel(
    *, session: Session, channel_id: uuid.UUID, value: str | None = None, label: str | None = None
) -> ContactChannel:
    """Change a channel's value and/or label (None leaves it as it is; an empty label clears it)."""
    channel = get_live(session, ContactChannel, channel_id, what="Contact detail")
    if value is not None:
        clean, normalized = _clean_value(session, channel.kind, value)
        if clean != channel.value:
            channel.value, channel.normalized = clean, normalized
    if label is not None:
        new_label = v.clean_text(label, field="label", model=ContactChannel)
        if new_label != channel.label:
            channel.label = new_label
    session.add(channel)
    session.flush()
    return channel


def remove_channel(*, session: Session, channel_id: uuid.UUID) -> None:
    """Move a channel to the Trash (its history stays)."""
    move_to_trash(session, ContactChannel, channel_id, what="Contact detail")


@dataclass(frozen=True)
class ChannelEdit:
    """One line of the editor's list: an existing channel (id) or a new one (id None)."""

    id: uuid.UUID | None
    label: str | None
    value: str


def replace_channels(
    *, session: Session, contact_id: uuid.UUID, kind: str, entries: Sequence[ChannelEdit]
) -> list[ContactChannel]:
    """Make a contact's channels of one kind match the editor's list: add, change, reorder and remove."""
    checked_kind = v.check_choice(kind, ChannelKind, field="kind")
    current = {c.id: c for c in list_channels(session=session, contact_id=contact_id, kind=checked_kind)}
    kept: list[ContactChannel] = []
    for position, entry in enumerate(entries):
        if entry.id is None:
            channel = add_channel(
                session=session, contact_id=contact_id, kind=checked_kind, value=entry.value, label=entry.label
            )
        else:
            if entry.id not in current:
                raise ValidationError("That contact detail was removed meanwhile; reload and try again")
            channel = update_channel(session=session, channel_id=entry.id, value=entry.value, label=entry.label or "")
        if channel.position != position:
            channel.position = position
            session.add(channel)
        kept.append(channel)
    kept_ids = {c.id for c in kept}
    for channel_id in current.keys() - kept_ids:
        remove_channel(session=session, channel_id=channel_id)
    session.flush()
    return kept


# --- pick lists for the contact editor ----------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """Something to pick in a list: its id and the name shown."""

    id: uuid.UUID
    name: str


def organization_choices(*, session: Session, search: str = "", limit: int = 20) -> list[Choice]:
    """Organizations whose name or domain contains every typed word, by name (for a type-ahead picker)."""
    v.check_paging(offset=0, limit=limit)
    stmt = select(Organization.id, Organization.name).where(col(Organization.deleted_at).is_(None))
    for token in search.split():
        pattern = v.like_pattern(token)
        stmt = stmt.where(
            col(Organization.name).ilike(pattern, escape="\\") | col(Organization.domain).ilike(pattern, escape="\\")
        )
    stmt = stmt.order_by(col(Organization.name), col(Organization.id)).limit(limit)
    return [Choice(row[0], row[1]) for row in session.exec(stmt)]


def campaign_choices(*, session: Session) -> list[Choice]:
    """Campaigns, newest first (a small business runs a handful a year)."""
    stmt = (
        select(Campaign.id, Campaign.name)
        .where(col(Campaign.deleted_at).is_(None))
        .order_by(col(Campaign.starts_on).desc().nulls_last(), col(Campaign.name))
    )
    return [Choice(row[0], row[1]) for row in session.exec(stmt)]


def custom_fields(*, session: Session, entity: str) -> list[CustomFieldDef]:
    """The custom fields declared for contacts, organizations, deals or cases, in their order."""
    stmt = (
        select(CustomFieldDef)
        .where(col(CustomFieldDef.entity) == entity, col(CustomFieldDef.deleted_at).is_(None))
        .order_by(col(CustomFieldDef.position), col(CustomFieldDef.label))
    )
    return list(session.exec(stmt))


TAG_SAMPLE = 2000  # recently edited tagged contacts read for suggestions: a tag vocabulary is small


def tag_suggestions(*, session: Session, limit: int = 300) -> list[str]:
    """The tags in use, most used first, for the tag editor's completer.

    Counted over the two thousand most recently edited tagged contacts (an index walk), not all 100k: fast enough to
    run while the user clicks into the field, and the vocabulary in use shows up all the same.
    """
    v.check_paging(offset=0, limit=limit)
    if session.get_bind().dialect.name == "sqlite":
        rows = session.connection().execute(
            text(
                "SELECT j.value, count(*) AS n FROM (SELECT tags FROM contact WHERE deleted_at IS NULL "
                "AND tags != '[]' ORDER BY updated_at DESC LIMIT :sample) AS c, json_each(c.tags) AS j "
                "WHERE j.type = 'text' GROUP BY j.value ORDER BY n DESC, j.value LIMIT :limit"
            ),
            {"sample": TAG_SAMPLE, "limit": limit},
        )
        return [str(row[0]) for row in rows]
    recent = select(Contact.tags).where(col(Contact.deleted_at).is_(None)).order_by(col(Contact.updated_at).desc())
    counts: dict[str, int] = {}
    for tags in session.exec(recent.limit(TAG_SAMPLE)):
        for tag in tags or ():
            if isinstance(tag, str):
                counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t.casefold()))[:limit]


@dataclass(frozen=True)
class Member:
    """A person of an organization, as its detail pane lists them."""

    id: uuid.UUID
    name: str
    title: str | None
    email: str | None
    lifecycle_stage: str


def organization_people(*, session: Session, organization_id: uuid.UUID, limit: int = 200) -> list[Member]:
    """The live contacts of an organization, by name (one page: a company rarely has more)."""
    v.check_paging(offset=0, limit=limit)
    stmt = (
        select(Contact.id, Contact.display_name, Contact.title, Contact.email, Contact.lifecycle_stage)
        .where(col(Contact.organization_id) == organization_id, col(Contact.deleted_at).is_(None))
        .order_by(col(Contact.display_name), col(Contact.id))
        .limit(limit)
    )
    return [Member(*row) for row in session.exec(stmt)]
