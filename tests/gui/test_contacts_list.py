"""The Contacts tab's list: search, every filter, sorting, columns, saved views and undoable bulk actions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QWidget

from crm_desktop.services.contact_list import NO_OWNER, SORT_KEYS, ContactFilter, count_contacts, list_contacts
from crm_desktop.services.saved_views import list_views
from crm_desktop.ui.contacts import bulk as bulk_module
from crm_desktop.ui.contacts.view import ContactsTab
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import apply_style
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner


@pytest.fixture
def tab(qtbot: Any, db: Any, qapp: Any) -> Iterator[ContactsTab]:
    """The tab on its own (as the main window builds it), with an undo stack and a worker."""
    apply_style(qapp)
    host = QWidget()
    hub = EventHub(host)
    hub.attach(db)
    undo, runner = UndoStack(db, host), TaskRunner(db, host)
    widget = ContactsTab(db, hub, Formatter.load(db), undo=undo, runner=runner)
    qtbot.addWidget(host)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.refresh()
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    runner.shutdown()
    hub.detach()


def sql_count(db: Any, where: str, *params: Any) -> int:
    with db.read_session() as session:
        sql = f"SELECT count(*) FROM contact WHERE deleted_at IS NULL AND {where}"
        return int(session.connection().exec_driver_sql(sql, params).scalar_one())


def service_count(db: Any, f: ContactFilter) -> int:
    with db.read_session() as session:
        return count_contacts(session=session, filter=f)


def select_rows(tab: ContactsTab, rows: range) -> list[Any]:
    selection = tab.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(tab.model.index(row, 0), flags)
    return [tab.model.row_id(row) for row in rows]


def stored(db: Any, contact_ids: list[Any], field: str) -> list[Any]:
    with db.read_session() as session:
        rows = session.connection().exec_driver_sql(
            f"SELECT id, {field} FROM contact WHERE id IN ({','.join('?' * len(contact_ids))})",
            tuple(i.hex for i in contact_ids),
        )
        values = dict(rows.all())
    return [values[i.hex] for i in contact_ids]


def test_models_pass_modeltester(qtmodeltester: Any, tab: ContactsTab) -> None:
    qtmodeltester.check(tab.model)
    tab.show_mode(1)
    tab.organizations.select_row(0)
    for model in (tab.organizations.model, tab.organizations.contacts_model, tab.organizations.deals_model):
        qtmodeltester.check(model)


def test_opens_on_the_first_page_with_the_count(tab: ContactsTab, db: Any) -> None:
    total = sql_count(db, "1")
    assert tab.model.total == total and tab.model.rowCount() == min(total, tab.model.PAGE)
    assert tab.count.text() == f"{total:,} contacts"
    assert tab.splitter.count() == 1 and tab.splitter.widget(0) is tab.list_panel  # the detail pane's slot is free


def test_typing_in_the_search_box_filters_after_a_pause(qtbot: Any, tab: ContactsTab, db: Any) -> None:
    qtbot.keyClicks(tab.search, "lovelace")
    assert tab.model.search == ""  # nothing yet: the box waits for typing to pause
    qtbot.waitUntil(lambda: tab.model.search == "lovelace")
    expected = service_count(db, ContactFilter(search="lovelace"))
    assert tab.model.rowCount() == tab.model.total == expected >= 1
    assert all("Lovelace" in tab.model.index(r, 0).data() for r in range(tab.model.rowCount()))
    assert tab.count.text() == f"{expected:,} contact{'' if expected == 1 else 's'} found"
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.model.search == "")


@pytest.mark.parametrize("text", ['"', "*", "AND", "-x", 'a"b OR', "🙂☕", "x" * 500, "a\x00b", "NEAR(", "%_\\"])
def test_hostile_search_strings_do_not_raise(qtbot: Any, tab: ContactsTab, db: Any, text: str) -> None:
    tab.search.setText(text)
    qtbot.waitUntil(lambda: tab.model.search == text.strip())
    assert tab.model.total == tab.model.rowCount() == service_count(db, ContactFilter(search=text.strip()))


def test_each_filter_narrows_the_rows_to_the_sql_count(tab: ContactsTab, db: Any) -> None:
    bar = tab.filter_bar
    everyone = tab.model.total
    owners = bar.choices().owners
    sources = bar.choices().sources
    checks = [
        (bar.stage, "customer", "lifecycle_stage = 'customer'"),
        (bar.status, "qualified", "lead_status = 'qualified'"),
        (bar.owner, owners[0][0], f"owner_id = '{owners[0][0].hex}'"),
        (bar.owner, NO_OWNER, "owner_id IS NULL"),
        (bar.source, sources[0], f"source = '{sources[0]}'"),
        (bar.tag, "vip", "EXISTS (SELECT 1 FROM json_each(contact.tags) WHERE value = 'vip' COLLATE NOCASE)"),
        (bar.deal, True, "id IN (SELECT contact_id FROM deal WHERE status = 'open' AND deleted_at IS NULL)"),
        (bar.deal, False, "id NOT IN (SELECT contact_id FROM deal WHERE status = 'open' AND deleted_at IS NULL"
                          " AND contact_id IS NOT NULL)"),
        (bar.case, True, "id IN (SELECT contact_id FROM support_case WHERE status IN ('new', 'open', 'pending')"
                         " AND deleted_at IS NULL)"),
    ]  # fmt: skip
    for chip, value, where in checks:
        bar.action_for(chip, value).trigger()
        expected = sql_count(db, where)
        assert tab.model.total == expected < everyone, chip.title
        assert tab.model.rowCount() == min(expected, tab.model.FIRST_PAGE)
        assert chip.property("active") is True and tab.count.text().endswith("found")
        bar.clear()
        assert tab.model.total == everyone and chip.property("active") is False
    campaign = bar.choices().campaigns[0][0]
    bar.action_for(bar.campaign, campaign).trigger()
    bar.action_for(bar.stage, "lead").trigger()  # filters combine
    assert tab.model.total == sql_count(db, "campaign_id = ? AND lifecycle_stage = 'lead'", campaign.hex)
    assert tab.model.filter == ContactFilter(campaign_id=campaign, lifecycle_stages=("lead",))


def test_trash_filter_shows_trashed_contacts_greyed(tab: ContactsTab, db: Any) -> None:
    victims = select_rows(tab, range(2))
    tab.bulk.move_to_trash()
    tab.filter_bar.action_for(tab.filter_bar.trash, "only").trigger()
    assert {tab.model.row_id(r) for r in range(tab.model.rowCount())} == set(victims)
    assert tab.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    tab.filter_bar.action_for(tab.filter_bar.trash, "include").trigger()
    assert tab.model.total == sql_count(db, "1") + 2


def test_bulk_tag_owner_status_and_trash_write_once_and_undo(qtbot: Any, tab: ContactsTab, db: Any) -> None:
    ids = select_rows(tab, range(3))
    assert tab.bulk.isVisible() and tab.bulk.count_label.text() == "3 contacts selected"
    dialog = tab.bulk.ask_tag()
    dialog.setTextValue("bulk-test")
    dialog.accept()
    assert all("bulk-test" in tags for tags in stored(db, ids, "tags"))
    owner_id, _name = tab.filter_bar.choices().owners[0]
    select_rows(tab, range(3))
    tab.bulk.owner_button.menu().aboutToShow.emit()
    next(a for a in tab.bulk.owner_button.menu().actions() if a.text() == _name).trigger()
    assert set(stored(db, ids, "owner_id")) == {owner_id.hex}
    select_rows(tab, range(3))
    next(a for a in tab.bulk.status_button.menu().actions() if a.text() == "Unqualified").trigger()
    assert set(stored(db, ids, "lead_status")) == {"unqualified"}
    select_rows(tab, range(3))
    total = tab.model.total
    tab.bulk.trash_button.click()
    assert all(stored(db, ids, "deleted_at"))
    qtbot.waitUntil(lambda: tab.model.total == total - 3)
    assert "Trash" in tab.notice.text()
    labels = [tab.undo.text(i) for i in range(tab.undo.count())]
    assert labels == ["Tag contacts “bulk-test”", "Set owner", "Set lead status to Unqualified", "Move to Trash"]
    tab.undo.undo()
    assert not any(stored(db, ids, "deleted_at"))
    tab.undo.undo()
    assert "unqualified" not in stored(db, ids, "lead_status")
    tab.undo.undo()
    assert owner_id.hex not in stored(db, ids, "owner_id") or False
    tab.undo.undo()
    assert not any("bulk-test" in tags for tags in stored(db, ids, "tags"))
    assert tab.undo.failed is None


def test_big_bulk_actions_run_on_the_worker_and_undo_too(
    qtbot: Any, tab: ContactsTab, db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bulk_module, "WORKER_THRESHOLD", 0)
    tab.search.setText("Filler")
    qtbot.waitUntil(lambda: tab.model.search == "Filler")
    fillers = tab.model.total
    assert fillers >= 260 and tab.model.rowCount() < fillers
    tab.table.selectAll()
    assert tab.bulk.select_all_button.isVisible()
    tab.bulk.select_all_button.click()
    assert tab.bulk.count_label.text() == f"All {fillers:,} contacts selected"
    task = tab.bulk._run("Tag contacts “filler”", bulk_module.contact_bulk.add_tag, "Tagged {n}", tag="filler")
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=20_000)
    assert service_count(db, ContactFilter(tag="filler")) == fillers
    assert tab.undo.count() == 1 and tab.undo.text(0) == "Tag contacts “filler”"
    tab.undo.undo()
    assert service_count(db, ContactFilter(tag="filler")) == 0


def test_sorting_by_every_column_happens_in_sql(tab: ContactsTab, db: Any) -> None:
    for number, spec in enumerate(tab.model.specs):
        for descending in (False, True):
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            tab.table.sortByColumn(number, order)
            if spec.key not in SORT_KEYS:
                assert tab.model.sort_key != spec.key  # shown, but not sortable: the order stays
                continue
            with db.read_session() as session:
                expected = list_contacts(session=session, sort_key=spec.key, descending=descending, limit=5)
            assert [tab.model.row_id(r) for r in range(5)] == [row.id for row in expected], spec.key
            header = tab.table.horizontalHeader()
            assert header.sortIndicatorSection() == number and header.sortIndicatorOrder() == order


def test_column_chooser_hides_shows_and_remembers(qtbot: Any, tab: ContactsTab, db: Any) -> None:
    keys = tab.columns.visible_keys()
    assert keys[0] == "display_name" and "tags" not in keys
    menu = tab.columns.build_menu(tab)
    actions = {a.data(): a for a in menu.actions() if a.data()}
    assert not actions["display_name"].isEnabled()
    actions["tags"].trigger()
    actions["email"].trigger()
    assert "tags" in tab.columns.visible_keys() and "email" not in tab.columns.visible_keys()
    assert tab.table.horizontalHeader().isSectionHidden(tab.model.keys.index("email"))
    again = ContactsTab(db, EventHub(), tab.fmt)  # a new window on this machine shows the same columns
    qtbot.addWidget(again)
    assert again.columns.visible_keys() == tab.columns.visible_keys()
    tab.columns.reset()
    assert tab.columns.visible_keys() == keys


def test_saved_view_round_trip(qtbot: Any, tab: ContactsTab, db: Any) -> None:
    bar = tab.filter_bar
    bar.action_for(bar.stage, "lead").trigger()
    bar.action_for(bar.tag, "vip").trigger()
    tab.search.setText("a")
    qtbot.waitUntil(lambda: tab.model.search == "a")
    tab.table.sortByColumn(tab.model.keys.index("created_at"), Qt.SortOrder.DescendingOrder)
    tab.columns.set_visible("tags", True)
    wanted = (tab.model.filter, tab.columns.visible_keys(), tab.model.total)
    dialog = tab.views.ask_save()
    dialog.setTextValue("VIP leads")
    dialog.accept()
    assert tab.views.text() == "View: VIP leads ▾"
    with db.read_session() as session:
        (saved,) = list_views(session=session)
    assert (saved.filter, saved.sort_key, saved.descending) == (wanted[0], "created_at", True)

    bar.clear()
    tab.search.setText("")
    qtbot.waitUntil(lambda: tab.model.search == "")
    tab.columns.reset()
    assert tab.views.text() == "Views ▾"  # changing the filter leaves the saved view
    menu = tab.views.menu()
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "VIP leads").trigger()
    assert (tab.model.filter, tab.columns.visible_keys(), tab.model.total) == wanted
    assert (tab.model.sort_key, tab.model.descending) == ("created_at", True)
    assert tab.search.text() == "a" and bar.stage.property("active") and bar.tag.text() == "Tag: vip ▾"

    tab.views.delete("VIP leads")
    with db.read_session() as session:
        assert list_views(session=session) == []
    tab.undo.undo()  # saving and deleting views are undoable like any write
    with db.read_session() as session:
        assert [v.name for v in list_views(session=session)] == ["VIP leads"]


def test_current_contact_follows_the_current_row(qtbot: Any, tab: ContactsTab) -> None:
    seen: list[Any] = []
    tab.current_contact_changed.connect(seen.append)
    tab.table.selectRow(2)
    assert seen == [tab.model.row_id(2)]
    tab.model.reload()  # a refresh keeps the same contact current, without a second signal
    assert seen == [tab.model.row_id(2)] and tab.table.currentIndex().row() == 2
    tab.filter_bar.set_filter(replace(ContactFilter(), lifecycle_stages=("other",)), notify=True)
    if tab.model.total == 0:
        assert seen[-1] is None
