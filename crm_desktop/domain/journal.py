"""Local-only bookkeeping: the change journal, per-field clocks and this database's identity."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Change(SQLModel, table=True):
    """One field set by one committed change; doubles as the audit log and the sync feed."""

    __tablename__ = "change"
    # WITHOUT ROWID: rows live in the primary-key b-tree instead of being stored twice (table + PK index).
    # ix_change_row serves a record's history and, being in field-clock order, rebuilds field_clock without a sort.
    __table_args__ = (Index("ix_change_row", "table_name", "row_id", "field", "hlc"), {"sqlite_with_rowid": False})
    hlc: str = Field(primary_key=True, max_length=48)
    table_name: str = Field(primary_key=True, max_length=40)
    row_id: str = Field(primary_key=True, max_length=32)
    field: str = Field(primary_key=True, max_length=60)
    device_id: str = Field(max_length=16)
    user_id: str | None = Field(default=None, max_length=32)
    value: str | None = None  # JSON text


class FieldClock(SQLModel, table=True):
    """The newest clock that set each field of each row, so merges keep the latest write."""

    __tablename__ = "field_clock"
    __table_args__ = {"sqlite_with_rowid": False}
    table_name: str = Field(primary_key=True, max_length=40)
    row_id: str = Field(primary_key=True, max_length=32)
    field: str = Field(primary_key=True, max_length=60)
    hlc: str = Field(max_length=48)


class LocalState(SQLModel, table=True):
    """Per-database facts that never replicate: device id, the local user, last clock."""

    __tablename__ = "local_state"
    __table_args__ = {"sqlite_with_rowid": False}
    key: str = Field(primary_key=True, max_length=60)
    value: str
