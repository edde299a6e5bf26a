"""The contact detail pane: edit and save through the undo stack, inline validation, channels, timeline, history."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import phonenumbers
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QVBoxLayout, QWidget

from crm_desktop.domain import CustomFieldDef
from crm_desktop.services.channels import list_channels
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import get_contact, update_contact
from crm_desktop.services.history import contact_history
from crm_desktop.services.timeline import contact_timeline
from crm_desktop.services.users import get_user
from crm_desktop.ui.contacts.detail import ContactDetailPane
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import apply_style
from crm_desktop.ui.undo_stack import UndoStack


def contact_id(db: Any, email: str) -> uuid.UUID:
    with db.read_session() as session:
        (row,) = list_contacts(session=session, filter=ContactFilter(search=email))
    return row.id


def stored(db: Any, cid: uuid.UUID) -> SimpleNamespace:
    """The contact as the database holds it now (a plain copy: read sessions expire their rows)."""
    with db.read_session() as session:
        return SimpleNamespace(**get_contact(session=session, contact_id=cid).model_dump())


@pytest.fixture
def pane(qtbot: Any, db: Any) -> Iterator[ContactDetailPane]:
    apply_style(QApplication.instance())
    host = QWidget()
    qtbot.addWidget(host)
    hub = EventHub(host)
    hub.attach(db)
    undo = UndoStack(db, host)
    detail = ContactDetailPane(db, hub, Formatter.load(db), undo, host)
    QVBoxLayout(host).addWidget(detail)
    host.resize(620, 900)
    host.show()
    qtbot.waitExposed(host)
    yield detail
    hub.detach()


@pytest.fixture
def ada(pane: ContactDetailPane, db: Any) -> uuid.UUID:
    cid = contact_id(db, "ada@analytical.example")
    pane.show_contact(cid)
    assert pane.contact_id == cid
    return cid


def test_empty_state_until_a_contact_is_shown(pane: ContactDetailPane) -> None:
    assert pane.stack.currentWidget() is pane.empty
    assert not pane.save_bar.isVisible()


def test_edit_save_undo(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    title = pane.editor.texts["title"]
    assert pane.header.name.text() == "Ada Lovelace"
    title.clear()
    qtbot.keyClicks(title, "Countess")
    assert pane.save_bar.isVisible()
    qtbot.mouseClick(pane.save_button, Qt.MouseButton.LeftButton)
    assert stored(db, ada).title == "Countess"
    assert not pane.save_bar.isVisible()
    assert pane.undo.undoText() == "Edit Ada Lovelace"
    with db.read_session() as session:
        newest = contact_history(session=session, contact_id=ada)[0]
        me = get_user(session=session, user_id=uuid.UUID(db.user_id)).name
    assert [(c.field, c.value) for c in newest.changes] == [("title", "Countess")]
    assert newest.user_name == me

    pane.undo.undo()
    assert stored(db, ada).title is None
    qtbot.waitUntil(lambda: title.text() == "")  # the hub tells the pane, which reloads (no edits pending)
    pane.undo.redo()
    assert stored(db, ada).title == "Countess"


def test_invalid_email_keeps_the_text_and_refuses_to_save(
    qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID
) -> None:
    row = pane.editor.channels["email"].primary_row
    assert row is not None
    row.value.clear()
    qtbot.keyClicks(row.value, "ada@@nowhere")
    qtbot.keyClicks(pane.editor.texts["city"], "London")
    assert pane.save() is False
    assert row.value.text() == "ada@@nowhere"
    assert row.box.has_hint and "valid email" in row.box.hint.text()
    assert pane.save_hint.isVisible()
    assert pane.editor.texts["city"].text() == "London"
    assert stored(db, ada).email == "ada@analytical.example"
    assert stored(db, ada).city is None

    qtbot.keyClick(row.value, Qt.Key.Key_Backspace)  # typing clears the hint
    assert not row.box.has_hint
    row.value.setText("ada@engines.example")
    assert pane.save() is True
    assert (stored(db, ada).email, stored(db, ada).city) == ("ada@engines.example", "London")


def test_phone_typed_nationally_is_stored_e164_and_shown_national(
    qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID
) -> None:
    region = pane.fmt.region
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    row = pane.editor.channels["phone"].primary_row
    assert row is not None
    row.value.clear()
    qtbot.keyClicks(row.value, national.replace(" ", ""))
    assert pane.save()
    assert stored(db, ada).phone == e164
    assert row.value.text() == national
    assert not pane.is_dirty()  # the reformatted number is what is stored: nothing left to save


def test_invalid_phone_is_refused(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    row = pane.editor.channels["phone"].primary_row
    assert row is not None
    row.value.setText("12")
    assert not pane.save()
    assert row.box.has_hint and row.value.text() == "12"
    assert stored(db, ada).phone == "+442079460018"


def test_add_and_remove_a_second_email(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    emails = pane.editor.channels["email"]
    qtbot.mouseClick(emails.add_button, Qt.MouseButton.LeftButton)
    (extra,) = emails.extra_rows()
    qtbot.keyClicks(extra.value, "ada@home.example")
    extra.label.setCurrentText("home")
    assert pane.save()
    with db.read_session() as session:
        (channel,) = [(c.id, c.value, c.label) for c in list_channels(session=session, contact_id=ada, kind="email")]
    assert channel[1:] == ("ada@home.example", "home")
    (shown,) = emails.extra_rows()
    assert shown.channel_id == channel[0] and shown.value.text() == "ada@home.example"

    qtbot.mouseClick(shown.remove, Qt.MouseButton.LeftButton)
    assert emails.extra_rows() == [] and pane.is_dirty()
    assert pane.save()
    with db.read_session() as session:
        assert list_channels(session=session, contact_id=ada, kind="email") == []
    pane.undo.undo()  # removing it can be taken back too
    with db.read_session() as session:
        assert [c.value for c in list_channels(session=session, contact_id=ada)] == ["ada@home.example"]


def test_bad_second_email_is_hinted_and_nothing_is_written(
    qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID
) -> None:
    emails = pane.editor.channels["email"]
    emails.add_button.click()
    (extra,) = emails.extra_rows()
    qtbot.keyClicks(extra.value, "nope")
    pane.editor.texts["title"].setText("Countess")
    assert not pane.save()
    assert extra.box.has_hint and extra.value.text() == "nope"
    assert stored(db, ada).title is None


def test_quick_action_log_call_tops_the_timeline(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    pane.tabs.setCurrentIndex(1)
    qtbot.mouseClick(pane.quick.buttons["call"], Qt.MouseButton.LeftButton)
    assert pane.quick.composer.isVisible()
    qtbot.keyClicks(pane.quick.subject, "Asked about the new grinder")
    qtbot.mouseClick(pane.quick.save_button, Qt.MouseButton.LeftButton)
    assert not pane.quick.composer.isVisible()
    top = pane.timeline_model.items[0]
    assert (top.kind, top.sub, top.title) == ("activity", "call", "Asked about the new grinder")
    assert "Asked about the new grinder" in pane.timeline_model.index(0).data()
    with db.read_session() as session:
        assert contact_timeline(session=session, contact_id=ada, limit=1)[0].ref_id == top.ref_id
    assert pane.undo.undoText() == "Log call with Ada Lovelace"
    pane.undo.undo()
    qtbot.waitUntil(lambda: not pane.timeline_model.items or pane.timeline_model.items[0].ref_id != top.ref_id)


def test_quick_actions_task_deal_and_case(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    pane.tabs.setCurrentIndex(1)
    pane.quick.choose("task")
    assert pane.quick.due.value() is not None
    pane.quick.subject.setText("Send samples")
    assert pane.quick.submit()
    assert (pane.timeline_model.items[0].kind, pane.timeline_model.items[0].title) == ("task", "Send samples")
    assert pane.timeline_model.items[0].due_at is not None

    pane.quick.choose("deal")
    pane.quick.subject.setText("Big order")
    pane.quick.value.setText("abc")
    assert not pane.quick.submit()
    assert pane.quick.hint.isVisible() and pane.quick.subject.text() == "Big order"
    pane.quick.value.setText("1250")
    assert pane.quick.submit()
    deal = pane.timeline_model.items[0]
    assert (deal.kind, deal.title, deal.number) == ("deal_created", "Big order", 125_000)

    pane.quick.choose("case")
    assert not pane.quick.submit()  # a case needs a subject
    pane.quick.subject.setText("Grinder jams")
    pane.quick.priority.setCurrentIndex(pane.quick.priority.findData("high"))
    assert pane.quick.submit()
    assert pane.timeline_model.items[0].kind == "case_opened"


def test_history_tab_shows_the_edit_with_field_and_user(
    qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID
) -> None:
    pane.editor.texts["city"].setText("London")
    assert pane.save()
    pane.tabs.setCurrentIndex(2)
    lines = pane.history.lines()
    with db.read_session() as session:
        me = get_user(session=session, user_id=uuid.UUID(db.user_id)).name
    assert lines[0].startswith("Contact edited") and me in lines[0]
    assert lines[1] == "City: London"
    assert any(line.startswith("Contact created") for line in lines)


def test_a_change_elsewhere_never_clobbers_edits(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    pane.editor.texts["city"].setText("London")
    with db.session() as session:
        update_contact(session=session, contact_id=ada, changes={"title": "Mathematician"})
    qtbot.waitUntil(pane.banner.isVisible)
    assert pane.editor.texts["city"].text() == "London"
    assert pane.save()  # keeps our field, and theirs
    saved = stored(db, ada)
    assert (saved.city, saved.title) == ("London", "Mathematician")
    assert pane.editor.texts["title"].text() == "Mathematician" and not pane.banner.isVisible()


def test_a_change_elsewhere_reloads_when_nothing_is_edited(
    qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID
) -> None:
    with db.session() as session:
        update_contact(session=session, contact_id=ada, changes={"title": "Mathematician"})
    qtbot.waitUntil(lambda: pane.editor.texts["title"].text() == "Mathematician")
    assert not pane.banner.isVisible()


def test_leaving_with_edits_asks_first(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    grace = contact_id(db, "grace@cobol.example")
    pane.editor.texts["city"].setText("London")
    pane.show_contact(grace)
    assert pane.leave_box is not None and pane.contact_id == ada
    pane.leave_box.button(QMessageBox.StandardButton.Cancel).click()
    assert pane.contact_id == ada and pane.editor.texts["city"].text() == "London"
    pane.show_contact(grace)
    pane.leave_box.button(QMessageBox.StandardButton.Save).click()
    assert pane.contact_id == grace
    assert stored(db, ada).city == "London"


@pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|grabbing|propagateSizeHints)"
)  # the offscreen completer popup
def test_organization_picker_and_tags(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    picker = pane.editor.organization
    picker.clear()
    qtbot.keyClicks(picker, "Cobol")
    picker.refresh_choices()
    assert picker.choices.rowCount() >= 1
    picker.choose(0)
    pane.editor.tags.input.setFocus()
    qtbot.keyClicks(pane.editor.tags.input, "wholesale,")
    assert [c.tag for c in pane.editor.tags.chips] == ["vip", "wholesale"]
    assert pane.save()
    saved = stored(db, ada)
    assert saved.tags == ["vip", "wholesale"]
    assert pane.header.role.text().endswith("Cobol Works")

    picker.setText("No such organization anywhere")
    assert not pane.save()
    assert pane.editor.boxes["organization_id"].has_hint
    assert picker.text() == "No such organization anywhere"


def test_custom_fields_are_edited_and_checked(qtbot: Any, pane: ContactDetailPane, db: Any, ada: uuid.UUID) -> None:
    with db.session() as session:
        session.add(CustomFieldDef(entity="contact", key="shoe", label="Shoe size", field_type="number"))
    qtbot.waitUntil(lambda: pane.editor.custom.isVisibleTo(pane))
    shoe = pane.editor.custom.editors["shoe"]
    shoe.setText("big")
    assert not pane.save()
    assert pane.editor.custom.boxes["shoe"].has_hint and shoe.text() == "big"
    shoe.setText("38")
    assert pane.save()
    assert stored(db, ada).custom == {"shoe": 38}


# --- the organization pane ---------------------------------------------------------------------------------


@pytest.fixture
def org_pane(qtbot: Any, db: Any) -> Iterator[Any]:
    from crm_desktop.ui.organizations.detail import OrganizationDetailPane

    host = QWidget()
    qtbot.addWidget(host)
    hub = EventHub(host)
    hub.attach(db)
    detail = OrganizationDetailPane(db, hub, Formatter.load(db), UndoStack(db, host), host)
    QVBoxLayout(host).addWidget(detail)
    host.resize(620, 900)
    host.show()
    qtbot.waitExposed(host)
    yield detail
    hub.detach()


def organization_id(db: Any, name: str) -> uuid.UUID:
    from crm_desktop.services.channels import organization_choices

    with db.read_session() as session:
        (choice,) = organization_choices(session=session, search=name)
    return choice.id


def test_organization_pane_edits_lists_people_and_logs(qtbot: Any, org_pane: Any, db: Any) -> None:
    from crm_desktop.services.organizations import get_organization

    org = organization_id(db, "Analytical Engines")
    org_pane.show_organization(org)
    assert org_pane.title.text() == "Analytical Engines"
    assert [
        org_pane.people.item(i).data(Qt.ItemDataRole.AccessibleTextRole) for i in range(org_pane.people.count())
    ] == ["Ada Lovelace"]
    with qtbot.waitSignal(org_pane.contact_activated) as activated:
        org_pane.people.itemActivated.emit(org_pane.people.item(0))
    assert activated.args == [contact_id(db, "ada@analytical.example")]

    org_pane.texts["phone"].setText("12")
    assert not org_pane.save()
    assert org_pane.boxes["phone"].has_hint and org_pane.texts["phone"].text() == "12"
    org_pane.texts["phone"].setText("+44 20 7946 0000")
    org_pane.texts["industry"].setText("Computing")
    assert org_pane.save()
    with db.read_session() as session:
        saved = get_organization(session=session, organization_id=org)
        assert (saved.industry, saved.phone) == ("Computing", "+442079460000")
    assert org_pane.undo.undoText() == "Edit Analytical Engines"
    assert org_pane.history.lines()[0].startswith("Organization edited")

    org_pane.quick.choose("meeting")
    org_pane.quick.subject.setText("Board visit")
    assert org_pane.quick.submit()
    top = org_pane.timeline_model.items[0]
    assert (top.kind, top.sub, top.title) == ("activity", "meeting", "Board visit")


def test_organization_pane_keeps_edits_when_asked_to_leave(qtbot: Any, org_pane: Any, db: Any) -> None:
    first, second = organization_id(db, "Analytical Engines"), organization_id(db, "Cobol Works")
    org_pane.show_organization(first)
    org_pane.texts["website"].setText("not a website")
    assert not org_pane.save()
    assert org_pane.boxes["website"].has_hint
    org_pane.show_organization(second)
    assert org_pane.snapshot.id == first and org_pane.texts["website"].text() == "not a website"
    org_pane.discard_button.click()
    org_pane.show_organization(second)
    assert org_pane.title.text() == "Cobol Works"
