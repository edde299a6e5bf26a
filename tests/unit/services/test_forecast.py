"""The weighted forecast by expected-close month, worked out by hand: values, probabilities, month edges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from crm_desktop.domain import Pipeline, Stage
from crm_desktop.services.board import board, default_pipeline, list_lost_reasons, list_stages
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_filter import DealFilter
from crm_desktop.services.deals import create_deal, delete_deal, lose_deal, win_deal
from crm_desktop.services.forecast import MAX_FILLED_MONTHS, forecast
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import create_user
from tests.unit.services import T0
from tests.unit.services.test_board import counted_queries

BERLIN = ZoneInfo("Europe/Berlin")
# 23:30 UTC on 31 March is already 1 April (01:30 CEST) in Berlin: the month edge the tests turn on.
NOW = datetime(2024, 3, 31, 23, 30, tzinfo=UTC)


def rows(result: Any) -> list[tuple[str, int, int, int]]:
    return [(b.key, b.deals, b.total_cents, b.weighted_cents) for b in result.buckets]


@pytest.fixture
def seeded(session: Session) -> dict[str, Any]:
    """Open deals whose figures are worked out in the tests; won, lost and trashed ones that must not count."""
    stages = {s.name: s.id for s in list_stages(session=session, pipeline_id=default_pipeline(session=session).id)}
    ann = create_user(session=session, name="Ann Able")
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))

    def deal(title: str, cents: int, stage: str = "Qualification", **kw: Any) -> Any:
        return create_deal(session=session, title=title, value_cents=cents, stage_id=stages[stage], at=T0, **kw)

    deal("A", 10_000, expected_close=date(2024, 3, 31))  # 10 %: 1,000
    deal("B", 20_000, probability=60, expected_close=date(2024, 4, 1), owner_id=ann.id)  # override: 12,000
    deal("C", 30_000, "Proposal", expected_close=date(2024, 4, 30), contact_id=ada.id)  # 50 %: 15,000
    deal("K", 333, probability=50, expected_close=date(2024, 4, 15))  # 166.5
    deal("D", 5_000, "Negotiation", expected_close=date(2024, 5, 1), owner_id=ann.id)  # 80 %: 4,000
    deal("E", 7_000, expected_close=date(2024, 7, 15))  # 10 %: 700; June stays empty
    deal("F", 1_000, probability=0)  # no date, 0 %
    deal("G", 999, "Needs analysis")  # no date, 25 %: 249.75
    won = deal("Won", 50_000, expected_close=date(2024, 4, 10), contact_id=ada.id)
    win_deal(session=session, deal_id=won.id, at=T0)
    lost = deal("Lost", 40_000, expected_close=date(2024, 4, 10))
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id, at=T0)
    binned = deal("Binned", 60_000, expected_close=date(2024, 4, 10))
    delete_deal(session=session, deal_id=binned.id)
    return {"ann": ann, "stages": stages}


def test_weighted_forecast_by_month_in_the_business_time_zone(session: Session, seeded: dict[str, Any]) -> None:
    result = forecast(session=session, now=NOW, tz=BERLIN)
    assert result.today == date(2024, 4, 1)
    assert rows(result) == [
        ("overdue", 1, 10_000, 1_000),  # A: 31 March is already past in Berlin
        ("2024-04", 3, 50_333, 27_166),  # (20,000×60 + 30,000×50 + 333×50) / 100 = 27,166.5, rounded down
        ("2024-05", 1, 5_000, 4_000),
        ("2024-06", 0, 0, 0),
        ("2024-07", 1, 7_000, 700),
        ("no_date", 2, 1_999, 249),  # 0 + 999×25 / 100
    ]
    assert (result.deals, result.total_cents, result.weighted_cents) == (8, 74_332, 33_115)
    assert result.bucket("2024-06") is not None and result.bucket("2024-08") is None


def test_the_same_moment_in_utc_is_still_march(session: Session, seeded: dict[str, Any]) -> None:
    result = forecast(session=session, now=NOW, tz=UTC)
    assert result.today == date(2024, 3, 31)
    assert [key for key, *_ in rows(result)] == ["2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "no_date"]
    assert rows(result)[0] == ("2024-03", 1, 10_000, 1_000)


def test_the_time_zone_defaults_to_the_business_setting(session: Session, seeded: dict[str, Any]) -> None:
    assert forecast(session=session, now=NOW).today == date(2024, 3, 31)  # the default zone is UTC
    set_setting(session=session, key="timezone", value="Europe/Berlin")
    assert forecast(session=session, now=NOW).bucket("overdue") is not None
    set_setting(session=session, key="timezone", value="Mars/Olympus_Mons")
    assert forecast(session=session, now=NOW).today == date(2024, 3, 31)  # unknown zone: UTC


def test_the_filter_narrows_the_forecast(session: Session, seeded: dict[str, Any]) -> None:
    mine = forecast(session=session, now=NOW, tz=BERLIN, filter=DealFilter(owner_id=seeded["ann"].id))
    assert rows(mine) == [("2024-04", 1, 20_000, 12_000), ("2024-05", 1, 5_000, 4_000)]
    named = forecast(session=session, now=NOW, tz=BERLIN, filter=DealFilter(text="lovelace"))
    assert rows(named) == [("2024-04", 1, 30_000, 15_000)]
    april = DealFilter(close_from=date(2024, 3, 31), close_to=date(2024, 4, 30))
    assert rows(forecast(session=session, now=NOW, tz=BERLIN, filter=april)) == [
        ("overdue", 1, 10_000, 1_000),
        ("2024-04", 3, 50_333, 27_166),
    ]  # a close range leaves the undated deals out
    assert forecast(session=session, now=NOW, tz=BERLIN, filter=DealFilter(text="%")).buckets == []


def test_forecast_agrees_with_the_board(session: Session, seeded: dict[str, Any]) -> None:
    for f in (DealFilter(), DealFilter(owner_id=seeded["ann"].id), DealFilter(close_to=date(2024, 5, 31))):
        columns = board(session=session, filter=f)
        result = forecast(session=session, filter=f, now=NOW, tz=BERLIN)
        assert result.deals == sum(c.count for c in columns)
        assert result.total_cents == sum(c.total_cents for c in columns)


def test_pipelines_and_stages_that_are_not_on_a_board_do_not_count(session: Session, seeded: dict[str, Any]) -> None:
    other = Pipeline(name="Wholesale", position=1)
    intro = Stage(pipeline_id=other.id, name="Intro", position=0, probability=20)
    session.add_all([other, intro])
    session.flush()
    create_deal(session=session, title="W", pipeline_id=other.id, value_cents=500, expected_close=date(2024, 5, 2))
    everything = forecast(session=session, now=NOW, tz=BERLIN)
    assert everything.bucket("2024-05") is not None and everything.bucket("2024-05").deals == 2
    only_other = forecast(session=session, now=NOW, tz=BERLIN, filter=DealFilter(pipeline_id=other.id))
    assert rows(only_other) == [("2024-05", 1, 500, 100)]
    other.deleted_at = T0  # a trashed pipeline's deals leave the forecast
    session.add(other)
    session.flush()
    assert forecast(session=session, now=NOW, tz=BERLIN).bucket("2024-05").deals == 1  # type: ignore[union-attr]


def test_a_long_span_keeps_only_months_with_deals(session: Session) -> None:
    create_deal(session=session, title="Soon", value_cents=100, expected_close=date(2024, 4, 2))
    create_deal(session=session, title="Later", value_cents=100, expected_close=date(2024 + 4, 4, 2))
    keys = [b.key for b in forecast(session=session, now=NOW, tz=BERLIN).buckets]
    assert MAX_FILLED_MONTHS < 48 and keys == ["2024-04", "2028-04"]
    create_deal(session=session, title="Year end", value_cents=100, expected_close=date(2024, 12, 31))
    create_deal(session=session, title="Next year", value_cents=100, expected_close=date(2025, 1, 1))
    short = forecast(session=session, now=NOW, tz=BERLIN, filter=DealFilter(close_to=date(2025, 12, 31)))
    keys = [b.key for b in short.buckets]
    assert keys[0] == "2024-04" and keys[-1] == "2025-01" and len(keys) == 10 and "2024-12" in keys


def test_forecast_is_one_query(session: Session, seeded: dict[str, Any]) -> None:
    f = DealFilter(owner_id=seeded["ann"].id, text="a b", close_from=date(2024, 1, 1), source="web")
    with counted_queries(session) as statements:
        forecast(session=session, filter=f, now=NOW, tz=BERLIN)
        forecast(session=session, now=NOW, tz=BERLIN)
    assert len(statements) == 2, statements
