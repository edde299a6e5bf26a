"""Deals: creation, moves, winning (purchase, points, customer, onboarding) and losing, with their ledgers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from crm_desktop.domain import Contact, DealStageChange, Pipeline, PointsEntry, Purchase, Stage, Task
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_lines import add_line
from crm_desktop.services.deals import (
    board,
    change_pipeline,
    create_deal,
    default_pipeline,
    delete_deal,
    get_deal,
    list_lost_reasons,
    list_stages,
    lose_deal,
    move_deal,
    reopen_deal,
    restore_deal,
    update_deal,
    win_deal,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.pipelines import create_pipeline, delete_pipeline, delete_stage
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import current_user
from crm_desktop.store import Database
from tests.unit.services import T0, changes_since, fields_changed, journaled_fields, ledger_count, mark


def stages(session: Session) -> dict[str, Stage]:
    return {s.name: s for s in list_stages(session=session, pipeline_id=default_pipeline(session=session).id)}


def lead(session: Session, **fields: object) -> Contact:
    return create_contact(session=session, data=ContactInput(given_name="Lee", **fields))  # type: ignore[arg-type]


def stage_changes(session: Session, deal_id: uuid.UUID) -> list[DealStageChange]:
    stmt = select(DealStageChange).where(DealStageChange.deal_id == deal_id).order_by(DealStageChange.at)  # type: ignore[arg-type]
    return list(session.exec(stmt))


def on_board(session: Session, deal_id: uuid.UUID, pipeline_id: uuid.UUID | None = None) -> bool:
    return any(c.id == deal_id for column in board(session=session, pipeline_id=pipeline_id) for c in column.cards)


# --- create -----------------------------------------------------------------------------------------------


def test_create_uses_the_first_open_stage_and_records_it(session: Session) -> None:
    deal = create_deal(session=session, title=" Espresso machines ", value_cents=250_000, at=T0)
    assert deal.title == "Espresso machines" and deal.stage_id == stages(session)["Qualification"].id
    assert (deal.status, deal.stage_entered_at, deal.created_at, deal.currency) == ("open", T0, T0, "EUR")
    assert deal.owner_id == current_user(session=session).id
    [change] = stage_changes(session, deal.id)
    assert (change.from_stage_id, change.to_stage_id, change.at) == (None, deal.stage_id, T0)


def test_create_journals_the_deal_and_its_ledger_row(session: Session) -> None:
    before = mark(session)
    deal = create_deal(session=session, title="Beans", value_cents=100, expected_close=date(2024, 5, 1))
    changes = changes_since(session, before)
    assert sorted(f for t, _, f in changes if t == "deal") == sorted(journaled_fields(deal))
    assert {t for t, _, _ in changes} == {"deal", "deal_stage_change"}


def test_a_lead_becomes_an_opportunity_and_the_organization_follows_the_contact(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    contact = lead(session, organization_id=org.id)
    deal = create_deal(session=session, title="Cups", contact_id=contact.id, at=T0)
    assert contact.lifecycle_stage == "opportunity" and deal.organization_id == org.id
    assert ledger_count(session, "lifecycle_change", contact_id=contact.id, to_stage="opportunity") == 1
    customer = lead(session, lifecycle_stage="customer")
    create_deal(session=session, title="More cups", contact_id=customer.id)
    assert customer.lifecycle_stage == "customer"
    later = lead(session)
    deal = create_deal(session=session, title="Saucers")
    update_deal(session=session, deal_id=deal.id, changes={"contact_id": later.id})
    assert later.lifecycle_stage == "opportunity"


def test_create_in_a_named_stage_and_currency(session: Session) -> None:
    proposal = stages(session)["Proposal"]
    deal = create_deal(session=session, title="T", stage_id=proposal.id, currency="usd", probability=35)
    assert (deal.stage_id, deal.pipeline_id, deal.currency, deal.probability) == (
        proposal.id,
        proposal.pipeline_id,
        "USD",
        35,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "T", "value_cents": -1}, "value_cents"),
        ({"title": "T", "value_cents": 1.5}, "value_cents"),
        ({"title": "T", "probability": 101}, "probability"),
        ({"title": "T", "currency": "euro"}, "currency"),
        ({"title": "T", "contact_id": uuid.uuid4()}, "contact_id"),
        ({"title": "T", "organization_id": uuid.uuid4()}, "organization_id"),
        ({"title": "T", "owner_id": uuid.uuid4()}, "owner_id"),
        ({"title": "T", "expected_close": "soon"}, "expected_close"),
    ],
)
def test_invalid_input_is_refused_with_field(session: Session, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        create_deal(session=session, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_stage_must_be_open_and_in_the_pipeline(session: Session) -> None:
    with pytest.raises(ValidationError, match="open stage"):
        create_deal(session=session, title="T", stage_id=stages(session)["Won"].id)
    other = Pipeline(name="Wholesale", position=1)
    other_stage = Stage(pipeline_id=other.id, name="Intro", position=0)
    session.add_all([other, other_stage])
    session.flush()
    with pytest.raises(ValidationError, match="another pipeline"):
        create_deal(
            session=session,
            title="T",
            pipeline_id=default_pipeline(session=session).id,
            stage_id=other_stage.id,
        )
    assert create_deal(session=session, title="T", pipeline_id=other.id).stage_id == other_stage.id
    with pytest.raises(NotFound):
        create_deal(session=session, title="T", stage_id=uuid.uuid4())


# --- move -------------------------------------------------------------------------------------------------


def test_move_writes_exactly_one_stage_change(session: Session) -> None:
    deal = create_deal(session=session, title="T", at=T0)
    proposal = stages(session)["Proposal"]
    at = T0 + timedelta(days=2)
    before = mark(session)
    move_deal(session=session, deal_id=deal.id, stage_id=proposal.id, at=at)
    assert len(stage_changes(session, deal.id)) == 2
    last = stage_changes(session, deal.id)[-1]
    assert (last.from_stage_id, last.to_stage_id, last.at) == (
        stages(session)["Qualification"].id,
        proposal.id,
        at,
    )
    assert set(fields_changed(session, before, "deal", deal.id)) == {
        "stage_id",
        "stage_entered_at",
        "updated_at",
    }
    assert {t for t, _, _ in changes_since(session, before)} == {"deal", "deal_stage_change"}
    assert deal.stage_entered_at == at


def test_moving_to_the_same_stage_is_a_no_op(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    before = mark(session)
    move_deal(session=session, deal_id=deal.id, stage_id=deal.stage_id)
    assert changes_since(session, before) == []


def test_moving_to_lost_asks_for_a_reason_and_to_won_wins(session: Session) -> None:
    contact = lead(session)
    deal = create_deal(session=session, title="T", contact_id=contact.id, value_cents=5000)
    with pytest.raises(ValidationError, match="lost") as err:
        move_deal(session=session, deal_id=deal.id, stage_id=stages(session)["Lost"].id)
    assert err.value.field == "reason_id" and deal.status == "open"
    moved = move_deal(session=session, deal_id=deal.id, stage_id=stages(session)["Won"].id)
    assert moved.status == "won" and ledger_count(session, "purchase", deal_id=deal.id) == 1


def test_closed_deals_and_foreign_stages_cannot_be_moved(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    lose_deal(session=session, deal_id=deal.id, reason_id=list_lost_reasons(session=session)[0].id)
    with pytest.raises(Conflict, match="already lost"):
        move_deal(session=session, deal_id=deal.id, stage_id=stages(session)["Proposal"].id)
    other = Pipeline(name="Other")
    foreign = Stage(pipeline_id=other.id, name="X", position=0)
    session.add_all([other, foreign])
    fresh = create_deal(session=session, title="U")
    with pytest.raises(ValidationError, match="another pipeline"):
        move_deal(session=session, deal_id=fresh.id, stage_id=foreign.id)


# --- win --------------------------------------------------------------------------------------------------


def test_winning_records_purchase_points_customer_and_onboarding(session: Session) -> None:
    contact = lead(session)
    deal = create_deal(session=session, title="Roaster", contact_id=contact.id, value_cents=123_456, at=T0)
    at = T0 + timedelta(days=10)
    purchase = win_deal(session=session, deal_id=deal.id, at=at)
    assert (deal.status, deal.won_at, deal.stage_id) == ("won", at, stages(session)["Won"].id)
    assert (purchase.amount_cents, purchase.deal_id, purchase.contact_id, purchase.occurred_at) == (
        123_456,
        deal.id,
        contact.id,
        at,
    )
    [entry] = session.exec(select(PointsEntry).where(PointsEntry.contact_id == contact.id)).all()
    assert (entry.delta, entry.reason, entry.purchase_id) == (1234, "purchase", purchase.id)
    assert contact.lifecycle_stage == "customer"
    assert ledger_count(session, "lifecycle_change", contact_id=contact.id, from_stage="opportunity") == 1
    tasks = session.exec(select(Task).where(Task.deal_id == deal.id).order_by(Task.due_at)).all()  # type: ignore[arg-type]
    assert [(t.title, t.due_at, t.contact_id) for t in tasks] == [
        ("Send welcome email", at + timedelta(days=1), contact.id),
        ("Kickoff call", at + timedelta(days=3), contact.id),
        ("Check-in after 14 days", at + timedelta(days=14), contact.id),
    ]
    assert [c.to_stage_id for c in stage_changes(session, deal.id)][-1] == stages(session)["Won"].id


def test_onboarding_follows_the_setting(session: Session) -> None:
    set_setting(session=session, key="onboarding_checklist", value=[{"title": "Ship welcome pack", "due_days": 2}])
    deal = create_deal(session=session, title="T", contact_id=lead(session).id, value_cents=100)
    win_deal(session=session, deal_id=deal.id)
    assert [t.title for t in session.exec(select(Task).where(Task.deal_id == deal.id))] == ["Ship welcome pack"]


def test_winning_needs_a_contact_a_value_and_an_open_deal(session: Session) -> None:
    orphan = create_deal(session=session, title="T", value_cents=100)
    with pytest.raises(ValidationError, match=r"(?i)link a contact") as err:
        win_deal(session=session, deal_id=orphan.id)
    assert err.value.field == "contact_id"
    free = create_deal(session=session, title="T", contact_id=lead(session).id)
    with pytest.raises(ValidationError) as err:
        win_deal(session=session, deal_id=free.id)
    assert err.value.field == "value_cents"
    update_deal(session=session, deal_id=free.id, changes={"value_cents": 900})
    win_deal(session=session, deal_id=free.id)
    with pytest.raises(Conflict, match="already won"):
        win_deal(session=session, deal_id=free.id)
    with pytest.raises(Conflict):
        reopen_deal(session=session, deal_id=free.id)
    assert session.exec(select(Purchase).where(Purchase.deal_id == free.id)).one().amount_cents == 900


# --- lose -------------------------------------------------------------------------------------------------


def test_losing_needs_an_existing_reason(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    for reason in (None, uuid.uuid4()):
        with pytest.raises(ValidationError) as err:
            lose_deal(session=session, deal_id=deal.id, reason_id=reason)  # type: ignore[arg-type]
        assert err.value.field == "reason_id"
    assert deal.status == "open" and len(stage_changes(session, deal.id)) == 1


def test_losing_closes_the_deal_into_the_lost_stage(session: Session) -> None:
    deal = create_deal(session=session, title="T", at=T0)
    move_deal(session=session, deal_id=deal.id, stage_id=stages(session)["Negotiation"].id, at=T0)
    price = list_lost_reasons(session=session)[0]
    at = T0 + timedelta(days=4)
    lose_deal(session=session, deal_id=deal.id, reason_id=price.id, note="  too dear ", at=at)
    assert (deal.status, deal.lost_at, deal.lost_reason_id, deal.lost_note) == (
        "lost",
        at,
        price.id,
        "too dear",
    )
    assert deal.stage_id == stages(session)["Lost"].id and len(stage_changes(session, deal.id)) == 3
    with pytest.raises(Conflict):
        lose_deal(session=session, deal_id=deal.id, reason_id=price.id)
    reopen_deal(session=session, deal_id=deal.id, at=at + timedelta(days=1))
    assert (deal.status, deal.stage_id, deal.lost_reason_id) == (
        "open",
        stages(session)["Negotiation"].id,
        None,
    )
    assert len(stage_changes(session, deal.id)) == 4


# --- edit and trash ---------------------------------------------------------------------------------------


def test_update_journals_only_what_changed(session: Session) -> None:
    deal = create_deal(session=session, title="T", value_cents=100)
    before = mark(session)
    update_deal(session=session, deal_id=deal.id, changes={"value_cents": 250, "title": "T"})
    assert changes_since(session, before) == [
        ("deal", deal.id.hex, "updated_at"),
        ("deal", deal.id.hex, "value_cents"),
    ]
    for changes in ({"stage_id": uuid.uuid4()}, {"status": "won"}, {"value_cents": -5}):
        with pytest.raises(ValidationError):
            update_deal(session=session, deal_id=deal.id, changes=changes)


def test_delete_and_restore(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    delete_deal(session=session, deal_id=deal.id)
    with pytest.raises(NotFound):
        get_deal(session=session, deal_id=deal.id)
    with pytest.raises(NotFound):
        move_deal(session=session, deal_id=deal.id, stage_id=stages(session)["Proposal"].id)
    assert restore_deal(session=session, deal_id=deal.id).deleted_at is None
    assert get_deal(session=session, deal_id=deal.id).id == deal.id


# --- journal of the closing moves -------------------------------------------------------------------------


def test_win_journal(session: Session) -> None:
    contact = lead(session)
    deal = create_deal(session=session, title="T", contact_id=contact.id, value_cents=1000)
    before = mark(session)
    purchase = win_deal(session=session, deal_id=deal.id)
    assert set(fields_changed(session, before, "deal", deal.id)) == {
        "stage_id", "stage_entered_at", "status", "won_at", "updated_at",
    }  # fmt: skip
    assert set(fields_changed(session, before, "contact", contact.id)) == {"lifecycle_stage", "updated_at"}
    assert sorted(fields_changed(session, before, "purchase", purchase.id)) == sorted(journaled_fields(purchase))
    changes = changes_since(session, before)
    tables = {t for t, _, _ in changes}
    assert tables == {
        "deal",
        "deal_stage_change",
        "purchase",
        "points_entry",
        "contact",
        "lifecycle_change",
        "task",
    }
    assert len({r for t, r, _ in changes if t == "task"}) == 3


def test_lose_journal(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    before = mark(session)
    lose_deal(session=session, deal_id=deal.id, reason_id=list_lost_reasons(session=session)[0].id, note="n")
    assert set(fields_changed(session, before, "deal", deal.id)) == {
        "stage_id", "stage_entered_at", "status", "lost_at", "lost_reason_id", "lost_note", "updated_at",
    }  # fmt: skip
    assert {t for t, _, _ in changes_since(session, before)} == {"deal", "deal_stage_change"}


def test_delete_and_restore_journal(session: Session) -> None:
    deal = create_deal(session=session, title="T")
    for action in (delete_deal, restore_deal):
        before = mark(session)
        action(session=session, deal_id=deal.id)
        assert changes_since(session, before) == [
            ("deal", deal.id.hex, "deleted_at"),
            ("deal", deal.id.hex, "updated_at"),
        ]


def test_reopen_ignores_an_undone_loss(workspace: Database) -> None:
    with workspace.session() as s:
        deal = create_deal(session=s, title="T", at=T0)
        move_deal(session=s, deal_id=deal.id, stage_id=stages(s)["Negotiation"].id, at=T0 + timedelta(days=1))
        price = list_lost_reasons(session=s)[0].id
    lost_late = T0 + timedelta(days=9)  # the undone loss stays the newest row of the ledger, tombstoned
    _, changes = undo.perform(workspace, "Lose", lambda s: lose_deal(session=s, deal_id=deal.id, reason_id=price,
                                                                     at=lost_late))  # fmt: skip
    undo.undo(workspace, changes)
    with workspace.session() as s:
        move_deal(session=s, deal_id=deal.id, stage_id=stages(s)["Proposal"].id, at=T0 + timedelta(days=2))
        lose_deal(session=s, deal_id=deal.id, reason_id=price, at=T0 + timedelta(days=3))
        assert reopen_deal(session=s, deal_id=deal.id).stage_id == stages(s)["Proposal"].id


# --- restore into a live stage, value of a deal with lines, change of pipeline -----------------------------


def test_restore_into_a_deleted_stage_goes_to_the_first_open_stage(session: Session) -> None:
    deal = create_deal(session=session, title="T", stage_id=stages(session)["Proposal"].id, at=T0)
    delete_deal(session=session, deal_id=deal.id)
    delete_stage(session=session, stage_id=stages(session)["Proposal"].id)  # deals in the Trash do not hold it
    gone = deal.stage_id
    restore_deal(session=session, deal_id=deal.id)
    assert deal.stage_id == stages(session)["Qualification"].id and on_board(session, deal.id)
    last = stage_changes(session, deal.id)[-1]
    assert (last.from_stage_id, last.to_stage_id) == (gone, deal.stage_id)


def test_restore_from_a_deleted_pipeline_goes_to_the_default_one(session: Session) -> None:
    wholesale = create_pipeline(session=session, name="Wholesale")
    opened = create_deal(session=session, title="Open", pipeline_id=wholesale.id)
    lost = create_deal(session=session, title="Lost", pipeline_id=wholesale.id)
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id)
    for deal in (opened, lost):
        delete_deal(session=session, deal_id=deal.id)
    delete_pipeline(session=session, pipeline_id=wholesale.id)
    for deal in (opened, lost):
        restore_deal(session=session, deal_id=deal.id)
    main = default_pipeline(session=session).id
    assert (opened.pipeline_id, opened.stage_id, opened.status) == (main, stages(session)["Qualification"].id, "open")
    assert (lost.pipeline_id, lost.stage_id, lost.status) == (main, stages(session)["Lost"].id, "lost")
    assert on_board(session, opened.id) and len(stage_changes(session, lost.id)) == 3


def test_the_value_of_a_deal_with_lines_comes_from_its_lines(session: Session) -> None:
    deal = create_deal(session=session, title="T", value_cents=100)
    add_line(session=session, deal_id=deal.id, description="Beans", unit_price_cents=2_450)
    with pytest.raises(ValidationError, match="sum of its lines; edit the lines instead") as err:
        update_deal(session=session, deal_id=deal.id, changes={"value_cents": 999})
    assert err.value.field == "value_cents" and deal.value_cents == 2_450
    update_deal(session=session, deal_id=deal.id, changes={"value_cents": 2_450, "title": "Beans"})  # unchanged: fine
    assert deal.title == "Beans"


def test_change_pipeline_moves_an_open_deal_with_a_ledger_row(session: Session) -> None:
    wholesale = create_pipeline(session=session, name="Wholesale")
    target = {s.name: s for s in list_stages(session=session, pipeline_id=wholesale.id)}
    deal = create_deal(session=session, title="T", stage_id=stages(session)["Proposal"].id, at=T0)
    at = T0 + timedelta(days=1)
    change_pipeline(session=session, deal_id=deal.id, pipeline_id=wholesale.id, at=at)
    assert (deal.pipeline_id, deal.stage_id, deal.stage_entered_at) == (wholesale.id, target["Qualification"].id, at)
    last = stage_changes(session, deal.id)[-1]
    assert (last.from_stage_id, last.to_stage_id, last.at) == (stages(session)["Proposal"].id, deal.stage_id, at)
    assert on_board(session, deal.id, wholesale.id) and not on_board(session, deal.id)
    main = default_pipeline(session=session).id
    change_pipeline(session=session, deal_id=deal.id, pipeline_id=main, stage_id=stages(session)["Negotiation"].id)
    assert (deal.pipeline_id, deal.stage_id) == (main, stages(session)["Negotiation"].id)
    delete_pipeline(session=session, pipeline_id=wholesale.id)  # what its refusal asked for is now possible


def test_change_pipeline_refuses_foreign_or_closing_stages_and_closed_deals(session: Session) -> None:
    wholesale = create_pipeline(session=session, name="Wholesale")
    won_there = next(s for s in list_stages(session=session, pipeline_id=wholesale.id) if s.kind == "won")
    deal = create_deal(session=session, title="T")
    for stage_id, words in ((stages(session)["Proposal"].id, "another pipeline"), (won_there.id, "open stage")):
        with pytest.raises(ValidationError, match=words) as err:
            change_pipeline(session=session, deal_id=deal.id, pipeline_id=wholesale.id, stage_id=stage_id)
        assert err.value.field == "stage_id"
    with pytest.raises(NotFound):
        change_pipeline(session=session, deal_id=deal.id, pipeline_id=uuid.uuid4())
    lose_deal(session=session, deal_id=deal.id, reason_id=list_lost_reasons(session=session)[0].id)
    with pytest.raises(Conflict, match="only open deals"):
        change_pipeline(session=session, deal_id=deal.id, pipeline_id=wholesale.id)
    assert deal.pipeline_id == default_pipeline(session=session).id and len(stage_changes(session, deal.id)) == 2
