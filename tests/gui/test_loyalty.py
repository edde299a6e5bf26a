"""Loyalty tab: members sorted in SQL, searchable, beside the tiers and rewards."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.loyalty import count_members, list_members, list_rewards, list_tiers


@pytest.fixture(autouse=True)
def _show_tab(window: Any) -> None:
    """Hidden tabs load when first shown; these tests look at this one."""
    window.tabs.setCurrentWidget(window.loyalty_page)


def test_model_passes_modeltester(qtmodeltester: Any, window: Any) -> None:
    qtmodeltester.check(window.loyalty.model)


def test_members_match_the_service(window: Any, db: Any) -> None:
    model = window.loyalty.model
    with db.read_session() as session:
        total = count_members(session=session)
        first = list_members(session=session, limit=3)
    assert model.total == total > 0
    for row, expected in enumerate(first):
        assert model.index(row, 0).data() == expected.display_name
        assert model.index(row, 2).data() == window.fmt.number(expected.balance)
        assert model.index(row, 6).data() == window.fmt.money(expected.total_spent_cents, expected.currency)


def test_sort_by_name(window: Any, db: Any) -> None:
    model = window.loyalty.model
    model.sort(0, Qt.SortOrder.AscendingOrder)
    with db.read_session() as session:
        expected = list_members(session=session, sort="display_name", descending=False, limit=2)
    assert [model.index(r, 0).data() for r in range(2)] == [m.display_name for m in expected]


def test_search(qtbot: Any, window: Any) -> None:
    tab = window.loyalty
    qtbot.keyClicks(tab.search, "Hopper")
    qtbot.waitUntil(lambda: tab.model.search == "Hopper")
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 0).data() == "Grace Hopper"


def test_panel_lists_tiers_and_rewards(window: Any, db: Any) -> None:
    with db.read_session() as session:
        tiers = [t.name for t in list_tiers(session=session)]
        rewards = [r.name for r in list_rewards(session=session)]
    assert window.loyalty.panel.tier_names == tiers
    assert window.loyalty.panel.reward_names == rewards
