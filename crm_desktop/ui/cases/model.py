"""The cases table model: pages of `list_cases` under a status filter, sorted in SQL."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import Any

from PySide6.QtGui import QIcon

from crm_desktop.services.cases import CaseRow, count_cases, list_cases
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import RED, label, marker
from crm_desktop.ui.resources import tinted_icon
from crm_desktop.ui.table_model import Column, PagedTableModel


class CasesModel(PagedTableModel[CaseRow]):
    """Reference, subject, contact, organization, status, priority, opened, SLA due (newest first)."""

    def __init__(self, db: Workspace, fmt: Formatter, statuses: Collection[str] | None) -> None:
        super().__init__(db, fmt, sort_column=6, descending=True)
        self.statuses = statuses
        self.columns = self._columns()

    @cached_property
    def overdue_icon(self) -> QIcon:
        return tinted_icon("overdue", RED)

    def _columns(self) -> list[Column[CaseRow]]:
        return [
            Column("Reference", lambda r: r.reference, "reference", width=100),
            Column(
                "Subject",
                lambda r: r.subject,
                "subject",
                width=260,
                tooltip=lambda r: r.subject,
                stretch=True,
            ),
            Column("Contact", lambda r: r.contact_name or "", "contact_name", width=170),
            Column("Organization", lambda r: r.organization_name or "", "organization_name", width=170),
            Column("Status", lambda r: label(r.status), "status", width=100, icon=lambda r: marker(r.status)),
            Column(
                "Priority",
                lambda r: label(r.priority),
                "priority",
                width=100,
                icon=lambda r: marker(r.priority),
                bold=lambda r: r.priority == "urgent",
            ),
            Column("Opened", lambda r: self.fmt.date(r.opened_at), "opened_at", width=110),
            Column(
                "SLA due",
                lambda r: self.fmt.moment(r.sla_due_at),
                "sla_due_at",
                width=160,
                icon=lambda r: self.overdue_icon if r.overdue else None,
                color=lambda r: RED if r.overdue else None,
                tooltip=lambda r: "Past its SLA and still open" if r.overdue else None,
            ),
        ]

    def set_statuses(self, statuses: Collection[str] | None) -> None:
        """Keep only cases in these statuses (None = all)."""
        self.statuses = statuses
        self.reload(keep_loaded=False)

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[CaseRow]:
        return list_cases(
            session=session,
            search=self.search,
            statuses=self.statuses,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
        )

    def count_rows(self, session: Any) -> int:
        return count_cases(session=session, search=self.search, statuses=self.statuses)
