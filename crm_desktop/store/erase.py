"""Removing data for good, below the journal: what a GDPR erasure and a workspace restore need.

Ordinary writes never destroy anything (tombstones, append-only journal). Two cases must: erasing a
person (their old values in the change journal, the search index and freed database pages) and
replacing the starting rows of a brand-new workspace with the rows of an imported archive.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Table, bindparam, delete, text
from sqlalchemy.engine import Connection, Engine

CHUNK = 500

_SCRUB = text(
    "UPDATE change SET value = NULL "
    "WHERE table_name = :t AND row_id = :r AND field = :f AND hlc < :before AND value IS NOT NULL"
)


def scrub_journal(conn: Connection, fields: Iterable[tuple[str, str, str]], *, before: str) -> int:
    """Forget the recorded values of these (table, row id hex, field) set before clock `before`; returns how many.

    The rows stay (who changed which field when remains auditable); only the value becomes NULL. Changes made
    at or after `before` (the erasure itself) keep their values, so the anonymized state still replicates.
    """
    params = [{"t": t, "r": r, "f": f, "before": before} for t, r, f in fields]
    if not params:
        return 0
    result = conn.execute(_SCRUB, params)
    return max(result.rowcount or 0, 0)


@contextmanager
def secure_delete(conn: Connection) -> Iterator[None]:
    """Make SQLite overwrite deleted and replaced content with zeros while the block runs (SQLite only)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    previous = raw.execute("PRAGMA secure_delete").fetchone()[0]
    raw.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA secure_delete = {int(previous)}")


def compact_search_index(conn: Connection) -> None:
    """Merge the contact search index into one segment, dropping every trace of entries removed from it."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO contact_fts(contact_fts) VALUES ('optimize')")


def flush_write_ahead_log(engine: Engine) -> bool:
    """Copy the write-ahead log into the database file and empty it; False when a reader kept it from finishing."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        busy, _log_frames, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy) == 0


def purge_rows(conn: Connection, table: Table, row_ids: Collection[uuid.UUID]) -> int:
    """Delete rows of a table outright, with their journal entries and field clocks, as if never made.

    Only for a new workspace's automatically created rows that an imported archive replaces: nothing else
    ever deletes rows.
    """
    ids = list(row_ids)
    removed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        params = {"ids": [i.hex for i in chunk], "t": table.name}
        for statement in (
            "DELETE FROM change WHERE table_name = :t AND row_id IN :ids",
            "DELETE FROM field_clock WHERE table_name = :t AND row_id IN :ids",
        ):
            conn.execute(text(statement).bindparams(bindparam("ids", expanding=True)), params)
        result = conn.execute(delete(table).where(table.c.id.in_(chunk)))
        removed += max(result.rowcount or 0, 0)
    return removed
