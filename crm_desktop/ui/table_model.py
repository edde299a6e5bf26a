"""A lazy table model over a service's paged list: SQL sorts, filters and pages; Qt fetches on scroll."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole service row, for views and tests


@dataclass(frozen=True)
class Column(Generic[R]):
    """How one column shows a row: its text, the service sort key, and optional decorations."""

    title: str
    text: Callable[[R], str]
    sort_key: str | None = None
    align: Qt.AlignmentFlag = LEFT
    width: int = 140
    tooltip: Callable[[R], str | None] | None = None
    icon: Callable[[R], QIcon | None] | None = None
    color: Callable[[R], QColor | None] | None = None
    bold: Callable[[R], bool] | None = None
    stretch: bool = False  # takes the spare width, so the table never needs a horizontal scroll bar


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Holds only the rows scrolled into view so far, in pages; `reload()` re-queries after changes."""

    PAGE = 200

    def __init__(self, db: Workspace, fmt: Formatter, *, sort_column: int = 0, descending: bool = False) -> None:
        super().__init__()
        self._db = db
        self.fmt = fmt
        self.columns: list[Column[R]] = []
        self.search = ""
        self.sort_column = sort_column
        self.descending = descending
        self._rows: list[R] = []
        self._total = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # --- what subclasses provide -------------------------------------------------------------
    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[R]:
        raise NotImplementedError

    def count_rows(self, session: Any) -> int:
        raise NotImplementedError

    # --- state changes --------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many rows match the current search and filters (not just those loaded)."""
        return self._total

    def set_search(self, text: str) -> None:
        if text != self.search:
            self.search = text
            self.reload(keep_loaded=False)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Re-query; by default as many rows as were loaded, so the scroll position survives a refresh."""
        wanted = max(self.PAGE, len(self._rows)) if keep_loaded else self.PAGE
        self.beginResetModel()
        with self._db.read_session() as session:
            self._total = self.count_rows(session)
            self._rows = self._fetch(session, 0, min(wanted, self._total)) if self._total else []
        if len(self._rows) < min(wanted, self._total):
            self._total = len(self._rows)  # the data changed under us; stop asking for more
        self.endResetModel()

    def row(self, index: Index) -> R:
        return self._rows[index.row()]

    def rows(self) -> list[R]:
        """The rows loaded so far (a copy)."""
        return list(self._rows)

    # --- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.DecorationRole and column.icon is not None:
            return column.icon(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            color = column.color(row)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(row):
            return self._bold
        if role == ROW_ROLE:
            return row
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or len(self._rows) >= self._total:
            return
        with self._db.read_session() as session:
            page = self._fetch(session, len(self._rows), self.PAGE)
        if not page:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's service key; columns without one keep the current order."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self.sort_column, self.descending):
            return  # e.g. the view announcing the initial order: nothing to re-query
        self.sort_column, self.descending = column, descending
        self.reload(keep_loaded=False)

    def _fetch(self, session: Any, offset: int, limit: int) -> list[R]:
        key = self.columns[self.sort_column].sort_key
        assert key is not None
        return self.fetch_rows(session, sort=key, descending=self.descending, offset=offset, limit=limit)
