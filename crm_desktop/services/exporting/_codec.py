"""Table rows as plain JSON values and back, losslessly (UUIDs, aware times, dates, integer money, JSON fields)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, ColumnElement, Date, Integer, String, Table, Uuid, select
from sqlalchemy.engine import Connection, Row

from crm_desktop.domain import UTCDateTime

PAGE = 2_000
Decoder = Callable[[Any], Any]


def plain(value: Any) -> Any:
    """A JSON-ready value: UUIDs as canonical strings, times and dates in ISO 8601, the rest as is."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of a row as a JSON-ready value."""
    return {name: plain(value) for name, value in row.items()}


def _encoder(sql_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(sql_type, Uuid):
        return str
    if isinstance(sql_type, UTCDateTime):
        return _utc_text
    if isinstance(sql_type, Date):
        return date.isoformat
    return None  # ints, text, flags and JSON are JSON already


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


@cache
def row_encoder(table: Table) -> Callable[[Row[Any]], dict[str, Any]]:
    """A fast `plain_row` for rows of one table: each column's conversion is chosen once."""
    plan = [(c.name, _encoder(c.type)) for c in table.columns]

    def encode(row: Row[Any]) -> dict[str, Any]:
        return {
            name: value if convert is None or value is None else convert(value)
            for (name, convert), value in zip(plan, row, strict=True)
        }

    return encode


def iter_pages(
    conn: Connection, table: Table, *, where: ColumnElement[bool] | None = None, size: int = PAGE
) -> Iterator[list[Row[Any]]]:
    """All rows of a table (Trash included) in id order, one page at a time, so memory stays bounded."""
    last: Any = None
    while True:
        stmt = select(*table.columns).order_by(table.c.id).limit(size)
        if where is not None:
            stmt = stmt.where(where)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        rows = list(conn.execute(stmt))
        if not rows:
            return
        yield rows
        last = rows[-1].id


class BadValue(ValueError):
    """A value in an archive does not fit its column; the message says what was expected."""


def _uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise BadValue("an id (text)")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadValue("an id") from None


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadValue("a date and time (text)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue("a date and time in ISO 8601") from None
    if moment.tzinfo is None:
        raise BadValue("a date and time with its time zone")
    return moment.astimezone(UTC)


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise BadValue("a date (text)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue("a date in ISO 8601 (YYYY-MM-DD)") from None


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue("a whole number")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue("true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue("text")
    return value


def _as_is(value: Any) -> Any:
    return value


def _decoder(sql_type: Any) -> Decoder:
    if isinstance(sql_type, Uuid):
        return _uuid
    if isinstance(sql_type, UTCDateTime):
        return _moment
    if isinstance(sql_type, Date):
        return _day
    if isinstance(sql_type, Boolean):
        return _flag
    if isinstance(sql_type, Integer):
        return _integer
    if isinstance(sql_type, JSON):
        return _as_is
    if isinstance(sql_type, String):
        return _text
    return _as_is


@cache
def decoders(table: Table) -> dict[str, tuple[Decoder, bool]]:
    """Per column: the decoder of its JSON value and whether NULL is allowed."""
    return {c.name: (_decoder(c.type), bool(c.nullable) or isinstance(c.type, JSON)) for c in table.columns}


def decode_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read from an archive, typed for the table; BadValue names the first column that does not fit."""
    known = decoders(table)
    decoded: dict[str, Any] = {}
    for name, value in row.items():
        if name not in known:
            raise BadValue(f"no column {name!r} in {table.name} (was the archive made by a newer version?)")
        decode, nullable = known[name]
        if value is None:
            if not nullable:
                raise BadValue(f"{table.name}.{name} must have a value")
            decoded[name] = None
            continue
        try:
            decoded[name] = decode(value)
        except BadValue as exc:
            raise BadValue(f"{table.name}.{name} should be {exc}, not {value!r:.60}") from None
    if "id" not in decoded or decoded["id"] is None:
        raise BadValue(f"a {table.name} row without an id")
    return decoded
