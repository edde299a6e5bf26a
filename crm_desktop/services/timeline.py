"""A record's timeline: everything that happened with a contact, organization or deal, newest first, a page at a time.

Activities, tasks, deals (created, won, lost), cases (opened, resolved), purchases, points, feedback and
lead-status and lifecycle changes are merged in SQL (one UNION ALL ordered and limited by the database), so a
customer with years of history opens as fast as a new lead. Paging uses a cursor (the last item shown), not an
offset, so items added meanwhile never shift a page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, Uuid, and_, bindparam, cast, literal, not_, null, or_, union_all
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from crm_desktop.domain import (
    Activity,
    Case,
    Contact,
    Deal,
    DealStageChange,
    Feedback,
    LeadStatusChange,
    LifecycleChange,
    LostReason,
    PointsEntry,
    Purchase,
    Stage,
    Task,
    User,
    UTCDateTime,
)
from crm_desktop.services import _validate as v

MAX_PAGE = 500

# What each kind of item means (the `kind` column); the UI words and colours them.
KINDS = (
    "activity", "task", "task_done", "deal_created", "deal_won", "deal_lost", "case_opened", "case_resolved",
    "purchase", "points", "feedback", "lead_status", "lifecycle", "stage_change",
)  # fmt: skip


@dataclass(frozen=True)
class TimelineCursor:
    """Where a page ended: pass it as `before` to get the items after it."""

    at: datetime
    kind: str
    ref_id: uuid.UUID


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened. `sub` refines the kind (activity kind, status reached, points reason...);
    `number` is its figure (value or amount in cents, points, score, minutes), `prior` the value before."""

    kind: str
    at: datetime
    ref_id: uuid.UUID
    sub: str | None
    title: str | None
    detail: str | None
    number: int | None
    currency: str | None
    prior: str | None
    due_at: datetime | None
    contact_id: uuid.UUID | None
    contact_name: str | None
    user_name: str | None

    @property
    def cursor(self) -> TimelineCursor:
        return TimelineCursor(self.at, self.kind, self.ref_id)


def _branch(
    kind: str,
    at: Any,
    ref_id: Any,
    wheres: Sequence[Sequence[ColumnElement[bool]]],
    *,
    sub: Any = None,
    title: Any = None,
    detail: Any = None,
    number: Any = None,
    currency: Any = None,
    prior: Any = None,
    due_at: Any = None,
    contact_id: Any = None,
    user_id: Any = None,
    join: tuple[Any, Any] | None = None,
) -> list[Select[Any]]:
    """SELECTs of the union (one per condition set), every column named and typed alike (PostgreSQL insists)."""

    def text_col(value: Any) -> Any:
        return cast(null(), String) if value is None else value

    stmt = select(
        literal(kind, String).label("kind"),
        at.label("at"),
        ref_id.label("ref_id"),
        text_col(sub).label("sub"),
        text_col(title).label("title"),
        text_col(detail).label("detail"),
        (cast(null(), Integer) if number is None else number).label("number"),
        text_col(currency).label("currency"),
        text_col(prior).label("prior"),
        (cast(null(), UTCDateTime) if due_at is None else due_at).label("due_at"),
        (cast(null(), Uuid) if contact_id is None else contact_id).label("contact_id"),
        (cast(null(), Uuid) if user_id is None else user_id).label("user_id"),
    )
    if join is not None:
        stmt = stmt.select_from(join[0]).outerjoin(*join[1])
    return [stmt.where(at.is_not(None), *where) for where in wheres]


