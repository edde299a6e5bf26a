"""Contacts tab: lazy paging, SQL sorting, debounced search and hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.contact_list import ContactFilter, count_contacts, list_contacts
from crm_desktop.services.contacts import format_phone
from crm_desktop.ui.table_model import PagedTableModel


def test_model_passes_modeltester(qtmodeltester: Any, window: Any) -> None:
    qtmodeltester.check(window.contacts.model)


def test_rows_and_cells_match_the_service(window: Any, db: Any) -> None:
    model = window.contacts.model
    with db.read_session() as session:
        total = count_contacts(session=session)
        first = list_contacts(session=session, limit=5)
    assert model.total == total
    assert model.rowCount() == min(total, PagedTableModel.PAGE)
    assert window.contacts.count.text() == f"{total:,} contacts"
    for row, expected in enumerate(first):
        assert model.index(row, 0).data() == expected.display_name
        assert model.index(row, 2).data() == (expected.email or "")
        assert model.index(row, 3).data() == format_phone(expected.phone, window.fmt.region)


def test_scrolling_fetches_the_next_page(qtbot: Any, window: Any) -> None:
    model = window.contacts.model
    assert model.total > PagedTableModel.PAGE
    assert model.rowCount() == PagedTableModel.PAGE
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == min(model.total, 2 * PagedTableModel.PAGE)
    window.contacts.table.scrollToBottom()  # the view asks for more pages as it reaches the end
    qtbot.waitUntil(lambda: model.rowCount() > 2 * PagedTableModel.PAGE)


def test_sorting_happens_in_sql(window: Any, db: Any) -> None:
    model = window.contacts.model
    model.sort(7, Qt.SortOrder.DescendingOrder)  # Created, newest first
    with db.read_session() as session:
        expected = list_contacts(session=session, sort_key="created_at", descending=True, limit=3)
    assert [model.index(r, 0).data() for r in range(3)] == [row.display_name for row in expected]


def test_typing_in_the_search_box_filters(qtbot: Any, window: Any, db: Any) -> None:
    tab = window.contacts
    qtbot.keyClicks(tab.search, "lovelace")
    qtbot.waitUntil(lambda: tab.model.search == "lovelace")
    with db.read_session() as session:
        expected = count_contacts(session=session, filter=ContactFilter(search="lovelace"))
    assert tab.model.rowCount() == expected >= 1
    assert all("Lovelace" in tab.model.index(r, 0).data() for r in range(tab.model.rowCount()))
    assert tab.count.text().endswith("found")
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.model.search == "")


@pytest.mark.parametrize("text", ['"', "*", "AND", "-", "a OR b", "NEAR(", "🙂☕", "x" * 500, "'; DROP TABLE contact"])
def test_hostile_search_strings_do_not_raise(qtbot: Any, window: Any, text: str) -> None:
    tab = window.contacts
    tab.search.setText(text)
    qtbot.waitUntil(lambda: tab.model.search == text.strip())
    assert tab.model.rowCount() >= 0


def test_find_focuses_the_current_tabs_search(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    for number, tab in enumerate([window.contacts, window.pipeline, window.cases, window.loyalty]):
        window.show_tab(number)
        window.action_map["find"].trigger()
        qtbot.waitUntil(tab.search.hasFocus)
