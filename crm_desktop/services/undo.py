"""Undo and redo for any user action, from what its transaction wrote (no per-action inverse code).

`perform` runs an action in one write transaction and returns the `ChangeSet` it made: every row it
created and the before/after values of every field it changed. `undo` tombstones the created rows and
puts the old values back; `redo` does the opposite. Both are ordinary journaled writes, so they sync and
show in History. If a field was changed by someone else in between, they refuse with `Conflict` rather
than overwrite that newer work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from crm_desktop.domain import REPLICATED_MODELS, utcnow
from crm_desktop.domain.errors import Conflict
from crm_desktop.store import Database
from crm_desktop.store.journal import INFO_KEY, JournalContext, RowEdit

T = TypeVar("T")
MODEL_BY_TABLE: dict[str, type[Any]] = {m.__tablename__: m for m in REPLICATED_MODELS}  # type: ignore[misc]
BOOKKEEPING = frozenset({"updated_at", "created_at"})  # set by the journal itself, never restored


@dataclass(frozen=True)
class ChangeSet:
    """Everything one user action wrote, in order."""

    label: str
    edits: tuple[RowEdit, ...]

    def __bool__(self) -> bool:
        return bool(self.edits)

    def tables(self) -> set[str]:
        return {e.table for e in self.edits}


def perform(
    db: Database, label: str, action: Callable[[Session], T], *, initiator: object | None = None
) -> tuple[T, ChangeSet]:
    """Run `action` in one write transaction; return its result and what it changed (for the undo stack)."""
    with db.session(initiator=initiator) as session:
        ctx: JournalContext = session.info[INFO_KEY]
        result = action(session)
        session.flush()
        edits = tuple(ctx.edits)
    return result, ChangeSet(label, edits)


def undo(db: Database, changes: ChangeSet, *, initiator: object | None = None) -> None:
    """Put back what `changes` did: created rows go to the Trash, changed fields get their old values."""
    with db.session(initiator=initiator) as session:
        session.info["allow_ledger_rewrite"] = True  # only ever to tombstone a ledger row this action added
        for edit in reversed(changes.edits):
            row = _row(session, edit)
            if edit.created:
                _expect(row, {"deleted_at": None}, changes.label)
                row.deleted_at = utcnow()
            else:
                _expect(row, edit.after, changes.label)
                _assign(row, edit.before)
            session.add(row)
            session.flush()


def redo(db: Database, changes: ChangeSet, *, initiator: object | None = None) -> None:
    """Do `changes` again after an undo: created rows come back, changed fields get the new values."""
    with db.session(initiator=initiator) as session:
        session.info["allow_ledger_rewrite"] = True
        for edit in changes.edits:
            row = _row(session, edit)
            if edit.created:
                row.deleted_at = None
            else:
                _expect(row, edit.before, changes.label)
                _assign(row, edit.after)
            session.add(row)
            session.flush()


def _row(session: Session, edit: RowEdit) -> Any:
    row = session.get(MODEL_BY_TABLE[edit.table], uuid.UUID(edit.row_id))
    if row is None:
        raise Conflict(f"Cannot undo: a {edit.table.replace('_', ' ')} it changed no longer exists")
    return row


def _expect(row: Any, values: Mapping[str, Any], label: str) -> None:
    """Refuse when a field no longer holds the value this action left (someone changed it since)."""
    for name, value in values.items():
        if name in BOOKKEEPING:
            continue
        if getattr(row, name) != value:
            what = type(row).__name__.lower()
            raise Conflict(
                f"Cannot undo “{label}”: the {what}'s {name.replace('_', ' ')} was changed since. Nothing was changed."
            )


def _assign(row: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name not in BOOKKEEPING:
            setattr(row, name, value)
