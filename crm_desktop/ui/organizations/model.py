"""Item models of the organizations view: the lazy organizations table and one organization's deals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from crm_desktop.services.organization_list import (
    OrganizationDeal,
    OrganizationListRow,
    count_organization_rows,
    list_organization_rows,
    organization_deals,
)
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.table_model import LEFT, RIGHT, ROW_ROLE, Column, Index, PagedTableModel


class OrganizationsModel(PagedTableModel[OrganizationListRow]):
    """Name, domain, industry, city, contacts, open deals and their value; sorted and paged in SQL."""

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__(db, fmt)
        self.columns = [
            Column("Name", lambda r: r.name, "name", width=220, stretch=True, tooltip=lambda r: r.name),
            Column("Domain", lambda r: r.domain or "", "domain", width=170),
            Column("Industry", lambda r: r.industry or "", "industry", width=140),
            Column("City", lambda r: r.city or "", "city", width=120),
            Column("Contacts", lambda r: self.fmt.number(r.contact_count), "contact_count", RIGHT, 100),
            Column("Open deals", lambda r: self.fmt.number(r.open_deals), "open_deals", RIGHT, 115),
            Column(
                "Open deal value",
                lambda r: self.fmt.money(r.open_deal_value_cents, r.currency, whole=True),
                "open_deal_value_cents",
                RIGHT,
                150,
            ),
        ]

    def fetch_rows(
        self, session: Any, *, sort: str, descending: bool, offset: int, limit: int
    ) -> list[OrganizationListRow]:
        return list_organization_rows(
            session=session, search=self.search, sort_key=sort, descending=descending, offset=offset, limit=limit
        )

    def count_rows(self, session: Any) -> int:
        return count_organization_rows(session=session, search=self.search)


class OrganizationDealsModel(QAbstractTableModel):
    """The deals of one organization (a few hundred at most: loaded at once, read-only)."""

    HEADERS = ("Deal", "Contact", "Stage", "Value", "Expected close")

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__()
        self._db, self.fmt = db, fmt
        self.deals: list[OrganizationDeal] = []

    def load(self, organization_id: Any) -> None:
        """Show this organization's deals (None: none)."""
        self.beginResetModel()
        if organization_id is None:
            self.deals = []
        else:
            with self._db.read_session() as session:
                self.deals = organization_deals(session=session, organization_id=organization_id)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.deals)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(RIGHT if section == 3 else LEFT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.deals):
            return None
        deal, column = self.deals[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            stage = deal.stage_name or ""
            if deal.status != "open":
                stage = label(deal.status)
            money = self.fmt.money(deal.value_cents, deal.currency, whole=True)
            values = (deal.title, deal.contact_name or "", stage, money, self.fmt.date(deal.expected_close))
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column == 3 else LEFT)
        if role == Qt.ItemDataRole.DecorationRole and column == 2 and deal.status != "open":
            return marker("qualified" if deal.status == "won" else "closed")
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return deal.title
        if role == ROW_ROLE:
            return deal
        return None
