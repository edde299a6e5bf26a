"""How the board looks: a stage column (header over a lane of cards) and the delegate painting each card.

Cards show title, who, value, days in stage, owner badge, and a stripe when they go stale; the selected card
and the column under a dragged card are outlined in the highlight colour.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import DealCard, StageColumn
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import AMBER, RED
from crm_desktop.ui.pipeline.card_drag import style_card_list
from crm_desktop.ui.pipeline.card_paint import CardColumnFrame, CardText, card_height, paint_card_frame
from crm_desktop.ui.pipeline.deal_moves import DealListView
from crm_desktop.ui.pipeline.model import CARD_ROLE, StageModel, staleness
from crm_desktop.ui.style import make_muted, muted_text

LINES = 4  # title; organization · contact; value and days in stage; next task and probability
TEXT_CACHE = 20_000
STRIPE = 4  # the width of the warning stripe of a deal that goes stale


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
        return QSize(200, card_height(option, LINES))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: DealCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        model = index.model()
        rotting_days = model.column.rotting_days if isinstance(model, StageModel) else None
        palette = QGuiApplication.palette()  # the list's own Base is transparent (cards sit on the column)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect, path = paint_card_frame(painter, option, palette)
        stale = staleness(card, rotting_days)
        if stale is not None:
            painter.save()
            painter.setClipPath(path)
            painter.fillRect(
                QRectF(rect.left(), rect.top(), STRIPE, rect.height()), RED if stale == "rotting" else AMBER
            )
            painter.restore()
        ink = palette.color(QPalette.ColorRole.Text)
        self._paint_text(painter, CardText.inside(option, rect), card, ink, muted_text(palette))
        painter.restore()

    def _paint_text(self, painter: QPainter, text: CardText, card: DealCard, ink: QColor, muted: QColor) -> None:
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        text.paint_heading(painter, card.title, card.owner_initials, ink)
        who = " · ".join(filter(None, (card.organization_name, card.contact_name))) or "No organization"
        text.paint_muted_line(painter, 1, who, muted)

        bottom = text.row(2)
        painter.setFont(text.bold)
        painter.setPen(ink)
        painter.drawText(bottom, left, self._text(("money", card.value_cents, card.currency)))
        painter.setFont(text.font)
        painter.setPen(RED if card.rotting else muted)
        painter.drawText(bottom, right, self._text(("days", card.days_in_stage, None)))

        task = text.row(3)
        chance = f"{card.probability} %"
        due = card.next_task_due
        if due is None:
            painter.setPen(muted)
            painter.drawText(task, left, "No next task")
        else:
            overdue = due < datetime.now(UTC)
            painter.setPen(RED if overdue else muted)
            line = self._text(("due", due.date(), None)) + (" · overdue" if overdue else "")
            room = max(0, int(task.width()) - text.metrics.horizontalAdvance(chance) - 8)  # the probability's room
            painter.drawText(task, left, text.metrics.elidedText(line, Qt.TextElideMode.ElideRight, room))
        painter.setPen(muted)
        painter.drawText(task, right, chance)


class StageColumnWidget(CardColumnFrame):
    """Stage name and count, total and weighted value, then the stage's cards (lit up as a drop target)."""

    def __init__(self, column: StageColumn, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.model = StageModel(column, fmt)
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

    def is_drop_target(self) -> bool:
        return self.list.drop_active

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
