"""Fast inserts of many new rows (demo data, imports) that still leave exactly the journal DESIGN §4 asks for.

On SQLite the rows go in through one raw `executemany` with per-column converters, and their change
rows are written by SQLite itself (`INSERT … SELECT` from the rows just stored), so no value is encoded
twice in Python. A bulk insert is one event: all its rows share one clock reading. Other databases take
the portable path through SQLAlchemy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Table, Uuid, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from crm_desktop.domain import Change, FieldClock, UTCDateTime
from crm_desktop.store import fts
from crm_desktop.store.journal import INFO_KEY, UNJOURNALED_FIELDS, JournalContext, column_defaults, encode_value

BULK_LOAD_KEY = "crm_bulk_load"
BULK_CACHE_KIB = -262_144  # 256 MB of page cache while a bulk load runs (negative = KiB in SQLite)
SORTER_THREADS = 4  # helper threads SQLite may use to sort while it rebuilds indexes
_SQLITE = sqlite.dialect()
# The clock of every field the load set, read in ix_change_row order so nothing is sorted; when a field
# was set twice its clocks arrive oldest first and the upsert keeps the newest.
FIELD_CLOCKS_SINCE = (
    "INSERT INTO field_clock (table_name, row_id, field, hlc) "
    "SELECT table_name, row_id, field, hlc FROM change INDEXED BY ix_change_row WHERE hlc > ? "
    "ORDER BY table_name, row_id, field, hlc "
    "ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc WHERE excluded.hlc > field_clock.hlc"
)
EMPTY_JSON = "('[]', '{}', 'null')"  # JSON values the journal leaves out, like NULL


def bulk_insert(
    session: Session, model: type[Any], rows: Iterable[Mapping[str, Any]], *, refresh_index: bool = True
) -> int:
    """Insert many new rows and their journal entries in the caller's transaction; returns how many."""
    ctx: JournalContext = session.info[INFO_KEY]
    table: Table = model.__table__
    conn = session.connection()
    constants, factories = _row_defaults(model)
    batch = [{**constants, **{k: f() for k, f in factories if k not in r}, **r} for r in rows]
    if not batch:
        return 0
    hlc = ctx.clock.now()
    if conn.dialect.name == "sqlite":
        _sqlite_insert(conn, table, batch, hlc, ctx, clocks=not session.info.get(BULK_LOAD_KEY))
    else:
        _portable_insert(conn, table, batch, hlc, ctx)
    ctx.note_bulk(table.name)
    if refresh_index and table.name in fts.INDEXED_TABLES:
        fts.refresh_for_changes(conn, {table.name: {row["id"].hex for row in batch}})
    return len(batch)


def _sqlite_insert(
    conn: Connection, table: Table, batch: list[dict[str, Any]], hlc: str, ctx: JournalContext, *, clocks: bool
) -> None:
    """Rows through raw executemany; their journal and field clocks derived inside SQLite."""
    plan = _sqlite_plan(table)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        last_rowid = cursor.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table.name}"').fetchone()[0]
        columns = [_stored_column([row.get(name) for row in batch], convert) for name, convert in plan.pairs]
        cursor.executemany(plan.insert_sql, zip(*columns, strict=True))
        params = (hlc, ctx.clock.device_id, ctx.user_id, last_rowid)
        cursor.execute(plan.journal_sql, params)
        if clocks:  # a bulk load fills the clocks once, at its end
            cursor.execute(
                "INSERT INTO field_clock (table_name, row_id, field, hlc) "
                "SELECT table_name, row_id, field, hlc FROM change WHERE hlc = ? AND table_name = ?",
                (hlc, table.name),
            )
    finally:
        cursor.close()


@cache
def _row_defaults(model: type[Any]) -> tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]]:
    """A model's constant defaults (merged into each row at C speed) and its factories (called per row)."""
    fields = model.model_fields
    defaults = column_defaults(model)
    constants = {name: make() for name, make in defaults.items() if fields[name].default_factory is None}
    factories = tuple((name, make) for name, make in defaults.items() if fields[name].default_factory is not None)
    return constants, factories


