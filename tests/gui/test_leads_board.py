"""Leads board: columns by lead status, drag and keyboard moves with their ledger rows, undo, paging, convert."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlmodel import col, select

from crm_desktop.domain import Contact, Deal, LeadStatusChange
from crm_desktop.services.contacts import set_lifecycle_stage
from crm_desktop.services.leads import leads_by_status
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.card_drag import MIME_TYPE, read_card_mime
from crm_desktop.ui.pipeline.lead_model import LEADS_SCOPE
from crm_desktop.ui.pipeline.leads_board import PAGE, LeadsBoard
from crm_desktop.ui.pipeline.model import CARD_ROLE
from crm_desktop.ui.style import apply_style
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner


@pytest.fixture
def board(qtbot: Any, db: Any) -> Iterator[LeadsBoard]:
    """A shown, loaded board over the seeded demo business, wired like the main window wires it."""
    apply_style(QApplication.instance())
    hub = EventHub()
    hub.attach(db)
    runner = TaskRunner(db)
    widget = LeadsBoard(runner, hub, Formatter.load(db), UndoStack(db))
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.refresh()
    yield widget
    runner.shutdown()
    hub.detach()


def card_at(board: LeadsBoard, status: str, row: int = 0) -> Any:
    return board.column(status).model.index(row, 0).data(CARD_ROLE)


def lead_state(db: Any, contact_id: uuid.UUID) -> tuple[str | None, list[tuple[str | None, str, bool]]]:
    """The contact's lead status and its ledger rows (from, to, live) in order."""
    with db.read_session() as session:
        contact = session.get(Contact, contact_id)
        rows = session.exec(
            select(LeadStatusChange)
            .where(LeadStatusChange.contact_id == contact_id)
            .order_by(col(LeadStatusChange.at), col(LeadStatusChange.id))
        ).all()
        return contact.lead_status, [(r.from_status, r.to_status, r.deleted_at is None) for r in rows]


