"""New contact dialog: created through the service, inline hints on rejected input, nothing lost."""

from __future__ import annotations

from typing import Any

import phonenumbers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from crm_desktop.services.contact_list import ContactFilter, count_contacts, list_contacts


def _open(qtbot: Any, window: Any) -> Any:
    dialog = window.new_contact()
    qtbot.waitExposed(dialog)
    return dialog


def test_ok_is_disabled_until_a_name_or_email_is_typed(qtbot: Any, window: Any) -> None:
    dialog = _open(qtbot, window)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.email, "x@example.com")
    assert dialog.ok_button.isEnabled()
    dialog.email.clear()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.family_name, "Curie")
    assert dialog.ok_button.isEnabled()
    dialog.reject()


def test_adding_a_contact_stores_it_and_refreshes_the_table(qtbot: Any, window: Any, db: Any) -> None:
    before = window.contacts.model.total
    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.given_name, "Marie")
    qtbot.keyClicks(dialog.family_name, "Curie")
    qtbot.keyClicks(dialog.email, "marie@radium.example")
    number = phonenumbers.example_number(window.fmt.region)  # a local number in the business's region
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    qtbot.keyClicks(dialog.phone, national)
    qtbot.keyClicks(dialog.title, "Chemist")
    qtbot.keyClicks(dialog.tags, "science, nobel")
    dialog.organization.setCurrentIndex(1)
    dialog.lifecycle_stage.setCurrentIndex(dialog.lifecycle_stage.findData("customer"))
    organization = dialog.organization.currentText()
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_id is not None

    with db.read_session() as session:
        assert count_contacts(session=session) == before + 1
        (row,) = list_contacts(session=session, filter=ContactFilter(search="marie@radium.example"))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert (row.display_name, row.email, row.phone) == ("Marie Curie", "marie@radium.example", e164)
    assert row.organization_name == organization
    assert row.lifecycle_stage == "customer"
    assert sorted(row.tags) == ["nobel", "science"]
    qtbot.waitUntil(lambda: window.contacts.model.total == before + 1)  # told by the workspace's change notice


def test_invalid_email_keeps_the_dialog_open_with_a_hint(qtbot: Any, window: Any, db: Any) -> None:
    with db.read_session() as session:
        before = count_contacts(session=session)
    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.given_name, "Pierre")
    qtbot.keyClicks(dialog.email, "pierre@@nowhere")
    qtbot.keyClicks(dialog.notes, "met at the conference")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.email_hint.isVisible() and "valid email" in dialog.email_hint.text()
    assert not dialog.phone_hint.isVisible()
    assert dialog.given_name.text() == "Pierre"
    assert dialog.email.text() == "pierre@@nowhere"
    assert dialog.notes.toPlainText() == "met at the conference"
    with db.read_session() as session:
        assert count_contacts(session=session) == before

    qtbot.keyClick(dialog.email, Qt.Key.Key_Backspace)  # editing the field clears its hint
    assert not dialog.email_hint.isVisible()
    dialog.email.setText("pierre@nowhere.example")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with db.read_session() as session:
        assert count_contacts(session=session) == before + 1


def test_invalid_phone_shows_its_hint(qtbot: Any, window: Any) -> None:
    dialog = _open(qtbot, window)
    qtbot.keyClicks(dialog.given_name, "Nikola")
    qtbot.keyClicks(dialog.phone, "12")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.phone_hint.isVisible() and "phone" in dialog.phone_hint.text()
    assert dialog.phone.text() == "12"
    dialog.reject()
