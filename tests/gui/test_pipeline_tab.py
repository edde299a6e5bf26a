"""The Pipeline tab as a whole: its filter bar, forecast, Leads mode and the dialogs it opens."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlmodel import col, func, select

from crm_desktop.domain import Deal
from crm_desktop.services.deal_filter import NO_OWNER
from crm_desktop.ui.pipeline.model import CARD_ROLE
from crm_desktop.ui.pipeline.view import BOARD, LEADS, LIST


def _board(qtbot: Any, window: Any) -> Any:
    window.show_tab(1)
    tab = window.pipeline
    qtbot.waitUntil(lambda: len(tab.columns) >= 3 and tab.columns[0].model.rowCount() > 0)
    return tab


def _cards(tab: Any) -> list[Any]:
    return [w.model.index(r, 0).data(CARD_ROLE) for w in tab.columns for r in range(w.model.rowCount())]


def _open_deals(db: Any, **where: Any) -> int:
    with db.read_session() as session:
        stmt = select(func.count()).select_from(Deal).where(col(Deal.status) == "open", col(Deal.deleted_at).is_(None))
        for name, value in where.items():
            stmt = stmt.where(getattr(Deal, name) == value if value is not None else col(getattr(Deal, name)).is_(None))
        return int(session.exec(stmt).one())


def test_the_owner_filter_reloads_the_board_from_sql_and_the_list_follows(qtbot: Any, window: Any, db: Any) -> None:
    tab = _board(qtbot, window)
    everyone = sum(w.model.column.count for w in tab.columns)
    tab.filters.choose_owner(NO_OWNER)
    qtbot.waitUntil(lambda: sum(w.model.column.count for w in tab.columns) < everyone)
    nobody_s = sum(w.model.column.count for w in tab.columns)
    pipeline = tab.pipeline_id
    assert nobody_s == _open_deals(db, owner_id=None, pipeline_id=pipeline)
    assert "match" in tab.count.text()
    qtbot.mouseClick(tab.list_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.table_model.total == nobody_s)
    tab.filters.clear()
    qtbot.waitUntil(lambda: tab.table_model.total == everyone)


def test_the_forecast_shows_the_deals_on_the_board(qtbot: Any, window: Any) -> None:
    tab = _board(qtbot, window)
    assert not tab.forecast.isVisible()
    with qtbot.waitSignal(tab.forecast.loaded, timeout=10_000):
        qtbot.mouseClick(tab.forecast_button, Qt.MouseButton.LeftButton)
    assert tab.forecast.isVisible()
    shown = sum(int(row[1].replace(",", "")) for row in tab.forecast.rows())
    assert shown == sum(w.model.column.count for w in tab.columns)


def test_leads_mode_shows_the_leads_board_and_hides_the_deal_filters(qtbot: Any, window: Any) -> None:
    tab = _board(qtbot, window)
    qtbot.mouseClick(tab.leads_button, Qt.MouseButton.LeftButton)
    assert tab.stack.currentIndex() == LEADS and tab.stack.currentWidget() is tab.leads
    assert not tab.filters.isVisible() and not tab.count.isVisible()
    qtbot.waitUntil(lambda: sum(c.model.rowCount() for c in tab.leads.columns) > 0, timeout=10_000)
    tab.show_mode(LIST)
    assert tab.filters.isVisible() and tab.list_mode
    tab.show_mode(BOARD)
    assert tab.stack.currentIndex() == BOARD


def test_open_new_and_print_quote_open_their_dialogs(qtbot: Any, window: Any) -> None:
    tab = _board(qtbot, window)
    card = tab.columns[0].model.index(0, 0).data(CARD_ROLE)
    tab.open_deal.emit(card.id)
    editor = tab.dialogs.deal_editor
    assert editor is not None and editor.isVisible() and editor.form.title.text() == card.title
    editor.close()
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.dialogs.deal_editor is not editor and tab.dialogs.deal_editor.isVisible()
    tab.dialogs.deal_editor.close()
    view = tab.columns[0].list
    tab._show_menu(view, view.visualRect(tab.columns[0].model.index(0, 0)).center())
    quote = next(a for a in tab.menu.actions() if a.text() == "&Print quote…")
    quote.trigger()
    assert tab.dialogs.quote is not None
    qtbot.waitUntil(lambda: tab.dialogs.quote.pdf_path is not None, timeout=15_000)
    tab.dialogs.quote.close()


def test_set_up_menu_opens_pipelines_and_the_catalog(qtbot: Any, window: Any) -> None:
    tab = _board(qtbot, window)
    pipelines, catalog = tab.setup_button.menu().actions()
    pipelines.trigger()
    assert tab.dialogs.settings is not None and tab.dialogs.settings.isVisible()
    tab.dialogs.settings.close()
    catalog.trigger()
    assert tab.dialogs.catalog is not None and tab.dialogs.catalog.isVisible()
    tab.dialogs.catalog.close()
    assert _cards(tab)  # the board is still there
