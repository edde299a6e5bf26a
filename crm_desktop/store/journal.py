"""Writes the change journal (DESIGN §4) in the same transaction as the data, from one place.

Every flush of a session made by `Database` passes through `capture_changes`: created rows get one
change per set field, updated rows one per changed field, deletes are refused (tombstones only).
Bulk loaders go through `store.bulk`, which writes rows and their journal entries together.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import event, insert, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crm_desktop.domain import REPLICATED_TABLES, Change, Ledger, utcnow
from crm_desktop.domain.errors import Conflict
from crm_desktop.store import fts
from crm_desktop.store.hlc import HybridClock

UNJOURNALED_FIELDS = frozenset({"id"})
INFO_KEY = "crm_journal"


@dataclass(frozen=True)
class RowEdit:
    """What one flush did to one row: enough to put it back (undo) or do it again (redo)."""

    table: str
    row_id: str  # hex
    created: bool
    before: Mapping[str, Any]  # old values of the changed fields (empty for a created row)
    after: Mapping[str, Any]  # the values written


@dataclass
class JournalContext:
    """Who is writing: the device clock and the acting user, attached to each session."""

    clock: HybridClock
    user_id: str | None
    touched: dict[str, set[str]] = field(default_factory=dict)  # since the last search-index refresh
    written: dict[str, set[str]] = field(default_factory=dict)  # everything in this transaction
    edits: list[RowEdit] = field(default_factory=list)  # every ORM write of this transaction, in order

    def note(self, table: str, row_id: str) -> None:
        self.touched.setdefault(table, set()).add(row_id)
        self.written.setdefault(table, set()).add(row_id)

    def note_bulk(self, table: str) -> None:
        """Bulk loads report the table only: listing 100k row ids would help nobody."""
        self.written.setdefault(table, set())


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # reused: json.dumps builds one per call


def encode_value(value: Any) -> str:
    """JSON text for a field value: UUIDs as hex, datetimes as ISO UTC, dates as ISO."""
    return _ENCODER.encode(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _previous_values(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """The committed values of these attributes before this flush (copied: lists and dicts are mutable)."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    for name in names:
        history = state.attrs[name].history
        before[name] = copy.deepcopy(history.deleted[0]) if history.deleted else None
    return before


def _row_changes(obj: Any, *, is_new: bool) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in UNJOURNALED_FIELDS:
            continue
        if is_new:
            value = getattr(obj, name)
            if value is not None and value != [] and value != {}:
                changes[name] = value
        else:
            history = state.attrs[name].history
            if history.has_changes():
                changes[name] = getattr(obj, name)
    return changes


def _record(session: Session, ctx: JournalContext, table: str, row_id: str, values: Mapping[str, Any]) -> None:
    hlc = ctx.clock.now()
    rows = [
        {"hlc": hlc, "table_name": table, "row_id": row_id, "field": name, "device_id": ctx.clock.device_id,
         "user_id": ctx.user_id, "value": encode_value(value)}
        for name, value in values.items()
    ]  # fmt: skip
    if rows:
        conn = session.connection()
        conn.execute(insert(Change), rows)
        upsert_field_clocks(conn, [(table, row_id, name, hlc) for name in values])
    ctx.note(table, row_id)


def upsert_field_clocks(conn: Connection, clocks: Sequence[tuple[str, str, str, str]]) -> None:
    """Keep the newest clock per field (never lets an older value win)."""
    conn.execute(
        text(
            "INSERT INTO field_clock (table_name, row_id, field, hlc) VALUES (:t, :r, :f, :h) "
            "ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc "
            "WHERE excluded.hlc > field_clock.hlc"
        ),
        [{"t": t, "r": r, "f": f, "h": h} for t, r, f, h in clocks],
    )


def column_defaults(model: type[Any]) -> dict[str, Any]:
    """Zero-argument callables giving each model field's default, for rows inserted without the ORM."""
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            defaults[name] = info.default_factory
        elif info.default is not PydanticUndefined:
            defaults[name] = lambda value=info.default: value
    return defaults


def capture_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """before_flush hook: journal every replicated insert and update; refuse hard deletes."""
    ctx: JournalContext | None = session.info.get(INFO_KEY)
    if ctx is None:
        return
    for obj in list(session.deleted):
        if getattr(obj, "__tablename__", None) in REPLICATED_TABLES:
            raise Conflict(f"{type(obj).__name__} rows are never deleted outright; move them to the Trash")
    for obj in list(session.new):
        table = getattr(obj, "__tablename__", None)
        if table in REPLICATED_TABLES:
            changes = _row_changes(obj, is_new=True)
            _record(session, ctx, table, obj.id.hex, changes)
            ctx.edits.append(RowEdit(table, obj.id.hex, True, {}, copy.deepcopy(changes)))
    for obj in list(session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table not in REPLICATED_TABLES or not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Ledger) and not session.info.get("allow_ledger_rewrite"):
            raise Conflict(f"{type(obj).__name__} is a ledger: add a correcting row instead of editing one")
        changes = _row_changes(obj, is_new=False)
        if not changes:
            continue
        ctx.edits.append(RowEdit(table, obj.id.hex, False, _previous_values(obj, changes), copy.deepcopy(changes)))
        obj.updated_at = utcnow()
        changes["updated_at"] = obj.updated_at
        _record(session, ctx, table, obj.id.hex, changes)


def refresh_search(session: Session, flush_context: Any) -> None:
    """after_flush hook: keep the contact search index current for every touched contact."""
    ctx: JournalContext | None = session.info.get(INFO_KEY)
    if ctx is None or not ctx.touched:
        return
    touched, ctx.touched = ctx.touched, {}
    fts.refresh_for_changes(session.connection(), touched)


def install(session_class: type[Session]) -> None:
    """Attach the journal hooks to a session class (idempotent)."""
    if not event.contains(session_class, "before_flush", capture_changes):
        event.listen(session_class, "before_flush", capture_changes)
        event.listen(session_class, "after_flush", refresh_search)


def history(conn: Connection, table: str, row_id: uuid.UUID) -> list[dict[str, Any]]:
    """The audit trail of one record, newest first: who set which field to what, when."""
    result = conn.execute(
        text(
            "SELECT hlc, field, value, user_id, device_id FROM change "
            "WHERE table_name = :t AND row_id = :r ORDER BY hlc DESC"
        ),
        {"t": table, "r": row_id.hex},
    )
    return [dict(r._mapping) for r in result]
