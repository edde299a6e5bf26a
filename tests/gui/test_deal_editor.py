"""Deal editor: pick a contact by typing, add catalog and free lines, save as one undoable step; the catalog."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.deal_lines import list_lines
from crm_desktop.services.deals import board, get_deal, list_lost_reasons, list_stages, lose_deal, move_deal
from crm_desktop.services.pipelines import create_pipeline
from crm_desktop.services.products import create_product, search_products
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_editor import DealEditor
from crm_desktop.ui.pipeline.deal_editor_form import index_of
from crm_desktop.ui.pipeline.deal_editor_lines import DISCOUNT, PRICE, QUANTITY
from crm_desktop.ui.pipeline.product_catalog import ProductCatalog
from crm_desktop.ui.undo_stack import UndoStack

POPUPS = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|grabbing|propagateSizeHints)")  # offscreen


@pytest.fixture
def tools(qtbot: Any, db: Any) -> Any:
    """What the main window would hand the editor: formatter, event hub and undo stack (plus two products)."""
    with db.session() as session:
        create_product(session=session, name="Zephyr grinder", sku="ZG-1", unit_price_cents=39_900, stock_on_hand=5)
        create_product(session=session, name="Zephyr tamper", sku="ZG-2", unit_price_cents=2_450)
    hub = EventHub()
    hub.attach(db)
    yield Formatter.load(db), hub, UndoStack(db)
    hub.detach()


def _editor(qtbot: Any, db: Any, tools: Any, deal_id: Any = None) -> DealEditor:
    fmt, hub, undo = tools
    editor = DealEditor(db, hub, fmt, undo, deal_id, None)
    qtbot.addWidget(editor)
    editor.open()
    qtbot.waitExposed(editor)
    return editor


def _pick(qtbot: Any, picker: Any, text: str) -> None:
    """Type into a picker as a person would, wait for the matches, click the first."""
    picker.setFocus()
    qtbot.keyClicks(picker, text)
    qtbot.waitUntil(lambda: picker.choices.rowCount() > 0)
    picker.choose(0)


def _type_in_cell(qtbot: Any, editor: DealEditor, row: int, column: int, text: str) -> None:
    """Select a cell, type over it and press Enter (the table starts editing on any key)."""
    table = editor.items.table
    table.setFocus()
    table.setCurrentIndex(editor.items.model.index(row, column))
    table.edit(table.currentIndex())
    (cell,) = editor.items.open_editors()
    cell.selectAll()
    qtbot.keyClicks(cell, text)
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.items.open_editors())  # the delegate commits on the next event-loop turn


def _deal_named(db: Any, title: str) -> Any:
    with db.read_session() as session:
        return next(c for column in board(session=session) for c in column.cards if c.title == title)


@POPUPS
def test_new_deal_with_a_typed_contact_and_two_lines_saves_and_undoes(qtbot: Any, db: Any, tools: Any) -> None:
    editor = _editor(qtbot, db, tools)
    qtbot.keyClicks(editor.form.title, "Cafe fit-out")
    _pick(qtbot, editor.form.contact, "Lovelace")
    assert editor.form.contact.text() == "Ada Lovelace"
    assert editor.form.organization.text() == "Analytical Engines"  # taken from the contact

    _pick(qtbot, editor.items.product, "ZG-1")
    assert editor.items.product.text() == ""  # ready for the next product
    _type_in_cell(qtbot, editor, 0, QUANTITY, "2")
    _type_in_cell(qtbot, editor, 0, DISCOUNT, "5")
    qtbot.mouseClick(editor.items.add_free_button, Qt.MouseButton.LeftButton)
    (cell,) = editor.items.open_editors()  # the new line's description, ready to type
    cell.selectAll()
    qtbot.keyClicks(cell, "Installation")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.items.open_editors())
    _type_in_cell(qtbot, editor, 1, PRICE, "150.5")
    expected = 75_810 + 15_050  # 2 × 399.00 − 5 % = 758.10, plus 150.50
    assert editor.items.model.total_cents() == expected
    assert editor.form.value.isReadOnly() and editor.form.value.text() == editor.fmt.money(expected)

    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    deal_id = saved.args[0]
    assert not editor.isVisible()
    with db.read_session() as session:
        deal = get_deal(session=session, deal_id=deal_id)
        lines = [(x.description, x.quantity, x.unit_price_cents, x.discount_percent, x.product_id is not None)
                 for x in list_lines(session=session, deal_id=deal_id)]  # fmt: skip
        assert (deal.title, deal.value_cents, deal.currency) == ("Cafe fit-out", expected, "EUR")
    assert lines == [("Zephyr grinder", 2, 39_900, 5, True), ("Installation", 1, 15_050, 0, False)]

    undo = tools[2]
    assert undo.undoText() == "New deal “Cafe fit-out”"
    undo.undo()
    with db.read_session() as session:
        assert get_deal(session=session, deal_id=deal_id, include_deleted=True).deleted_at is not None
        assert list_lines(session=session, deal_id=deal_id) == []


@POPUPS
def test_editing_an_existing_deal_is_one_undoable_step(qtbot: Any, db: Any, tools: Any) -> None:
    card = _deal_named(db, "Deal 1")
    editor = _editor(qtbot, db, tools, card.id)
    assert editor.form.title.text() == "Deal 1" and not editor.form.value.isReadOnly()
    editor.form.title.selectAll()
    qtbot.keyClicks(editor.form.title, "Deal 1 - espresso bar")
    _pick(qtbot, editor.items.product, "zephyr tamper")
    _pick(qtbot, editor.items.product, "zephyr grinder")
    assert [r.description for r in editor.items.model.rows] == ["Zephyr tamper", "Zephyr grinder"]
    assert editor.save()
    with db.read_session() as session:
        deal = get_deal(session=session, deal_id=card.id)
        assert (deal.title, deal.value_cents) == ("Deal 1 - espresso bar", 2_450 + 39_900)
        assert len(list_lines(session=session, deal_id=card.id)) == 2

    tools[2].undo()
    with db.read_session() as session:
        deal = get_deal(session=session, deal_id=card.id)
        assert (deal.title, deal.value_cents) == ("Deal 1", card.value_cents)
        assert list_lines(session=session, deal_id=card.id) == []
    reopened = _editor(qtbot, db, tools, card.id)
    assert any("Line “Zephyr grinder”" in line for line in reopened.history.lines())


@POPUPS
def test_bad_input_is_explained_and_kept(qtbot: Any, db: Any, tools: Any) -> None:
    editor = _editor(qtbot, db, tools)
    qtbot.keyClicks(editor.form.contact, "Nobody Atall")
    qtbot.mouseClick(editor.items.add_free_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(editor.items.open_editors()[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.items.open_editors())
    _type_in_cell(qtbot, editor, 0, PRICE, "twelve")
    assert editor.items.hint.isVisible() and "not an amount" in editor.items.hint.text()
    assert editor.items.model.index(0, PRICE).data() == "twelve"  # what was typed stays

    assert not editor.save()
    assert editor.form.hints["title"].isVisible() or editor.form.hints["contact"].isVisible()
    assert "Pick the contact" in editor.form.hints["contact"].text()
    assert editor.form.contact.text() == "Nobody Atall"
    editor.form.contact.clear()
    qtbot.keyClicks(editor.form.title, "Keeps its lines")
    assert not editor.save()
    assert "Line 1" in editor.items.hint.text() and editor.isVisible()
    _type_in_cell(qtbot, editor, 0, PRICE, "12")
    assert editor.save()
    with db.read_session() as session:
        assert get_deal(session=session, deal_id=editor.deal_id).value_cents == 1_200


@POPUPS
def test_the_pipeline_combo_moves_an_open_deal_to_another_pipeline(qtbot: Any, db: Any, tools: Any) -> None:
    card = _deal_named(db, "Deal 1")
    with db.session() as session:
        home = get_deal(session=session, deal_id=card.id).pipeline_id
        proposal = next(s.id for s in list_stages(session=session, pipeline_id=home) if s.name == "Proposal")
        move_deal(session=session, deal_id=card.id, stage_id=proposal)  # not the first stage: shown all the same
        wholesale = create_pipeline(session=session, name="Wholesale").id
        offered = [(s.id, s.name) for s in list_stages(session=session, pipeline_id=wholesale) if s.kind == "open"]
    editor = _editor(qtbot, db, tools, card.id)
    combo, stage = editor.form.pipeline, editor.form.stage
    assert combo.isEnabled() and stage.currentData() == proposal and combo.currentData() == home
    combo.setCurrentIndex(combo.findText("Wholesale"))
    assert [(stage.itemData(i), stage.itemText(i)) for i in range(stage.count())] == offered
    stage.setCurrentIndex(1)
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with db.read_session() as session:
        deal = get_deal(session=session, deal_id=card.id)
        assert (deal.pipeline_id, deal.stage_id) == (wholesale, offered[1][0])
        assert any(c.id == card.id for column in board(session=session, pipeline_id=wholesale) for c in column.cards)

    tools[2].undo()
    with db.read_session() as session:
        deal = get_deal(session=session, deal_id=card.id)
        assert (deal.pipeline_id, deal.stage_id) == (home, proposal)
    again = _editor(qtbot, db, tools, card.id)
    again.form.pipeline.setCurrentIndex(again.form.pipeline.findText("Wholesale"))
    again.form.pipeline.setCurrentIndex(index_of(again.form.pipeline, home))  # back home: its own stage again
    assert again.form.stage.currentData() == proposal


@POPUPS
def test_a_closed_deal_keeps_its_pipeline(qtbot: Any, db: Any, tools: Any) -> None:
    card = _deal_named(db, "Deal 1")
    with db.session() as session:
        create_pipeline(session=session, name="Wholesale")
        lose_deal(session=session, deal_id=card.id, reason_id=list_lost_reasons(session=session)[0].id)
    editor = _editor(qtbot, db, tools, card.id)
    assert not editor.form.pipeline.isEnabled() and "stays in its pipeline" in editor.form.pipeline.toolTip()


@POPUPS
def test_lines_model_passes_modeltester(qtmodeltester: Any, qtbot: Any, db: Any, tools: Any) -> None:
    editor = _editor(qtbot, db, tools)
    _pick(qtbot, editor.items.product, "Zephyr")
    editor.items.add_free_line()
    qtmodeltester.check(editor.items.model)


def test_catalog_adds_edits_and_retires_a_product(qtbot: Any, db: Any, tools: Any) -> None:
    fmt, _hub, undo = tools
    catalog = ProductCatalog(db, fmt, undo)
    qtbot.addWidget(catalog)
    catalog.open()
    qtbot.keyClicks(catalog.name, "Oat milk 1l")
    qtbot.keyClicks(catalog.sku, "MILK-OAT")
    qtbot.keyClicks(catalog.price, "2.95")
    qtbot.keyClicks(catalog.stock, "-x")
    assert not catalog.save()
    assert "whole number" in catalog.hint.text() and catalog.name.text() == "Oat milk 1l"
    catalog.stock.setText("24")
    assert catalog.save()
    with db.read_session() as session:
        (milk,) = search_products(session=session, search="MILK-OAT")
    assert (milk.unit_price_cents, milk.stock_on_hand, milk.active) == (295, 24, True)
    catalog.price.setText("3.10")
    assert catalog.save()
    qtbot.mouseClick(catalog.retire_button, Qt.MouseButton.LeftButton)
    with db.read_session() as session:
        assert search_products(session=session, search="MILK-OAT") == []
        (retired,) = search_products(session=session, search="MILK-OAT", active_only=False)
    assert (retired.unit_price_cents, retired.active) == (310, False)
    undo.undo()
    with db.read_session() as session:
        assert search_products(session=session, search="MILK-OAT")[0].active
