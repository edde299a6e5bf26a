"""Saved views of the contacts list: a name plus filter, sort and visible columns, shared per workspace.

They live in one business setting (`contact_views`, a JSON list), so they travel with the database and
sync like any setting. Entries that cannot be read (a newer version's, damaged ones) are skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services.contact_list import SORT_KEYS, ContactFilter, check_filter
from crm_desktop.services.settings import get_setting, set_setting

SETTING_KEY = "contact_views"
MAX_NAME = 80
MAX_VIEWS = 100


@dataclass(frozen=True)
class SavedView:
    """What a saved view restores: the filter (with its search text), the sort and the visible columns."""

    name: str
    filter: ContactFilter = field(default_factory=ContactFilter)
    sort_key: str = "display_name"
    descending: bool = False
    columns: tuple[str, ...] = ()  # column keys in display order; empty: the default columns

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "filter": self.filter.to_json(),
            "sort_key": self.sort_key,
            "descending": self.descending,
            "columns": list(self.columns),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SavedView | None:
        """The stored view, or None when it cannot be read."""
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            return None
        raw_filter = data.get("filter")
        sort_key = data.get("sort_key")
        columns = data.get("columns")
        return cls(
            name=name.strip()[:MAX_NAME],
            filter=ContactFilter.from_json(raw_filter) if isinstance(raw_filter, Mapping) else ContactFilter(),
            sort_key=sort_key if sort_key in SORT_KEYS else "display_name",
            descending=data.get("descending") is True,
            columns=tuple(c for c in columns if isinstance(c, str)) if isinstance(columns, list) else (),
        )


def _stored(session: Session) -> list[Any]:
    value = get_setting(session=session, key=SETTING_KEY)
    return list(value) if isinstance(value, list) else []


def list_views(*, session: Session) -> list[SavedView]:
    """The saved views, sorted by name (ignoring case)."""
    views = [SavedView.from_json(item) for item in _stored(session) if isinstance(item, Mapping)]
    return sorted((view for view in views if view is not None), key=lambda view: view.name.casefold())


def save_view(*, session: Session, view: SavedView) -> SavedView:
    """Store a view; one with the same name (ignoring case) is replaced."""
    name = v.require_text(view.name, field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A view name can be at most {MAX_NAME} characters", field="name")
    v.check_sort(view.sort_key, SORT_KEYS)
    check_filter(view.filter)
    cleaned = SavedView(name, view.filter, view.sort_key, view.descending, tuple(view.columns))
    kept = [item for item in _stored(session) if not _named(item, name)]
    if len(kept) >= MAX_VIEWS:
        raise ValidationError(f"There are already {MAX_VIEWS} saved views; delete one first", field="name")
    set_setting(session=session, key=SETTING_KEY, value=[*kept, cleaned.to_json()])
    return cleaned


def delete_view(*, session: Session, name: str) -> None:
    """Forget a saved view (NotFound when there is none by that name)."""
    stored = _stored(session)
    kept = [item for item in stored if not _named(item, name)]
    if len(kept) == len(stored):
        raise NotFound(f"There is no saved view called “{name}”")
    set_setting(session=session, key=SETTING_KEY, value=kept)


def get_view(*, session: Session, name: str) -> SavedView:
    """One saved view by name (ignoring case)."""
    for view in list_views(session=session):
        if view.name.casefold() == name.strip().casefold():
            return view
    raise NotFound(f"There is no saved view called “{name}”")


def _named(item: Any, name: str) -> bool:
    stored = item.get("name") if isinstance(item, Mapping) else None
    return isinstance(stored, str) and stored.strip().casefold() == name.strip().casefold()
