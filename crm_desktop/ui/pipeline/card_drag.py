"""Drag and drop of board cards between column lists, shared by every kanban (leads, deals).

A card travels as `MIME_TYPE` data naming its board (`scope`), the record id and the column it left. Models
return the record id for `RECORD_ID_ROLE` and build their drag data with `card_mime_data`; `CardListView`
starts drags with a picture of the card, accepts drops from other columns of the same board, and turns them
(and Ctrl+Left / Ctrl+Right) into signals. Writing the move is the board's job, through the undo stack.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QScrollBar, QStyleOptionViewItem, QWidget

MIME_TYPE = "application/x-crm-desktop-card"
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 40  # models answer the card's record id (uuid.UUID) for this role

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CardPayload:
    """What a dragged card carries: which board, which record, and the column it came from."""

    scope: str
    record_id: uuid.UUID
    source_key: str


def card_mime(payload: CardPayload) -> QMimeData:
    """The drag data for one card."""
    mime = QMimeData()
    body = {"scope": payload.scope, "id": str(payload.record_id), "source": payload.source_key}
    mime.setData(MIME_TYPE, json.dumps(body).encode())
    return mime


def card_mime_data(indexes: Sequence[Index], *, scope: str, source_key: str) -> QMimeData | None:
    """A model's `mimeData`: the first valid index's record (boards move one card at a time)."""
    for index in indexes:
        record_id = index.data(RECORD_ID_ROLE) if index.isValid() else None
        if isinstance(record_id, uuid.UUID):
            return card_mime(CardPayload(scope, record_id, source_key))
    return None


def read_card_mime(mime: QMimeData | None) -> CardPayload | None:
    """The card in drag data, or None for anything else (files, text, a malformed payload)."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        body = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        return CardPayload(str(body["scope"]), uuid.UUID(str(body["id"])), str(body["source"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


class CardListView(QListView):
    """One column's list of cards: drags cards out, takes cards in from other columns of its board.

    `dropped(record_id, target_key)` when a card from another column lands here; `step_requested(record_id,
    step)` for Ctrl+Left (-1) / Ctrl+Right (+1) on the current card; `focus_requested(step)` for plain
    Left / Right, to walk between columns; `activated_record(record_id)` for Enter or a double-click.
    """

    dropped = Signal(object, str)
    step_requested = Signal(object, int)
    focus_requested = Signal(int)
    activated_record = Signal(object)

    def __init__(self, scope: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope, self.key = scope, key
        self.drop_active = False  # a card from another column hovers here: the lane is outlined
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)
        self.doubleClicked.connect(self._activate)

    def current_record(self) -> uuid.UUID | None:
        """The record id of the current (selected) card, if any."""
        index = self.currentIndex()
        value = index.data(RECORD_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, uuid.UUID) else None

    # --- dragging out ------------------------------------------------------------------------------
    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag the current card with its picture; rows are never removed here (a reload follows the move)."""
        index = self.currentIndex()
        model = self.model()
        if not index.isValid() or model is None:
            return
        mime = model.mimeData([index])
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        pixmap, hot_spot = self._card_picture(index)
        if not pixmap.isNull():
            drag.setPixmap(pixmap)
            drag.setHotSpot(hot_spot)
        drag.exec(Qt.DropAction.MoveAction)

    def _card_picture(self, index: QModelIndex) -> tuple[QPixmap, QPoint]:
        rect = self.visualRect(index)
        if rect.isEmpty():
            return QPixmap(), QPoint()
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(rect.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = rect.translated(-rect.topLeft())
        painter = QPainter(pixmap)
        painter.setOpacity(0.9)
        self.itemDelegateForIndex(index).paint(painter, option, index)
        painter.end()
        cursor = self.viewport().mapFromGlobal(self.cursor().pos()) - rect.topLeft()
        inside = 0 <= cursor.x() < rect.width() and 0 <= cursor.y() < rect.height()
        return pixmap, cursor if inside else QPoint(rect.width() // 2, rect.height() // 2)

    # --- dropping in -------------------------------------------------------------------------------
    def accepts(self, payload: CardPayload | None) -> bool:
        """Cards of this board from another column (a drop on its own column would change nothing)."""
        return payload is not None and payload.scope == self.scope and payload.source_key != self.key

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._hover(event, entering=True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._hover(event, entering=False)

    def _hover(self, event: QDragMoveEvent, *, entering: bool) -> None:
        if self.accepts(read_card_mime(event.mimeData())):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            if entering:
                self._set_drop_active(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_active(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        """Accept the card and announce it; the board writes the move."""
        self._set_drop_active(False)
        payload = read_card_mime(event.mimeData())
        if payload is None or not self.accepts(payload):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.dropped.emit(payload.record_id, self.key)

    def _set_drop_active(self, active: bool) -> None:
        if active != self.drop_active:
            self.drop_active = active
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.drop_active:
            painter = QPainter(self.viewport())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            color = self.palette().color(QPalette.ColorRole.Highlight)
            painter.setPen(color)
            color.setAlphaF(0.08)
            painter.setBrush(color)
            painter.drawRoundedRect(QRectF(self.viewport().rect()).adjusted(2.5, 2.5, -2.5, -2.5), 6, 6)
            painter.end()

    # --- keyboard ----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Left/Right move the current card a column; Left/Right walk; Enter opens."""
        key, mods = event.key(), event.modifiers()
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(key))
        if step is not None and mods & Qt.KeyboardModifier.ControlModifier:
            record_id = self.current_record()
            if record_id is not None:
                self.step_requested.emit(record_id, step)
            event.accept()
            return
        if step is not None and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            self.focus_requested.emit(step)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def _activate(self, index: QModelIndex) -> None:
        value = index.data(RECORD_ID_ROLE) if index.isValid() else None
        if isinstance(value, uuid.UUID):
            self.activated_record.emit(value)


def style_card_list(view: QListView, accessible_name: str) -> None:
    """What every board column's list looks and acts like: slim bar, smooth scrolling, one selected card, a menu."""
    view.setObjectName("stageList")
    view.setUniformItemSizes(True)
    slim = QScrollBar(Qt.Orientation.Vertical, view)  # a new bar: the area then honours its QSS width
    slim.setObjectName("slimScrollBar")
    view.setVerticalScrollBar(slim)
    view.setMouseTracking(True)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.setAccessibleName(accessible_name)
