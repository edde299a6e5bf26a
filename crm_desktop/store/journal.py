"""Writes the change journal (DESIGN §4) in the same transaction as the data, from one place.

Every flush of a session made by `Database` passes through `capture_changes`: created rows get one
change per set field, updated rows one per changed field, deletes are refused (tombstones only).
Bulk loaders call `bulk_insert`, which writes rows and their journal entries together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import event, insert, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crm_desktop.domain import REPLICATED_TABLES, Change, FieldClock, Ledger, utcnow
from crm_desktop.domain.errors import Conflict
from crm_desktop.store import fts
from crm_desktop.store.hlc import HybridClock

UNJOURNALED_FIELDS = frozenset({"id"})
INFO_KEY = "crm_journal"
BULK_LOAD_KEY = "crm_bulk_load"
BULK_CACHE_KIB = -262_144  # 256 MB of page cache while a bulk load runs (negative = KiB in SQLite)


@dataclass
class JournalContext:
    """Who is writing: the device clock and the acting user, attached to each session."""

    clock: HybridClock
    user_id: str | None
    touched: dict[str, set[str]] = field(default_factory=dict)  # since the last search-index refresh
    written: dict[str, set[str]] = field(default_factory=dict)  # everything in this transaction

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
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


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


def _column_defaults(model: type[Any]) -> dict[str, Any]:
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
            _record(session, ctx, table, obj.id.hex, _row_changes(obj, is_new=True))
    for obj in list(session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table not in REPLICATED_TABLES or not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Ledger) and not session.info.get("allow_ledger_rewrite"):
            raise Conflict(f"{type(obj).__name__} is a ledger: add a correcting row instead of editing one")
        changes = _row_changes(obj, is_new=False)
        if not changes:
            continue
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


def bulk_insert(
    session: Session, model: type[Any], rows: Iterable[Mapping[str, Any]], *, refresh_index: bool = True
) -> int:
    """Insert many new rows and their journal entries in the caller's transaction (demo data, imports).

    The journal rows bypass SQLAlchemy's per-parameter processing (they are plain text already), and
    the field clocks of the brand-new rows are copied from the journal inside SQLite.
    """
    ctx: JournalContext = session.info[INFO_KEY]
    table = model.__table__
    columns = [c.name for c in table.columns if c.name not in UNJOURNALED_FIELDS]
    conn = session.connection()
    defaults = _column_defaults(model)
    batch = [{**{k: f() for k, f in defaults.items()}, **r} for r in rows]
    if not batch:
        return 0
    conn.execute(insert(table), batch)
    device, user, name = ctx.clock.device_id, ctx.user_id, table.name
    changes: list[tuple[str, str, str, str, str, str | None, str]] = []
    first_hlc = ""
    for row in batch:
        hlc = ctx.clock.now()
        first_hlc = first_hlc or hlc
        row_id = row["id"].hex
        for column in columns:
            value = row.get(column)
            if value is not None and value != [] and value != {}:
                changes.append((hlc, name, row_id, column, device, user, encode_value(value)))
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.executemany(
            "INSERT INTO change (hlc, table_name, row_id, field, device_id, user_id, value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            changes,
        )
        if not session.info.get(BULK_LOAD_KEY):  # a bulk load fills the clocks once, at its end
            cursor.execute(
                "INSERT INTO field_clock (table_name, row_id, field, hlc) "
                "SELECT table_name, row_id, field, hlc FROM change WHERE hlc >= ? AND hlc <= ? AND table_name = ?",
                (first_hlc, hlc, name),
            )
        cursor.close()
    else:
        keys = ("hlc", "table_name", "row_id", "field", "device_id", "user_id", "value")
        conn.execute(insert(Change), [dict(zip(keys, c, strict=True)) for c in changes])
        conn.execute(
            insert(FieldClock),
            [{"table_name": c[1], "row_id": c[2], "field": c[3], "hlc": c[0]} for c in changes],
        )
    ctx.note_bulk(name)
    if refresh_index and name in fts.INDEXED_TABLES:
        fts.refresh_for_changes(conn, {name: {row["id"].hex for row in batch}})
    return len(batch)


@contextmanager
def bulk_load(session: Session) -> Iterator[None]:
    """Load many new rows fast: secondary indexes are dropped now and rebuilt from sorted data at the end.

    Updating a dozen b-trees row by row in random order thrashes the page cache once they outgrow it;
    building each index once is many times faster. Everything happens inside the caller's transaction,
    so an error or Cancel rolls the indexes back with the data. SQLite only; elsewhere it does nothing.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite" or session.info.get(BULK_LOAD_KEY):
        yield
        return
    start = session.info[INFO_KEY].clock.now()  # every row loaded below gets a later clock
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name NOT IN ('contact_search', 'local_state')"
    ).all()
    for index_name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{index_name}"')
    cache_pages = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size={BULK_CACHE_KIB}")
    session.info[BULK_LOAD_KEY] = True
    try:
        yield
    finally:
        session.info.pop(BULK_LOAD_KEY, None)
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_pages)}")
    conn.exec_driver_sql(
        "INSERT INTO field_clock (table_name, row_id, field, hlc) "
        "SELECT table_name, row_id, field, max(hlc) FROM change WHERE hlc > ? GROUP BY table_name, row_id, field "
        "ORDER BY table_name, row_id, field "
        "ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc WHERE excluded.hlc > field_clock.hlc",
        (start,),
    )
    for _index_name, sql in indexes:
        conn.exec_driver_sql(sql)


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
