"""Pipelines and stages dialog: typing in the stage table, moving, refusing, pipelines and lost reasons."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from crm_desktop.services.deals import default_pipeline, list_lost_reasons, list_pipelines, list_stages
from crm_desktop.services.pipelines import stage_overview
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.pipeline.stage_editor import PipelineSettingsDialog
from crm_desktop.ui.pipeline.stage_editor_parts import DEALS, NAME, PROBABILITY, ROTTING
from crm_desktop.ui.style import apply_style
from crm_desktop.ui.undo_stack import UndoStack


@pytest.fixture
def dialog(qtbot: Any, db: Any) -> Iterator[PipelineSettingsDialog]:
    apply_style(QApplication.instance())
    hub = EventHub()
    hub.attach(db)
    dlg = PipelineSettingsDialog(db, hub, UndoStack(db))
    qtbot.addWidget(dlg)
    dlg.open()
    qtbot.waitExposed(dlg)
    yield dlg
    hub.detach()


def stages(db: Any) -> list[tuple[str, int, int | None]]:
    with db.read_session() as session:
        pipeline = default_pipeline(session=session)
        return [(s.name, s.probability, s.rotting_days) for s in list_stages(session=session, pipeline_id=pipeline.id)]


def type_into_cell(qtbot: Any, table: Any, row: int, column: int, text: str) -> None:
    """Open the cell's editor as a double-click would, replace its text by typing, press Enter."""
    table.setCurrentCell(row, column)
    table.editItem(table.item(row, column))
    type_into_editor(qtbot, table, text)


def type_into_editor(qtbot: Any, view: Any, text: str) -> None:
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "exactly one cell editor should be open"
    editors[0].selectAll()
    qtbot.keyClick(editors[0], Qt.Key.Key_Backspace)
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)  # Qt commits on a queued call


def test_add_a_stage_rename_it_by_typing_and_move_it_up(qtbot: Any, dialog: Any, db: Any) -> None:
    table = dialog.table
    assert [table.item(r, NAME).text() for r in range(table.rowCount())] == [n for n, _, _ in stages(db)]
    table.setCurrentCell(3, NAME)  # Negotiation: the new stage goes after it, before Won
    qtbot.mouseClick(dialog.add_stage_button, Qt.MouseButton.LeftButton)
    assert [n for n, _, _ in stages(db)][3:] == ["Negotiation", "New stage", "Won", "Lost"]
    type_into_editor(qtbot, table, "Trial")  # the new name cell opened for typing
    assert [n for n, _, _ in stages(db)][3:] == ["Negotiation", "Trial", "Won", "Lost"]
    type_into_cell(qtbot, table, 4, PROBABILITY, "65")
    type_into_cell(qtbot, table, 4, ROTTING, "9")
    assert stages(db)[4] == ("Trial", 65, 9)
    assert table.item(4, NAME).text() == "Trial" and table.currentRow() == 4

    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert [n for n, _, _ in stages(db)] == [
        "Qualification", "Needs analysis", "Proposal", "Trial", "Negotiation", "Won", "Lost",
    ]  # fmt: skip
    assert table.item(3, NAME).text() == "Trial" and table.currentRow() == 3  # the selection follows
    assert not dialog.hint.isVisible()

    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)  # undo the move
    qtbot.waitUntil(lambda: table.item(4, NAME).text() == "Trial")
    assert [n for n, _, _ in stages(db)][3:5] == ["Negotiation", "Trial"]


def test_bad_cell_input_is_explained_and_the_stored_value_comes_back(qtbot: Any, dialog: Any, db: Any) -> None:
    before = stages(db)
    type_into_cell(qtbot, dialog.table, 0, PROBABILITY, "150")
    assert dialog.hint.isVisible() and "at most 100" in dialog.hint.text()
    assert dialog.table.item(0, PROBABILITY).text() == str(before[0][1])
    type_into_cell(qtbot, dialog.table, 1, NAME, "qualification")
    assert "already has a stage called “Qualification”" in dialog.hint.text()
    type_into_cell(qtbot, dialog.table, 2, ROTTING, "")  # blank: never rots
    assert stages(db)[2][2] is None and stages(db)[:2] == before[:2]
    assert dialog.table.item(2, ROTTING).text() == ""


def test_deleting_a_stage_that_holds_deals_is_refused(qtbot: Any, dialog: Any, db: Any) -> None:
    with db.read_session() as session:
        overview = stage_overview(session=session, pipeline_id=default_pipeline(session=session).id)
    row = next(i for i, s in enumerate(overview) if s.kind == "open" and s.deal_count > 0)
    assert dialog.table.item(row, DEALS).text() == f"{overview[row].deal_count:,}"
    dialog.table.setCurrentCell(row, NAME)
    qtbot.mouseClick(dialog.delete_stage_button, Qt.MouseButton.LeftButton)
    assert dialog.hint.isVisible()
    assert f"“{overview[row].name}” still holds" in dialog.hint.text() and "Move them" in dialog.hint.text()
    assert [n for n, _, _ in stages(db)] == [s.name for s in overview]
    dialog.table.setCurrentCell(len(overview) - 1, NAME)  # Lost: cannot be deleted or moved at all
    assert not dialog.delete_stage_button.isEnabled() and not dialog.up_button.isEnabled()


def test_new_pipeline_make_default_and_delete(qtbot: Any, dialog: Any, db: Any) -> None:
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.name_bar.isVisible()
    qtbot.keyClicks(dialog.name_edit, "Wholesale")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert not dialog.name_bar.isVisible()
    assert dialog.pipeline_box.currentText() == "Wholesale" and dialog.table.rowCount() == 6
    assert dialog.table.item(0, NAME).text() == "Qualification"
    qtbot.mouseClick(dialog.default_button, Qt.MouseButton.LeftButton)
    with db.read_session() as session:
        assert default_pipeline(session=session).name == "Wholesale"
    assert dialog.pipeline_box.currentText() == "Wholesale (default)" and not dialog.default_button.isEnabled()
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    with db.read_session() as session:
        assert [(p.name, p.is_default) for p in list_pipelines(session=session)] == [("Sales", True)]
    assert dialog.pipeline_box.count() == 1 and not dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.name_edit, "sales")
    qtbot.mouseClick(dialog.name_ok, Qt.MouseButton.LeftButton)
    assert dialog.name_bar.isVisible() and "already a pipeline" in dialog.hint.text()  # the form keeps the name
    assert dialog.name_edit.text() == "sales"


def test_lost_reasons_add_rename_and_untick(qtbot: Any, dialog: Any, db: Any) -> None:
    dialog.tabs.setCurrentIndex(1)
    reasons = dialog.reasons
    qtbot.mouseClick(dialog.add_reason_button, Qt.MouseButton.LeftButton)
    type_into_editor(qtbot, reasons, "Went quiet")
    with db.read_session() as session:
        assert list_lost_reasons(session=session)[-1].name == "Went quiet"
    reasons.item(0).setCheckState(Qt.CheckState.Unchecked)  # what a click on the tick does
    with db.read_session() as session:
        names = [r.name for r in list_lost_reasons(session=session)]
    assert reasons.item(0).text() not in names and "Went quiet" in names
    reasons.setCurrentRow(reasons.count() - 1)
    qtbot.mouseClick(dialog.reason_up_button, Qt.MouseButton.LeftButton)
    assert reasons.item(reasons.count() - 2).text() == "Went quiet" and reasons.currentRow() == reasons.count() - 2
