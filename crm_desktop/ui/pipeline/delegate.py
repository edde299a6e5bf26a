"""Paints a deal card: title, who, value, days in stage, owner badge, and a stripe when it goes stale."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crm_desktop.services.deals import DealCard
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import AMBER, RED
from crm_desktop.ui.pipeline.model import CARD_ROLE, StageModel, staleness
from crm_desktop.ui.style import blend, is_dark, muted_text

MARGIN_X, MARGIN_Y, PAD, RADIUS, STRIPE = 6, 4, 10, 6.0, 4
BADGE_COLORS = ("#2563eb", "#7c3aed", "#db2777", "#0d9488", "#ea580c", "#4f46e5", "#059669", "#b45309")


class CardDelegate(QStyledItemDelegate):
    """Draws cards directly (no widgets per card), so a stage with thousands of deals stays smooth."""

    def __init__(self, fmt: Formatter, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.fmt = fmt

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(200, 2 * MARGIN_Y + 2 * PAD + 3 * line + 2 * 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: DealCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        model = index.model()
        rotting_days = model.column.rotting_days if isinstance(model, StageModel) else None
        palette = QGuiApplication.palette()  # the list's own Base is transparent (cards sit on the column)
        rect = QRectF(option.rect).adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        border = (
            palette.color(QPalette.ColorRole.Highlight) if selected else blend(base, text, 0.16 if hovered else 0.1)
        )
        path = QPainterPath()
        path.addRoundedRect(rect, RADIUS, RADIUS)
        painter.setBrush(blend(base, text, 0.03) if is_dark(palette) else base)
        painter.setPen(border)
        painter.drawPath(path)

        stale = staleness(card, rotting_days)
        if stale is not None:
            painter.save()
            painter.setClipPath(path)
            painter.fillRect(
                QRectF(rect.left(), rect.top(), STRIPE, rect.height()), RED if stale == "rotting" else AMBER
            )
            painter.restore()
        self._paint_text(painter, option, card, rect, text, muted_text(palette))
        painter.restore()

    def _paint_text(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        card: DealCard,
        rect: QRectF,
        ink: QColor,
        muted: QColor,
    ) -> None:
        bold = QFont(option.font)
        bold.setBold(True)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        inner = rect.adjusted(PAD + 2, PAD, -PAD, -PAD)
        badge = line + 4
        top = inner.top()

        painter.setFont(bold)
        painter.setPen(ink)
        title_width = int(inner.width() - badge - 6)
        title = QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, title_width)
        painter.drawText(QRectF(inner.left(), top, title_width, line), Qt.AlignmentFlag.AlignVCenter, title)
        self._paint_badge(painter, card.owner_initials, QRectF(inner.right() - badge, top - 2, badge, badge))

        painter.setFont(option.font)
        painter.setPen(muted)
        who = " · ".join(filter(None, (card.organization_name, card.contact_name))) or "No organization"
        who = metrics.elidedText(who, Qt.TextElideMode.ElideRight, int(inner.width()))
        painter.drawText(QRectF(inner.left(), top + line + 4, inner.width(), line), Qt.AlignmentFlag.AlignVCenter, who)

        bottom = QRectF(inner.left(), top + 2 * (line + 4), inner.width(), line)
        painter.setFont(bold)
        painter.setPen(ink)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.fmt.money(card.value_cents, card.currency, whole=True),
        )
        painter.setFont(option.font)
        days = card.days_in_stage
        age = "new today" if days == 0 else f"{self.fmt.number(days)} {'day' if days == 1 else 'days'} in stage"
        painter.setPen(RED if card.rotting else muted)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, age)

    def _paint_badge(self, painter: QPainter, initials: str, rect: QRectF) -> None:
        if not initials:
            return
        digest = hashlib.md5(initials.encode(), usedforsecurity=False).digest()  # stable colour per person
        color = QColor(BADGE_COLORS[digest[0] % len(BADGE_COLORS)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(rect)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.72))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials[:2].upper())
