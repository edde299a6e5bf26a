"""Business settings shared by the team, each declared once here with its type and default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from crm_desktop.domain import Setting
from crm_desktop.domain.errors import ValidationError


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: Any
    kind: type
    label: str


SETTINGS: dict[str, SettingDef] = {
    s.key: s
    for s in (
        SettingDef("business_name", "My Business", str, "Business name"),
        SettingDef("currency", "EUR", str, "Currency (ISO 4217)"),
        SettingDef("locale", "en_GB", str, "Locale for dates and money"),
        SettingDef("timezone", "UTC", str, "Business time zone"),
        SettingDef("default_region", "GB", str, "Default phone region"),
        SettingDef("paper_size", "A4", str, "Paper size for reports (A4 or Letter)"),
        SettingDef("churn_inactivity_days", 90, int, "Days without a purchase before a customer churns"),
        SettingDef("points_per_currency_unit", 1, int, "Loyalty points per whole currency unit spent"),
        SettingDef("points_expiry_days", 365, int, "Days until earned points expire (0 = never)"),
        SettingDef(
            "case_sla_hours", {"low": 120, "normal": 48, "high": 24, "urgent": 4}, dict, "SLA by priority"
        ),
        SettingDef(
            "onboarding_checklist",
            [
                {"title": "Send welcome email", "due_days": 1},
                {"title": "Kickoff call", "due_days": 3},
                {"title": "Check-in after 14 days", "due_days": 14},
            ],
            list,
            "Tasks created when a deal is won",
        ),
    )
}


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
