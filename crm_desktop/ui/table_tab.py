"""The shape shared by the list tabs: a search row over a lazy table, refreshed by the event hub."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QTableView, QVBoxLayout, QWidget

from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.table_model import PagedTableModel
from crm_desktop.ui.widgets import SearchBox, count_label, make_table


class TableTab(QWidget):
    """Search box, optional filters and a count above a table; reloads when a watched table changes."""

    WATCHES: frozenset[str] = frozenset()
    NOUN: tuple[str, str] = ("row", "rows")
    counts_changed = Signal()

    def __init__(
        self,
        model: PagedTableModel,
        hub: EventHub,
        fmt: Formatter,
        *,
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.fmt = fmt
        self.search = SearchBox(placeholder, self)
        self.count = count_label(self)
        self.table: QTableView = make_table(model, self)
        self.filters = QHBoxLayout()
        self.filters.setSpacing(8)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addLayout(self.filters)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._stale = False  # data changed while hidden: reload when shown
        self.search.search_changed.connect(model.set_search)
        model.modelReset.connect(self._update_count)
        hub.changed.connect(self._on_changed)

    def focus_search(self) -> None:
        """Edit → Find lands here."""
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        self._stale = False
        self.model.reload()

    def mark_stale(self) -> None:
        """Reload on the next show instead of now (hidden tabs cost nothing at start-up or on every write)."""
        self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def set_formatter(self, fmt: Formatter) -> None:
        """Settings changed (locale, currency, region): redraw with the new formats."""
        if fmt != self.fmt:
            self.fmt = self.model.fmt = fmt
            self.refresh()

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & self.WATCHES:
            self.refresh() if self.isVisible() else self.mark_stale()

    def _update_count(self) -> None:
        singular, plural = self.NOUN
        text = self.fmt.count(self.model.total, singular, plural)
        self.count.setText(text if not self.model.search else f"{text} found")
        self.counts_changed.emit()
