"""The Items tab of the deal editor: add products from the catalog by typing, free lines, reorder, remove, totals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_editor_lines import DESCRIPTION, PRICE, LineRow, LinesModel
from crm_desktop.ui.record_picker import Pick, RecordPicker
from crm_desktop.ui.style import hint_label, make_muted

COLUMN_WIDTHS = (0, 60, 110, 95, 110)  # the item column stretches


class ItemsPanel(QWidget):
    """Line items of one deal; `changed` fires whenever a line or a total changes."""

    changed = Signal()
    catalog_requested = Signal()

    def __init__(self, fmt: Formatter, search_products: Callable[[str], list[Pick]], parent: QWidget | None = None):
        super().__init__(parent)
        self.fmt = fmt
        self.model = LinesModel(fmt, self)
        self.product = RecordPicker(search_products, "Add a product: type its name, SKU or vendor", self,
                                    keep_choice=False)  # fmt: skip
        self.product.picked.connect(self.add_product)
        self.add_free_button = QPushButton("Add free line", self)
        self.add_free_button.clicked.connect(self.add_free_line)
        self.catalog_button = QPushButton("Catalog…", self)
        self.catalog_button.setToolTip("Add, edit or retire products")
        self.catalog_button.clicked.connect(self.catalog_requested.emit)
        self.table = QTableView(self)
        self.table.setObjectName("dealLines")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate(COLUMN_WIDTHS):
            if width:
                header.resizeSection(column, width)
        self.up_button = self._tool("▲", "Move the line up", lambda: self._move(-1))
        self.down_button = self._tool("▼", "Move the line down", lambda: self._move(1))
        self.remove_button = QPushButton("Remove line", self)
        self.remove_button.clicked.connect(self.remove_current)
        self.totals = QLabel(self)
        self.totals.setObjectName("dealTotals")
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.empty = make_muted(
            QLabel("No items: the deal's value is typed by hand. Add products to compute it.", self)
        )
        self.empty.setWordWrap(True)
        self.hint = hint_label(self)

        adding = QHBoxLayout()
        adding.addWidget(self.product, 1)
        adding.addWidget(self.add_free_button)
        adding.addWidget(self.catalog_button)
        below = QHBoxLayout()
        below.addWidget(self.up_button)
        below.addWidget(self.down_button)
        below.addWidget(self.remove_button)
        below.addStretch(1)
        below.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(adding)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(below)
        layout.addWidget(self.hint)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.rowsMoved, self.model.modelReset):  # fmt: skip
            signal.connect(self._refresh)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._refresh()

    def _tool(self, text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def set_rows(self, rows: list[LineRow], *, read_only: bool = False) -> None:
        """Show a deal's stored lines; a won deal's lines are read-only (its sale is recorded)."""
        self.model.read_only = read_only
        self.model.set_rows(rows)
        for widget in (self.product, self.add_free_button, self.catalog_button):
            widget.setVisible(not read_only)
        self._refresh()

    def set_currency(self, currency: str) -> None:
        self.model.set_currency(currency)
        self._refresh()

    def open_editors(self) -> list[QLineEdit]:
        """The cell editors open now (closed ones linger hidden until Qt deletes them)."""
        return [e for e in self.table.viewport().findChildren(QLineEdit) if not e.isHidden()]

    def commit_pending(self) -> None:
        """Finish a cell edit still open (Save pressed while typing in a cell), so nothing typed is lost."""
        for editor in self.open_editors():
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def add_product(self, pick: Pick) -> None:
        """A line copying the product's name and price (in another currency: flagged to be checked)."""
        product = pick.data
        row = LineRow(description=pick.name, unit_price_cents=int(getattr(product, "unit_price_cents", 0) or 0),
                      product_id=pick.id)  # fmt: skip
        number = self.model.add(row)
        currency = getattr(product, "currency", self.model.currency)
        if currency != self.model.currency:
            self.model.flag(
                number, PRICE, f"{pick.name} is priced in {currency}; type its price in {self.model.currency}"
            )
        self.table.selectRow(number)

    def add_free_line(self) -> None:
        """A blank line whose description is ready to type."""
        number = self.model.add(LineRow(description="New item"))
        index = self.model.index(number, DESCRIPTION)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_current(self) -> None:
        number = self.table.currentIndex().row()
        if number >= 0:
            self.model.remove(number)

    def _move(self, offset: int) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            target = self.model.move(index.row(), offset)
            self.table.setCurrentIndex(self.model.index(target, index.column()))

    def _enable(self) -> None:
        row, count = self.table.currentIndex().row(), self.model.rowCount()
        editable = not self.model.read_only
        self.remove_button.setEnabled(editable and row >= 0)
        self.up_button.setEnabled(editable and row > 0)
        self.down_button.setEnabled(editable and 0 <= row < count - 1)

    def _refresh(self, *_args: object) -> None:
        rows, currency = self.model.rows, self.model.currency
        gross = sum(r.quantity * r.unit_price_cents for r in rows if not r.errors)
        total = self.model.total_cents()
        parts = [self.fmt.count(len(rows), "item")]
        if gross != total:
            parts += [
                f"Subtotal {self.fmt.money(gross, currency)}",
                f"Discounts −{self.fmt.money(gross - total, currency)}",
            ]
        parts.append(f"<b>Total {self.fmt.money(total, currency)}</b>")
        self.totals.setText(" · ".join(parts))
        self.totals.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows) or not self.model.read_only)
        problems = self.model.problems()
        self.hint.setText("\n".join(problems[:3]))
        self.hint.setVisible(bool(problems))
        self._enable()
        self.changed.emit()
