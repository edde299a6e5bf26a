"""Two-line task rows: the title, and under it in quieter ink who and what the task is about."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from crm_desktop.ui.style import muted_text

SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


class TwoLineDelegate(QStyledItemDelegate):
    """Rows with a subtitle get two lines; others (group headings) are drawn as usual."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(SUBTITLE_ROLE):
            size.setHeight(max(size.height(), option.fontMetrics.height() * 2 + 10))  # type: ignore[attr-defined]
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        subtitle = index.data(SUBTITLE_ROLE)
        if not subtitle:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget).adjusted(3, 0, -3, 0)
        title = opt.text  # type: ignore[attr-defined]
        opt.text = ""  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        metrics = opt.fontMetrics  # type: ignore[attr-defined]
        line = metrics.height()
        top = text_rect.top() + (text_rect.height() - 2 * line) // 2
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette: QPalette = opt.palette  # type: ignore[attr-defined]
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        width = text_rect.width()
        painter.save()
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        painter.setPen(ink)
        first = QRect(text_rect.left(), top, width, line)
        painter.drawText(first, flags, metrics.elidedText(title, Qt.TextElideMode.ElideRight, width))
        painter.setPen(ink if selected else muted_text(palette))
        second = QRect(text_rect.left(), top + line, width, line)
        painter.drawText(second, flags, metrics.elidedText(str(subtitle), Qt.TextElideMode.ElideRight, width))
        painter.restore()
