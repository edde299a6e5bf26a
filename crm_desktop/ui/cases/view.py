"""The Cases tab: search, a status filter (open queue by default) and the cases table."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from crm_desktop.services.vocab import OPEN_CASE_STATUSES, CaseStatus
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.cases.model import CasesModel
from crm_desktop.ui.event_hub import CASES, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.table_tab import TableTab

OPEN_QUEUE = tuple(s.value for s in OPEN_CASE_STATUSES)


class CasesTab(TableTab):
    """The support queue; the filter offers the open queue, everything, or one status."""

    WATCHES = CASES | SETTINGS
    NOUN = ("case", "cases")

    def __init__(self, db: Workspace, hub: EventHub, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(
            CasesModel(db, fmt, OPEN_QUEUE),
            hub,
            fmt,
            parent=parent,
            placeholder="Search reference, subject, contact or organization",
        )
        self.model: CasesModel
        self.status_filter = QComboBox(self)
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.addItem("Open cases", OPEN_QUEUE)
        self.status_filter.addItem("All cases", None)
        self.status_filter.insertSeparator(2)
        for status in CaseStatus:
            icon = marker(status.value)
            if icon is not None:
                self.status_filter.addItem(icon, label(status.value), (status.value,))
            else:
                self.status_filter.addItem(label(status.value), (status.value,))
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_statuses(self.status_filter.currentData())
        )
        self.filters.addWidget(self.status_filter)
