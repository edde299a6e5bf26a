"""The board's List alternative: a lazy table of the pipeline's open deals, sorted and paged in SQL."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from crm_desktop.services.deal_filter import DealFilter
from crm_desktop.services.deal_list import DealRow, count_deals, list_deals
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import RED
from crm_desktop.ui.table_model import RIGHT, Column, PagedTableModel
from crm_desktop.ui.widgets import make_table

VALUE_COLUMN = 4


class DealTableModel(PagedTableModel[DealRow]):
    """Title, organization, contact, stage, value, probability, weighted, expected close, owner, days in stage."""

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__(db, fmt, sort_column=VALUE_COLUMN, descending=True)
        self.pipeline_id: uuid.UUID | None = None
        self.narrow: DealFilter | None = None  # the filter bar's owner and expected close (the text is `search`)
        self.columns = self._columns()

    def _columns(self) -> list[Column[DealRow]]:
        def days(r: DealRow) -> str:
            return self.fmt.number(r.days_in_stage)

        return [
            Column("Title", lambda r: r.title, "title", width=220, tooltip=lambda r: r.title, stretch=True),
            Column("Organization", lambda r: r.organization_name or "", "organization_name", width=150),
            Column("Contact", lambda r: r.contact_name or "", "contact_name", width=140),
            Column("Stage", lambda r: r.stage_name or "", "stage", width=120),
            Column("Value", lambda r: self.fmt.money(r.value_cents, r.currency), "value_cents", RIGHT, 120),
            Column("Probability", lambda r: f"{r.probability} %", "probability", RIGHT, 115),
            Column("Weighted", lambda r: self.fmt.money(r.weighted_cents, r.currency), "weighted_cents", RIGHT, 120),
            Column("Expected close", lambda r: self.fmt.date(r.expected_close), "expected_close", width=135),
            Column("Owner", lambda r: r.owner_name or "", "owner_name", width=120),
            Column(
                "Days in stage",
                days,
                "days_in_stage",
                RIGHT,
                130,
                color=lambda r: RED if r.rotting else None,
                tooltip=lambda r: "Idle longer than this stage's limit" if r.rotting else None,
            ),
        ]

    def set_pipeline(self, pipeline_id: uuid.UUID | None) -> None:
        """Show another pipeline's deals (reloads only when it changed)."""
        if pipeline_id != self.pipeline_id:
            self.pipeline_id = pipeline_id
            self.reload(keep_loaded=False)

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[DealRow]:
        return list_deals(
            session=session,
            pipeline_id=self.pipeline_id,
            search=self.search,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
            narrow=self.narrow,
        )

    def count_rows(self, session: Any) -> int:
        return count_deals(session=session, pipeline_id=self.pipeline_id, search=self.search, narrow=self.narrow)


def make_deal_table(model: DealTableModel, parent: QWidget | None = None) -> QTableView:
    """The List mode's table: one selected row (the card actions' target), a context menu, SQL sorting."""
    table = make_table(model, parent)
    table.setObjectName("dealTable")
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return table
