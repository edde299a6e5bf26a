"""The organizations view: a lazy table on top; the chosen organization's contacts and deals below."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from crm_desktop.services.contact_list import ContactFilter
from crm_desktop.services.organization_list import OrganizationListRow
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.columns import FitColumns
from crm_desktop.ui.contacts.model import ContactsModel
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.organizations.model import OrganizationDealsModel, OrganizationsModel
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.widgets import make_table

ORG_CONTACT_COLUMNS = ("display_name", "email", "phone", "lifecycle_stage")


class OrganizationsView(QWidget):
    """Organizations searched and sorted in SQL; choosing one lists its contacts and deals (read-only)."""

    contact_chosen = Signal(object)  # uuid of a contact picked in the lower list, or None
    organization_changed = Signal(object)  # uuid or None

    def __init__(self, db: Workspace, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = OrganizationsModel(db, fmt)
        self.table = make_table(self.model, self)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.contacts_model = ContactsModel(db, fmt)
        self.contacts_table = make_table(self.contacts_model, self)
        for number, key in enumerate(self.contacts_model.keys):
            self.contacts_table.setColumnHidden(number, key not in ORG_CONTACT_COLUMNS)
        self.deals_model = OrganizationDealsModel(db, fmt)
        self.deals_table = QTableView(self)
        _calm(self.deals_table)
        self.deals_table.setModel(self.deals_model)
        deal_widths = (220, 150, 130, 110, 135)
        for number, width in enumerate(deal_widths):
            self.deals_table.setColumnWidth(number, width)
        self.deals_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fits = [
            FitColumns(self.table, [c.width for c in self.model.columns], rigid={4, 5, 6}),
            FitColumns(
                self.contacts_table,
                [s.column.width for s in self.contacts_model.specs],
                rigid={n for n, s in enumerate(self.contacts_model.specs) if s.rigid},
            ),
            FitColumns(self.deals_table, deal_widths, rigid={3, 4}),
        ]
        self.caption = QLabel("Choose an organization to see its contacts and deals", self)
        self.caption.setObjectName("sectionTitle")
        self.contacts_caption = make_muted(QLabel("Contacts", self))
        self.deals_caption = make_muted(QLabel("Deals", self))

        below = QSplitter(Qt.Orientation.Horizontal, self)
        below.setChildrenCollapsible(False)
        below.addWidget(_titled(self.contacts_caption, self.contacts_table))
        below.addWidget(_titled(self.deals_caption, self.deals_table))
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.setSpacing(6)
        lower_layout.addWidget(self.caption)
        lower_layout.addWidget(below, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.current_id: uuid.UUID | None = None
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelReset.connect(self._after_reset)
        self.contacts_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.contact_chosen.emit(self.contacts_model.row_id(current.row()))
        )

    def set_formatter(self, fmt: Formatter) -> None:
        self.model.fmt = self.contacts_model.fmt = self.deals_model.fmt = fmt

    def refresh(self) -> None:
        """Re-query the table, and the lists of the organization still chosen."""
        self.model.reload()
        self.show_organization(self.current_id)

    def select_row(self, row: int) -> None:
        """Make `row` the current organization (as a click would)."""
        self.table.setCurrentIndex(self.model.index(row, 0))

    def show_organization(self, organization_id: uuid.UUID | None) -> None:
        """List this organization's contacts and deals (None: clear them)."""
        self.current_id = organization_id
        self.deals_model.load(organization_id)
        if organization_id is None:
            self.contacts_model.show_nothing()
            self.caption.setText("Choose an organization to see its contacts and deals")
        else:
            wanted = ContactFilter(organization_id=organization_id)
            if self.contacts_model.filter == wanted:
                self.contacts_model.reload(keep_loaded=False)
            else:
                self.contacts_model.set_filter(wanted)
            row = self._row_of(organization_id)
            self.caption.setText(row.name if row is not None else "")
        fmt = self.contacts_model.fmt
        self.contacts_caption.setText(f"Contacts · {fmt.number(self.contacts_model.total)}")
        self.deals_caption.setText(f"Deals · {fmt.number(len(self.deals_model.deals))}")
        self.organization_changed.emit(organization_id)

    def _row_of(self, organization_id: uuid.UUID) -> OrganizationListRow | None:
        return next((r for r in self.model.rows() if r.id == organization_id), None)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        organization_id = self.model.row(current).id if current.isValid() else None
        if organization_id != self.current_id:
            self.show_organization(organization_id)

    def _after_reset(self) -> None:
        """Keep the chosen organization chosen across a reload, when it is still listed."""
        if self.current_id is None:
            return
        for number, row in enumerate(self.model.rows()):
            if row.id == self.current_id:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(number, 0),
                    self.table.selectionModel().SelectionFlag.ClearAndSelect
                    | self.table.selectionModel().SelectionFlag.Rows,
                )
                return


def _calm(view: QTableView) -> None:
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 14)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _titled(title: QLabel, table: QTableView) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(title)
    layout.addWidget(table, 1)
    return box
