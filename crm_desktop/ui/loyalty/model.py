"""The loyalty members table model: pages of `list_members`, sorted in SQL."""

from __future__ import annotations

from typing import Any

from crm_desktop.services.loyalty import MemberRow, count_members, list_members
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import marker
from crm_desktop.ui.table_model import RIGHT, Column, PagedTableModel


class MembersModel(PagedTableModel[MemberRow]):
    """Name, email, points balance, lifetime points, tier, purchases, total spent, last purchase."""

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__(db, fmt, sort_column=2, descending=True)
        self.columns = self._columns()

    def _columns(self) -> list[Column[MemberRow]]:
        fmt = lambda: self.fmt  # noqa: E731  (the formatter can be swapped when settings change)
        return [
            Column("Name", lambda r: r.display_name, "display_name", width=170, stretch=True),
            Column("Email", lambda r: r.email or "", "email", width=190),
            Column("Points", lambda r: fmt().number(r.balance), "balance", RIGHT, width=80),
            Column("Lifetime", lambda r: fmt().number(r.lifetime_points), "lifetime_points", RIGHT, width=85),
            Column(
                "Tier",
                lambda r: r.tier or "—",
                "tier",
                width=100,
                icon=lambda r: marker((r.tier or "").casefold()),
            ),
            Column("Purchases", lambda r: fmt().number(r.purchases), "purchases", RIGHT, width=95),
            Column(
                "Total spent",
                lambda r: fmt().money(r.total_spent_cents, r.currency),
                "total_spent_cents",
                RIGHT,
                width=115,
            ),
            Column("Last purchase", lambda r: fmt().date(r.last_purchase_at), "last_purchase_at", width=120),
        ]

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[MemberRow]:
        return list_members(
            session=session, search=self.search, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def count_rows(self, session: Any) -> int:
        return count_members(session=session, search=self.search)
