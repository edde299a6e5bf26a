"""Support cases: SLA, status workflow timestamps, the event ledger, and the cases table."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from crm_desktop.domain import case_reference
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services.cases import (
    CASE_SORT_KEYS,
    assign_case,
    case_events,
    comment_case,
    count_cases,
    delete_case,
    get_case,
    list_cases,
    open_case,
    resolve_case,
    restore_case,
    set_case_priority,
    set_case_status,
    update_case,
)
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import create_user, current_user
from crm_desktop.services.vocab import OPEN_CASE_STATUSES
from tests.unit.services import T0, changes_since, journaled_fields, mark

H = timedelta(hours=1)


def test_open_case_sets_reference_sla_and_opened_event(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    contact = create_contact(session=session, data=ContactInput(given_name="Ada", organization_id=org.id))
    case = open_case(session=session, subject=" Grinder jams ", contact_id=contact.id, category="Hardware", at=T0)
    assert case.reference == case_reference(case.id) and case.reference.startswith("C-")
    assert (case.subject, case.status, case.priority, case.opened_at) == ("Grinder jams", "new", "normal", T0)
    assert case.sla_due_at == T0 + 48 * H and case.organization_id == org.id
    [event] = case_events(session=session, case_id=case.id)
    assert (event.kind, event.to_value, event.at, event.author_id) == (
        "opened",
        "new",
        T0,
        current_user(session=session).id,
    )
    urgent = open_case(session=session, subject="Fire", priority="urgent", at=T0)
    assert urgent.sla_due_at == T0 + 4 * H
    set_setting(session=session, key="case_sla_hours", value={"low": 1})
    assert open_case(session=session, subject="No SLA", at=T0).sla_due_at is None


def test_open_case_journals_the_case_and_its_event(session: Session) -> None:
    before = mark(session)
    case = open_case(session=session, subject="S", description="d")
    changes = changes_since(session, before)
    assert sorted(f for t, _, f in changes if t == "support_case") == sorted(journaled_fields(case))
    assert {t for t, _, _ in changes} == {"support_case", "case_event"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "S", "priority": "asap"}, "priority"),
        ({"subject": "S", "contact_id": uuid.uuid4()}, "contact_id"),
        ({"subject": "S", "organization_id": uuid.uuid4()}, "organization_id"),
        ({"subject": "S", "product_id": uuid.uuid4()}, "product_id"),
        ({"subject": "x" * 301}, "subject"),
    ],
)
def test_open_case_validates(session: Session, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        open_case(session=session, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_status_workflow_sets_timestamps_and_events(session: Session) -> None:
    case = open_case(session=session, subject="S", at=T0)
    set_case_status(session=session, case_id=case.id, status="open", at=T0 + H)
    assert case.first_response_at == T0 + H
    set_case_status(session=session, case_id=case.id, status="pending", at=T0 + 2 * H)
    set_case_status(session=session, case_id=case.id, status="resolved", at=T0 + 3 * H)
    assert (case.resolved_at, case.closed_at, case.first_response_at) == (T0 + 3 * H, None, T0 + H)
    set_case_status(session=session, case_id=case.id, status="closed", at=T0 + 4 * H)
    assert (case.resolved_at, case.closed_at) == (T0 + 3 * H, T0 + 4 * H)
    set_case_status(session=session, case_id=case.id, status="open", at=T0 + 5 * H)
    assert (case.resolved_at, case.closed_at) == (None, None)
    events = [(e.kind, e.from_value, e.to_value) for e in case_events(session=session, case_id=case.id)]
    assert events == [
        ("opened", None, "new"),
        ("status", "new", "open"),
        ("status", "open", "pending"),
        ("status", "pending", "resolved"),
        ("status", "resolved", "closed"),
        ("status", "closed", "open"),
    ]
    before = mark(session)
    set_case_status(session=session, case_id=case.id, status="open")
    assert changes_since(session, before) == []
    with pytest.raises(ValidationError) as err:
        set_case_status(session=session, case_id=case.id, status="done")
    assert err.value.field == "status"


def test_closing_straight_from_new_counts_as_resolved_then(session: Session) -> None:
    case = open_case(session=session, subject="S", at=T0)
    set_case_status(session=session, case_id=case.id, status="closed", at=T0 + H)
    assert (case.first_response_at, case.resolved_at, case.closed_at) == (T0 + H, T0 + H, T0 + H)


def test_priority_change_recomputes_the_sla(session: Session) -> None:
    case = open_case(session=session, subject="S", at=T0)
    set_case_priority(session=session, case_id=case.id, priority="high", at=T0 + H)
    assert case.sla_due_at == T0 + 24 * H
    assert case_events(session=session, case_id=case.id)[-1].to_value == "high"
    with pytest.raises(ValidationError):
        set_case_priority(session=session, case_id=case.id, priority="critical")


def test_assignment_is_recorded_and_checked(session: Session) -> None:
    case = open_case(session=session, subject="S")
    agent = create_user(session=session, name="Agent Smith")
    assign_case(session=session, case_id=case.id, assignee_id=agent.id)
    assign_case(session=session, case_id=case.id, assignee_id=None)
    events = [(e.kind, e.from_value, e.to_value) for e in case_events(session=session, case_id=case.id)[1:]]
    assert events == [("assignment", None, agent.id.hex), ("assignment", agent.id.hex, None)]
    with pytest.raises(ValidationError) as err:
        assign_case(session=session, case_id=case.id, assignee_id=uuid.uuid4())
    assert err.value.field == "assignee_id"


def test_first_comment_is_the_first_response(session: Session) -> None:
    case = open_case(session=session, subject="S", at=T0)
    before = mark(session)
    event = comment_case(session=session, case_id=case.id, body=" We are on it ", at=T0 + H)
    changes = changes_since(session, before)
    assert {f for t, _, f in changes if t == "support_case"} == {"first_response_at", "updated_at"}
    assert sorted(f for t, _, f in changes if t == "case_event") == sorted(journaled_fields(event))
    comment_case(session=session, case_id=case.id, body="Update", at=T0 + 2 * H)
    assert (event.body, case.first_response_at, case.status) == ("We are on it", T0 + H, "new")
    with pytest.raises(ValidationError) as err:
        comment_case(session=session, case_id=case.id, body="   ")
    assert err.value.field == "body"


def test_resolve_case(session: Session) -> None:
    case = open_case(session=session, subject="S", at=T0)
    for kwargs, field in (
        ({"resolution": ""}, "resolution"),
        ({"resolution": "x", "satisfaction": 6}, "satisfaction"),
    ):
        with pytest.raises(ValidationError) as err:
            resolve_case(session=session, case_id=case.id, **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field
    resolve_case(session=session, case_id=case.id, resolution="Replaced burr", satisfaction=5, at=T0 + H)
    assert (case.status, case.resolution, case.satisfaction, case.resolved_at) == (
        "resolved",
        "Replaced burr",
        5,
        T0 + H,
    )
    with pytest.raises(Conflict, match="already resolved"):
        resolve_case(session=session, case_id=case.id, resolution="again")


def test_update_delete_restore(session: Session) -> None:
    case = open_case(session=session, subject="S")
    before = mark(session)
    update_case(session=session, case_id=case.id, changes={"subject": "Better subject", "category": " Billing "})
    assert {f for _, _, f in changes_since(session, before)} == {"subject", "category", "updated_at"}
    for changes in ({"status": "open"}, {"subject": ""}, {"contact_id": uuid.uuid4()}):
        with pytest.raises(ValidationError):
            update_case(session=session, case_id=case.id, changes=changes)
    delete_case(session=session, case_id=case.id)
    with pytest.raises(NotFound):
        get_case(session=session, case_id=case.id)
    assert count_cases(session=session) == 0
    restore_case(session=session, case_id=case.id)
    assert count_cases(session=session) == 1


@pytest.fixture
def queue(session: Session) -> list[uuid.UUID]:
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))
    org = create_organization(session=session, data=OrganizationInput(name="Zeta 50% Ltd"))
    agent = create_user(session=session, name="Agent")
    specs = [
        dict(subject="Grinder jams", priority="low", contact_id=ada.id, category="Hardware"),
        dict(subject="Invoice wrong", priority="urgent", organization_id=org.id, category="Billing"),
        dict(subject="Milk frother", priority="high"),
        dict(subject="Beans stale", priority="normal", contact_id=ada.id),
    ]
    ids = [open_case(session=session, at=T0 + i * H, **s).id for i, s in enumerate(specs)]  # type: ignore[arg-type]
    resolve_case(session=session, case_id=ids[3], resolution="Refund")
    set_case_status(session=session, case_id=ids[2], status="pending")
    assign_case(session=session, case_id=ids[1], assignee_id=agent.id)
    return ids


@pytest.mark.parametrize("descending", [False, True])
def test_priority_sorts_by_severity(session: Session, queue: list[uuid.UUID], descending: bool) -> None:
    rows = list_cases(session=session, sort="priority", descending=descending)
    expected = ["urgent", "high", "normal", "low"]
    assert [r.priority for r in rows] == (expected if descending else expected[::-1])
    statuses = [r.status for r in list_cases(session=session, sort="status", descending=False)]
    assert statuses == ["new", "new", "pending", "resolved"]


@pytest.mark.parametrize("descending", [False, True])
def test_other_sort_keys_order_rows(session: Session, queue: list[uuid.UUID], descending: bool) -> None:
    for sort in set(CASE_SORT_KEYS) - {"priority", "status"}:
        rows = list_cases(session=session, sort=sort, descending=descending)
        present = [r for r in rows if getattr(r, sort) is not None]
        assert rows[len(present) :] == [r for r in rows if getattr(r, sort) is None], sort
        keys = [(getattr(r, sort), r.id) for r in present]
        assert keys == sorted(keys, reverse=descending), sort


def test_default_order_is_newest_first_with_joined_names(session: Session, queue: list[uuid.UUID]) -> None:
    rows = list_cases(session=session)
    assert [r.id for r in rows] == queue[::-1]
    by_id = {r.id: r for r in rows}
    assert by_id[queue[0]].contact_name == "Ada Lovelace"
    assert (by_id[queue[1]].organization_name, by_id[queue[1]].assignee_name) == ("Zeta 50% Ltd", "Agent")


def test_status_filter_overdue_and_paging(session: Session, queue: list[uuid.UUID]) -> None:
    open_rows = list_cases(session=session, statuses=OPEN_CASE_STATUSES, now=T0 + 6 * H)
    assert {r.id for r in open_rows} == set(queue[:3])
    assert count_cases(session=session, statuses=OPEN_CASE_STATUSES) == 3
    assert [r.overdue for r in sorted(open_rows, key=lambda r: r.opened_at)] == [False, True, False]
    late = {r.id for r in list_cases(session=session, now=T0 + 1000 * H) if r.overdue}
    assert late == set(queue[:3])  # the resolved case is never overdue
    assert list_cases(session=session, statuses=[]) == []
    pages = list_cases(session=session, limit=2) + list_cases(session=session, offset=2, limit=2)
    assert pages == list_cases(session=session)
    with pytest.raises(ValidationError):
        list_cases(session=session, sort="severity")


SEARCHES_CASES: list[tuple[str, list[int]]] = [
    ("grinder", [0]),
    ("lovelace", [0, 3]),
    ("zeta", [1]),
    ("50%", [1]),
    ("%", [1]),
    ("milk FROTH", [2]),
    ('"', []),
    ("*", []),
    ("AND", []),
    ("-", [0, 1, 2, 3]),
    ("😀", []),
    ("x" * 500, []),
    ("_", []),
]


def test_search_by_subject_contact_organization(session: Session, queue: list[uuid.UUID]) -> None:
    for search, expected in SEARCHES_CASES:  # every reference contains "-" (C-7F3A2B)
        found = {r.id for r in list_cases(session=session, search=search)}
        assert found == {queue[i] for i in expected}, search
        assert count_cases(session=session, search=search) == len(expected), search


def test_search_by_reference(session: Session, queue: list[uuid.UUID]) -> None:
    reference = get_case(session=session, case_id=queue[2]).reference
    assert [r.id for r in list_cases(session=session, search=reference.lower())] == [queue[2]]


@pytest.mark.parametrize(
    ("action", "kwargs", "fields"),
    [
        (set_case_status, {"status": "open"}, {"status", "first_response_at", "updated_at"}),
        (set_case_priority, {"priority": "urgent"}, {"priority", "sla_due_at", "updated_at"}),
        (assign_case, {"assignee_id": None}, {"assignee_id", "updated_at"}),
        (
            resolve_case,
            {"resolution": "Fixed", "satisfaction": 4},
            {"status", "first_response_at", "resolved_at", "resolution", "satisfaction", "updated_at"},
        ),
    ],
)
def test_each_step_journals_its_fields_and_one_event(
    session: Session, action: object, kwargs: dict[str, object], fields: set[str]
) -> None:
    case = open_case(session=session, subject="S")
    if "assignee_id" in kwargs:
        assign_case(session=session, case_id=case.id, assignee_id=current_user(session=session).id)
    before = mark(session)
    action(session=session, case_id=case.id, **kwargs)  # type: ignore[operator]
    changes = changes_since(session, before)
    assert {f for t, _, f in changes if t == "support_case"} == fields
    assert len({r for t, r, _ in changes if t == "case_event"}) == 1
    assert {t for t, _, _ in changes} == {"support_case", "case_event"}


def test_delete_and_restore_journal(session: Session) -> None:
    case = open_case(session=session, subject="S")
    for action in (delete_case, restore_case):
        before = mark(session)
        action(session=session, case_id=case.id)
        assert {f for _, _, f in changes_since(session, before)} == {"deleted_at", "updated_at"}
