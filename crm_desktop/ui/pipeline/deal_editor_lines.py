"""The deal editor's line items: an editable table (description, quantity, price, discount, total) with live totals.

A cell that does not parse keeps what was typed, turns red and says why; Save is refused until it is fixed.
Totals use the same integer rounding as the service (`line_total_cents`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, get_currency_symbol, parse_decimal
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QPalette

from crm_desktop.services.deal_lines import LineInput, line_total_cents
from crm_desktop.services.errors import ValidationError
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import error_text, muted_text

Index = QModelIndex | QPersistentModelIndex
DESCRIPTION, QUANTITY, PRICE, DISCOUNT, TOTAL = range(5)
HEADERS = ("Item", "Qty", "Unit price", "Discount", "Total")
NUMERIC = (QUANTITY, PRICE, DISCOUNT, TOTAL)


def amount_text(cents: int, fmt: Formatter) -> str:
    """Cents as a plain locale number for editing ("1,250.50"), without the currency."""
    return format_decimal(Decimal(cents) / 100, format="#,##0.00", locale=fmt.locale)


def parse_amount(text: str, fmt: Formatter, currency: str, *, what: str = "The price", field: str = "lines") -> int:
    """An amount typed in the business locale ("1.250,50 €", "1250.5", "€12") as cents, rounded half up."""
    cleaned = text.replace(currency, "").replace(get_currency_symbol(currency, locale=fmt.locale), "").strip()
    if not cleaned:
        return 0
    try:
        amount = Decimal(parse_decimal(cleaned, locale=fmt.locale))
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValidationError(f"{text.strip()!r} is not an amount; type it like 24.50", field=field) from None
    if amount < 0:
        raise ValidationError(f"{what} cannot be negative", field=field)
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _parse_whole(text: str, fmt: Formatter, *, what: str, low: int, high: int) -> int:
    cleaned = text.replace("%", "").strip()
    try:
        number = Decimal(parse_decimal(cleaned, locale=fmt.locale))
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValidationError(f"{what} must be a whole number", field="lines") from None
    if number != number.to_integral_value():
        raise ValidationError(f"{what} must be a whole number", field="lines")
    if not low <= number <= high:
        raise ValidationError(f"{what} must be between {low} and {high:,}", field="lines")
    return int(number)


@dataclass
class LineRow:
    """One line as edited: its values, plus the raw text and message of every cell that did not parse."""

    description: str
    quantity: int = 1
    unit_price_cents: int = 0
    discount_percent: int = 0
    product_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None
    raw: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def total_cents(self) -> int:
        return line_total_cents(
            quantity=self.quantity, unit_price_cents=self.unit_price_cents, discount_percent=self.discount_percent
        )


class LinesModel(QAbstractTableModel):
    """The lines being edited; `dataChanged`/rows signals tell the panel to refresh its totals."""

    def __init__(self, fmt: Formatter, parent: Any = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.currency = fmt.currency
        self.rows: list[LineRow] = []
        self.read_only = False

    def set_rows(self, rows: list[LineRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def add(self, row: LineRow) -> int:
        """Append a line; returns its row number."""
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()
        return len(self.rows) - 1

    def remove(self, number: int) -> None:
        if 0 <= number < len(self.rows):
            self.beginRemoveRows(QModelIndex(), number, number)
            del self.rows[number]
            self.endRemoveRows()

    def move(self, number: int, offset: int) -> int:
        """Move a line up (-1) or down (+1); returns where it went."""
        target = number + offset
        if not (0 <= number < len(self.rows) and 0 <= target < len(self.rows)):
            return number
        below = max(number, target) + 1
        self.beginMoveRows(QModelIndex(), min(number, target), min(number, target), QModelIndex(), below)
        self.rows[number], self.rows[target] = self.rows[target], self.rows[number]
        self.endMoveRows()
        return target

    def set_currency(self, currency: str) -> None:
        self.currency = currency
        if self.rows:
            self.dataChanged.emit(self.index(0, PRICE), self.index(len(self.rows) - 1, TOTAL))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != TOTAL and not self.read_only:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _text(self, row: LineRow, column: int) -> str:
        if column in row.raw:
            return row.raw[column]
        if column == DESCRIPTION:
            return row.description
        if column == QUANTITY:
            return self.fmt.number(row.quantity)
        if column == PRICE:
            return self.fmt.money(row.unit_price_cents, self.currency)
        if column == DISCOUNT:
            return f"{row.discount_percent} %" if row.discount_percent else ""
        return "—" if row.errors else self.fmt.money(row.total_cents, self.currency)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            if column in row.raw:
                return row.raw[column]
            return {
                DESCRIPTION: row.description, QUANTITY: str(row.quantity),
                PRICE: amount_text(row.unit_price_cents, self.fmt), DISCOUNT: str(row.discount_percent),
            }.get(column, "")  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.errors.get(column) or ("From the catalog" if column == DESCRIPTION and row.product_id else None)
        if role == Qt.ItemDataRole.ForegroundRole:
            palette = QPalette()
            if column in row.errors:
                return QBrush(error_text(palette))
            if column == DISCOUNT or (column == TOTAL and row.errors):
                return QBrush(muted_text(palette))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only or index.column() == TOTAL:
            return False
        row, column, text = self.rows[index.row()], index.column(), str(value)
        try:
            if column == DESCRIPTION:
                if not text.strip():
                    raise ValidationError("Describe the item", field="lines")
                row.description = text.strip()
            elif column == QUANTITY:
                row.quantity = _parse_whole(text, self.fmt, what="The quantity", low=1, high=1_000_000)
            elif column == PRICE:
                row.unit_price_cents = parse_amount(text, self.fmt, self.currency)
            elif column == DISCOUNT:
                row.discount_percent = _parse_whole(text or "0", self.fmt, what="The discount", low=0, high=100)
            row.raw.pop(column, None)
            row.errors.pop(column, None)
        except ValidationError as exc:
            row.raw[column] = text
            row.errors[column] = str(exc)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), TOTAL))
        return True

    def flag(self, number: int, column: int, message: str) -> None:
        """Mark a cell as needing attention (e.g. a price in another currency), keeping its value."""
        row = self.rows[number]
        row.raw[column] = amount_text(row.unit_price_cents, self.fmt) if column == PRICE else self._text(row, column)
        row.errors[column] = message
        self.dataChanged.emit(self.index(number, 0), self.index(number, TOTAL))

    def total_cents(self) -> int:
        return sum(r.total_cents for r in self.rows if not r.errors)

    def problems(self) -> list[str]:
        """'Line 2: …' for every cell that still needs fixing."""
        return [f"Line {n}: {msg}" for n, r in enumerate(self.rows, start=1) for msg in r.errors.values()]

    def inputs(self) -> list[LineInput]:
        """The lines for `save_deal`; ValidationError naming the first line that needs fixing."""
        problems = self.problems()
        if problems:
            raise ValidationError(problems[0], field="lines")
        return [
            LineInput(
                description=r.description, quantity=r.quantity, unit_price_cents=r.unit_price_cents,
                discount_percent=r.discount_percent, product_id=r.product_id, line_id=r.line_id,
            )
            for r in self.rows
        ]  # fmt: skip
