"""Small helpers every service module shares: fetching live rows, the acting user, the clock."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from crm_desktop.domain import utcnow
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.store.journal import INFO_KEY

T = TypeVar("T")


def get_live(session: Session, model: type[T], row_id: uuid.UUID, *, what: str, include_deleted: bool = False) -> T:
    """The row with this id, or NotFound naming `what` (rows in the Trash count as missing)."""
    row = session.get(model, row_id)
    if row is None or (not include_deleted and getattr(row, "deleted_at", None) is not None):
        raise NotFound(f"{what} not found (it may have been deleted)")
    return row


def acting_user_id(session: Session) -> uuid.UUID | None:
    """The user on whose behalf this session writes (from the journal context)."""
    ctx: Any = session.info.get(INFO_KEY)
    return uuid.UUID(ctx.user_id) if ctx is not None and ctx.user_id else None


def moment(at: datetime | None) -> datetime:
    """`at` checked to be aware, or now: services accept an explicit time for imports and demos."""
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise ValidationError("times must carry a time zone")
    return at


def move_to_trash(session: Session, model: type[T], row_id: uuid.UUID, *, what: str) -> None:
    """Tombstone a live row (NotFound if missing or already in the Trash); rows are never erased."""
    row = get_live(session, model, row_id, what=what)
    row.deleted_at = moment(None)  # type: ignore[attr-defined]
    session.add(row)
    session.flush()


def restore_from_trash(session: Session, model: type[T], row_id: uuid.UUID, *, what: str) -> T:
    """Bring a row back from the Trash (a no-op for a live one)."""
    row = get_live(session, model, row_id, what=what, include_deleted=True)
    if row.deleted_at is not None:  # type: ignore[attr-defined]
        row.deleted_at = None  # type: ignore[attr-defined]
        session.add(row)
        session.flush()
    return row
