"""Record actions on one contact: convert a qualified lead, lead status, personal-data export, erase for good."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtWidgets import QMessageBox
from sqlmodel import col, select

from crm_desktop.domain import Contact, Deal, DealStageChange, LifecycleChange
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import get_contact


def contact_id(db: Any, email: str) -> uuid.UUID:
    with db.read_session() as session:
        (row,) = list_contacts(session=session, filter=ContactFilter(search=email))
    return row.id


def stored(db: Any, cid: uuid.UUID) -> dict[str, Any]:
    with db.read_session() as session:
        return get_contact(session=session, contact_id=cid, include_deleted=True).model_dump()


def deals_of(db: Any, cid: uuid.UUID) -> list[dict[str, Any]]:
    with db.read_session() as session:
        return [d.model_dump() for d in session.exec(select(Deal).where(Deal.contact_id == cid))]


def show(window: Any, cid: uuid.UUID) -> Any:
    """Show the contact in the detail pane and open (set up) its Actions menu; returns the menu's items."""
    window.open_contact(cid)
    assert window.contact_detail.contact_id == cid
    actions = window.record_actions
    actions.pane_menu.aboutToShow.emit()
    assert actions.pane_items.contact_id == cid
    return actions.pane_items


def finish(qtbot: Any, window: Any) -> None:
    task = window.record_actions.last_task
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=20_000)
    assert task.error is None, task.error


def test_the_pane_header_has_the_actions_menu(window: Any, db: Any) -> None:
    show(window, contact_id(db, "ada@analytical.example"))
    button = window.record_actions.button
    assert (
        button.isVisible()
        and button.parent() is window.contact_detail.header
        and button.menu() is window.record_actions.pane_menu
    )
    texts = [a.text() for a in window.record_actions.pane_menu.actions()]
    assert texts[0] == "Convert to Deal…" and "Erase Contact…" in texts and "Export Personal Data…" in texts
    row_texts = [a.text() for a in window.contacts.row_menu.actions()]
    assert row_texts.index("Convert to Deal…") < row_texts.index("Move to Trash") < row_texts.index("Erase Contact…")
    assert "Set Lead Status" in row_texts


def test_convert_is_disabled_unless_the_lead_is_qualified(window: Any, db: Any) -> None:
    ada = contact_id(db, "ada@analytical.example")  # has a deal already: an opportunity
    items = show(window, ada)
    assert not items.convert.isEnabled() and not items.status_menu.isEnabled()
    filler = contact_id(db, "p7@filler.example")  # an open lead
    items = show(window, filler)
    assert not items.convert.isEnabled() and "Qualified first" in items.convert.toolTip()
    assert items.status_menu.isEnabled() and items.statuses["open"].isChecked()
    assert window.record_actions.convert(filler) is None  # refused even when called directly
    assert window.record_actions.message_box is not None
    window.record_actions.message_box.close()
    assert deals_of(db, filler) == []


def test_row_menu_convert_follows_the_one_selected_row(window: Any) -> None:
    tab, actions = window.contacts, window.record_actions
    tab.table.selectRow(0)
    tab.row_menu.aboutToShow.emit()
    assert actions.row_items.contact_id == tab.bulk.selected_ids()[0]
    tab.table.selectAll()
    tab.row_menu.aboutToShow.emit()
    assert actions.row_items.contact_id is None
    assert not actions.row_items.convert.isEnabled() and not actions.row_items.erase.isEnabled()


