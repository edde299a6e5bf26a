"""The timeline list: pages of timeline items fetched as the user scrolls, drawn as a rail of dated cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crm_desktop.services.timeline import TimelineCursor, TimelineItem
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import muted_text

PAGE = 40
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[TimelineCursor | None, int], list[TimelineItem]]

COLORS = {
    "activity": "#3b82f6", "task": "#f59e0b", "task_done": "#10b981", "deal_created": "#6366f1",
    "deal_won": "#10b981", "deal_lost": "#9ca3af", "case_opened": "#ef4444", "case_resolved": "#10b981",
    "purchase": "#059669", "points": "#eab308", "feedback": "#8b5cf6", "lead_status": "#06b6d4",
    "lifecycle": "#0ea5e9",
}  # fmt: skip
TAGS = {
    "task": "Task", "task_done": "Task done", "deal_created": "New deal", "deal_won": "Deal won",
    "deal_lost": "Deal lost", "case_opened": "Case opened", "case_resolved": "Case resolved", "purchase": "Purchase",
    "points": "Points", "lead_status": "Lead status", "lifecycle": "Stage",
}  # fmt: skip


@dataclass(frozen=True)
class Described:
    """What a card says: a coloured tag, when, the headline, and a quieter line (who, and the detail)."""

    tag: str
    headline: str
    detail: str
    meta: str


def describe(item: TimelineItem, fmt: Formatter) -> Described:
    """Words for one timeline item, in the business's formats."""
    kind, sub, n = item.kind, item.sub, item.number
    money = fmt.money(n, item.currency) if n is not None and item.currency else ""
    tag = TAGS.get(kind, label(sub) if kind in ("activity", "feedback") else label(kind))
    headline, detail = item.title or "", item.detail or ""
    if kind == "activity":
        extras = [label(item.prior) if item.prior else "", f"{n} min" if n else ""]
        tag = " · ".join(x for x in (label(sub), *extras) if x)
    elif kind == "task":
        due = f"Due {fmt.date(item.due_at)}" if item.due_at else "No due date"
        detail = " — ".join(x for x in (due, detail) if x)
    elif kind in ("deal_created", "deal_won"):
        detail = money
    elif kind == "deal_lost":
        detail = " — ".join(x for x in (f"Reason: {sub}" if sub else "", money, detail) if x)
    elif kind in ("case_opened", "case_resolved"):
        headline = f"{sub} · {headline}" if sub else headline
        if kind == "case_opened" and item.prior:
            detail = " — ".join(x for x in (f"{label(item.prior)} priority", detail) if x)
    elif kind == "purchase":
        headline = money + (f" · {label(sub)}" if sub else "")
    elif kind == "points":
        headline = f"{'+' if (n or 0) > 0 else ''}{fmt.number(n or 0)} points · {label(sub)}"
    elif kind == "feedback":
        tag = (sub or "").upper() if sub in ("nps", "csat") else "Feedback"
        scale = {"nps": 10, "csat": 5}.get(sub or "")
        headline = f"Scored {n} of {scale}" if scale and n is not None else (detail or "Feedback")
        detail = detail if scale else ""
    elif kind in ("lead_status", "lifecycle"):
        headline = f"{label(item.prior)} → {label(sub)}" if item.prior else f"Started as {label(sub)}"
    who = f"by {item.user_name}" if item.user_name and kind in ("activity", "lead_status", "lifecycle") else ""
    footer = " · ".join(x for x in (item.contact_name or "", who, " ".join(detail.split())) if x)
    return Described(tag, headline, footer, fmt.moment(item.at))


