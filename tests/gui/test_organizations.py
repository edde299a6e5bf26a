"""The organizations side of the Contacts tab: a lazy SQL-sorted table, search, one organization's people and deals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.contact_list import ContactFilter, count_contacts
from crm_desktop.services.organization_list import (
    SORT_KEYS,
    count_organization_rows,
    list_organization_rows,
    organization_deals,
)
from crm_desktop.ui.contacts.view import ORGANIZATIONS, PEOPLE, ContactsTab
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter


@pytest.fixture
def tab(qtbot: Any, db: Any) -> Iterator[ContactsTab]:
    hub = EventHub()
    hub.attach(db)
    widget = ContactsTab(db, hub, Formatter.load(db))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.refresh()
    widget.show()
    qtbot.waitExposed(widget)
    widget.organizations_button.click()
    yield widget
    hub.detach()


def test_switching_shows_organizations_and_keeps_each_search(qtbot: Any, tab: ContactsTab, db: Any) -> None:
    assert tab.mode == ORGANIZATIONS and not tab.filter_bar.isVisible() and not tab.views.isVisible()
    with db.read_session() as session:
        total = count_organization_rows(session=session)
        first = list_organization_rows(session=session, limit=3)
    model = tab.organizations.model
    assert model.total == total and tab.count.text() == f"{total:,} organizations"
    assert [model.index(r, 0).data() for r in range(3)] == [row.name for row in first]
    qtbot.keyClicks(tab.search, "analytical")
    qtbot.waitUntil(lambda: model.search == "analytical")
    assert model.total == 1 and model.index(0, 0).data() == "Analytical Engines"
    assert tab.model.search == ""  # the people list did not see that search
    tab.people_button.click()
    assert tab.mode == PEOPLE and tab.search.text() == "" and tab.filter_bar.isVisible()
    tab.organizations_button.click()
    assert tab.search.text() == "analytical"


def test_choosing_an_organization_lists_its_contacts_and_deals(tab: ContactsTab, db: Any) -> None:
    view = tab.organizations
    view.model.set_search("Analytical Engines")
    chosen: list[Any] = []
    view.organization_changed.connect(chosen.append)
    view.select_row(0)
    org = view.model.rows()[0]
    assert chosen == [org.id] and view.caption.text() == "Analytical Engines"
    with db.read_session() as session:
        people = count_contacts(session=session, filter=ContactFilter(organization_id=org.id))
        deals = organization_deals(session=session, organization_id=org.id)
    assert view.contacts_model.total == people == org.contact_count >= 1
    assert view.contacts_model.index(0, 0).data() == "Ada Lovelace"
    assert [view.deals_model.index(r, 0).data() for r in range(view.deals_model.rowCount())] == [d.title for d in deals]
    assert view.deals_caption.text() == f"Deals · {len(deals)}"
    seen: list[Any] = []
    tab.current_contact_changed.connect(seen.append)
    view.contacts_table.selectRow(0)  # a person picked here is what the detail pane shows
    assert seen == [view.contacts_model.row_id(0)]


@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_in_sql(tab: ContactsTab, db: Any, descending: bool) -> None:
    model = tab.organizations.model
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    for number, column in enumerate(model.columns):
        tab.organizations.table.sortByColumn(number, order)
        assert column.sort_key in SORT_KEYS
        with db.read_session() as session:
            expected = list_organization_rows(session=session, sort_key=column.sort_key, descending=descending, limit=5)
        assert [r.id for r in model.rows()[:5]] == [r.id for r in expected], column.sort_key


def test_scrolling_fetches_more_organizations_lazily(qtbot: Any, tab: ContactsTab) -> None:
    model = tab.organizations.model
    model.PAGE = 10  # the small demo business has fewer organizations than a real page
    model.reload(keep_loaded=False)
    assert model.total > 10 and model.rowCount() == 10 and model.canFetchMore(model.index(-1, -1))
    tab.organizations.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 10)


@pytest.mark.parametrize("text", ['"', "%", "_", "🙂", "x" * 500, "a\x00b"])
def test_hostile_organization_search_does_not_raise(qtbot: Any, tab: ContactsTab, text: str) -> None:
    tab.search.setText(text)
    qtbot.waitUntil(lambda: tab.organizations.model.search == text.strip())
    assert tab.organizations.model.rowCount() == tab.organizations.model.total