def _branches(contact: Any, organization: Any) -> list[Select[Any]]:
    """The union's SELECTs, each filtered to the record: `contact(column)` / `organization(column)` build
    the condition for a contact-id or organization-id column (None: that link does not count)."""

    def about(model: Any, linked_to_organization: bool = True) -> list[list[ColumnElement[bool]]]:
        """One condition set per SELECT. Linked to the organization itself *or* to one of its people becomes
        two SELECTs (the second excluding what the first has), since an OR would defeat both indexes."""
        live = col(model.deleted_at).is_(None)
        by_contact = contact(col(model.contact_id))
        by_org = organization(col(model.organization_id)) if linked_to_organization else None
        if by_org is None:
            return [[live, by_contact]]
        org = col(model.organization_id)
        return [[live, by_org], [live, by_contact, or_(org.is_(None), not_(by_org))]]

    A, T, D, C = Activity, Task, Deal, Case
    P, E, F, S, L = Purchase, PointsEntry, Feedback, LeadStatusChange, LifecycleChange
    lost_reason = (D, (LostReason, col(LostReason.id) == col(D.lost_reason_id)))
    deal = {
        "title": col(D.title),
        "number": col(D.value_cents),
        "currency": col(D.currency),
        "contact_id": col(D.contact_id),
        "user_id": col(D.owner_id),
    }
    case = {
        "sub": col(C.reference),
        "title": col(C.subject),
        "contact_id": col(C.contact_id),
        "user_id": col(C.assignee_id),
    }
    selects = [
        _branch("activity", col(A.occurred_at), col(A.id), about(A), sub=col(A.kind), title=col(A.subject),
                detail=col(A.body), number=col(A.duration_minutes), prior=col(A.direction),
                contact_id=col(A.contact_id), user_id=col(A.user_id)),
        _branch("task", col(T.created_at), col(T.id), about(T), sub=col(T.priority), title=col(T.title),
                detail=col(T.notes), due_at=col(T.due_at), contact_id=col(T.contact_id), user_id=col(T.assignee_id)),
        _branch("task_done", col(T.done_at), col(T.id), about(T), title=col(T.title), contact_id=col(T.contact_id),
                user_id=col(T.assignee_id)),
        _branch("deal_created", col(D.created_at), col(D.id), about(D), sub=col(D.status), **deal),
        _branch("deal_won", col(D.won_at), col(D.id), about(D), **deal),
        _branch("deal_lost", col(D.lost_at), col(D.id), about(D), sub=col(LostReason.name), detail=col(D.lost_note),
                join=lost_reason, **deal),
        _branch("case_opened", col(C.opened_at), col(C.id), about(C), detail=col(C.description),
                prior=col(C.priority), **case),
        _branch("case_resolved", col(C.resolved_at), col(C.id), about(C), detail=col(C.resolution), **case),
        _branch("purchase", col(P.occurred_at), col(P.id), about(P, False), sub=col(P.channel), detail=col(P.note),
                number=col(P.amount_cents), currency=col(P.currency), contact_id=col(P.contact_id)),
        _branch("points", col(E.at), col(E.id), about(E, False), sub=col(E.reason), detail=col(E.note),
                number=col(E.delta), contact_id=col(E.contact_id)),
        _branch("feedback", col(F.at), col(F.id), about(F, False), sub=col(F.kind), detail=col(F.comment),
                number=col(F.score), contact_id=col(F.contact_id)),
        _branch("lead_status", col(S.at), col(S.id), about(S, False), sub=col(S.to_status), prior=col(S.from_status),
                contact_id=col(S.contact_id), user_id=col(S.user_id)),
        _branch("lifecycle", col(L.at), col(L.id), about(L, False), sub=col(L.to_stage), prior=col(L.from_stage),
                contact_id=col(L.contact_id), user_id=col(L.user_id)),
    ]  # fmt: skip
    return [select_ for group in selects for select_ in group]


def _deal_branches(record: Any) -> list[Select[Any]]:
    """The union's SELECTs for one deal: its activities and tasks, its creation, its moves, and how it closed."""
    A, T, D, G = Activity, Task, Deal, DealStageChange

    def stage_name(column: Any) -> Any:
        return select(Stage.name).where(col(Stage.id) == column).scalar_subquery()

    deal = {"title": col(D.title), "number": col(D.value_cents), "currency": col(D.currency),
            "contact_id": col(D.contact_id), "user_id": col(D.owner_id)}  # fmt: skip
    this_deal = [[col(D.id) == record, col(D.deleted_at).is_(None)]]
    lost_reason = (D, (LostReason, col(LostReason.id) == col(D.lost_reason_id)))
    selects = [
        _branch("activity", col(A.occurred_at), col(A.id), [[col(A.deal_id) == record, col(A.deleted_at).is_(None)]],
                sub=col(A.kind), title=col(A.subject), detail=col(A.body), number=col(A.duration_minutes),
                prior=col(A.direction), contact_id=col(A.contact_id), user_id=col(A.user_id)),
        _branch("task", col(T.created_at), col(T.id), [[col(T.deal_id) == record, col(T.deleted_at).is_(None)]],
                sub=col(T.priority), title=col(T.title), detail=col(T.notes), due_at=col(T.due_at),
                contact_id=col(T.contact_id), user_id=col(T.assignee_id)),
        _branch("task_done", col(T.done_at), col(T.id), [[col(T.deal_id) == record, col(T.deleted_at).is_(None)]],
                title=col(T.title), contact_id=col(T.contact_id), user_id=col(T.assignee_id)),
        _branch("deal_created", col(D.created_at), col(D.id), this_deal, sub=col(D.status), **deal),
        _branch("deal_won", col(D.won_at), col(D.id), this_deal, **deal),
        _branch("deal_lost", col(D.lost_at), col(D.id), this_deal, sub=col(LostReason.name), detail=col(D.lost_note),
                join=lost_reason, **deal),
        _branch("stage_change", col(G.at), col(G.id),
                [[col(G.deal_id) == record, col(G.deleted_at).is_(None), col(G.from_stage_id).is_not(None)]],
                sub=stage_name(col(G.to_stage_id)), prior=stage_name(col(G.from_stage_id)), user_id=col(G.user_id)),
    ]  # fmt: skip
    return [select_ for group in selects for select_ in group]


