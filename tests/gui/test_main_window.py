"""Main window: tabs, actions declared once, status bar, and change notifications reaching only watchers."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence

from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.ui.actions import ACTIONS, MENUS
from crm_desktop.ui.window_state import qsettings


def test_tabs_menus_and_actions(window: Any) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Contacts",
        "Pipeline",
        "Cases",
        "Loyalty",
    ]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == [title for _key, title in MENUS]
    assert set(window.action_map) == {spec.id for spec in ACTIONS}
    assert window.action_map["new_contact"].shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.action_map["find"].shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.action_map["refresh"].shortcut() == QKeySequence("F5")
    assert not window.action_map["undo"].isEnabled() and not window.action_map["redo"].isEnabled()
    assert window.action_map["summary_pdf"].isEnabled()


def test_status_bar_shows_database_and_counts(qtbot: Any, window: Any, db: Any) -> None:
    assert str(db.path) in window.location_label.text()
    with db.read_session() as session:
        contacts = count_contacts(session=session)
    qtbot.waitUntil(lambda: f"{contacts:,} contacts" in window.counts_label.text())  # counted on the worker


def test_a_change_reloads_only_the_views_that_show_it(qtbot: Any, window: Any, db: Any) -> None:
    resets = {name: 0 for name in ("contacts", "cases", "loyalty")}
    for name in resets:
        getattr(window, name).model.modelReset.connect(lambda n=name: resets.__setitem__(n, resets[n] + 1))
    with db.session() as session:
        create_contact(session=session, data=ContactInput(given_name="Hub", family_name="Test"))
    window.hub.notify({"points_entry"})
    assert resets == {"contacts": 0, "cases": 0, "loyalty": 0}, "a hidden tab waits until it is shown"
    window.tabs.setCurrentWidget(window.loyalty_page)
    assert resets == {"contacts": 0, "cases": 0, "loyalty": 1}
    window.tabs.setCurrentWidget(window.contacts)
    window.hub.notify({"contact"})
    assert resets["contacts"] == 1
    with db.read_session() as session:
        assert window.contacts.model.total == count_contacts(session=session)


def test_refresh_reloads_everything(qtbot: Any, window: Any) -> None:
    with qtbot.waitSignal(window.pipeline.loaded), qtbot.waitSignal(window.contacts.model.modelReset):
        window.action_map["refresh"].trigger()


def test_geometry_and_tab_are_saved_on_close(qtbot: Any, window: Any) -> None:
    window.show_tab(2)
    window.close()
    settings = qsettings()
    assert settings.value("window/tab") in (2, "2")
    assert settings.value("window/geometry") is not None


def test_choosing_a_contact_shows_it_in_the_detail_pane(qtbot: Any, window: Any, db: Any) -> None:
    tab = window.contacts
    tab.table.selectRow(1)
    expected = tab.model.row_id(1)
    qtbot.waitUntil(lambda: window.contact_detail.contact_id == expected, timeout=5_000)
    other = tab.model.row_id(2)
    window.open_contact(other)
    qtbot.waitUntil(lambda: window.contact_detail.contact_id == other, timeout=5_000)
    assert window.tabs.currentWidget() is window.contacts


def test_import_and_duplicates_open_from_the_menus(qtbot: Any, window: Any) -> None:
    window.action_map["import_contacts"].trigger()
    assert window.import_wizard is not None and window.import_wizard.isVisible()
    window.import_wizard.close()
    window.action_map["find_duplicates"].trigger()
    assert window.duplicates_dialog is not None and window.duplicates_dialog.isVisible()
    window.duplicates_dialog.close()


def test_organizations_mode_shows_the_organization_pane(qtbot: Any, window: Any) -> None:
    tab = window.contacts
    tab.show_mode(1)
    qtbot.waitUntil(lambda: window.organization_detail is not None, timeout=5_000)
    view = tab.organizations
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5_000)
    view.table.selectRow(0)
    expected = view.model.row(view.model.index(0, 0)).id
    qtbot.waitUntil(lambda: getattr(window.organization_detail.snapshot, "id", None) == expected, timeout=5_000)
    assert window.detail_side.currentWidget() is window.organization_detail
    tab.show_mode(0)
    assert window.detail_side.currentWidget() is window.contact_detail


def test_file_menu_opens_the_deal_organization_and_purchase_imports(qtbot: Any, window: Any) -> None:
    for kind in ("deals", "organizations", "purchases"):
        window.action_map[f"import_{kind}"].trigger()
        wizard = window.table_import_wizard
        assert wizard is not None and wizard.isVisible() and wizard.kind.key == kind
        wizard.close()


def test_file_menu_opens_the_business_settings(qtbot: Any, window: Any, db: Any) -> None:
    window.action_map["business_settings"].trigger()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.close()
