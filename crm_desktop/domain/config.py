"""Business settings (each declared once here, with type and default) and custom field definitions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from crm_desktop.domain.base import Replicated


class Setting(Replicated, table=True):
    """A shared business setting (business name, currency, churn window, loyalty rules)."""

    __tablename__ = "setting"
    key: str = Field(max_length=120, index=True)
    value: Any = Field(default=None, sa_column=Column(JSON))


class CustomFieldDef(Replicated, table=True):
    """Declares a custom field on contacts, organizations, deals or cases."""

    __tablename__ = "custom_field_def"
    entity: str = Field(max_length=20)
    key: str = Field(max_length=80)
    label: str = Field(max_length=120)
    field_type: str = Field(default="text", max_length=20)
    choices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0


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
        SettingDef("business_address", "", str, "Business postal address (one line per row), printed on quotes"),
        SettingDef("business_email", "", str, "Business email printed on quotes"),
        SettingDef("business_phone", "", str, "Business phone printed on quotes"),
        SettingDef("business_logo", "", str, "Path of a PNG or JPEG logo for quotes and reports"),
        SettingDef("quote_validity_days", 30, int, "Days a quote stays valid"),
        SettingDef(
            "quote_terms",
            "To accept this quote, sign and return a copy or reply to our email.",
            str,
            "Terms printed at the foot of quotes",
        ),
        SettingDef("currency", "EUR", str, "Currency (ISO 4217)"),
        SettingDef("locale", "en_GB", str, "Locale for dates and money"),
        SettingDef("timezone", "UTC", str, "Business time zone"),
        SettingDef("default_region", "GB", str, "Default phone region"),
        SettingDef("paper_size", "A4", str, "Paper size for reports (A4 or Letter)"),
        SettingDef("churn_inactivity_days", 90, int, "Days without a purchase before a customer churns"),
        SettingDef("points_per_currency_unit", 1, int, "Loyalty points per whole currency unit spent"),
        SettingDef("points_expiry_days", 365, int, "Days until earned points expire (0 = never)"),
        SettingDef("contact_views", [], list, "Saved views of the contacts list (name, filter, sort, columns)"),
        SettingDef("case_sla_hours", {"low": 120, "normal": 48, "high": 24, "urgent": 4}, dict, "SLA by priority"),
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
