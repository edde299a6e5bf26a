"""Service-layer tests, plus small helpers to read the change journal and build records."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def mark(session: Session) -> str:
    """The newest journal clock so far; pass it to `changes_since` after a mutation."""
    session.flush()
    value = session.connection().exec_driver_sql("SELECT coalesce(max(hlc), '') FROM change").scalar()
    return str(value)


def changes_since(session: Session, since: str) -> list[tuple[str, str, str]]:
    """(table, row id hex, field) of every journal row written after `since`."""
    session.flush()
    rows = session.connection().exec_driver_sql(
        "SELECT table_name, row_id, field FROM change WHERE hlc > ? ORDER BY hlc, table_name, field", (since,)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def fields_changed(session: Session, since: str, table: str, row_id: uuid.UUID) -> Counter[str]:
    """How many journal rows each field of one record got after `since`."""
    return Counter(f for t, r, f in changes_since(session, since) if t == table and r == row_id.hex)


def journaled_fields(obj: Any) -> set[str]:
    """The fields a newly created row must be journaled with: every set value except the id."""
    data = obj.model_dump()
    return {k for k, value in data.items() if k != "id" and value is not None and value != [] and value != {}}


def ledger_count(session: Session, table: str, **where: Any) -> int:
    """Rows in a table matching simple equality conditions (uuid values compared as hex)."""
    clauses = " AND ".join(f"{k} = ?" for k in where) or "1 = 1"
    params = tuple(v.hex if isinstance(v, uuid.UUID) else v for v in where.values())
    sql = f"SELECT count(*) FROM {table} WHERE {clauses}"
    return int(session.connection().exec_driver_sql(sql, params).scalar_one())
