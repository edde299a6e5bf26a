"""One list model per lead status: the cards loaded so far, more fetched on scroll, moves shown at once."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from crm_desktop.services.leads import LeadCard, LeadColumn
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.pipeline.card_drag import MIME_TYPE, RECORD_ID_ROLE, card_mime_data
from crm_desktop.ui.pipeline.model import CARD_ROLE

LEADS_SCOPE = "leads"  # the drag scope: lead cards only drop on lead columns

Index = QModelIndex | QPersistentModelIndex


def days_in_status(card: LeadCard, now: datetime | None = None) -> int:
    """Whole days since the lead reached its status (since it was created when no change was recorded)."""
    since = card.status_since or card.created_at
    return max(0, ((now or datetime.now(UTC)) - since).days)


class LeadColumnModel(QAbstractListModel):
    """The loaded cards of one status, in the service's order; `more_wanted` asks the board for the next page."""

    more_wanted = Signal(str)

    def __init__(self, column: LeadColumn, fmt: Formatter) -> None:
        super().__init__()
        self.fmt = fmt
        self.status = column.status
        self.label = column.label
        self.count = column.count  # leads with this status under the current filter (not only the loaded ones)
        self._cards: list[LeadCard] = list(column.cards)
        self.fetching = False

    # --- loading --------------------------------------------------------------------------------
    def set_column(self, column: LeadColumn) -> None:
        """New data from a board reload (replaces what was loaded)."""
        self.beginResetModel()
        self.label, self.count = column.label, column.count
        self._cards = list(column.cards)
        self.fetching = False
        self.endResetModel()

    def append(self, cards: list[LeadCard]) -> None:
        """The next page, as asked for by `more_wanted`; cards already shown are skipped."""
        self.fetching = False
        known = {card.id for card in self._cards}
        fresh = [card for card in cards if card.id not in known]
        if not fresh:
            self.count = len(self._cards)  # the column ended sooner than counted (moves since the count)
            return
        first = len(self._cards)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._cards.extend(fresh)
        self.endInsertRows()

    def cards(self) -> list[LeadCard]:
        return list(self._cards)

    def last_card(self) -> LeadCard | None:
        """The cursor for the next page."""
        return self._cards[-1] if self._cards else None

    def row_of(self, record_id: uuid.UUID) -> int | None:
        return next((n for n, card in enumerate(self._cards) if card.id == record_id), None)

    # --- moves shown before the reload confirms them ------------------------------------------------
    def take(self, record_id: uuid.UUID) -> LeadCard | None:
        """Remove a card that moved to another column (and count it out)."""
        row = self.row_of(record_id)
        if row is None:
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        card = self._cards.pop(row)
        self.endRemoveRows()
        self.count = max(0, self.count - 1)
        return card

    def put(self, card: LeadCard, now: datetime | None = None) -> int:
        """Show a card that just moved here, at the top (the service orders by last update); returns its row."""
        moment = now or datetime.now(UTC)
        card = replace(card, status=self.status, status_since=moment, updated_at=moment)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._cards.insert(0, card)
        self.endInsertRows()
        self.count += 1
        return 0

    # --- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self.fetching and len(self._cards) < self.count

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self.fetching = True
            self.more_wanted.emit(self.status)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Any) -> QMimeData | None:
        return card_mime_data(list(indexes), scope=LEADS_SCOPE, source_key=self.status)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card)
        if role == CARD_ROLE:
            return card
        if role == RECORD_ID_ROLE:
            return card.id
        return None

    def _tooltip(self, card: LeadCard) -> str:
        lines = [card.display_name]
        lines += [text for text in (card.organization_name, card.email, card.phone) if text]
        if card.source:
            lines.append(f"Source: {label(card.source)}")
        days = days_in_status(card)
        since = self.fmt.date(card.status_since or card.created_at)
        lines.append(f"{self.label} since {since} ({self.fmt.count(days, 'day')})")
        lines.append("Drag to another column, or Ctrl+Left / Ctrl+Right, to change the status")
        return "\n".join(lines)