def _stored_column(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """One column's values as SQLite stores them; with the converters below, for which equal values give equal
    results, a value repeated down the column (one clock reading in every created_at) is converted once."""
    if convert is _as_is:
        return values
    if convert not in _MEMO_SAFE:
        return [None if value is None else convert(value) for value in values]
    memo: dict[Any, Any] = {}
    stored = []
    for value in values:
        if value is None:
            stored.append(None)
        elif value in memo:
            stored.append(memo[value])
        else:
            stored.append(memo.setdefault(value, convert(value)))
    return stored


def _portable_insert(
    conn: Connection, table: Table, batch: list[dict[str, Any]], hlc: str, ctx: JournalContext
) -> None:
    """The same rows and journal through SQLAlchemy (PostgreSQL server mode)."""
    conn.execute(insert(table), batch)
    device, user = ctx.clock.device_id, ctx.user_id
    changes = [
        {"hlc": hlc, "table_name": table.name, "row_id": row["id"].hex, "field": column.name, "device_id": device,
         "user_id": user, "value": encode_value(value)}
        for row in batch
        for column in table.columns
        if column.name not in UNJOURNALED_FIELDS and (value := row.get(column.name)) not in (None, [], {})
    ]  # fmt: skip
    if changes:
        conn.execute(insert(Change), changes)
        conn.execute(insert(FieldClock), [{k: c[k] for k in ("table_name", "row_id", "field", "hlc")} for c in changes])


class _SqlitePlan:
    """What one table's bulk insert runs: the INSERT, a converter per column, the journal statements."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        columns = list(table.columns)
        self.pairs = [(c.name, _converter(c.type, dialect)) for c in columns]
        quoted = ", ".join(f'"{c.name}"' for c in columns)
        self.insert_sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in columns)})'
        selects = [
            f"SELECT '{c.name}' AS field, id AS row_id, {_json_expression(c.type, c.name)} AS value "
            f'FROM "{table.name}" WHERE rowid > ?4 AND "{c.name}" IS NOT NULL{_json_filter(c.type, c.name)}'
            for c in columns
            if c.name not in UNJOURNALED_FIELDS
        ]
        # One statement in primary-key order, so SQLite appends to the journal b-tree and packs its pages full.
        # MATERIALIZED keeps each SELECT on its rowid range: without it SQLite would merge the UNION in
        # row_id order by scanning the whole table through its id index, once per batch.
        self.journal_sql = (
            f"WITH batch AS MATERIALIZED ({' UNION ALL '.join(selects)}) "
            "INSERT INTO change (hlc, table_name, row_id, field, device_id, user_id, value) "
            f"SELECT ?1, '{table.name}', row_id, field, ?2, ?3, value FROM batch ORDER BY row_id, field"
        )


@cache
def _sqlite_plan(table: Table) -> _SqlitePlan:
    return _SqlitePlan(table, _SQLITE)


def _json_expression(sql_type: Any, name: str) -> str:
    """SQL turning a stored value back into the journal's JSON text (the same value `encode_value` gives)."""
    if isinstance(sql_type, UTCDateTime):
        return f"""json_quote(replace("{name}", ' ', 'T') || 'Z')"""
    if isinstance(sql_type, Boolean):
        return f"""CASE WHEN "{name}" THEN 'true' ELSE 'false' END"""
    if isinstance(sql_type, JSON):
        return f'json("{name}")'
    return f'json_quote("{name}")'


def _json_filter(sql_type: Any, name: str) -> str:
    return f' AND json("{name}") NOT IN {EMPTY_JSON}' if isinstance(sql_type, JSON) else ""


def _converter(sql_type: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """How a Python value is stored on SQLite: fast paths for the hot types, SQLAlchemy's own for the rest."""
    if isinstance(sql_type, UTCDateTime):
        return _stored_datetime
    if isinstance(sql_type, Uuid):
        return _stored_uuid
    if isinstance(sql_type, Date):
        return date.isoformat
    if isinstance(sql_type, Boolean):
        return int
    processor = sql_type._cached_bind_processor(dialect)
    return processor or _as_is


def _stored_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: CRM Desktop stores aware UTC datetimes only")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _stored_uuid(value: uuid.UUID | str) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex


def _as_is(value: Any) -> Any:
    return value


_MEMO_SAFE = frozenset({_stored_datetime, _stored_uuid, date.isoformat, int})


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
    threads = conn.exec_driver_sql("PRAGMA threads").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size={BULK_CACHE_KIB}")
    conn.exec_driver_sql(f"PRAGMA threads={SORTER_THREADS}")
    session.info[BULK_LOAD_KEY] = True
    try:
        yield
        for _index_name, sql in indexes:
            conn.exec_driver_sql(sql)
        conn.exec_driver_sql(FIELD_CLOCKS_SINCE, (start,))
    finally:
        session.info.pop(BULK_LOAD_KEY, None)
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_pages)}")
        conn.exec_driver_sql(f"PRAGMA threads={int(threads)}")
