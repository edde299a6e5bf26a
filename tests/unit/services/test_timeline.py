"""Timelines: every kind of event merged newest first, paged by cursor without gaps or repeats."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.activities import add_task, complete_task, log_activity, record_feedback
from crm_desktop.services.cases import open_case, resolve_case
from crm_desktop.services.contacts import ContactInput, create_contact, set_lead_status
from crm_desktop.services.deals import create_deal, list_lost_reasons, lose_deal, win_deal
from crm_desktop.services.loyalty import record_purchase
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.timeline import contact_timeline, organization_timeline
from tests.unit.services import T0

H = timedelta(hours=1)


def person(session: Session, org: uuid.UUID | None = None, name: str = "Ada") -> uuid.UUID:
    data = ContactInput(given_name=name, organization_id=org)
    return create_contact(session=session, data=data, at=T0).id


def busy_contact(session: Session, org: uuid.UUID | None = None) -> uuid.UUID:
    """A contact with one event of every kind, an hour apart, in a known order."""
    ada = person(session, org)  # lifecycle "lead" and lead status "open" at T0
    log_activity(session=session, kind="call", subject="Intro call", contact_id=ada, occurred_at=T0 + 1 * H)
    set_lead_status(session=session, contact_id=ada, status="contacted", at=T0 + 2 * H)
    won = create_deal(session=session, title="Beans", contact_id=ada, value_cents=10_000, at=T0 + 3 * H)
    lost = create_deal(session=session, title="Grinder", contact_id=ada, value_cents=5_000, at=T0 + 4 * H)
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id, at=T0 + 5 * H)
    case = open_case(session=session, subject="Broken bag", contact_id=ada, at=T0 + 6 * H)
    resolve_case(session=session, case_id=case.id, resolution="Replaced", at=T0 + 7 * H)
    record_feedback(session=session, contact_id=ada, kind="nps", score=9, at=T0 + 8 * H)
    win_deal(session=session, deal_id=won.id, at=T0 + 9 * H)  # purchase, points, customer, onboarding tasks
    return ada


def test_contact_timeline_has_every_kind_newest_first(session: Session) -> None:
    ada = busy_contact(session)
    task = add_task(session=session, title="Send samples", contact_id=ada, due_at=T0 + 48 * H)
    complete_task(session=session, task_id=task.id)
    items = contact_timeline(session=session, contact_id=ada, limit=100)
    kinds = {i.kind for i in items}
    assert kinds == {
        "activity", "task", "task_done", "deal_created", "deal_won", "deal_lost", "case_opened", "case_resolved",
        "purchase", "points", "feedback", "lead_status", "lifecycle",
    }  # fmt: skip
    stamps = [(i.at, i.kind, i.ref_id) for i in items]
    assert stamps == sorted(stamps, reverse=True)
    assert items[0].kind in ("task", "task_done") and items[0].title == "Send samples"
    older = [i for i in items if i.at <= T0 + 9 * H]
    assert [(i.kind, i.at) for i in older if i.kind not in ("task", "points", "purchase", "lifecycle")][:8] == [
        ("deal_won", T0 + 9 * H),
        ("feedback", T0 + 8 * H),
        ("case_resolved", T0 + 7 * H),
        ("case_opened", T0 + 6 * H),
        ("deal_lost", T0 + 5 * H),
        ("deal_created", T0 + 4 * H),
        ("deal_created", T0 + 3 * H),
        ("lead_status", T0 + 2 * H),
    ]
    lost = next(i for i in items if i.kind == "deal_lost")
    assert (lost.title, lost.sub, lost.number) == ("Grinder", "Price", 5_000)
    status = next(i for i in items if i.kind == "lead_status" and i.prior is not None)
    assert (status.sub, status.prior) == ("contacted", "open")
    call = next(i for i in items if i.kind == "activity")
    assert (call.sub, call.title, call.user_name is not None) == ("call", "Intro call", True)
    points = next(i for i in items if i.kind == "points")
    assert points.number == 100


def test_paging_by_cursor_has_no_gaps_or_repeats(session: Session) -> None:
    ada = busy_contact(session)
    for n in range(7):  # several items at the very same moment: the cursor must still split them exactly
        log_activity(session=session, kind="note", subject=f"Note {n}", contact_id=ada, occurred_at=T0 + 30 * H)
    everything = contact_timeline(session=session, contact_id=ada, limit=500)
    pages, before = [], None
    while True:
        page = contact_timeline(session=session, contact_id=ada, limit=3, before=before)
        assert len(page) <= 3
        if not page:
            break
        pages.extend(page)
        before = page[-1].cursor
    assert [i.cursor for i in pages] == [i.cursor for i in everything]
    assert len({(i.kind, i.ref_id) for i in pages}) == len(pages)


def test_other_contacts_and_trashed_items_stay_out(session: Session) -> None:
    ada = person(session)
    bob = person(session, name="Bob")
    mine = log_activity(session=session, kind="note", subject="Mine", contact_id=ada, occurred_at=T0 + H)
    log_activity(session=session, kind="note", subject="Bob's", contact_id=bob, occurred_at=T0 + H)
    gone = log_activity(session=session, kind="note", subject="Gone", contact_id=ada, occurred_at=T0 + 2 * H)
    gone.deleted_at = T0 + 3 * H
    session.add(gone)
    session.flush()
    items = contact_timeline(session=session, contact_id=ada)
    assert [i.title for i in items if i.kind == "activity"] == ["Mine"]
    assert mine.id in {i.ref_id for i in items}
    assert contact_timeline(session=session, contact_id=uuid.uuid4()) == []


def test_organization_timeline_covers_its_people_and_its_own_records(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme")).id
    other = create_organization(session=session, data=OrganizationInput(name="Other")).id
    ada = busy_contact(session, acme)
    stranger = person(session, other, name="Zed")
    log_activity(session=session, kind="meeting", subject="Board meeting", organization_id=acme, occurred_at=T0)
    log_activity(session=session, kind="call", subject="Not ours", contact_id=stranger, occurred_at=T0 + H)
    create_deal(session=session, title="Org-only deal", organization_id=acme, at=T0 + 2 * H)
    items = organization_timeline(session=session, organization_id=acme, limit=200)
    titles = {i.title for i in items}
    assert {"Board meeting", "Org-only deal", "Intro call", "Beans", "Grinder"} <= titles
    assert "Not ours" not in titles
    assert {i.contact_id for i in items} <= {ada, None}
    assert {i.contact_name for i in items if i.contact_id == ada} == {"Ada"}
    assert len(items) == len(contact_timeline(session=session, contact_id=ada, limit=200)) + 2
    page = organization_timeline(session=session, organization_id=acme, limit=4, before=items[3].cursor)
    assert [i.cursor for i in page] == [i.cursor for i in items[4:8]]


@pytest.mark.parametrize("limit", [0, -1, 501])
def test_limit_is_checked(session: Session, limit: int) -> None:
    with pytest.raises(ValidationError):
        contact_timeline(session=session, contact_id=uuid.uuid4(), limit=limit)


def test_purchase_recorded_directly_shows_with_points(session: Session) -> None:
    ada = person(session)
    record_purchase(session=session, contact_id=ada, amount_cents=4_250, occurred_at=T0 + H, channel="shop")
    kinds = [(i.kind, i.number) for i in contact_timeline(session=session, contact_id=ada)]
    assert ("purchase", 4_250) in kinds and ("points", 42) in kinds
