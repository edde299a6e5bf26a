"""The kanban board and pipeline reads: columns, cards, totals, rotting, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from crm_desktop.domain import Pipeline, Stage
from crm_desktop.domain.errors import NotFound
from crm_desktop.services.activities import add_task, complete_task
from crm_desktop.services.board import board as board_from_board_module
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deals import (
    board,
    create_deal,
    deal_summary,
    default_pipeline,
    delete_deal,
    list_lost_reasons,
    list_pipelines,
    list_stages,
    lose_deal,
    move_deal,
    win_deal,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.users import create_user
from tests.unit.services import T0


@contextmanager
def counted_queries(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_pipeline_reads(session: Session) -> None:
    pipeline = default_pipeline(session=session)
    assert pipeline.name == "Sales" and [p.id for p in list_pipelines(session=session)] == [pipeline.id]
    names = [s.name for s in list_stages(session=session, pipeline_id=pipeline.id)]
    assert names == ["Qualification", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"]
    reasons = list_lost_reasons(session=session)
    assert reasons[0].name == "Price" and len(reasons) == 9
    reasons[1].active = False
    session.add(reasons[1])
    assert [r.name for r in list_lost_reasons(session=session)][:2] == ["Price", "Budget"]
    pipeline.deleted_at = T0
    session.add(pipeline)
    session.flush()
    with pytest.raises(NotFound, match="pipeline"):
        default_pipeline(session=session)


@pytest.fixture
def deals(session: Session) -> dict[str, Any]:
    stages = {s.name: s for s in list_stages(session=session, pipeline_id=default_pipeline(session=session).id)}
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))
    owner = create_user(session=session, name="Grace Brewster Hopper")
    big = create_deal(session=session, title="Big", value_cents=90_000, contact_id=ada.id, owner_id=owner.id, at=T0)
    small = create_deal(
        session=session, title="Small", value_cents=1_000, organization_id=org.id, probability=50, at=T0
    )
    mid = create_deal(session=session, title="Mid", value_cents=5_000, at=T0)
    move_deal(session=session, deal_id=mid.id, stage_id=stages["Proposal"].id, at=T0 + timedelta(days=20))
    won = create_deal(session=session, title="Won", value_cents=7_000, contact_id=ada.id)
    win_deal(session=session, deal_id=won.id)
    lost = create_deal(session=session, title="Lost", value_cents=3_000)
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id)
    binned = create_deal(session=session, title="Binned", value_cents=8_000)
    delete_deal(session=session, deal_id=binned.id)
    add_task(session=session, title="Call", deal_id=big.id, due_at=T0 + timedelta(days=9))
    add_task(session=session, title="Mail", deal_id=big.id, due_at=T0 + timedelta(days=5))
    done = add_task(session=session, title="Old", deal_id=big.id, due_at=T0 + timedelta(days=1))
    complete_task(session=session, task_id=done.id)
    return {"stages": stages, "big": big, "small": small, "mid": mid}


def test_one_column_per_open_stage_with_open_deals_by_value(session: Session, deals: dict[str, Any]) -> None:
    now = T0 + timedelta(days=30)
    columns = board(session=session, now=now)
    assert [c.name for c in columns] == ["Qualification", "Needs analysis", "Proposal", "Negotiation"]
    first, _, proposal, _ = columns
    assert [c.title for c in first.cards] == ["Big", "Small"]
    assert (first.count, first.total_cents, first.weighted_cents) == (2, 91_000, 9_000 + 500)
    assert (first.probability, first.kind, first.rotting_days) == (10, "open", 14)
    big, small = first.cards
    assert (big.contact_name, big.organization_name, big.owner_initials) == ("Ada Lovelace", None, "GH")
    assert (small.organization_name, small.probability, small.contact_name) == ("Acme", 50, None)
    assert big.next_task_due == T0 + timedelta(days=5) and small.next_task_due is None
    assert (big.days_in_stage, big.rotting) == (30, True)
    [mid] = proposal.cards
    assert (mid.days_in_stage, mid.rotting, mid.probability) == (10, False, 50)


def test_board_needs_a_fixed_number_of_queries(session: Session) -> None:
    contact = create_contact(session=session, data=ContactInput(given_name="Ada"))
    for i in range(60):
        deal = create_deal(session=session, title=f"D{i}", value_cents=i, contact_id=contact.id)
        add_task(session=session, title="t", deal_id=deal.id, due_at=T0)
    with counted_queries(session) as statements:
        columns = board_from_board_module(session=session)
    assert sum(c.count for c in columns) == 60
    assert len(statements) <= 4, statements


def test_board_of_another_pipeline(session: Session) -> None:
    other = Pipeline(name="Wholesale", position=1)
    intro = Stage(pipeline_id=other.id, name="Intro", position=0, probability=20)
    closed = Stage(pipeline_id=other.id, name="Done", position=1, kind="won")
    session.add_all([other, intro, closed])
    session.flush()
    create_deal(session=session, title="W", pipeline_id=other.id, value_cents=100)
    create_deal(session=session, title="S", value_cents=100)
    [column] = board(session=session, pipeline_id=other.id)
    assert (column.name, [c.title for c in column.cards], column.weighted_cents) == ("Intro", ["W"], 20)
    assert deal_summary(session=session, pipeline_id=other.id)["open_count"] == 1


def test_deal_summary(session: Session, deals: dict[str, Any]) -> None:
    assert deal_summary(session=session) == {
        "won_count": 1,
        "lost_count": 1,
        "open_count": 3,
        "open_value_cents": 96_000,
    }
    assert deal_summary(session=session, pipeline_id=default_pipeline(session=session).id)["won_count"] == 1
