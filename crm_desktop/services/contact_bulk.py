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

    def add(contact: Contact) -> bool:
        if new_tag.casefold() in {t.casefold() for t in contact.tags}:
            return False
        contact.tags = [*contact.tags, new_tag]  # a new list: the ORM sees the change
        return True

    return _each(session, contact_ids, add, progress, should_cancel)


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

    def remove(contact: Contact) -> bool:
        kept = [t for t in contact.tags if t.casefold() != folded]
        if len(kept) == len(contact.tags):
            return False
        contact.tags = kept
        return True

    return _each(session, contact_ids, remove, progress, should_cancel)


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

    def give(contact: Contact) -> bool:
        if contact.owner_id == owner_id:
            return False
        contact.owner_id = owner_id
        return True

    return _each(session, contact_ids, give, progress, should_cancel)


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

    def move(contact: Contact) -> bool:
        if contact.lead_status == checked:
            return False
        session.add(
            LeadStatusChange(contact_id=contact.id, from_status=contact.lead_status, to_status=checked, at=when,
                             user_id=user)
        )  # fmt: skip
        contact.lead_status = checked
        return True

    return _each(session, contact_ids, move, progress, should_cancel)


def move_to_trash(
    *,
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Move the contacts to the Trash (never erased: Undo or Restore brings them back); returns how many."""
    when = moment(None)

    def trash(contact: Contact) -> bool:
        contact.deleted_at = when
        return True

    return _each(session, contact_ids, trash, progress, should_cancel)


def _each(
    session: Session,
    contact_ids: Sequence[uuid.UUID],
    change: Callable[[Contact], bool],
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> int:
    """Apply `change` to every live contact among `contact_ids`, chunk by chunk; how many it changed."""
    changed = 0
    for contacts in _live_chunks(session, contact_ids, progress, should_cancel):
        for contact in contacts:
            if change(contact):
                session.add(contact)
                changed += 1
    return changed
