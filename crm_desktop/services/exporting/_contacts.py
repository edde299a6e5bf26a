"""Contacts for export, a page at a time, with what a file needs beside them: channels and names of links.

Rows come from the tables directly (attribute access like the models, without the ORM's identity map and
per-object bookkeeping), so 100k contacts stream in bounded memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Table, func, select, tuple_
from sqlmodel import Session, col

from crm_desktop.domain import Campaign, Contact, ContactChannel, Organization, User

PAGE = 1_000
CHUNK = 500
CONTACTS: Table = Contact.__table__  # type: ignore[attr-defined]
CHANNELS: Table = ContactChannel.__table__  # type: ignore[attr-defined]
ContactRow = Row[Any]  # a contact table row: contact.email, contact.tags… as on the model


@dataclass
class ContactPage:
    """One page of contacts and the lookups their rows need (kept only while the page is written)."""

    contacts: list[ContactRow]
    channels: dict[uuid.UUID, list[Row[Any]]] = field(default_factory=dict)
    organizations: dict[uuid.UUID, str] = field(default_factory=dict)
    owners: dict[uuid.UUID, str] = field(default_factory=dict)
    campaigns: dict[uuid.UUID, str] = field(default_factory=dict)

    def channels_of(self, contact: ContactRow, kind: str) -> list[Row[Any]]:
        """The contact's live channels of one kind, in the order the user arranged them."""
        return [c for c in self.channels.get(contact.id, []) if c.kind == kind]


def count_contacts(session: Session, contact_ids: Sequence[uuid.UUID] | None) -> int:
    """How many contacts an export covers (live ones only)."""
    if contact_ids is None:
        stmt = select(func.count()).select_from(Contact).where(col(Contact.deleted_at).is_(None))
        return int(session.execute(stmt).scalar_one())
    total = 0
    for chunk in _chunks(list(dict.fromkeys(contact_ids))):
        live = select(func.count()).select_from(Contact).where(col(Contact.deleted_at).is_(None))
        total += int(session.execute(live.where(col(Contact.id).in_(chunk))).scalar_one())
    return total


def max_channels(session: Session, contact_ids: Sequence[uuid.UUID] | None, kind: str) -> int:
    """The most live channels of one kind any exported contact has (decides how many extra columns a CSV gets)."""
    groups = []
    for chunk in [None] if contact_ids is None else _chunks(list(dict.fromkeys(contact_ids))):
        per_contact = (
            select(func.count().label("n"))
            .select_from(ContactChannel)
            .join(Contact, col(Contact.id) == col(ContactChannel.contact_id))
            .where(col(ContactChannel.kind) == kind, col(ContactChannel.deleted_at).is_(None))
            .where(col(Contact.deleted_at).is_(None))
            .group_by(col(ContactChannel.contact_id))
        )
        if chunk is not None:
            per_contact = per_contact.where(col(Contact.id).in_(chunk))
        sub = per_contact.subquery()
        groups.append(int(session.execute(select(func.coalesce(func.max(sub.c.n), 0))).scalar_one()))
    return max(groups, default=0)


def iter_contact_pages(session: Session, contact_ids: Sequence[uuid.UUID] | None) -> Iterator[ContactPage]:
    """Live contacts by name (all of them, or the given ids in the given order), a page at a time."""
    pages = _all_live(session) if contact_ids is None else _by_ids(session, list(dict.fromkeys(contact_ids)))
    for contacts in pages:
        yield _with_lookups(session, contacts)


def _all_live(session: Session) -> Iterator[list[ContactRow]]:
    last: tuple[str, uuid.UUID] | None = None
    c = CONTACTS.c
    while True:
        stmt = select(CONTACTS).where(c.deleted_at.is_(None))
        if last is not None:
            stmt = stmt.where(tuple_(c.display_name, c.id) > tuple_(*last))
        contacts = list(session.execute(stmt.order_by(c.display_name, c.id).limit(PAGE)))
        if not contacts:
            return
        yield contacts
        last = (contacts[-1].display_name, contacts[-1].id)


def _by_ids(session: Session, ids: list[uuid.UUID]) -> Iterator[list[ContactRow]]:
    c = CONTACTS.c
    for chunk in _chunks(ids):
        found = {r.id: r for r in session.execute(select(CONTACTS).where(c.id.in_(chunk), c.deleted_at.is_(None)))}
        contacts = [found[i] for i in chunk if i in found]
        if contacts:
            yield contacts


def _with_lookups(session: Session, contacts: list[ContactRow]) -> ContactPage:
    page = ContactPage(contacts)
    ids = [c.id for c in contacts]
    ch = CHANNELS.c
    channels = session.execute(
        select(CHANNELS)
        .where(ch.contact_id.in_(ids), ch.deleted_at.is_(None))
        .order_by(ch.contact_id, ch.position, ch.id)
    )
    for channel in channels:
        page.channels.setdefault(channel.contact_id, []).append(channel)
    page.organizations = _names(session, Organization, {c.organization_id for c in contacts})
    page.owners = _names(session, User, {c.owner_id for c in contacts})
    page.campaigns = _names(session, Campaign, {c.campaign_id for c in contacts})
    return page


def _names(
    session: Session, model: type[Organization | User | Campaign], ids: set[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(select(col(model.id), col(model.name)).where(col(model.id).in_(wanted)))
    return {row_id: name for row_id, name in rows}


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
