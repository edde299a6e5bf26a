"""Query plans of the statements a service call runs, to check that big lists stay on their indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlmodel import Session


def query_plans(session: Session, call: Callable[[], Any]) -> list[str]:
    """Run `call`, then EXPLAIN QUERY PLAN each SELECT it issued; one string of plan details per statement."""
    connection = session.connection()
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    raw = connection.connection.dbapi_connection
    assert raw is not None
    return [
        " | ".join(str(row[-1]) for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)) for sql, params in seen
    ]
