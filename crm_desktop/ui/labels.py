"""Human labels and quiet marker colours for the stored vocabularies (statuses, stages, priorities)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon

from crm_desktop.ui.resources import dot_icon

_COLORS = {
    # lifecycle stages
    "subscriber": "#8b5cf6",
    "lead": "#3b82f6",
    "opportunity": "#f59e0b",
    "customer": "#10b981",
    "churned": "#9ca3af",
    "other": "#9ca3af",
    # lead statuses
    "open": "#3b82f6",
    "contacted": "#06b6d4",
    "qualified": "#10b981",
    "unqualified": "#9ca3af",
    # case statuses
    "new": "#8b5cf6",
    "pending": "#f59e0b",
    "resolved": "#10b981",
    "closed": "#9ca3af",
    # case priorities
    "low": "#9ca3af",
    "normal": "#3b82f6",
    "high": "#f59e0b",
    "urgent": "#ef4444",
    # loyalty tiers (the default ones; custom tiers simply get no dot)
    "bronze": "#b45309",
    "silver": "#94a3b8",
    "gold": "#eab308",
    "platinum": "#6366f1",
}

RED = QColor("#dc2626")
AMBER = QColor("#d97706")


def label(value: str | None) -> str:
    """'needs_analysis' → 'Needs analysis'; None → ''."""
    return value.replace("_", " ").capitalize() if value else ""


@cache
def marker(value: str | None) -> QIcon | None:
    """A small coloured dot for a vocabulary value, or None when it has no colour."""
    color = _COLORS.get(value or "")
    return dot_icon(QColor(color)) if color else None
