"""Edit → Undo/Redo in the window: named after the step, bound to the shortcuts, and the views follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from crm_desktop.services.contact_list import ContactFilter, count_contacts, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact, get_contact, update_contact
from crm_desktop.services.workspace import open_workspace
from crm_desktop.ui.app import AppController


def _ada(db: Any) -> Any:
    with db.read_session() as session:
        (row,) = list_contacts(session=session, filter=ContactFilter(search="ada@analytical.example"))
    return row.id


def _contact(db: Any, contact_id: Any) -> Any:
    """A detached copy of the stored contact (read sessions expire what they loaded)."""
    with db.read_session() as session:
        row = get_contact(session=session, contact_id=contact_id, include_deleted=True)
        return type(row).model_validate(row.model_dump())


def test_undo_and_redo_start_disabled_with_standard_shortcuts(window: Any) -> None:
    undo, redo = window.action_map["undo"], window.action_map["redo"]
    assert not undo.isEnabled() and not redo.isEnabled()
    assert undo.text() == "&Undo" and undo.toolTip() == "Nothing to undo"
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert {QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")} <= set(redo.shortcuts())
    assert len({s.toString() for s in redo.shortcuts()}) == len(redo.shortcuts())  # no duplicates


def test_a_new_contact_from_the_dialog_can_be_undone_and_redone(qtbot: Any, window: Any, db: Any) -> None:
    with db.read_session() as session:
        before = count_contacts(session=session)
    dialog = window.new_contact()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.given_name, "Marie")
    qtbot.keyClicks(dialog.family_name, "Curie")
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.contacts.model.total == before + 1)
    undo = window.action_map["undo"]
    assert undo.isEnabled() and undo.text() == "&Undo New contact Marie Curie"

    undo.trigger()
    assert _contact(db, dialog.created_id).deleted_at is not None
    qtbot.waitUntil(lambda: window.contacts.model.total == before)  # the table follows the undo
    redo = window.action_map["redo"]
    assert redo.isEnabled() and redo.text() == "&Redo New contact Marie Curie"
    assert not undo.isEnabled()

    redo.trigger()
    assert _contact(db, dialog.created_id).deleted_at is None
    qtbot.waitUntil(lambda: window.contacts.model.total == before + 1)


def test_edit_and_delete_through_the_window_stack(qtbot: Any, window: Any, db: Any) -> None:
    ada = _ada(db)
    stack = window.undo_stack
    stack.perform("Edit Ada", lambda s: update_contact(session=s, contact_id=ada, changes={"title": "Countess"}))
    stack.perform("Delete Ada", lambda s: delete_contact(session=s, contact_id=ada))
    undo = window.action_map["undo"]
    assert undo.text() == "&Undo Delete Ada"

    undo.trigger()
    assert _contact(db, ada).deleted_at is None and undo.text() == "&Undo Edit Ada"
    undo.trigger()
    assert _contact(db, ada).title is None
    assert window.action_map["redo"].text() == "&Redo Edit Ada"
    window.action_map["redo"].trigger()
    window.action_map["redo"].trigger()
    ada_now = _contact(db, ada)
    assert ada_now.title == "Countess" and ada_now.deleted_at is not None


def test_ampersands_in_a_step_name_are_not_mnemonics(window: Any, db: Any) -> None:
    ada = _ada(db)
    window.undo_stack.perform("Edit Smith & Co", lambda s: update_contact(session=s, contact_id=ada, changes={}))
    window.undo_stack.perform("Rename to Smith & Co", lambda s: update_contact(
        session=s, contact_id=ada, changes={"title": "Smith & Co"}
    ))  # fmt: skip
    assert window.action_map["undo"].text() == "&Undo Rename to Smith && Co"
    assert window.undo_stack.count() == 1  # an action that changed nothing is not a step


def test_a_refused_undo_changes_nothing_says_why_and_starts_afresh(qtbot: Any, window: Any, db: Any) -> None:
    ada = _ada(db)
    window.undo_stack.perform(
        "Edit Ada", lambda s: update_contact(session=s, contact_id=ada, changes={"title": "Countess"})
    )
    with db.session() as session:  # someone else edits the same field meanwhile
        update_contact(session=session, contact_id=ada, changes={"title": "Mathematician"})
    window.action_map["undo"].trigger()
    assert _contact(db, ada).title == "Mathematician"
    box = window.undo_stack.message_box
    assert box is not None and box.isVisible() and "changed since" in box.text()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0)
    assert not window.action_map["undo"].isEnabled() and not window.action_map["redo"].isEnabled()
    box.close()


def test_switching_database_starts_with_an_empty_history(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    for name in ("first", "second"):
        workspace = open_workspace(tmp_path / f"{name}.sqlite")
        with workspace.session() as session:
            create_contact(session=session, data=ContactInput(given_name=name.title()))
        workspace.close()
    controller = AppController()
    try:
        assert controller.open(str(tmp_path / "first.sqlite"))
        first = controller.window
        qtbot.addWidget(first)
        with controller.db.read_session() as session:
            (row,) = list_contacts(session=session)
        first.undo_stack.perform("Delete First", lambda s: delete_contact(session=s, contact_id=row.id))
        assert first.action_map["undo"].isEnabled()

        assert controller.open(str(tmp_path / "second.sqlite"))
        second = controller.window
        qtbot.addWidget(second)
        assert second is not first and second.undo_stack.count() == 0
        assert not second.action_map["undo"].isEnabled()
        second.action_map["undo"].trigger()  # nothing happens to either database
        with controller.db.read_session() as session:
            assert count_contacts(session=session) == 1
        second.close()
    finally:
        controller.close()
    check = open_workspace(tmp_path / "first.sqlite")
    try:
        with check.read_session() as session:
            assert count_contacts(session=session) == 0  # the delete stayed: its undo history went with the window
    finally:
        check.close()
