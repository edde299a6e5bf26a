"""The Trash table model: pages of `list_trash` for one kind, most recently deleted first."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from crm_desktop.services.trash import TrashKind, TrashRow, count_trash, list_trash
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import AMBER
from crm_desktop.ui.table_model import Column, PagedTableModel


def note(row: TrashRow) -> str:
    """What to know before restoring: the organization is in the Trash too, or it was a merged duplicate."""
    parts = []
    if row.merged_into_name:
        parts.append(f"Merged into {row.merged_into_name}")
    if row.organization_in_trash:
        parts.append(f"{row.organization_name} is in the Trash too")
    return "; ".join(parts)


class TrashModel(PagedTableModel[TrashRow]):
    """Name, details, organization, when deleted and a note; always newest deletion first (SQL order)."""

    def __init__(self, db: Workspace, fmt: Formatter, kind: TrashKind = "contact") -> None:
        super().__init__(db, fmt, sort_column=3, descending=True)
        self.kind: TrashKind = kind
        self.columns = self._columns()

    def _columns(self) -> list[Column[TrashRow]]:
        return [
            Column("Name", lambda r: r.name, width=200, stretch=True),
            Column("Details", lambda r: r.detail or "", width=220),
            Column("Organization", lambda r: r.organization_name or "", width=170),
            Column("Deleted", lambda r: self.fmt.moment(r.deleted_at), "deleted_at", width=150),
            Column("Note", note, width=200, tooltip=lambda r: note(r) or None, color=_amber_if_noted, stretch=True),
        ]

    def set_kind(self, kind: TrashKind) -> None:
        """Show deleted contacts or deleted organizations."""
        if kind != self.kind:
            self.kind = kind
            self.reload(keep_loaded=False)

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[TrashRow]:
        return list_trash(session=session, kind=self.kind, search=self.search, offset=offset, limit=limit)

    def count_rows(self, session: Any) -> int:
        return count_trash(session=session, kind=self.kind, search=self.search)


def _amber_if_noted(row: TrashRow) -> QColor | None:
    return AMBER if note(row) else None
