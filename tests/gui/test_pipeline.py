"""Pipeline tab: one list model per open stage, matching the board service, filtered in memory."""

from __future__ import annotations

from typing import Any

from crm_desktop.services.deals import board, deal_summary, move_deal
from crm_desktop.ui.pipeline.model import CARD_ROLE


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