def test_qualify_then_convert_to_a_deal_and_undo(qtbot: Any, window: Any, db: Any) -> None:
    cid = contact_id(db, "p3@filler.example")
    items = show(window, cid)
    items.statuses["qualified"].trigger()
    assert stored(db, cid)["lead_status"] == "qualified"
    assert window.undo_stack.undoText() == "Set lead status of Person0003 Filler to Qualified"
    items = show(window, cid)
    assert items.convert.isEnabled()
    items.convert.trigger()
    dialog = window.record_actions.convert_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.title.text() == "Person0003 Filler — first order"
    assert dialog.pipeline.currentText() == "Sales"
    dialog.value.setText("not money")
    dialog.convert_button.click()
    assert dialog.isVisible() and dialog.hint.isVisible() and deals_of(db, cid) == []
    dialog.value.setText("1250.50")
    dialog.convert_button.click()
    assert not dialog.isVisible()
    (deal,) = deals_of(db, cid)
    assert deal["title"] == "Person0003 Filler — first order" and deal["value_cents"] == 125_050
    assert stored(db, cid)["lifecycle_stage"] == "opportunity"
    with db.read_session() as session:
        assert list(session.exec(select(DealStageChange).where(DealStageChange.deal_id == deal["id"])))
        moves = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == cid)).all()
        assert [m.to_stage for m in moves if m.deleted_at is None][-1] == "opportunity"
    assert "Person0003 Filler is now an opportunity" in window.statusBar().currentMessage()
    assert window.undo_stack.undoText() == "Convert Person0003 Filler to a deal"

    window.undo_stack.undo()
    (deal,) = deals_of(db, cid)
    assert deal["deleted_at"] is not None
    assert stored(db, cid)["lifecycle_stage"] == "lead"
    assert show(window, cid).convert.isEnabled()


def test_export_personal_data_as_json(qtbot: Any, window: Any, db: Any, tmp_path: Path) -> None:
    ada = contact_id(db, "ada@analytical.example")
    asked: list[str] = []
    window.record_actions.ask_path = lambda title, name, filters: asked.append(name) or tmp_path / "ada"
    show(window, ada).export.trigger()
    finish(qtbot, window)
    assert asked == ["Ada Lovelace – personal data.json"]
    data = json.loads((tmp_path / "ada.json").read_text(encoding="utf-8"))
    assert data["contact"]["display_name"] == "Ada Lovelace" and data["deals"] and data["cases"]
    assert str(tmp_path / "ada.json") in window.statusBar().currentMessage()


def test_export_personal_data_as_pdf(qtbot: Any, window: Any, db: Any, tmp_path: Path) -> None:
    grace = contact_id(db, "grace@cobol.example")
    window.record_actions.ask_path = lambda title, name, filters: tmp_path / "grace.pdf"
    show(window, grace).export.trigger()
    finish(qtbot, window)
    reader = pypdf.PdfReader(tmp_path / "grace.pdf")
    assert "Grace Hopper" in "".join(page.extract_text() for page in reader.pages)


def test_erase_asks_first_then_erases_for_good_and_clears_undo(qtbot: Any, window: Any, db: Any) -> None:
    grace = contact_id(db, "grace@cobol.example")
    items = show(window, grace)
    window.record_actions.set_lead_status(contact_id(db, "p1@filler.example"), "contacted")
    assert window.undo_stack.count() == 1  # an earlier step: the stack holds old values in memory
    items.erase.trigger()
    box = window.record_actions.confirm_box
    assert box is not None and box.isVisible()  # opened with open(): the test goes on, nothing blocks
    assert "Grace Hopper" in box.text() and "cannot be undone" in box.informativeText()
    assert "anonymous numbers" in box.informativeText()
    assert stored(db, grace)["display_name"] == "Grace Hopper"  # nothing happens before the answer
    window.record_actions.erase_button.click()
    finish(qtbot, window)
    after = stored(db, grace)
    assert after["display_name"] == "Erased contact" and after["email"] is None and after["phone"] is None
    with db.read_session() as session:
        assert list_contacts(session=session, filter=ContactFilter(search="Hopper")) == []
        named = session.exec(select(Contact).where(col(Contact.display_name).contains("Hopper"))).all()
        assert named == []
    assert window.undo_stack.count() == 0 and not window.undo_stack.canUndo()
    qtbot.waitUntil(lambda: window.contact_detail.header.name.text() == "Erased contact")
    assert "erased for good" in window.statusBar().currentMessage()


def test_erase_cancelled_changes_nothing(qtbot: Any, window: Any, db: Any) -> None:
    alan = contact_id(db, "alan@bletchley.example")
    show(window, alan).erase.trigger()
    box = window.record_actions.confirm_box
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.record_actions.confirm_box is None and window.record_actions.last_task is None
    assert stored(db, alan)["display_name"] == "Alan Turing"
