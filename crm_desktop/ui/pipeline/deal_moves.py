"""Moving deals: draggable card lists, the Won/Lost drop zones, card actions, and the undoable writes.

Every move, win, loss and delete runs one service call through the undo stack (Edit → Undo takes it back)
with the board as initiator, so the board updates itself in place and ignores the echo of its own change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QMenu, QMessageBox, QSizePolicy, QWidget

from crm_desktop.services.deals import delete_deal, list_lost_reasons, move_deal, win_deal
from crm_desktop.services.deals import lose_deal as lose_deal_service
from crm_desktop.services.errors import CRMError
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.pipeline.card_drag import CardListView, read_card_mime
from crm_desktop.ui.pipeline.lost_dialog import LostDialog
from crm_desktop.ui.pipeline.model import DEAL_SCOPE
from crm_desktop.ui.style import blend
from crm_desktop.ui.undo_stack import UndoStack

WON_COLOR, LOST_COLOR = QColor("#16a34a"), QColor("#dc2626")


@dataclass(frozen=True)
class Target:
    """The deal an action applies to: the selected card (or table row)."""

    deal_id: uuid.UUID
    title: str
    stage_id: uuid.UUID


class DealListView(CardListView):
    """A stage's card list (card_drag's view) that also says when a drag starts and ends (to arm the zones)."""

    drag_started = Signal()
    drag_finished = Signal()

    def __init__(self, stage_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(DEAL_SCOPE, stage_id.hex, parent)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        self.drag_started.emit()
        try:
            super().startDrag(supportedActions)
        finally:
            self.drag_finished.emit()

    def _set_drop_active(self, active: bool) -> None:
        super()._set_drop_active(active)
        parent = self.parentWidget()
        if parent is not None:
            parent.update()  # the stage column paints its own drop-target outline


def dragged_deal(mime: QMimeData | None) -> uuid.UUID | None:
    """The deal a drag carries (a card of this board), or None for anything else."""
    payload = read_card_mime(mime)
    return payload.record_id if payload is not None and payload.scope == DEAL_SCOPE else None


class DropZone(QWidget):
    """A "Won" or "Lost" target under the board: outlined while a card is dragged, filled when it hovers."""

    dropped = Signal(object)  # the deal id

    def __init__(self, kind: str, text: str, color: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind, self.text, self.color = kind, text, color
        self.armed = False  # a card is being dragged somewhere on the board
        self.hovered = False
        self.setObjectName(f"{kind}DropZone")
        self.setAcceptDrops(True)
        self.setMinimumHeight(self.fontMetrics().height() * 3)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(text)

    def set_armed(self, armed: bool) -> None:
        self.armed = armed
        self.hovered = self.hovered and armed
        self.update()

    def _hover(self, on: bool) -> None:
        self.hovered = on
        self.update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dragged_deal(event.mimeData()) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self._hover(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._hover(False)
        deal_id = dragged_deal(event.mimeData())
        if deal_id is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.dropped.emit(deal_id)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window, ink = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
        share = 0.35 if self.hovered else 0.12 if self.armed else 0.04
        pen = QPen(self.color if self.armed else blend(window, ink, 0.18), 2 if self.hovered else 1)
        pen.setStyle(Qt.PenStyle.SolidLine if self.hovered or not self.armed else Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(blend(window, self.color, share))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 8, 8)
        painter.setPen(ink if self.armed else blend(window, ink, 0.55))
        font = painter.font()
        font.setBold(self.armed)
        painter.setFont(font)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text)
        painter.end()


class CardActions(QObject):
    """Open, move left/right, Won, Lost… and Delete, with their shortcuts, for the card menu and the keyboard."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.open = self._action(parent, "&Open", "Return", "Open the deal")
        self.previous = self._action(parent, "Move to &Previous Stage", "Ctrl+Left", "Move the deal one stage back")
        self.next = self._action(parent, "Move to &Next Stage", "Ctrl+Right", "Move the deal one stage on")
        self.won = self._action(parent, "Mark as &Won", "Ctrl+Shift+W", "Record the sale and the onboarding tasks")
        self.lost = self._action(parent, "Mark as &Lost…", "Ctrl+Shift+L", "Close the deal as lost, saying why")
        self.delete = self._action(parent, "&Delete", QKeySequence.StandardKey.Delete, "Move the deal to the Trash")

    @staticmethod
    def _action(parent: QWidget, text: str, key: str | QKeySequence.StandardKey, tip: str) -> QAction:
        action = QAction(text, parent)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def all(self) -> list[QAction]:
        return [self.open, self.previous, self.next, self.won, self.lost, self.delete]

    def menu(self, parent: QWidget, stages: list[tuple[uuid.UUID, str]], current: uuid.UUID) -> QMenu:
        """The card's context menu; "Move to" lists the other open stages (`moveTo` actions carry the stage id)."""
        menu = QMenu(parent)
        menu.addAction(self.open)
        move_to = menu.addMenu("&Move to")
        for stage_id, name in stages:
            action = move_to.addAction(name)
            action.setData(stage_id)
            action.setObjectName("moveTo")
            action.setEnabled(stage_id != current)
        menu.addSeparator()
        menu.addAction(self.won)
        menu.addAction(self.lost)
        menu.addSeparator()
        menu.addAction(self.delete)
        return menu


