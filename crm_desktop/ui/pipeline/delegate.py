"""How the board looks: a stage column (header over a lane of cards) and the delegate painting each card.

Cards show title, who, value, days in stage, owner badge, and a stripe when they go stale; the selected card
and the column under a dragged card are outlined in the highlight colour.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import DealCard, StageColumn
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import AMBER, RED
from crm_desktop.ui.pipeline.card_drag import style_card_list
from crm_desktop.ui.pipeline.deal_moves import DealListView
from crm_desktop.ui.pipeline.model import CARD_ROLE, StageModel, staleness
from crm_desktop.ui.style import blend, is_dark, make_muted, muted_text

COLUMN_MIN_WIDTH = 250
LINES = 4  # title; organization · contact; value and days in stage; next task and probability
TEXT_CACHE = 20_000
MARGIN_X, MARGIN_Y, PAD, RADIUS, STRIPE = 6, 4, 10, 6.0, 4
BADGE_COLORS = ("#2563eb", "#7c3aed", "#db2777", "#0d9488", "#ea580c", "#4f46e5", "#059669", "#b45309")


class CardDelegate(QStyledItemDelegate):
    """Draws cards directly (no widgets per card), so a stage with thousands of deals stays smooth."""

    def __init__(self, fmt: Formatter, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.fmt = fmt
        self._texts: dict[tuple[object, ...], str] = {}  # formatted money/days/dates: babel is slow per paint

    def _text(self, key: tuple[object, ...]) -> str:
        """A card's formatted figure, cached per formatter (a drop repaints two columns within budget)."""
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) > TEXT_CACHE:
                self._texts.clear()
            kind, value, extra = key
            if kind == "money":
                text = self.fmt.money(int(value), str(extra), whole=True)  # type: ignore[call-overload]
            elif kind == "days":
                days = int(value)  # type: ignore[call-overload]
                text = (
                    "new today" if days == 0 else f"{self.fmt.number(days)} {'day' if days == 1 else 'days'} in stage"
                )
            else:
                text = f"Next task {self.fmt.date(value)}"  # type: ignore[arg-type]
            self._texts[key] = text
        return text

    def set_formatter(self, fmt: Formatter) -> None:
        if fmt != self.fmt:
            self.fmt = fmt
            self._texts.clear()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(200, 2 * MARGIN_Y + 2 * PAD + LINES * line + (LINES - 1) * 4)

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
        accent = palette.color(QPalette.ColorRole.Highlight)
        path = QPainterPath()
        path.addRoundedRect(rect, RADIUS, RADIUS)
        fill = blend(base, text, 0.03) if is_dark(palette) else base
        painter.setBrush(blend(fill, accent, 0.1) if selected else fill)
        pen = painter.pen()
        pen.setColor(accent if selected else blend(base, text, 0.16 if hovered else 0.1))
        pen.setWidthF(2.0 if selected else 1.0)  # the selected card (the keyboard's and the menu's target) stands out
        painter.setPen(pen)
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
            self._text(("money", card.value_cents, card.currency)),
        )
        painter.setFont(option.font)
        age = self._text(("days", card.days_in_stage, None))
        painter.setPen(RED if card.rotting else muted)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, age)

        task = bottom.translated(0, line + 4)
        due = card.next_task_due
        if due is None:
            painter.setPen(muted)
            painter.drawText(task, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "No next task")
        else:
            overdue = due < datetime.now(UTC)
            painter.setPen(RED if overdue else muted)
            text = self._text(("due", due.date(), None)) + (" · overdue" if overdue else "")
            chance = metrics.horizontalAdvance(f"{card.probability} %") + 8  # leave the probability its room
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(task.width()) - chance))
            painter.drawText(task, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        painter.setPen(muted)
        painter.drawText(task, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{card.probability} %")

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


class StageColumnWidget(QFrame):
    """Stage name and count, total and weighted value, then the stage's cards (lit up as a drop target)."""

    def __init__(self, column: StageColumn, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stageColumn")
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        self.fmt = fmt
        self.model = StageModel(column, fmt)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.count = make_muted(QLabel(self))
        self.values = make_muted(QLabel(self))
        self.list = DealListView(column.stage_id, self)
        self.list.setModel(self.model)
        self.delegate = CardDelegate(fmt, self.list)
        self.list.setItemDelegate(self.delegate)
        style_card_list(self.list, column.name)

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(heading)
        layout.addWidget(self.values)
        layout.addSpacing(6)
        layout.addWidget(self.list, 1)
        for label in (self.title, self.count, self.values):
            label.setContentsMargins(6, 0, 6, 0)
        self.set_column(column)

    @property
    def stage_id(self) -> uuid.UUID:
        return self.model.column.stage_id

    def paintEvent(self, event: QPaintEvent) -> None:
        """A softly tinted, rounded lane behind the cards; outlined in the highlight colour under a dragged card."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window, ink = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
        if self.list.drop_active:
            accent = palette.color(QPalette.ColorRole.Highlight)
            pen = painter.pen()
            pen.setColor(accent)
            pen.setWidthF(2.0)
            painter.setPen(pen)
            painter.setBrush(blend(window, accent, 0.14))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 8, 8)
        else:
            painter.setPen(blend(window, ink, 0.1))
            painter.setBrush(blend(window, ink, 0.035))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()

    def selected_card(self) -> DealCard | None:
        """The selected card of this stage, if any."""
        rows = self.list.selectionModel().selectedIndexes() if self.list.selectionModel() else []
        return rows[0].data(CARD_ROLE) if rows else None

    def select(self, deal_id: uuid.UUID, *, focus: bool = False) -> bool:
        """Select (and show) a deal's card; True when it is shown here."""
        row = self.model.row_of(deal_id)
        if row < 0:
            return False
        self.model.show_up_to(row)
        index = self.model.index(row, 0)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)
        if focus:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def set_formatter(self, fmt: Formatter) -> None:
        """Money, numbers and dates in the business's (new) locale."""
        self.fmt = self.model.fmt = fmt
        self.delegate.set_formatter(fmt)

    def set_column(self, column: StageColumn) -> None:
        """New data from a board reload; the selected card stays selected when it is still here."""
        selected = self.selected_card()
        self.model.set_column(column)
        if selected is not None:
            self.select(selected.id)
        self.update_header()

    def set_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self.update_header()

    def update_header(self) -> None:
        column = self.model.column
        shown = self.model.matched()
        self.title.setText(column.name)
        count = self.fmt.number(column.count)
        self.count.setText(count if shown == column.count else f"{self.fmt.number(shown)} of {count}")
        self.values.setText(
            f"{self.fmt.money(column.total_cents, whole=True)}  ·  weighted "
            f"{self.fmt.money(column.weighted_cents, whole=True)} ({column.probability} %)"
        )
        self.values.setToolTip(
            "Total value of the open deals in this stage, and that value weighted by each deal's probability"
        )
