"""Cases tab: the open queue by default, a status filter, search and SQL sorting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.cases import count_cases, list_cases
from crm_desktop.services.vocab import OPEN_CASE_STATUSES


@pytest.fixture(autouse=True)
def _show_tab(window: Any) -> None:
    """Hidden tabs load when first shown; these tests look at this one."""
    window.tabs.setCurrentWidget(window.cases_page)


def test_model_passes_modeltester(qtmodeltester: Any, window: Any) -> None:
    qtmodeltester.check(window.cases.model)


def test_open_queue_matches_the_service(window: Any, db: Any) -> None:
    model = window.cases.model
    statuses = [s.value for s in OPEN_CASE_STATUSES]
    with db.read_session() as session:
        total = count_cases(session=session, statuses=statuses)
        first = list_cases(session=session, statuses=statuses, limit=3)
    assert model.total == total
    for row, expected in enumerate(first):
        assert model.index(row, 0).data() == expected.reference
        assert model.index(row, 1).data() == expected.subject
        assert model.index(row, 5).data() == expected.priority.capitalize()


def test_status_filter(window: Any, db: Any) -> None:
    tab = window.cases
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("All cases"))
    with db.read_session() as session:
        assert tab.model.total == count_cases(session=session)
        resolved = count_cases(session=session, statuses=["resolved"])
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("Resolved"))
    assert tab.model.total == resolved


def test_search_and_sort(qtbot: Any, window: Any, db: Any) -> None:
    tab = window.cases
    qtbot.keyClicks(tab.search, "Espresso machine")
    qtbot.waitUntil(lambda: tab.model.search == "Espresso machine")
    assert tab.model.total >= 4
    tab.model.sort(5, Qt.SortOrder.DescendingOrder)  # priority, most urgent first
    with db.read_session() as session:
        expected = list_cases(
            session=session,
            search="Espresso machine",
            statuses=tab.model.statuses,
            sort="priority",
            descending=True,
            limit=1,
        )
    assert tab.model.index(0, 0).data() == expected[0].reference


def test_overdue_sla_is_marked(window: Any) -> None:
    model = window.cases.model
    overdue = [r for r in range(model.rowCount()) if model.row(model.index(r, 0)).overdue]
    assert overdue, "the seeded cases are long past their SLA"
    index = model.index(overdue[0], 7)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
