"""The product catalog dialog: find, add, edit and retire products (name, SKU, price, vendor, stock).

Non-modal; the list is searched and paged in SQL; every save is one step in Edit → Undo; a rejected value is
explained under the form and what was typed stays.
"""

from __future__ import annotations

import uuid
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError, ValidationError
from crm_desktop.services.products import (
    count_products,
    create_product,
    deactivate_product,
    reactivate_product,
    search_products,
    update_product,
)
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_editor_form import COMMON_CURRENCIES
from crm_desktop.ui.pipeline.deal_editor_lines import amount_text, parse_amount
from crm_desktop.ui.style import hint_label, plain_buttons
from crm_desktop.ui.table_model import RIGHT, ROW_ROLE, Column, PagedTableModel
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import SearchBox, count_label, make_table


class ProductsModel(PagedTableModel[Any]):
    """Products matching the search, by name; retired ones only when asked for."""

    def __init__(self, db: Workspace, fmt: Formatter) -> None:
        super().__init__(db, fmt)
        self.include_retired = False
        self.columns = [
            Column("Name", lambda p: p.name, "name", width=220, stretch=True, tooltip=lambda p: p.description),
            Column("SKU", lambda p: p.sku or "", width=100),
            Column("Vendor", lambda p: p.vendor or "", width=120),
            Column("Price", lambda p: self.fmt.money(p.unit_price_cents, p.currency), align=RIGHT, width=90),
            Column("Stock", lambda p: "" if p.stock_on_hand is None else self.fmt.number(p.stock_on_hand), align=RIGHT,
                   width=70),
            Column("Active", lambda p: "Yes" if p.active else "Retired", width=70),
        ]  # fmt: skip

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[Any]:
        return search_products(session=session, search=self.search, active_only=not self.include_retired,
                               descending=descending, offset=offset, limit=limit)  # fmt: skip

    def count_rows(self, session: Any) -> int:
        return count_products(session=session, search=self.search, active_only=not self.include_retired)