class DealMoves(QObject):
    """The board's writes, each one undoable step; refusals (e.g. no contact to sell to) are explained."""

    moved = Signal(object, object, object)  # deal id, new stage id, the deal's probability override (or None)
    closed = Signal(object, str)  # deal id, "won" | "lost" | "deleted"

    def __init__(self, undo: UndoStack, initiator: QWidget) -> None:
        super().__init__(initiator)
        self.undo = undo
        self.initiator = initiator
        self.message_box: QMessageBox | None = None  # the last refusal shown, for tests
        self.lost_dialog: LostDialog | None = None

    def _run(self, label: str, action: Any) -> tuple[bool, Any]:
        try:
            return True, self.undo.perform(label, action, initiator=self.initiator)
        except CRMError as exc:
            self.message_box = error_box(self.initiator.window(), exc)
            self.message_box.open()
            return False, None

    def move(self, target: Target, stage_id: uuid.UUID, stage_name: str) -> bool:
        """Move to another open stage (a DealStageChange ledger row)."""
        if stage_id == target.stage_id:
            return False
        ok, probability = self._run(
            f"Move “{target.title}” to {stage_name}",
            lambda s: move_deal(session=s, deal_id=target.deal_id, stage_id=stage_id).probability,
        )
        if ok:
            self.moved.emit(target.deal_id, stage_id, probability)
        return bool(ok)

    def win(self, target: Target) -> bool:
        """Close as won: the purchase, points, customer lifecycle and onboarding tasks, in one undoable step."""
        ok, _ = self._run(f"Win “{target.title}”", lambda s: win_deal(session=s, deal_id=target.deal_id))
        if ok:
            self.closed.emit(target.deal_id, "won")
        return bool(ok)

    def ask_lost(self, target: Target) -> LostDialog:
        """Open the Lost dialog; the deal only leaves the board when a reason is given and saved."""
        with self.undo.db.read_session() as session:
            reasons = [(r.id, r.name) for r in list_lost_reasons(session=session)]

        def submit(reason_id: uuid.UUID, note: str | None) -> None:
            self.undo.perform(
                f"Lose “{target.title}”",
                lambda s: lose_deal_service(session=s, deal_id=target.deal_id, reason_id=reason_id, note=note),
                initiator=self.initiator,
            )
            self.closed.emit(target.deal_id, "lost")

        if self.lost_dialog is not None:
            self.lost_dialog.close()
        self.lost_dialog = LostDialog(target.title, reasons, submit, self.initiator.window())
        self.lost_dialog.open()
        return self.lost_dialog

    def delete(self, target: Target) -> bool:
        """Move the deal to the Trash (undoable; it can also be restored from the Trash)."""
        ok, _ = self._run(f"Delete “{target.title}”", lambda s: delete_deal(session=s, deal_id=target.deal_id))
        if ok:
            self.closed.emit(target.deal_id, "deleted")
        return bool(ok)
