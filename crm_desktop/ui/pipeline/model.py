"""One list model per open stage, holding that stage's deal cards (filtered in memory, not re-queried)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from crm_desktop.services.deals import DealCard, StageColumn
from crm_desktop.ui.formatting import Formatter

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
STALE_FRACTION = 0.75  # a card turns amber when it has spent this share of the stage's rotting time

Index = QModelIndex | QPersistentModelIndex


def staleness(card: DealCard, rotting_days: int | None) -> str | None:
    """'rotting' past the stage's limit, 'ageing' when getting close, None otherwise."""
    if card.rotting:
        return "rotting"
    if rotting_days and card.days_in_stage >= rotting_days * STALE_FRACTION:
        return "ageing"
    return None


def matches(card: DealCard, words: list[str]) -> bool:
    """Every word appears in the card's title, organization or contact (case-insensitive)."""
    haystack = " ".join(filter(None, (card.title, card.organization_name, card.contact_name))).casefold()
    return all(word in haystack for word in words)


class StageModel(QAbstractListModel):
    """The cards of one stage, biggest first as the service returns them."""

    def __init__(self, column: StageColumn, fmt: Formatter) -> None:
        super().__init__()
        self.column = column
        self.fmt = fmt
        self._cards: list[DealCard] = list(column.cards)
        self._words: list[str] = []

    def set_column(self, column: StageColumn) -> None:
        """New data for this stage from a board reload."""
        self.beginResetModel()
        self.column = column
        self._cards = [c for c in column.cards if matches(c, self._words)]
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        words = text.casefold().split()
        if words == self._words:
            return
        self.beginResetModel()
        self._words = words
        self._cards = [c for c in self.column.cards if matches(c, words)]
        self.endResetModel()

    def cards(self) -> list[DealCard]:
        return list(self._cards)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(card, self.column, self.fmt)
        if role == CARD_ROLE:
            return card
        return None


def _tooltip(card: DealCard, column: StageColumn, fmt: Formatter) -> str:
    lines = [f"{card.title} — {fmt.money(card.value_cents, card.currency)}"]
    who = " · ".join(filter(None, (card.organization_name, card.contact_name)))
    if who:
        lines.append(who)
    lines.append(f"{card.days_in_stage} days in {column.name} · {card.probability} % probability")
    if card.rotting and column.rotting_days:
        lines.append(f"Idle longer than the {column.rotting_days}-day limit for this stage")
    if card.next_task_due is not None:
        lines.append(f"Next task due {fmt.date(card.next_task_due)}")
    return "\n".join(lines)
