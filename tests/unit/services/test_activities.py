"""Activities, tasks and feedback: validation, links, ordering, and journaling."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.activities import (
    add_task,
    complete_task,
    list_activities,
    list_tasks,
    log_activity,
    record_feedback,
    reopen_task,
)
from crm_desktop.services.cases import open_case
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.users import create_user, current_user
from tests.unit.services import T0, changes_since, journaled_fields, mark

D = timedelta(days=1)


def person(session: Session) -> uuid.UUID:
    return create_contact(session=session, data=ContactInput(given_name="Ada")).id


# --- activities -------------------------------------------------------------------------------------------


def test_log_activity_links_and_journals(session: Session) -> None:
    ada = person(session)
    deal = create_deal(session=session, title="T", contact_id=ada)
    before = mark(session)
    call = log_activity(
        session=session,
        kind="call",
        subject=" Intro call ",
        body="Went well",
        contact_id=ada,
        deal_id=deal.id,
        direction="outbound",
        occurred_at=T0,
        duration_minutes=15,
    )
    assert (call.subject, call.occurred_at, call.user_id) == (
        "Intro call",
        T0,
        current_user(session=session).id,
    )
    changes = changes_since(session, before)
    assert sorted(f for _, _, f in changes) == sorted(journaled_fields(call))
    assert {(t, r) for t, r, _ in changes} == {("activity", call.id.hex)}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "fax"}, "kind"),
        ({"subject": ""}, "subject"),
        ({"direction": "sideways"}, "direction"),
        ({"duration_minutes": -1}, "duration_minutes"),
        ({"contact_id": uuid.uuid4()}, "contact_id"),
        ({"deal_id": uuid.uuid4()}, "deal_id"),
        ({"case_id": uuid.uuid4()}, "case_id"),
        ({"organization_id": uuid.uuid4()}, "organization_id"),
    ],
)
def test_log_activity_validates(session: Session, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        log_activity(session=session, **{"kind": "note", "subject": "S", **kwargs})  # type: ignore[arg-type]
    assert err.value.field == field


def test_naive_time_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        log_activity(session=session, kind="note", subject="S", occurred_at=datetime(2024, 1, 1))


def test_timeline_is_newest_first_per_record(session: Session) -> None:
    ada, bob = person(session), person(session)
    case = open_case(session=session, subject="S", contact_id=ada)
    for i in range(3):
        log_activity(session=session, kind="email", subject=f"E{i}", contact_id=ada, occurred_at=T0 + i * D)
    log_activity(session=session, kind="note", subject="Case note", case_id=case.id, contact_id=ada, occurred_at=T0)
    log_activity(session=session, kind="visit", subject="Other", contact_id=bob, occurred_at=T0)
    timeline = [a.subject for a in list_activities(session=session, contact_id=ada)]
    assert timeline == ["E2", "E1", "Case note", "E0"]  # same time: the later entry first
    assert [a.subject for a in list_activities(session=session, case_id=case.id)] == ["Case note"]
    assert len(list_activities(session=session, contact_id=ada, limit=2)) == 2


# --- tasks ------------------------------------------------------------------------------------------------


def test_add_task_defaults_to_the_acting_user(session: Session) -> None:
    ada = person(session)
    before = mark(session)
    task = add_task(session=session, title=" Call back ", due_at=T0, remind_at=T0 - D, contact_id=ada, priority="high")
    assert (task.title, task.assignee_id, task.done_at) == (
        "Call back",
        current_user(session=session).id,
        None,
    )
    assert sorted(f for _, _, f in changes_since(session, before)) == sorted(journaled_fields(task))
    other = create_user(session=session, name="Bo")
    assert add_task(session=session, title="T", assignee_id=other.id).assignee_id == other.id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"priority": "urgent"}, "priority"),
        ({"assignee_id": uuid.uuid4()}, "assignee_id"),
        ({"due_at": T0, "remind_at": T0 + D}, "remind_at"),
        ({"deal_id": uuid.uuid4()}, "deal_id"),
    ],
)
def test_add_task_validates(session: Session, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        add_task(session=session, **{"title": "T", **kwargs})  # type: ignore[arg-type]
    assert err.value.field == field


def test_complete_and_reopen(session: Session) -> None:
    task = add_task(session=session, title="T")
    before = mark(session)
    complete_task(session=session, task_id=task.id, at=T0)
    assert {f for _, _, f in changes_since(session, before)} == {"done_at", "updated_at"}
    before = mark(session)
    complete_task(session=session, task_id=task.id)
    assert changes_since(session, before) == [] and task.done_at == T0
    reopen_task(session=session, task_id=task.id)
    assert task.done_at is None
    before = mark(session)
    reopen_task(session=session, task_id=task.id)
    assert changes_since(session, before) == []
    with pytest.raises(NotFound):
        complete_task(session=session, task_id=uuid.uuid4())


def test_list_tasks_filters_and_orders(session: Session) -> None:
    ada = person(session)
    deal = create_deal(session=session, title="T")
    later = add_task(session=session, title="later", due_at=T0 + 3 * D, contact_id=ada)
    soon = add_task(session=session, title="soon", due_at=T0 + D, deal_id=deal.id)
    undated = add_task(session=session, title="undated", contact_id=ada)
    done = add_task(session=session, title="done", due_at=T0)
    complete_task(session=session, task_id=done.id)
    assert [t.id for t in list_tasks(session=session)] == [soon.id, later.id, undated.id]
    assert list_tasks(session=session, open_only=False)[0].id == done.id
    assert [t.id for t in list_tasks(session=session, contact_id=ada)] == [later.id, undated.id]
    assert [t.id for t in list_tasks(session=session, deal_id=deal.id)] == [soon.id]
    assert [t.id for t in list_tasks(session=session, due_before=T0 + 2 * D)] == [soon.id]
    assert len(list_tasks(session=session, limit=1)) == 1


# --- feedback ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "score"), [("nps", 0), ("nps", 10), ("csat", 1), ("csat", 5)])
def test_scores_in_range_are_recorded(session: Session, kind: str, score: int) -> None:
    ada = person(session)
    feedback = record_feedback(session=session, contact_id=ada, kind=kind, score=score, comment=" ok ", at=T0)
    assert (feedback.kind, feedback.score, feedback.comment, feedback.at) == (kind, score, "ok", T0)


@pytest.mark.parametrize(
    ("kind", "score", "comment", "field"),
    [
        ("nps", 11, None, "score"),
        ("nps", -1, None, "score"),
        ("nps", None, "great", "score"),
        ("csat", 0, None, "score"),
        ("csat", 6, None, "score"),
        ("csat", True, None, "score"),
        ("comment", 3, "hi", "score"),
        ("comment", None, "  ", "comment"),
        ("stars", 3, None, "kind"),
    ],
)
def test_out_of_range_feedback_is_refused(
    session: Session, kind: str, score: int | None, comment: str | None, field: str
) -> None:
    ada = person(session)
    with pytest.raises(ValidationError) as err:
        record_feedback(session=session, contact_id=ada, kind=kind, score=score, comment=comment)
    assert err.value.field == field


def test_feedback_links_are_checked(session: Session) -> None:
    ada = person(session)
    case = open_case(session=session, subject="S", contact_id=ada)
    assert record_feedback(session=session, contact_id=ada, kind="comment", comment="hi", case_id=case.id).case_id
    with pytest.raises(ValidationError):
        record_feedback(session=session, contact_id=ada, kind="csat", score=3, case_id=uuid.uuid4())
    delete_contact(session=session, contact_id=ada)
    with pytest.raises(NotFound):
        record_feedback(session=session, contact_id=ada, kind="csat", score=3)


def test_feedback_and_reopen_journals(session: Session) -> None:
    ada = person(session)
    before = mark(session)
    feedback = record_feedback(session=session, contact_id=ada, kind="nps", score=9)
    changes = changes_since(session, before)
    assert {(t, r) for t, r, _ in changes} == {("feedback", feedback.id.hex)}
    assert sorted(f for _, _, f in changes) == sorted(journaled_fields(feedback))
    task = add_task(session=session, title="T")
    complete_task(session=session, task_id=task.id)
    before = mark(session)
    reopen_task(session=session, task_id=task.id)
    assert {f for _, _, f in changes_since(session, before)} == {"done_at", "updated_at"}


def test_backdated_activity_keeps_its_history_but_a_future_one_does_not(session: Session) -> None:
    past = log_activity(session=session, kind="call", subject="S", occurred_at=T0)
    future = log_activity(session=session, kind="meeting", subject="M", occurred_at=datetime.now(UTC) + 30 * D)
    assert past.created_at == T0
    assert future.created_at < future.occurred_at