@cache
def _statement(scope: str, paged: bool) -> Select[Any]:
    """The merged, ordered, limited query for a contact's or an organization's timeline, built once.

    The record, the cursor and the limit are bound parameters, so SQLAlchemy's compiled cache serves
    every later page of every record.
    """
    record = bindparam("record", type_=Uuid)
    if scope == "deal":
        branches = _deal_branches(record)
    elif scope == "contact":
        branches = _branches(lambda column: column == record, lambda _column: None)
    else:
        members = select(Contact.id).where(col(Contact.organization_id) == record).scalar_subquery()
        branches = _branches(lambda column: column.in_(members), lambda column: column == record)
    merged = union_all(*branches).subquery("timeline")
    stmt = select(merged)
    if paged:
        at = bindparam("before_at", type_=UTCDateTime)
        kind = bindparam("before_kind", type_=String)
        ref = bindparam("before_ref", type_=Uuid)
        stmt = stmt.where(
            or_(
                merged.c.at < at,
                and_(merged.c.at == at, or_(merged.c.kind < kind, and_(merged.c.kind == kind, merged.c.ref_id < ref))),
            )
        )
    order = (merged.c.at.desc(), merged.c.kind.desc(), merged.c.ref_id.desc())
    return stmt.order_by(*order).limit(bindparam("page_size", type_=Integer))


def _page(
    session: Session, scope: str, record: uuid.UUID, *, limit: int, before: TimelineCursor | None
) -> list[TimelineItem]:
    v.check_int(limit, field="limit", minimum=1, maximum=MAX_PAGE)
    params: dict[str, Any] = {"record": record, "page_size": limit}
    if before is not None:
        params.update(before_at=before.at, before_kind=before.kind, before_ref=before.ref_id)
    rows = list(session.execute(_statement(scope, before is not None), params))
    users = _names(session, User, {r.user_id for r in rows})
    contacts = _names(session, Contact, {r.contact_id for r in rows}) if scope != "contact" else {}
    return [
        TimelineItem(
            kind=r.kind, at=r.at, ref_id=r.ref_id, sub=r.sub, title=r.title, detail=r.detail, number=r.number,
            currency=r.currency, prior=r.prior, due_at=r.due_at, contact_id=r.contact_id,
            contact_name=contacts.get(r.contact_id), user_name=users.get(r.user_id),
        )
        for r in rows
    ]  # fmt: skip


def _names(session: Session, model: Any, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    name = col(model.display_name) if model is Contact else col(model.name)
    return {row[0]: row[1] for row in session.exec(select(col(model.id), name).where(col(model.id).in_(wanted)))}


def contact_timeline(
    *, session: Session, contact_id: uuid.UUID, limit: int = 50, before: TimelineCursor | None = None
) -> list[TimelineItem]:
    """One page of what happened with a contact, newest first; pass the last item's `cursor` for the next."""
    return _page(session, "contact", contact_id, limit=limit, before=before)


def organization_timeline(
    *, session: Session, organization_id: uuid.UUID, limit: int = 50, before: TimelineCursor | None = None
) -> list[TimelineItem]:
    """One page of what happened with an organization and its people, newest first (items name the contact)."""
    return _page(session, "organization", organization_id, limit=limit, before=before)


def deal_timeline(
    *, session: Session, deal_id: uuid.UUID, limit: int = 50, before: TimelineCursor | None = None
) -> list[TimelineItem]:
    """One page of what happened with a deal (activities, tasks, stage moves, won or lost), newest first.

    A stage move reads "From → To" as its title; `prior` and `sub` hold the two stage names.
    """
    items = _page(session, "deal", deal_id, limit=limit, before=before)
    return [replace(i, title=f"{i.prior or '?'} → {i.sub or '?'}") if i.kind == "stage_change" else i for i in items]
