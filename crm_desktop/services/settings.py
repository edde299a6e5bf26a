"""Reading and writing the business settings declared in crm_desktop.domain.config."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crm_desktop.domain import Setting
from crm_desktop.domain.config import SETTINGS, SettingDef
from crm_desktop.domain.errors import ValidationError


def get_setting(*, session: Session, key: str) -> Any:
    """The stored value of a business setting, or its declared default."""
    definition = _definition(key)
    row = session.exec(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None))).first()  # type: ignore[union-attr]
    return definition.default if row is None or row.value is None else row.value


def set_setting(*, session: Session, key: str, value: Any) -> None:
    """Store a business setting (journaled like any shared record)."""
    definition = _definition(key)
    if not isinstance(value, definition.kind) or (definition.kind is int and isinstance(value, bool)):
        raise ValidationError(f"{definition.label} must be a {definition.kind.__name__}", field=key)
    row = session.exec(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None))).first()  # type: ignore[union-attr]
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()


def _definition(key: str) -> SettingDef:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError(f"unknown setting {key!r}", field=key) from None
