"""The deals list: open deals of a pipeline, searched, sorted by every column and paged in SQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_list import DEAL_SORT_KEYS, count_deals, list_deals
from crm_desktop.services.deals import (
    create_deal,
    default_pipeline,
    delete_deal,
    list_lost_reasons,
    list_stages,
    lose_deal,
    move_deal,
    win_deal,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.users import create_user
from tests.unit.services import T0


@pytest.fixture
def deals(session: Session) -> dict[str, Any]:
    stages = {s.name: s for s in list_stages(session=session, pipeline_id=default_pipeline(session=session).id)}
    org = create_organization(session=session, data=OrganizationInput(name="Zeta Roasters"))
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))
    owner = create_user(session=session, name="Grace Hopper")
    big = create_deal(
        session=session, title="Big espresso bar", value_cents=90_000, contact_id=ada.id, owner_id=owner.id, at=T0
    )
    small = create_deal(
        session=session,
        title="Small 50% grinder",
        value_cents=1_000,
        organization_id=org.id,
        probability=50,
        expected_close=date(2024, 5, 1),
        at=T0 + timedelta(days=10),
    )
    mid = create_deal(session=session, title="Mid", value_cents=5_000, at=T0)
    move_deal(session=session, deal_id=mid.id, stage_id=stages["Negotiation"].id, at=T0 + timedelta(days=20))
    won = create_deal(session=session, title="Won one", value_cents=7_000, contact_id=ada.id)
    win_deal(session=session, deal_id=won.id)
    lost = create_deal(session=session, title="Lost one", value_cents=3_000)
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id)
    binned = create_deal(session=session, title="Binned", value_cents=8_000)
    delete_deal(session=session, deal_id=binned.id)
    return {"big": big, "small": small, "mid": mid, "won": won, "lost": lost}


def _titles(session: Session, **kwargs: Any) -> list[str]:
    return [r.title for r in list_deals(session=session, now=T0 + timedelta(days=30), **kwargs)]


def test_open_deals_with_their_figures(session: Session, deals: dict[str, Any]) -> None:
    rows = {r.title: r for r in list_deals(session=session, now=T0 + timedelta(days=30))}
    assert set(rows) == {"Big espresso bar", "Small 50% grinder", "Mid"}
    big, small, mid = rows["Big espresso bar"], rows["Small 50% grinder"], rows["Mid"]
    assert (big.contact_name, big.owner_name, big.stage_name, big.probability) == (
        "Ada Lovelace",
        "Grace Hopper",
        "Qualification",
        10,
    )
    assert (big.weighted_cents, big.days_in_stage, big.rotting) == (9_000, 30, True)
    assert (small.organization_name, small.probability, small.weighted_cents) == ("Zeta Roasters", 50, 500)
    assert (small.expected_close, small.days_in_stage) == (date(2024, 5, 1), 20)
    assert (mid.stage_name, mid.probability, mid.days_in_stage, mid.rotting) == ("Negotiation", 80, 10, False)
    assert count_deals(session=session) == 3
    assert count_deals(session=session, statuses=None) == 5
    assert {r.status for r in list_deals(session=session, statuses=["won", "lost"])} == {"won", "lost"}


@pytest.mark.parametrize(
    ("sort", "ascending"),
    [
        ("title", ["Big espresso bar", "Mid", "Small 50% grinder"]),
        ("organization_name", ["Small 50% grinder", "Big espresso bar", "Mid"]),  # empty last either way
        ("stage", ["Big espresso bar", "Small 50% grinder", "Mid"]),
        ("value_cents", ["Small 50% grinder", "Mid", "Big espresso bar"]),
        ("probability", ["Big espresso bar", "Small 50% grinder", "Mid"]),
        ("weighted_cents", ["Small 50% grinder", "Mid", "Big espresso bar"]),
        ("days_in_stage", ["Mid", "Small 50% grinder", "Big espresso bar"]),
    ],
)
def test_every_column_sorts_in_sql(session: Session, deals: dict[str, Any], sort: str, ascending: list[str]) -> None:
    assert sort in DEAL_SORT_KEYS
    assert _titles(session, sort=sort, descending=False) == ascending
    descending = _titles(session, sort=sort, descending=True)
    if sort == "organization_name":
        assert descending[0] == "Small 50% grinder"
    elif sort == "stage":
        assert descending[0] == "Mid" and descending[-1] == "Big espresso bar"
    else:
        assert descending == list(reversed(ascending))


def test_all_sort_keys_run(session: Session, deals: dict[str, Any]) -> None:
    for key in DEAL_SORT_KEYS:
        for descending in (False, True):
            assert len(list_deals(session=session, sort=key, descending=descending)) == 3


def test_search_paging_and_bad_input(session: Session, deals: dict[str, Any]) -> None:
    assert _titles(session, search="lovelace") == ["Big espresso bar"]
    assert _titles(session, search="zeta grinder") == ["Small 50% grinder"]
    assert _titles(session, search="50%") == ["Small 50% grinder"]  # % taken literally
    assert _titles(session, search='" OR 1=1 --') == []
    assert count_deals(session=session, search="espresso") == 1
    pages = [_titles(session, sort="title", descending=False, offset=n, limit=1) for n in range(4)]
    assert pages == [["Big espresso bar"], ["Mid"], ["Small 50% grinder"], []]
    with pytest.raises(ValidationError, match="sort"):
        list_deals(session=session, sort="id; drop table deal")
    with pytest.raises(ValidationError):
        list_deals(session=session, offset=-1)
