"""What deal and lead cards share when painted: the rounded card, the owner badge and the column's lane."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QStyle, QStyleOptionViewItem, QWidget

from crm_desktop.ui.style import blend, is_dark

COLUMN_MIN_WIDTH = 250
MARGIN_X, MARGIN_Y, PAD, RADIUS = 6, 4, 10, 6.0
LINE_GAP = 4  # pixels between a card's lines of text
BADGE_COLORS = ("#2563eb", "#7c3aed", "#db2777", "#0d9488", "#ea580c", "#4f46e5", "#059669", "#b45309")


def card_height(option: QStyleOptionViewItem, lines: int) -> int:
    """The height of a card of `lines` lines of text in the view's font."""
    line = QFontMetrics(option.font).height()
    return 2 * MARGIN_Y + 2 * PAD + lines * line + (lines - 1) * LINE_GAP


def paint_card_frame(painter: QPainter, option: QStyleOptionViewItem, palette: QPalette) -> tuple[QRectF, QPainterPath]:
    """The card's rounded box, outlined (and tinted when selected, the keyboard's and the menu's target)."""
    rect = QRectF(option.rect).adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, -MARGIN_Y)
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    accent = palette.color(QPalette.ColorRole.Highlight)
    path = QPainterPath()
    path.addRoundedRect(rect, RADIUS, RADIUS)
    fill = blend(base, text, 0.03) if is_dark(palette) else base
    painter.setBrush(blend(fill, accent, 0.1) if selected else fill)
    pen = painter.pen()
    pen.setColor(accent if selected else blend(base, text, 0.16 if hovered else 0.1))
    pen.setWidthF(2.0 if selected else 1.0)
    painter.setPen(pen)
    painter.drawPath(path)
    return rect, path


@dataclass(frozen=True)
class CardText:
    """Where a card's text goes: fonts, line height, the padded inner box and the owner badge's size."""

    font: QFont
    bold: QFont
    metrics: QFontMetrics
    line: int
    inner: QRectF
    badge: int

    @classmethod
    def inside(cls, option: QStyleOptionViewItem, rect: QRectF) -> CardText:
        bold = QFont(option.font)
        bold.setBold(True)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        return cls(option.font, bold, metrics, line, rect.adjusted(PAD + 2, PAD, -PAD, -PAD), line + 4)

    def row(self, number: int) -> QRectF:
        """The box of text line `number` (0 is the top line), the full inner width."""
        top = self.inner.top() + number * (self.line + LINE_GAP)
        return QRectF(self.inner.left(), top, self.inner.width(), self.line)

    def paint_heading(self, painter: QPainter, text: str, initials: str, ink: QColor) -> None:
        """The first line in bold, elided before the owner's badge at its right."""
        width = int(self.inner.width() - self.badge - 6)
        painter.setFont(self.bold)
        painter.setPen(ink)
        shown = QFontMetrics(self.bold).elidedText(text, Qt.TextElideMode.ElideRight, width)
        top = self.inner.top()
        painter.drawText(QRectF(self.inner.left(), top, width, self.line), Qt.AlignmentFlag.AlignVCenter, shown)
        paint_badge(painter, initials, QRectF(self.inner.right() - self.badge, top - 2, self.badge, self.badge))
        painter.setFont(self.font)

    def paint_muted_line(self, painter: QPainter, number: int, text: str, muted: QColor) -> None:
        """A whole line in the muted colour, elided to the card's width."""
        painter.setPen(muted)
        shown = self.metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(self.inner.width()))
        painter.drawText(self.row(number), Qt.AlignmentFlag.AlignVCenter, shown)


def paint_badge(painter: QPainter, initials: str, rect: QRectF) -> None:
    """The owner's initials in a circle of a colour that stays the same for the same person."""
    if not initials:
        return
    digest = hashlib.md5(initials.encode(), usedforsecurity=False).digest()
    color = QColor(BADGE_COLORS[digest[0] % len(BADGE_COLORS)])
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.72))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials[:2].upper())
    painter.restore()


def paint_lane(widget: QWidget, *, drop_target: bool = False) -> None:
    """A column's softly tinted, rounded lane; outlined in the highlight colour while a card is dragged over it."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    palette = widget.palette()
    window, ink = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
    if drop_target:
        accent = palette.color(QPalette.ColorRole.Highlight)
        pen = painter.pen()
        pen.setColor(accent)
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(blend(window, accent, 0.14))
        painter.drawRoundedRect(QRectF(widget.rect()).adjusted(1, 1, -1, -1), 8, 8)
    else:
        painter.setPen(blend(window, ink, 0.1))
        painter.setBrush(blend(window, ink, 0.035))
        painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
    painter.end()


class CardColumnFrame(QFrame):
    """A board column: its lane, minimum width and bold title; subclasses add the count and the card list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stageColumn")
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")

    def is_drop_target(self) -> bool:
        """True while a dragged card is over this column (it is then outlined)."""
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_lane(self, drop_target=self.is_drop_target())
