"""The Trash: deleted contacts and organizations, listed newest first and restored with their links.

Rows are never erased (sync and history need them), so there is no "empty the Trash": a deleted record
stays restorable. Deleting never cuts links either, so restoring a contact brings back its channels,
deals, cases and history as they were; when its organization is in the Trash too, it can come back
with it (`with_organization`), or the caller is told it stayed there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Organization
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import restore_from_trash

TrashKind = Literal["contact", "organization"]
KINDS: tuple[TrashKind, ...] = ("contact", "organization")


@dataclass(frozen=True)
class TrashRow:
    """One deleted record as the Trash lists it; `organization_in_trash` warns that a restore needs two."""

    kind: TrashKind
    id: uuid.UUID
    name: str
    detail: str | None  # the contact's email (or phone), the organization's domain
    deleted_at: datetime
    organization_id: uuid.UUID | None = None
    organization_name: str | None = None
    organization_in_trash: bool = False
    merged_into_name: str | None = None  # a duplicate merged into another contact


@dataclass(frozen=True)
class Restored:
    """What a restore brought back, and what it could not (an organization left in the Trash)."""

    kind: TrashKind
    id: uuid.UUID
    name: str
    organization_id: uuid.UUID | None = None
    organization_name: str | None = None
    organization_restored: bool = False
    organization_still_in_trash: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence for a status bar: what came back, and anything left behind."""
        text = f"Restored {self.name}"
        if self.organization_restored:
            text += f" and its organization {self.organization_name}"
        elif self.organization_still_in_trash:
            text += f"; its organization {self.organization_name} is still in the Trash"
        return text


def _check_kind(kind: str) -> TrashKind:
    if kind not in KINDS:
        raise ValidationError(f"The Trash holds contacts and organizations, not {kind!r}", field="kind")
    return kind  # type: ignore[return-value]


def _contact_filters(search: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Contact.deleted_at).is_not(None)]
    for token in search.split():  # the search index holds live contacts only; LIKE is fine for the Trash
        pattern = v.like_pattern(token)
        columns = (col(Contact.display_name), col(Contact.email), col(Contact.phone))
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    return conditions


def _organization_filters(search: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Organization.deleted_at).is_not(None)]
    for token in search.split():
        pattern = v.like_pattern(token)
        columns = (col(Organization.name), col(Organization.domain))
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    return conditions


def list_trash(*, session: Session, kind: str, search: str = "", limit: int = 200, offset: int = 0) -> list[TrashRow]:
    """One page of deleted contacts or organizations, most recently deleted first (paged in SQL)."""
    checked = _check_kind(kind)
    v.check_paging(offset=offset, limit=limit)
    if checked == "organization":
        org_stmt = (
            select(Organization.id, Organization.name, Organization.domain, Organization.deleted_at)
            .where(*_organization_filters(search))
            .order_by(col(Organization.deleted_at).desc(), col(Organization.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            TrashRow(kind="organization", id=r[0], name=r[1], detail=r[2], deleted_at=r[3])
            for r in session.exec(org_stmt)
        ]
    survivor = aliased(Contact)
    stmt: Any = (
        select(  # type: ignore[call-overload]
            Contact.id, Contact.display_name, Contact.email, Contact.phone, Contact.deleted_at,
            Contact.organization_id, Organization.name, Organization.deleted_at, survivor.display_name,
        )
        .select_from(Contact)
        .outerjoin(Organization, col(Organization.id) == col(Contact.organization_id))
        .outerjoin(survivor, survivor.id == col(Contact.merged_into))
        .where(*_contact_filters(search))
        .order_by(col(Contact.deleted_at).desc(), col(Contact.id).desc())
        .offset(offset)
        .limit(limit)
    )  # fmt: skip
    return [
        TrashRow(
            kind="contact", id=r[0], name=r[1], detail=r[2] or r[3], deleted_at=r[4], organization_id=r[5],
            organization_name=r[6], organization_in_trash=r[7] is not None, merged_into_name=r[8],
        )
        for r in session.exec(stmt)
    ]  # fmt: skip


def count_trash(*, session: Session, kind: str, search: str = "") -> int:
    """How many deleted records of this kind `list_trash` pages through with the same search."""
    if _check_kind(kind) == "organization":
        stmt = select(func.count()).select_from(Organization).where(*_organization_filters(search))
    else:
        stmt = select(func.count()).select_from(Contact).where(*_contact_filters(search))
    return int(session.exec(stmt).one())


def trash_counts(*, session: Session) -> dict[TrashKind, int]:
    """How many contacts and organizations are in the Trash (for the tab titles)."""
    return {kind: count_trash(session=session, kind=kind) for kind in KINDS}


def restore(*, session: Session, kind: str, row_id: uuid.UUID, with_organization: bool = True) -> Restored:
    """Bring a deleted contact or organization back; its links were never cut, so they come back with it.

    A contact merged into another becomes a separate contact again. When a contact's organization is in
    the Trash too, it is restored as well if `with_organization`, otherwise the result says it stayed there.
    Restoring a live record is a no-op (NotFound only when the id is unknown).
    """
    if _check_kind(kind) == "organization":
        org = restore_from_trash(session, Organization, row_id, what="Organization")
        return Restored(kind="organization", id=org.id, name=org.name)
    contact = restore_from_trash(session, Contact, row_id, what="Contact")
    notes: list[str] = []
    if contact.merged_into is not None:
        contact.merged_into = None
        session.add(contact)
        notes.append("It had been merged into another contact and is a separate contact again.")
    org_name: str | None = None
    org_restored = org_in_trash = False
    if contact.organization_id is not None:
        org = session.get(Organization, contact.organization_id)
        if org is not None:
            org_name = org.name
            if org.deleted_at is not None:
                if with_organization:
                    restore_from_trash(session, Organization, org.id, what="Organization")
                    org_restored = True
                else:
                    org_in_trash = True
    session.flush()
    return Restored(
        kind="contact", id=contact.id, name=contact.display_name, organization_id=contact.organization_id,
        organization_name=org_name, organization_restored=org_restored, organization_still_in_trash=org_in_trash,
        notes=notes,
    )  # fmt: skip


def restore_many(
    *, session: Session, kind: str, row_ids: list[uuid.UUID], with_organization: bool = True
) -> list[Restored]:
    """Restore several records in one transaction (all or nothing)."""
    return [
        restore(session=session, kind=kind, row_id=row_id, with_organization=with_organization) for row_id in row_ids
    ]
