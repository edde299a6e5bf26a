"""Leads: the status flow with its ledger, the leads board, and converting a qualified lead into a deal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Deal, DealStageChange, LeadStatusChange, LifecycleChange
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.deals import default_pipeline, list_stages
from crm_desktop.services.leads import LeadCard, LeadColumn, convert_to_deal, lead_cards, leads_by_status, move_lead
from crm_desktop.services.loyalty import record_purchase
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.users import create_user, current_user
from crm_desktop.store import Database
from tests.unit.services import T0


def lead(session: Session, name: str, *, days: int = 0, **fields: Any) -> Contact:
    data = ContactInput(display_name=name, **fields)
    return create_contact(session=session, data=data, at=T0 + timedelta(days=days))


def statuses(session: Session, contact: Contact) -> list[tuple[str | None, str]]:
    stmt = (
        select(LeadStatusChange.from_status, LeadStatusChange.to_status)
        .where(LeadStatusChange.contact_id == contact.id, col(LeadStatusChange.deleted_at).is_(None))
        .order_by(col(LeadStatusChange.at), col(LeadStatusChange.id))
    )
    return list(session.exec(stmt).all())


def test_a_lead_moves_through_the_flow_with_a_ledger_row_per_change(session: Session) -> None:
    ada = lead(session, "Ada")
    for day, status in enumerate(("contacted", "qualified", "qualified", "unqualified", "open"), start=1):
        move_lead(session=session, contact_id=ada.id, status=status, at=T0 + timedelta(days=day))
    assert statuses(session, ada) == [
        (None, "open"), ("open", "contacted"), ("contacted", "qualified"), ("qualified", "unqualified"),
        ("unqualified", "open"),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="must be one of"):
        move_lead(session=session, contact_id=ada.id, status="hot")


def test_converted_leads_and_customers_keep_their_lead_status(session: Session) -> None:
    buyer = lead(session, "Buyer")
    record_purchase(session=session, contact_id=buyer.id, amount_cents=1000, occurred_at=T0)
    with pytest.raises(Conflict, match="already a customer"):
        move_lead(session=session, contact_id=buyer.id, status="contacted")
    assert move_lead(session=session, contact_id=buyer.id, status="open").lead_status == "open"  # unchanged: no-op
    gone = lead(session, "Gone")
    delete_contact(session=session, contact_id=gone.id)
    with pytest.raises(NotFound):
        move_lead(session=session, contact_id=gone.id, status="contacted")


def test_board_counts_and_newest_cards_per_status(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    names = {"open": ["O1", "O2", "O3"], "contacted": ["C1"], "qualified": ["Q1", "Q2"], "unqualified": []}
    for status, people in names.items():
        for n, name in enumerate(people):
            contact = lead(session, name, days=n, organization_id=acme.id, source="fair")
            if status != "open":
                move_lead(session=session, contact_id=contact.id, status=status, at=T0 + timedelta(days=5))
    lead(session, "Sub", days=9, lifecycle_stage="subscriber")
    lead(session, "No status", days=8, lead_status=None)
    lead(session, "Partner", lifecycle_stage="other")
    customer = lead(session, "Customer")
    record_purchase(session=session, contact_id=customer.id, amount_cents=1000, occurred_at=T0)
    delete_contact(session=session, contact_id=lead(session, "Trashed").id)
    board = leads_by_status(session=session, limit_per_status=3)
    assert [c.status for c in board] == ["open", "contacted", "qualified", "unqualified"]
    assert [c.label for c in board] == ["Open", "Contacted", "Qualified", "Unqualified"]
    assert {c.status: c.count for c in board} == {"open": 5, "contacted": 1, "qualified": 2, "unqualified": 0}
    assert [card.display_name for card in board[0].cards] == ["Sub", "No status", "O3"]  # newest first, limited
    q1 = next(card for card in board[2].cards if card.display_name == "Q1")
    assert (q1.organization_name, q1.source, q1.status_since) == ("Acme", "fair", T0 + timedelta(days=5))


def test_board_filters_by_owner_and_search(session: Session) -> None:
    other = create_user(session=session, name="Grace Hopper")
    mine = lead(session, "Ada Lovelace", owner_id=current_user(session=session).id)
    lead(session, "Charles Babbage", owner_id=other.id, email="charles@engine.example")
    by_owner = leads_by_status(session=session, owner_id=mine.owner_id)
    assert [card.id for card in by_owner[0].cards] == [mine.id] and by_owner[0].count == 1
    found = leads_by_status(session=session, search="engine")
    assert [card.display_name for card in found[0].cards] == ["Charles Babbage"]
    assert found[0].cards[0].owner_initials == "GH"
    assert all(column.count == 0 for column in leads_by_status(session=session, search='" OR * -x'))
    with pytest.raises(ValidationError):
        leads_by_status(session=session, limit_per_status=-1)


def test_only_a_qualified_lead_is_converted(session: Session) -> None:
    ada = lead(session, "Ada")
    with pytest.raises(ValidationError, match="Only qualified leads") as error:
        convert_to_deal(session=session, contact_id=ada.id)
    assert error.value.field == "lead_status"
    assert session.exec(select(Deal)).all() == []


def test_conversion_opens_a_deal_in_the_first_open_stage_and_makes_an_opportunity(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    owner = create_user(session=session, name="Grace Hopper")
    ada = lead(session, "Ada", organization_id=acme.id, source="fair", owner_id=owner.id)
    move_lead(session=session, contact_id=ada.id, status="qualified")
    deal = convert_to_deal(session=session, contact_id=ada.id, value_cents=250_000)
    first_open = next(s for s in list_stages(session=session, pipeline_id=default_pipeline(session=session).id))
    assert (deal.title, deal.stage_id, deal.status, deal.value_cents) == ("Acme – Ada", first_open.id, "open", 250_000)
    assert (deal.contact_id, deal.organization_id, deal.source, deal.owner_id) == (ada.id, acme.id, "fair", owner.id)
    ledger = session.exec(select(DealStageChange).where(DealStageChange.deal_id == deal.id)).all()
    assert [(r.from_stage_id, r.to_stage_id) for r in ledger] == [(None, first_open.id)]
    assert session.get(Contact, ada.id).lifecycle_stage == "opportunity"  # type: ignore[union-attr]
    moves = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == ada.id)).all()
    assert [(m.from_stage, m.to_stage) for m in moves] == [(None, "lead"), ("lead", "opportunity")]
    assert session.get(Contact, ada.id).lead_status == "qualified"  # type: ignore[union-attr]  # how it got here
    with pytest.raises(ValidationError, match="already an opportunity"):
        convert_to_deal(session=session, contact_id=ada.id)
    assert leads_by_status(session=session)[2].count == 0  # it left the board


def test_conversion_with_explicit_title_and_bad_values(session: Session) -> None:
    ada = lead(session, "Ada")
    move_lead(session=session, contact_id=ada.id, status="qualified")
    with pytest.raises(ValidationError):
        convert_to_deal(session=session, contact_id=ada.id, value_cents=-5)
    deal = convert_to_deal(session=session, contact_id=ada.id, title="Espresso machines", currency="GBP")
    assert (deal.title, deal.currency) == ("Espresso machines", "GBP")


def test_conversion_is_undoable(workspace: Database) -> None:
    with workspace.session() as s:
        ada = lead(s, "Ada")
        move_lead(session=s, contact_id=ada.id, status="qualified")
    deal, changes = undo.perform(workspace, "Convert", lambda s: convert_to_deal(session=s, contact_id=ada.id))
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert s.get(Contact, ada.id).lifecycle_stage == "lead"  # type: ignore[union-attr]
        assert s.get(Deal, deal.id).deleted_at is not None  # type: ignore[union-attr]
        assert [c.id for c in leads_by_status(session=s)[2].cards] == [ada.id]


def test_columns_list_recently_updated_first_so_a_moved_lead_tops_its_new_column(session: Session) -> None:
    first, second = lead(session, "First"), lead(session, "Second", days=1)
    move_lead(session=session, contact_id=first.id, status="contacted")
    move_lead(session=session, contact_id=second.id, status="contacted")
    board = leads_by_status(session=session)
    assert [card.display_name for card in board[1].cards] == ["Second", "First"]
    assert {card.status for card in board[1].cards} == {"contacted"}
    move_lead(session=session, contact_id=first.id, status="open")
    move_lead(session=session, contact_id=first.id, status="contacted")
    assert [card.display_name for card in leads_by_status(session=session)[1].cards] == ["First", "Second"]


def test_pages_follow_one_another_without_gaps_or_repeats(session: Session) -> None:
    owner = create_user(session=session, name="Grace Hopper")
    people = [lead(session, f"Lead {n:02d}", days=n % 3, owner_id=owner.id) for n in range(23)]
    lead(session, "Someone else's")
    board = leads_by_status(session=session, owner_id=owner.id, limit_per_status=10)
    assert board[0].count == 23
    seen = [card.id for card in board[0].cards]
    while True:
        page = lead_cards(session=session, status="open", owner_id=owner.id, after=_card(board, seen[-1]), limit=10)
        if not page:
            break
        seen += [card.id for card in page]
        board = [LeadColumn("open", "Open", 23, page)]
    assert len(seen) == len(set(seen)) == 23 and set(seen) == {p.id for p in people}
    wider = leads_by_status(session=session, owner_id=owner.id, limit_per_status=5, limits={"open": 15})
    assert [len(column.cards) for column in wider] == [15, 0, 0, 0]
    assert [card.id for card in wider[0].cards] == seen[:15]  # a reload keeping what was scrolled in
    with pytest.raises(ValidationError, match="must be one of"):
        lead_cards(session=session, status="won")
    with pytest.raises(ValidationError):
        leads_by_status(session=session, limits={"open": -1})


def _card(columns: list[LeadColumn], card_id: Any) -> LeadCard:
    return next(card for column in columns for card in column.cards if card.id == card_id)
