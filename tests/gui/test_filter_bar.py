"""The pipeline filter bar: each control changes the emitted DealFilter, and the board obeys that filter."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crm_desktop.services.board import board
from crm_desktop.services.deal_filter import NO_OWNER, DealFilter
from crm_desktop.services.deals import create_deal
from crm_desktop.services.users import create_user, list_users
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.filter_bar import DealFilterBar, preset_range

TODAY = date(2024, 5, 15)


@pytest.fixture
def team(empty_db: Any) -> dict[str, Any]:
    with empty_db.session() as session:
        ann = create_user(session=session, name="Ann Able").id
        bob = create_user(session=session, name="Bob Baker").id
        create_deal(session=session, title="Ann's grinder", owner_id=ann, value_cents=100)
        create_deal(session=session, title="Bob's beans", owner_id=bob, value_cents=100)
    return {"ann": ann, "bob": bob}


@pytest.fixture
def bar(qtbot: Any, empty_db: Any, team: dict[str, Any]) -> DealFilterBar:
    widget = DealFilterBar(empty_db, Formatter(), today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_owners_are_offered_after_any_and_nobody(bar: DealFilterBar, empty_db: Any) -> None:
    with empty_db.read_session() as session:
        names = [u.name for u in list_users(session=session)]
    offered = [bar.owner.itemText(i) for i in range(bar.owner.count())]
    assert offered[:2] == ["Any owner", "No owner"] and offered[2:] == names
    assert "Ann Able" in offered and bar.owner.itemData(0) is None and bar.owner.itemData(1) == NO_OWNER


def test_choosing_an_owner_emits_the_filter_the_board_obeys(
    qtbot: Any, bar: DealFilterBar, empty_db: Any, team: dict[str, Any]
) -> None:
    bar.owner.setFocus()
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        qtbot.keyClick(bar.owner, Qt.Key.Key_Down)  # "Any owner" → "No owner"
    assert blocker.args == [DealFilter(owner_id=NO_OWNER)]
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        bar.choose_owner(team["ann"])
    emitted = blocker.args[0]
    assert emitted == DealFilter(owner_id=team["ann"]) and bar.owner.currentText() == "Ann Able"
    with empty_db.read_session() as session:
        titles = [c.title for column in board(session=session, filter=emitted) for c in column.cards]
    assert titles == ["Ann's grinder"]


def test_typing_keeps_the_owner_and_adds_the_text(qtbot: Any, bar: DealFilterBar, team: dict[str, Any]) -> None:
    bar.choose_owner(team["bob"])
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        qtbot.keyClicks(bar.search, "50% o'neil_")
    assert blocker.args == [DealFilter(owner_id=team["bob"], text="50% o'neil_")]


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("month", (date(2024, 5, 1), date(2024, 5, 31))),
        ("quarter", (date(2024, 4, 1), date(2024, 6, 30))),
        ("next90", (date(2024, 5, 15), date(2024, 8, 12))),
        ("any", (None, None)),
    ],
)
def test_presets_set_both_dates(
    qtbot: Any, bar: DealFilterBar, preset: str, expected: tuple[date | None, date | None]
) -> None:
    bar.set_filter(DealFilter(close_from=date(2020, 1, 1)))
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        bar.choose_preset(preset)
    f = blocker.args[0]
    assert (f.close_from, f.close_to) == expected
    assert (bar.close_from.value(), bar.close_to.value()) == expected
    assert bar.preset.currentData() == preset


def test_quarter_and_month_ends_across_the_year() -> None:
    assert preset_range("quarter", date(2024, 12, 31)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert preset_range("month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert preset_range("quarter", date(2025, 1, 1)) == (date(2025, 1, 1), date(2025, 3, 31))


def test_editing_a_date_makes_a_custom_range_that_never_runs_backwards(qtbot: Any, bar: DealFilterBar) -> None:
    bar.choose_preset("month")
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        bar.close_from.set_value(date(2024, 6, 10))  # after the end: the end moves along
    assert (blocker.args[0].close_from, blocker.args[0].close_to) == (date(2024, 6, 10), date(2024, 6, 10))
    assert bar.preset.currentData() == "custom"
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        bar.close_to.clear_action.trigger()  # the date edit's own clear button
    assert (blocker.args[0].close_from, blocker.args[0].close_to) == (date(2024, 6, 10), None)
    assert bar.close_to.is_empty() and bar.close_to.text() == "To: any"


def test_clear_keeps_the_pipeline_only(qtbot: Any, bar: DealFilterBar, team: dict[str, Any]) -> None:
    pipeline = team["ann"]  # any id: the bar only carries it
    bar.set_filter(DealFilter(owner_id=team["ann"], pipeline_id=pipeline, text="beans", close_to=date(2024, 1, 1)))
    assert bar.search.text() == "beans" and bar.owner.currentText() == "Ann Able" and bar.clear_button.isEnabled()
    with qtbot.waitSignal(bar.filter_changed, timeout=2000) as blocker:
        qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [DealFilter(pipeline_id=pipeline)]
    assert bar.search.text() == "" and bar.owner.currentIndex() == 0 and bar.close_to.value() is None
    assert not bar.clear_button.isEnabled() and bar.preset.currentData() == "any"


def test_set_filter_alone_announces_nothing(qtbot: Any, bar: DealFilterBar, team: dict[str, Any]) -> None:
    with qtbot.assertNotEmitted(bar.filter_changed, wait=400):
        bar.set_filter(DealFilter(owner_id=team["bob"], text="beans", close_from=date(2024, 5, 1)))
    assert bar.filter.text == "beans" and bar.owner.currentText() == "Bob Baker"


def test_an_owner_no_longer_offered_is_still_shown(bar: DealFilterBar) -> None:
    gone = uuid.uuid4()
    bar.set_filter(DealFilter(owner_id=gone))
    assert bar.owner.currentData() == gone and bar.owner.currentText() == "Another owner"
