"""Pipeline tab: one list model per open stage, matching the board service, filtered in memory."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex

from crm_desktop.services.deals import DealCard, StageColumn, board, deal_summary, move_deal
from crm_desktop.ui.pipeline.model import CARD_ROLE, PAGE, StageModel, card_order, move_card


def test_stage_models_pass_modeltester(qtmodeltester: Any, window: Any) -> None:
    assert window.pipeline.columns
    for column in window.pipeline.columns:
        qtmodeltester.check(column.model)


def test_columns_and_cards_match_the_board(window: Any, db: Any) -> None:
    with db.read_session() as session:
        stages = board(session=session)
    widgets = window.pipeline.columns
    assert [w.title.text() for w in widgets] == [s.name for s in stages]
    for widget, stage in zip(widgets, stages, strict=True):
        assert widget.model.rowCount() == stage.count
        assert widget.count.text() == f"{stage.count:,}"
        assert window.fmt.money(stage.total_cents, whole=True) in widget.values.text()
        assert window.fmt.money(stage.weighted_cents, whole=True) in widget.values.text()
        cards = [widget.model.index(r, 0).data(CARD_ROLE) for r in range(widget.model.rowCount())]
        assert [c.id for c in cards] == [c.id for c in stage.cards]


def test_cards_paint_without_errors(window: Any) -> None:
    window.show_tab(1)
    assert not window.pipeline.grab().isNull()


def test_filter_narrows_the_cards(qtbot: Any, window: Any) -> None:
    tab = window.pipeline
    total = sum(w.model.rowCount() for w in tab.columns)
    qtbot.keyClicks(tab.search, "Lovelace")
    qtbot.waitUntil(lambda: sum(w.model.rowCount() for w in tab.columns) < total)
    shown = [w.model.index(r, 0).data(CARD_ROLE) for w in tab.columns for r in range(w.model.rowCount())]
    assert shown and all("Lovelace" in (c.contact_name or "") for c in shown)
    assert " of " in tab.count.text()
    tab.search.clear()
    qtbot.waitUntil(lambda: sum(w.model.rowCount() for w in tab.columns) == total)


def test_a_deal_move_reloads_only_through_the_hub(qtbot: Any, window: Any, db: Any) -> None:
    tab = window.pipeline
    first, second = tab.columns[0], tab.columns[1]
    card = first.model.index(0, 0).data(CARD_ROLE)
    with db.session() as session:
        move_deal(session=session, deal_id=card.id, stage_id=second.model.column.stage_id)
    with qtbot.waitSignal(tab.loaded):
        window.hub.notify({"deal", "deal_stage_change"})
    assert card.id in {second.model.index(r, 0).data(CARD_ROLE).id for r in range(second.model.rowCount())}
    with db.read_session() as session:
        assert deal_summary(session=session)["open_count"] == sum(w.model.column.count for w in tab.columns)


def _column(n: int, *, probability: int = 20, base: int = 0) -> StageColumn:
    stage = uuid.uuid4()
    cards = [
        DealCard(
            id=uuid.uuid4(), title=f"Card {i}", stage_id=stage, organization_name="Acme" if i % 2 else None,
            contact_name=None, value_cents=base + 1_000 * (n - i), currency="EUR", probability=probability,
            days_in_stage=3, owner_initials="AL", rotting=False, next_task_due=None,
        )
        for i in range(n)
    ]  # fmt: skip
    cards.sort(key=card_order)
    return StageColumn(
        stage_id=stage, name="Proposal", probability=probability, kind="open", rotting_days=None, cards=cards,
        count=n, total_cents=sum(c.value_cents for c in cards),
        weighted_cents=sum(c.value_cents * c.probability for c in cards) // 100,
    )  # fmt: skip


def test_a_long_stage_is_handed_to_the_view_in_pages(qtmodeltester: Any, window: Any) -> None:
    model = StageModel(_column(PAGE + 40), window.fmt)
    assert model.rowCount() == PAGE and model.matched() == PAGE + 40 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == PAGE + 40 and not model.canFetchMore(QModelIndex())
    model.set_filter("acme")
    assert model.matched() == (PAGE + 40) // 2 and model.rowCount() == min(PAGE, model.matched())
    qtmodeltester.check(StageModel(_column(PAGE + 40), window.fmt))  # (the tester fetches everything)


def test_take_and_put_move_one_row_and_keep_the_totals_exact(qtbot: Any, window: Any) -> None:
    source, target = (
        StageModel(_column(PAGE + 10), window.fmt),
        StageModel(_column(5, probability=50, base=500), window.fmt),
    )
    last = source.cards()[-1]  # not handed to the view yet
    with qtbot.assertNotEmitted(source.rowsRemoved):
        moved = move_card(source, target, last.id, None)
    assert moved is not None and moved.probability == 50 and moved.days_in_stage == 0
    assert target.row_of(last.id) == 5 and target.rowCount() == 6  # the smallest value: last
    first = source.cards()[0]
    with qtbot.waitSignal(source.rowsRemoved), qtbot.waitSignal(target.rowsInserted):
        move_card(source, target, first.id, 35)
    assert target.card(first.id).probability == 35 and target.row_of(first.id) == 0
    for model in (source, target):
        cards = model.column.cards
        assert model.column.count == len(cards) == model.matched()
        assert model.column.total_cents == sum(c.value_cents for c in cards)
        assert model.column.weighted_cents == sum(c.value_cents * c.probability for c in cards) // 100
    assert move_card(source, target, uuid.uuid4(), None) is None