class TimelineModel(QAbstractListModel):
    """Holds the pages fetched so far; Qt asks for more (fetchMore) as the list scrolls to its end."""

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.items: list[TimelineItem] = []
        self._fetch: Fetch | None = None
        self._more = False

    def set_source(self, fetch: Fetch | None) -> None:
        """Show another record's timeline (None: nothing) from its first page."""
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.items = self._fetch(None, PAGE) if self._fetch is not None else []
        self._more = len(self.items) == PAGE
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            words = describe(item, self.fmt)
            parts = (words.tag, words.headline, words.detail, words.meta)
            return " — ".join(p for p in parts if p)
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more and self._fetch is not None

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent) or not self.items:
            return
        assert self._fetch is not None
        page = self._fetch(self.items[-1].cursor, PAGE)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self.items), len(self.items) + len(page) - 1)
            self.items.extend(page)
            self.endInsertRows()


class TimelineDelegate(QStyledItemDelegate):
    """Draws an item as a dot on a vertical rail, a coloured tag, the headline, a detail line and when."""

    PAD = 10
    RAIL_X = 18
    TEXT_X = 40

    def __init__(self, fmt: Callable[[], Formatter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fmt = fmt

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        tag = QFont(base)
        tag.setPointSizeF(base.pointSizeF() - 1)
        tag.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() - 1)
        return tag, base, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item: TimelineItem = index.data(ITEM_ROLE)
        tag, base, small = self._fonts(option)
        lines = QFontMetrics(tag).height() + 3 + QFontMetrics(base).height()
        if describe(item, self._fmt()).detail:
            lines += 2 + QFontMetrics(small).height()
        return QSize(200, lines + 2 * self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: TimelineItem = index.data(ITEM_ROLE)
        words = describe(item, self._fmt())
        palette = option.palette
        rect: QRect = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        rail = palette.color(QPalette.ColorRole.Mid)
        rail.setAlpha(110)
        painter.setPen(rail)
        x = rect.left() + self.RAIL_X
        top = rect.top() if index.row() > 0 else rect.top() + self.PAD + 6
        bottom = rect.bottom() if index.row() < index.model().rowCount() - 1 else rect.top() + self.PAD + 6
        painter.drawLine(x, top, x, bottom)
        colour = QColor(COLORS.get(item.kind, "#9ca3af"))
        painter.setPen(palette.color(QPalette.ColorRole.Base))
        painter.setBrush(colour)
        painter.drawEllipse(x - 6, rect.top() + self.PAD + 1, 12, 12)

        tag_font, base_font, small_font = self._fonts(option)
        left = rect.left() + self.TEXT_X
        width = rect.right() - left - self.PAD
        y = rect.top() + self.PAD
        tag_height = QFontMetrics(tag_font).height()
        painter.setFont(small_font)
        painter.setPen(muted_text(palette))
        meta = QFontMetrics(small_font).elidedText(words.meta, Qt.TextElideMode.ElideLeft, max(width // 2, 40))
        meta_width = QFontMetrics(small_font).horizontalAdvance(meta)
        painter.drawText(
            QRect(left, y, width, tag_height), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, meta
        )
        painter.setFont(tag_font)
        luminance = (0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()) / 255
        painter.setPen(colour.darker(100 + round(max(0.0, luminance - 0.4) * 150)))
        tag = QFontMetrics(tag_font).elidedText(
            words.tag, Qt.TextElideMode.ElideRight, max(width - meta_width - 12, 30)
        )
        painter.drawText(
            QRect(left, y, width, tag_height), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, tag
        )
        y += tag_height + 3
        painter.setFont(base_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        base_height = QFontMetrics(base_font).height()
        headline = QFontMetrics(base_font).elidedText(words.headline, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(left, y, width, base_height), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, headline
        )
        if words.detail:
            y += base_height + 2
            painter.setFont(small_font)
            painter.setPen(muted_text(palette))
            detail = QFontMetrics(small_font).elidedText(words.detail, Qt.TextElideMode.ElideRight, width)
            small_height = QFontMetrics(small_font).height()
            painter.drawText(
                QRect(left, y, width, small_height), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail
            )
        painter.restore()


class TimelineView(QListView):
    """The list of cards; fetches further pages as it scrolls."""

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(TimelineDelegate(lambda: model.fmt, self))
        self.setObjectName("timelineList")
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.verticalScrollBar().setObjectName("slimScrollBar")