class ProductCatalog(QDialog):
    """List on the left, the selected (or new) product's fields on the right; `changed` after each save."""

    changed = Signal(object)  # the product id

    def __init__(self, db: Workspace, fmt: Formatter, undo_stack: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.fmt, self.undo = db, fmt, undo_stack
        self.product_id: uuid.UUID | None = None
        self.active = True
        self.setWindowTitle("Product catalog")
        self.setModal(False)
        self.resize(1120, 580)
        self.search = SearchBox("Find by name, SKU or vendor", self)
        self.search.search_changed.connect(self._search)
        self.show_retired = QCheckBox("Show retired", self)
        self.show_retired.toggled.connect(self._toggle_retired)
        self.count = count_label(self)
        self.model = ProductsModel(db, fmt)
        self.model.setParent(self)
        self.table = make_table(self.model, self)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._select(current.row()))

        self.name = QLineEdit(self)
        self.name.setMaxLength(200)
        self.sku = QLineEdit(self)
        self.sku.setMaxLength(80)
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(80)
        self.price = QLineEdit(self)
        self.price.setPlaceholderText("0.00")
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.lineEdit().setMaxLength(3)
        self.vendor = QLineEdit(self)
        self.vendor.setMaxLength(200)
        self.stock = QLineEdit(self)
        self.stock.setPlaceholderText("Blank: stock not tracked")
        self.hint = hint_label(self)
        self.status = QLabel(self)
        self.new_button = QPushButton("New product", self)
        self.new_button.clicked.connect(self.new_product)
        self.save_button = QPushButton("Save product", self)
        self.save_button.clicked.connect(self.save)
        self.retire_button = QPushButton("Retire", self)
        self.retire_button.setToolTip("Stop offering it; deals and purchases that name it keep it")
        self.retire_button.clicked.connect(self.toggle_active)
        self.close_buttons = plain_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        self.close_buttons.rejected.connect(self.reject)

        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.currency)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("SKU", self.sku)
        form.addRow("Description", self.description)
        form.addRow("Unit price", price_row)
        form.addRow("Vendor", self.vendor)
        form.addRow("Stock on hand", self.stock)
        form.addRow("", self.status)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addStretch(1)
        actions.addWidget(self.retire_button)
        actions.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.hint)
        right.addStretch(1)
        right.addLayout(actions)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_retired)
        top.addWidget(self.count)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addSpacing(12)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.close_buttons)
        self.reload()
        self.new_product()

    def reload(self) -> None:
        self.model.reload()
        self.count.setText(self.fmt.count(self.model.total, "product"))

    def _search(self, text: str) -> None:
        self.model.set_search(text)
        self.count.setText(self.fmt.count(self.model.total, "product"))

    def _toggle_retired(self, shown: bool) -> None:
        self.model.include_retired = shown
        self.model.reload(keep_loaded=False)
        self.count.setText(self.fmt.count(self.model.total, "product"))

    def new_product(self) -> None:
        """Empty fields for a new product (in the business currency)."""
        self.product_id, self.active = None, True
        for field in (self.name, self.sku, self.price, self.vendor, self.stock):
            field.clear()
        self.description.clear()
        self.currency.setCurrentText(self.fmt.currency)
        self.status.setText("New product")
        self.retire_button.setEnabled(False)
        self.hint.hide()
        self.table.clearSelection()
        self.name.setFocus()

    def _select(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        product = self.model.index(row, 0).data(ROW_ROLE)
        self.product_id, self.active = product.id, product.active
        self.name.setText(product.name)
        self.sku.setText(product.sku or "")
        self.description.setPlainText(product.description or "")
        self.price.setText(amount_text(product.unit_price_cents, self.fmt))
        self.currency.setCurrentText(product.currency)
        self.vendor.setText(product.vendor or "")
        self.stock.setText("" if product.stock_on_hand is None else str(product.stock_on_hand))
        self.status.setText("On sale" if product.active else "Retired: not offered on new deals")
        self.retire_button.setText("Retire" if product.active else "Offer again")
        self.retire_button.setEnabled(True)
        self.hint.hide()

    def values(self) -> dict[str, Any]:
        """The typed fields as the product service takes them; ValidationError when one does not parse."""
        currency = self.currency.currentText().strip().upper()
        stock_text = self.stock.text().strip()
        stock: int | None = None
        if stock_text:
            try:
                stock = int(parse_decimal(stock_text, locale=self.fmt.locale))
            except (NumberFormatError, ValueError):
                raise ValidationError(
                    "Stock on hand must be a whole number (blank: not tracked)", field="stock"
                ) from None
        return {
            "name": self.name.text(), "sku": self.sku.text(), "description": self.description.toPlainText(),
            "unit_price_cents": parse_amount(self.price.text(), self.fmt, currency, field="unit_price_cents"),
            "currency": currency, "vendor": self.vendor.text(), "stock_on_hand": stock,
        }  # fmt: skip

    def save(self) -> bool:
        """Create or update the product through the undo stack; a rejection keeps the form as typed."""
        self.hint.hide()
        product_id = self.product_id
        try:
            values = self.values()
            name = values["name"].strip()
            if product_id is None:
                saved = self.undo.perform(f"New product “{name}”",
                                          lambda s: create_product(session=s, **values).id)  # fmt: skip
            else:
                saved = self.undo.perform(
                    f"Edit product “{name}”",
                    lambda s: update_product(session=s, product_id=product_id, changes=values).id,
                )
        except CRMError as exc:
            self.hint.setText(str(exc))
            self.hint.show()
            return False
        self.product_id = saved
        self.reload()
        self._reselect(saved)
        self.changed.emit(saved)
        return True

    def toggle_active(self) -> None:
        """Retire the selected product, or offer a retired one again."""
        product_id = self.product_id
        if product_id is None:
            return
        action, words = (deactivate_product, "Retire") if self.active else (reactivate_product, "Offer again")
        try:
            self.undo.perform(f"{words} “{self.name.text().strip()}”",
                              lambda s: action(session=s, product_id=product_id).id)  # fmt: skip
        except CRMError as exc:
            self.hint.setText(str(exc))
            self.hint.show()
            return
        if self.active and not self.model.include_retired:
            self.show_retired.setChecked(True)  # keep the retired product in view
        self.reload()
        self._reselect(product_id)
        self.changed.emit(product_id)

    def _reselect(self, product_id: uuid.UUID) -> None:
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(ROW_ROLE).id == product_id:
                self.table.selectRow(row)
                self._select(row)
                return
        self.table.clearSelection()

    def keyPressEvent(self, event: Any) -> None:
        """Enter saves the product being edited instead of closing the catalog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.description.hasFocus():
            self.save()
            return
        super().keyPressEvent(event)
