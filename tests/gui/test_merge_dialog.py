"""Contacts → Find Duplicates…: groups found on the worker; Merge moves every link and Edit → Undo brings both back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlmodel import col, select

from crm_desktop.domain import Activity, Case, Contact, Deal, Purchase
from crm_desktop.services.activities import log_activity
from crm_desktop.services.cases import open_case
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deals import board, create_deal
from crm_desktop.services.duplicates import find_duplicates
from crm_desktop.services.loyalty import award_points, points_balance
from crm_desktop.ui.duplicates.merge_dialog import MergeDialog
from crm_desktop.ui.duplicates.review_dialog import DuplicatesDialog, open_duplicates
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def runner(db: Any) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(db)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def twins(db: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """Ada Lovelace (seeded with a deal, a case and a purchase) typed in again, with her own records."""
    with db.session() as session:
        ada = list_contacts(session=session, filter=ContactFilter(search="ada@analytical.example"))[0].id
        data = ContactInput(
            given_name="Ada",
            family_name="King",
            email="Ada@Analytical.example",
            title="Countess of Lovelace",
            city="London",
        )
        again = create_contact(session=session, data=data, at=AT).id
        log_activity(session=session, kind="call", subject="Asked for a price list", contact_id=again, occurred_at=AT)
        open_case(session=session, subject="Grinder arrived broken", contact_id=again, at=AT)
        first_stage = board(session=session)[0].stage_id
        create_deal(session=session, title="Office machine", contact_id=again, stage_id=first_stage)
        award_points(session=session, contact_id=again, delta=50, note="Welcome bonus", at=AT)
    return ada, again


def _links(db: Any, contact_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """The live deals, cases, activities and purchases naming a contact."""
    with db.read_session() as session:
        return {
            model.__name__: set(session.exec(
                select(model.id).where(model.contact_id == contact_id, col(model.deleted_at).is_(None))
            ))
            for model in (Deal, Case, Activity, Purchase)
        }  # fmt: skip


def _contact(db: Any, contact_id: uuid.UUID) -> Contact:
    with db.read_session() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        session.expunge(contact)
        return contact


def _points(db: Any, contact_id: uuid.UUID) -> int:
    with db.read_session() as session:
        return points_balance(session=session, contact_id=contact_id)


def _open(qtbot: Any, db: Any, runner: TaskRunner, undo: UndoStack) -> DuplicatesDialog:
    dialog = open_duplicates(None, db, runner, undo)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.done, timeout=10_000)
    return dialog


def _group_of(dialog: DuplicatesDialog, contact_id: uuid.UUID) -> int:
    return next(i for i, group in enumerate(dialog.groups) if contact_id in group.contact_ids)


def test_merging_moves_every_link_and_undo_brings_both_back(
    qtbot: Any, db: Any, runner: TaskRunner, twins: tuple[uuid.UUID, uuid.UUID]
) -> None:
    ada, again = twins
    undo = UndoStack(db)
    ada_links, again_links = _links(db, ada), _links(db, again)
    assert again_links["Deal"] and again_links["Case"] and again_links["Activity"] and ada_links["Purchase"]
    ada_points = _points(db, ada)

    dialog = _open(qtbot, db, runner, undo)
    index = _group_of(dialog, ada)
    group = dialog.groups[index]
    assert set(group.contact_ids) == {ada, again} and "same email" in group.reasons and group.score == 100
    top = dialog.tree.topLevelItem(index)
    assert "Same email" in top.text(0) and "score 100" in top.text(0)
    assert {top.child(n).text(0) for n in range(top.childCount())} == {"Ada Lovelace", "Ada King"}

    dialog.select_group(index)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    merge = dialog.merge_dialog
    assert isinstance(merge, MergeDialog) and merge.isVisible()
    assert merge.grid is not None
    merge.grid.survivor_buttons[ada].click()  # keep the seeded record
    assert merge.survivor_id == ada
    assert "1 deal, 1 case, 1 activity and 50 points move to it" in merge.summary.text()
    assert "title" not in merge.grid.field_buttons  # only one of them has a title: it is kept without asking
    merge.pick("family_name", again)
    merge.pick("display_name", ada)
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert merge.result_ is not None and not merge.isVisible()
    assert all(group.contact_ids != (ada, again) for group in dialog.groups)  # the group left the list

    merged, kept = _contact(db, again), _contact(db, ada)
    assert merged.deleted_at is not None and merged.merged_into == ada
    assert kept.deleted_at is None and kept.title == "Countess of Lovelace" and kept.city == "London"
    assert kept.family_name == "King" and kept.display_name == "Ada Lovelace"
    after = _links(db, ada)
    for kind in after:
        assert after[kind] == ada_links[kind] | again_links[kind], kind
    assert _points(db, ada) == ada_points + 50
    assert undo.undoText() == "Merge 2 contacts into Ada Lovelace"

    undo.undo()
    assert undo.failed is None
    merged, kept = _contact(db, again), _contact(db, ada)
    assert merged.deleted_at is None and merged.merged_into is None
    assert kept.title is None and kept.city is None and kept.family_name == "Lovelace"
    assert _links(db, ada) == ada_links and _links(db, again) == again_links
    assert _points(db, ada) == ada_points and _points(db, again) == 50


def test_choosing_the_other_survivor_keeps_the_users_picks(
    qtbot: Any, db: Any, runner: TaskRunner, twins: tuple[uuid.UUID, uuid.UUID]
) -> None:
    ada, again = twins
    dialog = _open(qtbot, db, runner, UndoStack(db))
    dialog.select_group(_group_of(dialog, ada))
    merge = dialog.merge_current()
    assert merge is not None and merge.grid is not None
    merge.grid.survivor_buttons[ada].click()
    merge.pick("family_name", again)
    merge.grid.survivor_buttons[again].click()
    assert merge.survivor_id == again
    qtbot.waitUntil(lambda: merge.grid is not None and merge.grid.preview.survivor_id == again)
    assert merge.choices()["family_name"] == again  # picked by hand: kept across the rebuild
    assert "<b>Ada King</b> is kept" in merge.summary.text()
    assert "; 1 deal, 1 case, 1 purchase and " in merge.summary.text()  # and the points the purchase earned


def test_not_duplicates_is_remembered_and_undoable(
    qtbot: Any, db: Any, runner: TaskRunner, twins: tuple[uuid.UUID, uuid.UUID]
) -> None:
    ada, again = twins
    undo = UndoStack(db)
    dialog = _open(qtbot, db, runner, undo)
    count = len(dialog.groups)
    dialog.select_group(_group_of(dialog, ada))
    qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert len(dialog.groups) == count - 1
    assert dialog.tree.topLevelItemCount() == count - 1
    with db.read_session() as session:
        assert find_duplicates(session=session, contact_id=ada) == []
    assert undo.undoText().startswith("Not duplicates: ")
    undo.undo()
    with db.read_session() as session:
        assert {again, ada} == set(find_duplicates(session=session, contact_id=ada)[0].contact_ids)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.done and len(dialog.groups) == count)
