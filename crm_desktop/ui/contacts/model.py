"""The contacts table model: pages of `list_contacts`, formatted for this business's locale."""

from __future__ import annotations

from typing import Any

from crm_desktop.services.contacts import ContactRow, count_contacts, format_phone, list_contacts
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.table_model import Column, PagedTableModel


class ContactsModel(PagedTableModel[ContactRow]):
    """Name, organization, email, phone (national format), stage, lead status, owner, created."""

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__(db, fmt)
        self.columns = self._columns()

    def _columns(self) -> list[Column[ContactRow]]:
        return [
            Column(
                "Name",
                lambda r: r.display_name,
                "display_name",
                width=190,
                tooltip=_tags_tooltip,
                stretch=True,
            ),
            Column("Organization", lambda r: r.organization_name or "", "organization_name", width=180),
            Column("Email", lambda r: r.email or "", "email", width=220),
            Column("Phone", lambda r: format_phone(r.phone, self.fmt.region), "phone", width=140),
            Column(
                "Stage",
                lambda r: label(r.lifecycle_stage),
                "lifecycle_stage",
                width=120,
                icon=lambda r: marker(r.lifecycle_stage),
            ),
            Column("Lead status", lambda r: label(r.lead_status), "lead_status", width=110),
            Column("Owner", lambda r: r.owner_name or "", "owner_name", width=120),
            Column("Created", lambda r: self.fmt.date(r.created_at), "created_at", width=110),
        ]

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[ContactRow]:
        return list_contacts(
            session=session, search=self.search, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def count_rows(self, session: Any) -> int:
        return count_contacts(session=session, search=self.search)


def _tags_tooltip(row: ContactRow) -> str | None:
    return f"{row.display_name}\nTags: {', '.join(row.tags)}" if row.tags else None
