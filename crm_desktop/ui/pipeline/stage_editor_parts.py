"""The widgets of the pipeline settings dialog: the stage table and the lost-reason list, filled in place.

They only show rows and report edits; the dialog turns edits into undoable service calls. Filling updates
the existing cells rather than replacing them, because it runs from inside a cell's own change signal.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import ValidationError
from crm_desktop.services.pipelines import LostReasonInfo, StageInfo

NAME, PROBABILITY, ROTTING, KIND, DEALS = range(5)
HEADERS = ("Stage", "Probability", "Rotting after", "Kind", "Deals")
ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # the stage kind; for a reason, its stored (name, active)
EDITABLE = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
FIXED = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def parse_number(text: str, *, field: str, label: str) -> int | None:
    """A whole number typed in a cell ("50", "50 %", "14 days"); blank or "never" is None."""
    clean = text.replace("%", "").replace("days", "").replace("day", "").strip()
    if not clean or clean.casefold() == "never":
        return None
    if not clean.isdigit():
        raise ValidationError(f"{label} must be a whole number (got “{text.strip()}”)", field=field)
    return int(clean)


def unused_name(base: str, taken: list[str]) -> str:
    """`base`, or `base 2`, `base 3`… whichever is not taken yet (ignoring case)."""
    folded = {t.casefold() for t in taken}
    name, n = base, 1
    while name.casefold() in folded:
        n += 1
        name = f"{base} {n}"
    return name


def button_column_page(page: QWidget, view: QWidget, note: QLabel, *buttons: QPushButton) -> QWidget:
    """Lay out a tab: the view with a column of buttons on its right, and a short note underneath."""
    side = QVBoxLayout()
    for button in buttons:
        side.addWidget(button)
    side.addStretch(1)
    row = QHBoxLayout()
    row.addWidget(view, 1)
    row.addLayout(side)
    layout = QVBoxLayout(page)
    layout.addLayout(row, 1)
    layout.addWidget(note)
    return page


class _StageCellDelegate(QStyledItemDelegate):
    """Shows "50 %" and "14 days"/"never" while the cells hold plain numbers for editing."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        text, is_open = option.text, index.siblingAtColumn(KIND).data(KIND_ROLE) == "open"
        if index.column() == PROBABILITY:
            option.text = f"{text} %"
        elif index.column() == ROTTING:
            option.text = (f"{text} days" if text else "never") if is_open else "—"


class StageTable(QTableWidget):
    """One row per stage in board order: name, probability and rotting days editable (the last two when open)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        self.setItemDelegate(_StageCellDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )  # fmt: skip
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (PROBABILITY, ROTTING, KIND, DEALS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def stage_id(self, row: int) -> uuid.UUID | None:
        item = self.item(row, NAME) if 0 <= row < self.rowCount() else None
        return item.data(ID_ROLE) if item is not None else None

    def kind(self, row: int) -> str | None:
        """ "open", "won" or "lost" for a row; None past the ends."""
        item = self.item(row, KIND) if 0 <= row < self.rowCount() else None
        return item.data(KIND_ROLE) if item is not None else None

    def names(self) -> list[str]:
        return [self.item(row, NAME).text() for row in range(self.rowCount())]

    def select_stage(self, stage_id: uuid.UUID | None) -> None:
        for row in range(self.rowCount()):
            if self.stage_id(row) == stage_id:
                self.setCurrentCell(row, NAME)
                return

    def fill(self, stages: list[StageInfo]) -> None:
        """Show these stages, keeping the selected one selected."""
        keep = self.stage_id(self.currentRow())
        self.setRowCount(len(stages))
        for row, s in enumerate(stages):
            is_open = s.kind == "open"
            values = (s.name, str(s.probability), "" if s.rotting_days is None else str(s.rotting_days),
                      s.kind.capitalize(), f"{s.deal_count:,}")  # fmt: skip
            for column, text in enumerate(values):
                item = self.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(row, column, item)
                item.setText(text)
                editable = column == NAME or (is_open and column in (PROBABILITY, ROTTING))
                item.setFlags(EDITABLE if editable else FIXED)
                if column in (PROBABILITY, ROTTING, DEALS):
                    item.setTextAlignment(RIGHT)
            self.item(row, NAME).setData(ID_ROLE, s.id)
            self.item(row, KIND).setData(KIND_ROLE, s.kind)
            self.item(row, DEALS).setToolTip("Live deals in this stage (a stage holding deals cannot be deleted)")
        self.select_stage(keep)


class LostReasonList(QListWidget):
    """The lost reasons in pick-list order: the text is editable, the tick says whether it is offered."""

    def current_id(self) -> uuid.UUID | None:
        item = self.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def names(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def select_reason(self, reason_id: uuid.UUID | None) -> QListWidgetItem | None:
        for row in range(self.count()):
            if self.item(row).data(ID_ROLE) == reason_id:
                self.setCurrentRow(row)
                return self.item(row)
        return None

    def fill(self, reasons: list[LostReasonInfo]) -> None:
        """Show these reasons, keeping the selected one selected."""
        keep = self.current_id()
        while self.count() > len(reasons):
            self.takeItem(self.count() - 1)
        while self.count() < len(reasons):
            self.addItem(QListWidgetItem())
        for row, r in enumerate(reasons):
            item = self.item(row)
            item.setText(r.name)
            item.setFlags(EDITABLE | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r.active else Qt.CheckState.Unchecked)
            item.setData(ID_ROLE, r.id)
            item.setData(KIND_ROLE, (r.name, r.active))
        self.select_reason(keep)

    @staticmethod
    def edit_of(item: QListWidgetItem) -> tuple[uuid.UUID, str | None, bool | None]:
        """(reason id, new name or None, new active flag or None) for an item the user just changed."""
        name, active = item.data(KIND_ROLE)
        checked = item.checkState() == Qt.CheckState.Checked
        return (
            item.data(ID_ROLE),
            (item.text() if item.text() != name else None),
            (checked if checked != active else None),
        )
