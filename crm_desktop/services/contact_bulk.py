"""Bulk edits of many contacts at once (tag, owner, lead status, Trash), each in the caller's one transaction.

Rows are loaded and flushed in chunks, so thousands of contacts take seconds, not minutes; `progress`
and `should_cancel` let a worker show a bar and stop (Cancelled rolls the whole transaction back).
Contacts already in the Trash, or already holding the value, are skipped and not counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence

from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, LeadStatusChange, User
from crm_desktop.domain.enums import LeadStatus
from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, moment

CHUNK = 500
Progress = Callable[[float], None]
ShouldCancel = Callable[[], bool]


def _live_chunks(
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> Iterator[list[Contact]]:
    """The live contacts among `contact_ids`, a chunk at a time; flushes after each chunk."""
    ids = list(dict.fromkeys(contact_ids))
    for start in range(0, len(ids), CHUNK):
        if should_cancel is not None and should_cancel():
            raise Cancelled("Stopped — nothing was changed")
        chunk = ids[start : start + CHUNK]
        stmt = select(Contact).where(col(Contact.id).in_(chunk), col(Contact.deleted_at).is_(None))
        yield list(session.exec(stmt))
        session.flush()
        if progress is not None:
            progress(min(1.0, (start + len(chunk)) / len(ids)))


def add_tag(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    tag: str,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Add `tag` to each contact that lacks it (ignoring case); returns how many changed."""
    cleaned = v.clean_tags([tag])
    if not cleaned:
        raise ValidationError("Enter a tag to add", field="tags")
    new_tag = cleaned[0]
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            if new_tag.casefold() not in {t.casefold() for t in contact.tags}:
                contact.tags = [*contact.tags, new_tag]  # a new list: the ORM sees the change
                session.add(contact)
                changed += 1
    return changed


def remove_tag(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    tag: str,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Take `tag` (ignoring case) off each contact that has it; returns how many changed."""
    folded = " ".join(tag.split()).casefold()
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            kept = [t for t in contact.tags if t.casefold() != folded]
            if len(kept) != len(contact.tags):
                contact.tags = kept
                session.add(contact)
                changed += 1
    return changed


def set_owner(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    owner_id: uuid.UUID | None,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Give the contacts to one team member (None: nobody); returns how many changed."""
    v.check_ref(session, User, owner_id, field="owner_id", what="Owner")
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            if contact.owner_id != owner_id:
                contact.owner_id = owner_id
                session.add(contact)
                changed += 1
    return changed


def set_lead_status(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    status: str,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Move the contacts to one lead status, with a ledger row for each; returns how many changed."""
    checked = v.check_choice(status, LeadStatus, field="lead_status")
    when, user = moment(None), acting_user_id(session)
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            if contact.lead_status == checked:
                continue
            session.add(
                LeadStatusChange(contact_id=contact.id, from_status=contact.lead_status, to_status=checked, at=when,
                                 user_id=user)
            )  # fmt: skip
            contact.lead_status = checked
            session.add(contact)
            changed += 1
    return changed


def move_to_trash(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Move the contacts to the Trash (never erased: Undo or Restore brings them back); returns how many."""
    when = moment(None)
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            contact.deleted_at = when
            session.add(contact)
            changed += 1
    return changed
