"""One list model per open stage, holding that stage's deal cards (filtered in memory, not re-queried)."""

from __future__ import annotations

import bisect
import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from crm_desktop.services.deals import DealCard, StageColumn
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.card_drag import MIME_TYPE, RECORD_ID_ROLE, card_mime_data

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
DEAL_SCOPE = "deals"  # the drag scope of deal cards (leads travel with another), see card_drag
PAGE = 150  # cards handed to a stage's view at a time: laying out 5,000 rows per drop would blow the budget
STALE_FRACTION = 0.75  # a card turns amber when it has spent this share of the stage's rotting time

Index = QModelIndex | QPersistentModelIndex


def staleness(card: DealCard, rotting_days: int | None) -> str | None:
    """'rotting' past the stage's limit, 'ageing' when getting close, None otherwise."""
    if card.rotting:
        return "rotting"
    if rotting_days and card.days_in_stage >= rotting_days * STALE_FRACTION:
        return "ageing"
    return None


def card_order(card: DealCard) -> tuple[int, str]:
    """The board's order: biggest value first, then by id (as the board query sorts)."""
    return (-card.value_cents, card.id.hex)


def matches(card: DealCard, words: list[str]) -> bool:
    """Every word appears in the card's title, organization or contact (case-insensitive)."""
    haystack = " ".join(filter(None, (card.title, card.organization_name, card.contact_name))).casefold()
    return all(word in haystack for word in words)


def _position(cards: list[DealCard], card: DealCard) -> int:
    """Where `card` is in a list kept in board order (bisect, checked; a scan if the order was off), or -1."""
    at = bisect.bisect_left(cards, card_order(card), key=card_order)
    if at < len(cards) and cards[at].id == card.id:
        return at
    return next((row for row, c in enumerate(cards) if c.id == card.id), -1)


class StageModel(QAbstractListModel):
    """The cards of one stage, biggest first as the service returns them; a move adds or removes one row."""

    def __init__(self, column: StageColumn, fmt: Formatter) -> None:
        super().__init__()
        self.column = column
        self.fmt = fmt
        self._cards: list[DealCard] = list(column.cards)
        self._words: list[str] = []
        self._by_id: dict[uuid.UUID, DealCard] = {c.id: c for c in column.cards}
        self._weighted = sum(c.value_cents * c.probability for c in column.cards)  # exact, before the // 100
        self._shown = min(PAGE, len(self._cards))  # rows the view has: more arrive as it scrolls (fetchMore)

    def set_column(self, column: StageColumn) -> None:
        """New data for this stage from a board reload."""
        self.beginResetModel()
        self.column = column
        self._cards = [c for c in column.cards if matches(c, self._words)]
        self._by_id = {c.id: c for c in column.cards}
        self._weighted = sum(c.value_cents * c.probability for c in column.cards)
        self._shown = min(max(PAGE, self._shown), len(self._cards))
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        words = text.casefold().split()
        if words == self._words:
            return
        self.beginResetModel()
        self._words = words
        self._cards = [c for c in self.column.cards if matches(c, words)]
        self._shown = min(PAGE, len(self._cards))
        self.endResetModel()

    def cards(self) -> list[DealCard]:
        """Every card matching the filter (also those not scrolled into view yet)."""
        return list(self._cards)

    def matched(self) -> int:
        return len(self._cards)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._cards)

    def fetchMore(self, parent: Index) -> None:
        self.show_up_to(self._shown + PAGE - 1)

    def show_up_to(self, row: int) -> None:
        """Give the view the rows up to `row` (e.g. to select a card moved far down a long stage)."""
        last = min(row, len(self._cards) - 1)
        if last >= self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, last)
            self._shown = last + 1
            self.endInsertRows()

    def card(self, deal_id: uuid.UUID) -> DealCard | None:
        """The card of a deal in this stage (shown or filtered out), or None."""
        return self._by_id.get(deal_id)

    def row_of(self, deal_id: uuid.UUID) -> int:
        """The deal's row among the cards matching the filter (maybe not fetched by the view yet), or -1."""
        card = self._by_id.get(deal_id)
        return -1 if card is None else _position(self._cards, card)

    def _recount(self, cards: list[DealCard], card: DealCard, sign: int) -> None:
        self._weighted += sign * card.value_cents * card.probability
        self.column = dataclasses.replace(
            self.column,
            cards=cards,
            count=len(cards),
            total_cents=self.column.total_cents + sign * card.value_cents,
            weighted_cents=self._weighted // 100,
        )

    def take(self, deal_id: uuid.UUID) -> DealCard | None:
        """Remove a deal from this stage in place (a row removed, not a reset, totals adjusted); returns its card."""
        card = self._by_id.pop(deal_id, None)
        if card is None:
            return None
        row = _position(self._cards, card)
        shown = 0 <= row < self._shown
        if shown:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._shown -= 1
        if row >= 0:
            del self._cards[row]
        cards = list(self.column.cards)
        del cards[_position(cards, card)]
        self._recount(cards, card, -1)
        if shown:
            self.endRemoveRows()
        return card

    def put(self, card: DealCard) -> int:
        """Add a deal to this stage in board order (one row inserted); returns its shown row or -1."""
        cards = list(self.column.cards)
        bisect.insort(cards, card, key=card_order)
        self._by_id[card.id] = card
        row = -1
        if matches(card, self._words):
            row = bisect.bisect_left(self._cards, card_order(card), key=card_order)
            if row > self._shown:  # beyond what the view has loaded: it arrives with a later fetchMore
                self._cards.insert(row, card)
                self._recount(cards, card, 1)
                return row
            self.beginInsertRows(QModelIndex(), row, row)
            self._cards.insert(row, card)
            self._shown += 1
        self._recount(cards, card, 1)
        if row >= 0:
            self.endInsertRows()
        return row

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged card's deal id, this board's scope and the stage it leaves."""
        mime = card_mime_data(indexes, scope=DEAL_SCOPE, source_key=self.column.stage_id.hex)
        return mime if mime is not None else QMimeData()

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(card, self.column, self.fmt)
        if role == CARD_ROLE:
            return card
        if role == RECORD_ID_ROLE:
            return card.id
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


def move_card(source: StageModel, target: StageModel, deal_id: uuid.UUID, probability: int | None) -> DealCard | None:
    """After a saved move: the card leaves `source` and enters `target` new in stage, rows moved in place.

    `probability` is the deal's own override; without one the card takes the target stage's default.
    """
    card = source.take(deal_id)
    if card is None:
        return None
    moved = dataclasses.replace(
        card,
        stage_id=target.column.stage_id,
        days_in_stage=0,
        rotting=False,
        probability=target.column.probability if probability is None else probability,
    )
    target.put(moved)
    return moved
