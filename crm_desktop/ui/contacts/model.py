"""The contacts table model: pages of `contact_list.list_contacts` under the filter bar's filter."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from crm_desktop.services.contact_list import ContactFilter, ContactRow, count_contacts, first_page, list_contacts
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.columns import ColumnSpec, contact_columns
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.table_model import PagedTableModel


class ContactsModel(PagedTableModel[ContactRow]):
    """Every contact column (the view hides some); filtering, sorting and paging happen in SQL."""

    FIRST_PAGE = 100  # a new search or sort loads this many (a screenful and more); scrolling loads PAGE more

    def __init__(self, db: Workspace, fmt: Formatter, initial: ContactFilter | None = None) -> None:
        super().__init__(db, fmt)
        self.filter = initial or ContactFilter()
        self.search = self.filter.search
        self.specs: list[ColumnSpec] = contact_columns(lambda: self.fmt)
        self.columns = [s.column for s in self.specs]

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.specs]

    @property
    def sort_key(self) -> str:
        return self.specs[self.sort_column].key

    def set_search(self, text: str) -> None:
        if text != self.filter.search:
            self.set_filter(replace(self.filter, search=text))

    def set_filter(self, new: ContactFilter) -> None:
        """Show the contacts matching `new` (from the first page)."""
        if new == self.filter:
            return
        self.filter = new
        self.search = new.search
        self.reload(keep_loaded=False)

    def set_sort(self, key: str, descending: bool) -> None:
        """Sort by a column key (a saved view's sort); unknown keys keep the current order."""
        if key in self.keys:
            self.sort_column, self.descending = self.keys.index(key), descending
            self.reload(keep_loaded=False)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Re-query: the rows and the total come from one pass over the matches (half the work per keystroke)."""
        wanted = max(self.PAGE, len(self._rows)) if keep_loaded else self.FIRST_PAGE
        self.beginResetModel()
        with self._db.read_session() as session:
            page = first_page(
                session=session, filter=self.filter, sort_key=self.sort_key, descending=self.descending, limit=wanted
            )
        self._rows, self._total = page.rows, page.total
        self.endResetModel()

    def show_nothing(self) -> None:
        """Empty the table without a query (e.g. no organization chosen yet)."""
        self.beginResetModel()
        self._rows, self._total = [], 0
        self.endResetModel()

    def row_id(self, row: int) -> uuid.UUID | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def fetch_rows(self, session: Any, *, sort: str, descending: bool, offset: int, limit: int) -> list[ContactRow]:
        return list_contacts(
            session=session, filter=self.filter, sort_key=sort, descending=descending, offset=offset, limit=limit
        )

    def count_rows(self, session: Any) -> int:
        return count_contacts(session=session, filter=self.filter)