def drop(board: LeadsBoard, source: str, row: int, target: str) -> QDropEvent:
    """Drag the card at `row` of `source` as the view does (the model's drag data) and drop it on `target`."""
    model = board.column(source).model
    mime = model.mimeData([model.index(row, 0)])
    viewport = board.column(target).list.viewport()
    position = QPointF(viewport.width() / 2, 20)
    enter = QDragEnterEvent(
        position.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted() == (source != target)
    event = QDropEvent(
        position, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, event)
    return event


def test_column_models_pass_modeltester(qtmodeltester: Any, board: LeadsBoard) -> None:
    for column in board.columns:
        qtmodeltester.check(column.model)


def test_columns_match_the_service_with_n_of_m_when_capped(board: LeadsBoard, db: Any) -> None:
    with db.read_session() as session:
        expected = leads_by_status(session=session, limit_per_status=PAGE)
    assert [c.title.text() for c in board.columns] == ["Open", "Contacted", "Qualified", "Unqualified"]
    for widget, column in zip(board.columns, expected, strict=True):
        assert [widget.model.index(r, 0).data(CARD_ROLE).id for r in range(widget.model.rowCount())] == [
            card.id for card in column.cards
        ]
        shown = len(column.cards)
        assert widget.count.text() == (
            f"{column.count:,}" if shown == column.count else f"{shown:,} of {column.count:,}"
        )
    assert board.column("open").count.text().startswith(f"{PAGE} of ")  # the filler people are open leads
    assert board.count.text() == f"{sum(c.count for c in expected):,} leads"
    assert not board.grab().isNull()


def test_dragging_a_card_changes_the_status_with_a_ledger_row_and_undo_restores_both(
    qtbot: Any, board: LeadsBoard, db: Any
) -> None:
    card = card_at(board, "open")
    before_status, before_rows = lead_state(db, card.id)
    event = drop(board, "open", 0, "contacted")
    assert event.isAccepted()
    status, rows = lead_state(db, card.id)
    assert status == "contacted"
    assert rows == [*before_rows, ("open", "contacted", True)]
    assert card_at(board, "contacted").id == card.id and board.column("open").model.row_of(card.id) is None
    assert board.selected == card.id
    with qtbot.waitSignal(board.loaded, timeout=10_000):  # the commit reloads the board through the hub
        pass
    assert card_at(board, "contacted").id == card.id  # the reload agrees: the moved card tops its column

    with qtbot.waitSignal(board.loaded, timeout=10_000):
        board.undo_stack.undo()
    status, rows = lead_state(db, card.id)
    assert status == before_status == "open"
    assert rows == [*before_rows, ("open", "contacted", False)]  # the ledger row is tombstoned, not erased
    assert board.column("open").model.row_of(card.id) is not None
    assert board.column("contacted").model.row_of(card.id) is None


def test_a_drop_on_its_own_column_or_from_another_board_changes_nothing(board: LeadsBoard, db: Any) -> None:
    card = card_at(board, "qualified")
    before = lead_state(db, card.id)
    assert not drop(board, "qualified", 0, "qualified").isAccepted()
    mime = board.column("qualified").model.mimeData([board.column("qualified").model.index(0, 0)])
    payload = read_card_mime(mime)
    assert payload is not None and (payload.scope, payload.record_id, payload.source_key) == (
        LEADS_SCOPE, card.id, "qualified"
    )  # fmt: skip
    mime.setData(MIME_TYPE, mime.data(MIME_TYPE).replace(b'"leads"', b'"deals"'))
    viewport = board.column("open").list.viewport()
    event = QDropEvent(
        QPointF(30, 20), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, event)
    assert not event.isAccepted()
    assert lead_state(db, card.id) == before
    assert board.undo_stack.count() == 0


def test_ctrl_right_and_ctrl_left_move_the_selected_card(qtbot: Any, board: LeadsBoard, db: Any) -> None:
    view = board.column("open").list
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    card = card_at(board, "open")
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert lead_state(db, card.id)[0] == "contacted"
    target = board.column("contacted").list
    assert target.current_record() == card.id and target.hasFocus()
    qtbot.keyClick(target, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(board.column("qualified").list, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    status, rows = lead_state(db, card.id)
    assert status == "contacted"
    assert [r[:2] for r in rows[-3:]] == [("open", "contacted"), ("contacted", "qualified"), ("qualified", "contacted")]
    assert board.undo_stack.count() == 3
    qtbot.keyClick(target, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(board.column("open").list, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # no column
    assert lead_state(db, card.id)[0] == "open" and board.undo_stack.count() == 4


def test_scrolling_to_the_end_loads_the_next_page(qtbot: Any, board: LeadsBoard, db: Any) -> None:
    widget = board.column("open")
    total = widget.model.count
    assert widget.model.rowCount() == PAGE < total
    widget.list.scrollToBottom()
    qtbot.waitUntil(lambda: widget.model.rowCount() == min(2 * PAGE, total), timeout=10_000)
    ids = [c.id for c in widget.model.cards()]
    with db.read_session() as session:
        expected = leads_by_status(session=session, limit_per_status=2 * PAGE)[0]
    assert ids == [c.id for c in expected.cards]
    assert widget.count.text() == (f"{total:,}" if len(ids) == total else f"{len(ids):,} of {total:,}")
    with qtbot.waitSignal(board.loaded, timeout=10_000):  # a change elsewhere: the reload keeps what was scrolled in
        board.refresh()
    assert [c.id for c in widget.model.cards()] == ids
    with qtbot.waitSignal(board.loaded, timeout=10_000):  # a new filter starts from the top again
        qtbot.keyClicks(board.search, "Filler")
    assert widget.model.rowCount() == PAGE and widget.list.verticalScrollBar().value() == 0


def test_the_filter_and_the_owner_narrow_the_board_in_sql(qtbot: Any, board: LeadsBoard, db: Any) -> None:
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        qtbot.keyClicks(board.search, "Person0007")
    shown = [card for c in board.columns for card in c.model.cards()]
    assert [card.display_name for card in shown] == ["Person0007 Filler"]
    assert board.count.text() == "1 matching lead"
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        board.search.clear()
    assert board.owner.itemText(0) == "All owners" and board.owner.count() > 2
    owned = next(card for c in board.columns for card in c.model.cards() if card.owner_initials)
    with db.read_session() as session:
        owner_id = session.get(Contact, owned.id).owner_id
        expected = leads_by_status(session=session, owner_id=owner_id, limit_per_status=PAGE)
    number = board.owner.findData(str(owner_id))
    board.owner.setCurrentIndex(number)
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        board.owner.activated.emit(number)
    assert board.owner_id == owner_id and board.owner.currentIndex() == number  # kept across the reload
    assert [c.model.count for c in board.columns] == [c.count for c in expected]
    assert board.count.text() == f"{sum(c.count for c in expected):,} matching leads"


def test_convert_to_deal_on_a_qualified_lead_creates_the_deal(qtbot: Any, board: LeadsBoard, db: Any) -> None:
    view = board.column("open").list
    view.setCurrentIndex(view.model().index(0, 0))
    assert not board.convert_button.isEnabled() and board.convert_selected() is None
    view = board.column("qualified").list
    view.setCurrentIndex(view.model().index(0, 0))
    card = card_at(board, "qualified")
    assert board.convert_button.isEnabled()
    board.convert_button.click()
    dialog = board.convert_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.value.setText("1250")
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        dialog.convert_button.click()
    with db.read_session() as session:
        deals = session.exec(select(Deal).where(Deal.contact_id == card.id, col(Deal.deleted_at).is_(None))).all()
        assert [(d.value_cents, d.status) for d in deals][-1] == (125_000, "open")
        assert session.get(Contact, card.id).lifecycle_stage == "opportunity"
    assert board.column("qualified").model.row_of(card.id) is None  # it left the board


def test_a_refused_move_explains_and_changes_nothing(qtbot: Any, board: LeadsBoard, db: Any) -> None:
    card = card_at(board, "contacted")
    with db.session() as session:  # someone made them a customer a moment ago
        set_lifecycle_stage(session=session, contact_id=card.id, stage="customer")
    assert not board.move(card.id, "qualified")
    assert board.message_box is not None and "already a customer" in board.message_box.text()
    assert lead_state(db, card.id)[0] == "contacted"
    assert board.undo_stack.count() == 0
    board.message_box.close()
