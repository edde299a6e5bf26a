"""Business settings shared by the team and declarations of custom fields."""

from __future__ import annotations

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
