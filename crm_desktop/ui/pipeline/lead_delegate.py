"""How the leads board looks: painted lead cards in the deal cards' style, and the column lane with its header."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.leads import LeadCard, LeadColumn
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.pipeline.card_drag import CardListView, style_card_list
from crm_desktop.ui.pipeline.card_paint import CardColumnFrame, CardText, card_height, paint_card_frame
from crm_desktop.ui.pipeline.delegate import CardDelegate
from crm_desktop.ui.pipeline.lead_model import LEADS_SCOPE, LeadColumnModel, days_in_status
from crm_desktop.ui.pipeline.model import CARD_ROLE
from crm_desktop.ui.style import make_muted, muted_text

HINTS = {
    "open": "New leads, not yet reached",
    "contacted": "Reached; finding out if they fit",
    "qualified": "Ready to become a deal",
    "unqualified": "Not a fit for now",
}


class LeadCardDelegate(CardDelegate):
    """Draws lead cards directly (no widget per card), framed like the deal cards; three lines tall."""

    LINES = 3  # name and owner; organization (or e-mail); source and days in status

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, card_height(option, self.LINES))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: LeadCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        palette = QGuiApplication.palette()  # the list's own Base is transparent (cards sit on the column)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect, _path = paint_card_frame(painter, option, palette)
        ink, muted = palette.color(QPalette.ColorRole.Text), muted_text(palette)
        text = CardText.inside(option, rect)
        text.paint_heading(painter, card.display_name, card.owner_initials, ink)
        who = card.organization_name or card.email or card.phone or "No organization"
        text.paint_muted_line(painter, 1, who, muted)
        bottom = text.row(2)
        days = days_in_status(card)
        age = "new today" if days == 0 else f"{self.fmt.number(days)} {'day' if days == 1 else 'days'} in status"
        painter.drawText(bottom, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, age)
        source = label(card.source) if card.source else "No source"
        room = int(bottom.width() - text.metrics.horizontalAdvance(age) - 12)
        painter.setPen(ink if card.source else muted)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            text.metrics.elidedText(source, Qt.TextElideMode.ElideRight, room),
        )
        painter.restore()


class LeadColumnWidget(CardColumnFrame):
    """A status's name and count ("100 of 11,248" until all are scrolled in) over its list of cards."""

    def __init__(self, column: LeadColumn, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.model = LeadColumnModel(column, fmt)
        self.dot = QLabel(self)
        icon = marker(column.status)
        if icon is not None:
            self.dot.setPixmap(icon.pixmap(16, 16))
        self.count = make_muted(QLabel(self))
        self.hint = make_muted(QLabel(HINTS.get(column.status, ""), self))
        self.list = CardListView(LEADS_SCOPE, column.status, self)
        self.list.setModel(self.model)
        self.list.setItemDelegate(LeadCardDelegate(fmt, self.list))
        style_card_list(self.list, column.label)

        heading = QHBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(self.dot)
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 10, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(heading)
        layout.addWidget(self.hint)
        layout.addSpacing(6)
        layout.addWidget(self.list, 1)
        self.dot.setContentsMargins(6, 0, 0, 0)
        self.title.setContentsMargins(0, 0, 6, 0)
        for muted in (self.count, self.hint):
            muted.setContentsMargins(6, 0, 6, 0)
        self.model.rowsInserted.connect(self.update_header)
        self.model.rowsRemoved.connect(self.update_header)
        self.model.modelReset.connect(self.update_header)
        self.update_header()

    def update_header(self) -> None:
        shown, total = self.model.rowCount(), self.model.count
        self.title.setText(self.model.label)
        count = self.fmt.number(total)
        self.count.setText(count if shown >= total else f"{self.fmt.number(shown)} of {count}")
        self.count.setToolTip("" if shown >= total else "Scroll down for more, or narrow the board with the filter")

    def show_scrolled(self, column: LeadColumn, selected: uuid.UUID | None, *, keep: bool = True) -> None:
        """New data, keeping (unless told otherwise) the scroll position, and the selected card when still here."""
        position = self.list.verticalScrollBar().value() if keep else 0
        self.model.set_column(column)
        self.list.verticalScrollBar().setValue(position)
        row = self.model.row_of(selected) if selected is not None else None
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row, 0))
