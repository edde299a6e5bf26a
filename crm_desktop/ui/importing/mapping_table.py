"""The column mapping as a table: each CSV column, a few example values, and the field it fills."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from crm_desktop.services.importing import FIELDS, IGNORE, ColumnMapping, SourceTable
from crm_desktop.ui.style import muted_text

EXAMPLES = 3  # example values shown per column
EXAMPLE_ROWS = 200  # rows searched for them
HEADER, SAMPLES, TARGET = range(3)
LABEL_OF = "label_of"  # combo data of a column that only holds the label ("Work", "Mobile") of another column


def examples(table: SourceTable, column: int) -> str:
    """The first few distinct non-empty values of a column, as one line."""
    seen: list[str] = []
    for row in table.rows[:EXAMPLE_ROWS]:
        value = " ".join(row[column].split())
        if value and value not in seen:
            seen.append(value if len(value) <= 40 else value[:39] + "…")
            if len(seen) == EXAMPLES:
                break
    return "  ·  ".join(seen)


class MappingTable(QTableWidget):
    """Edits a mapping column by column; columns changed by hand come first, so a chosen e-mail is the primary one.

    Columns the detected mapping feeds keep their details (a phone's "work" label, an address block).
    `fields` ((key, label) pairs) default to the contact fields; with `unique`, a field fills one column
    at most, so choosing it for a column takes it from the column that had it.
    """

    mapping_changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, fields: Sequence[tuple[str, str]] | None = None, unique: bool = False
    ) -> None:
        super().__init__(0, 3, parent)
        self._fields = list(fields) if fields is not None else [(f.key, f.label) for f in FIELDS]
        self._unique = unique
        self.setHorizontalHeaderLabels(["Column in the file", "Examples", "Import as"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height() + 6)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(HEADER, 200)
        header.resizeSection(TARGET, 220)
        self._base: list[ColumnMapping] = []
        self._empty: list[bool] = []
        self._hide_empty = True

    # --- public ------------------------------------------------------------------------------------------
    def load(self, table: SourceTable, mapping: Sequence[ColumnMapping]) -> None:
        """Show `table`'s columns with `mapping` as the starting choice."""
        self._base = list(mapping)
        first = {m.column: m.field for m in reversed(self._base)}
        label_of = {m.label_column: m.column for m in self._base if m.label_column is not None}
        self._empty = [not any(row[i].strip() for row in table.rows) for i in range(len(table.headers))]
        self.setRowCount(len(table.headers))
        for column, name in enumerate(table.headers):
            header = QTableWidgetItem(name or f"Column {column + 1}")
            header.setToolTip(name)
            sample = QTableWidgetItem(examples(table, column) or "(empty)")
            sample.setToolTip(sample.text())
            self.setItem(column, HEADER, header)
            self.setItem(column, SAMPLES, sample)
            combo = QComboBox(self)
            target = label_of.get(column)
            if target is not None and column not in first:
                combo.addItem(f"Label of {table.headers[target].removesuffix(' - Value')}", LABEL_OF)
                first[column] = LABEL_OF
            combo.addItem("Don't import", IGNORE)
            for key, label in self._fields:
                combo.addItem(label, key)
            combo.setMaxVisibleItems(16)
            combo.setCurrentIndex(max(combo.findData(first.get(column, IGNORE)), 0))
            combo.currentIndexChanged.connect(lambda _i, c=column: self._on_choice(c))
            self.setCellWidget(column, TARGET, combo)
            self._paint(column)
        self._apply_hidden()
        self.mapping_changed.emit()

    def combo(self, column: int) -> QComboBox:
        """The "Import as" combo of column `column` (0-based)."""
        widget = self.cellWidget(column, TARGET)
        assert isinstance(widget, QComboBox)
        return widget

    def field_of(self, column: int) -> str:
        """The field column `column` fills, or "ignore" (also for a column that labels another)."""
        key = str(self.combo(column).currentData())
        return IGNORE if key == LABEL_OF else key

    def set_field(self, column: int, key: str) -> None:
        """Choose what column `column` (0-based) fills, as if picked in its combo."""
        index = self.combo(column).findData(key)
        if index < 0:
            raise ValueError(f"{key!r} is not an import field")
        self.combo(column).setCurrentIndex(index)

    def mapping(self) -> list[ColumnMapping]:
        """Hand-picked columns first, then the detected entries still chosen, in their priority order."""
        kept = [m for m in self._base if self.field_of(m.column) == m.field]
        kept_columns = {m.column for m in kept}
        hand = [
            ColumnMapping(column, self.field_of(column))
            for column in range(self.rowCount())
            if self.field_of(column) != IGNORE and column not in kept_columns
        ]
        return hand + kept

    def mapped_count(self, *, with_values: bool = False) -> int:
        """How many columns are imported (only those holding a value somewhere, with `with_values`)."""
        return sum(
            1
            for column in range(self.rowCount())
            if self.field_of(column) != IGNORE and not (with_values and self._empty[column])
        )

    def empty_count(self) -> int:
        """How many columns hold no value in any row."""
        return sum(self._empty)

    def set_hide_empty(self, hide: bool) -> None:
        """Hide columns with no value in any row: exports carry dozens of them, and they import nothing."""
        self._hide_empty = hide
        self._apply_hidden()

    # --- private -----------------------------------------------------------------------------------------
    def _on_choice(self, column: int) -> None:
        key = self.field_of(column)
        if self._unique and key != IGNORE:
            for other in range(self.rowCount()):
                if other != column and self.field_of(other) == key:
                    combo = self.combo(other)
                    combo.blockSignals(True)
                    combo.setCurrentIndex(max(combo.findData(IGNORE), 0))
                    combo.blockSignals(False)
                    self._paint(other)
        self._paint(column)
        self.mapping_changed.emit()

    def _paint(self, column: int) -> None:
        """Columns that are not imported read quieter."""
        ignored = self.field_of(column) == IGNORE
        colour = muted_text(self.palette()) if ignored else self.palette().color(QPalette.ColorRole.Text)
        for part in (HEADER, SAMPLES):
            item = self.item(column, part)
            if item is not None:
                item.setForeground(colour)
        font = self.item(column, HEADER).font()
        font.setBold(not ignored)
        self.item(column, HEADER).setFont(font)

    def _apply_hidden(self) -> None:
        for column, empty in enumerate(self._empty):
            self.setRowHidden(column, self._hide_empty and empty)
