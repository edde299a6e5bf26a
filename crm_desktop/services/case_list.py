"""The cases table: rows searched, filtered, sorted (priority by severity) and paged in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Case, Contact, Organization, User
from crm_desktop.domain.enums import OPEN_CASE_STATUSES, CasePriority, CaseStatus
from crm_desktop.services import _validate as v
from crm_desktop.services._common import moment


@dataclass(frozen=True)
class CaseRow:
    """One line of the cases table; `overdue` means still open and past its SLA."""

    id: uuid.UUID
    reference: str
    subject: str
    contact_name: str | None
    organization_name: str | None
    status: str
    priority: str
    category: str | None
    opened_at: datetime
    sla_due_at: datetime | None
    overdue: bool
    assignee_name: str | None


CASE_SORT_KEYS = (
    "reference", "subject", "contact_name", "organization_name", "status", "priority", "category",
    "opened_at", "sla_due_at", "assignee_name",
)  # fmt: skip

PRIORITY_RANK = {p.value: rank for rank, p in enumerate(CasePriority)}  # low 0 … urgent 3
STATUS_RANK = {s.value: rank for rank, s in enumerate(CaseStatus)}  # workflow order
_NULLABLE = frozenset({"contact_name", "organization_name", "category", "sla_due_at", "assignee_name"})


def _sort_columns() -> dict[str, Any]:
    return {
        "reference": col(Case.reference),
        "subject": col(Case.subject),
        "contact_name": col(Contact.display_name),
        "organization_name": col(Organization.name),
        "status": case(STATUS_RANK, value=col(Case.status), else_=-1),
        "priority": case(PRIORITY_RANK, value=col(Case.priority), else_=-1),
        "category": col(Case.category),
        "opened_at": col(Case.opened_at),
        "sla_due_at": col(Case.sla_due_at),
        "assignee_name": col(User.name),
    }


def _filtered(stmt: Select[Any], search: str, statuses: Collection[str] | None) -> Select[Any]:
    stmt = (
        stmt.outerjoin(Contact, col(Contact.id) == col(Case.contact_id))
        .outerjoin(Organization, col(Organization.id) == col(Case.organization_id))
        .outerjoin(User, col(User.id) == col(Case.assignee_id))
    )
    conditions: list[ColumnElement[bool]] = [col(Case.deleted_at).is_(None)]
    if statuses is not None:
        conditions.append(col(Case.status).in_(list(statuses)))
    for token in search.split():
        pattern = v.like_pattern(token)
        searched = (col(Case.reference), col(Case.subject), col(Contact.display_name), col(Organization.name))
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in searched)))
    return stmt.where(*conditions)


def list_cases(
    *,
    session: Session,
    search: str = "",
    statuses: Collection[str] | None = None,
    sort: str = "opened_at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
    now: datetime | None = None,
) -> list[CaseRow]:
    """One page of cases; `statuses` keeps only those (e.g. OPEN_CASE_STATUSES for the queue)."""
    v.check_sort(sort, CASE_SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    current = moment(now)
    column = _sort_columns()[sort]
    key = column.desc() if descending else column.asc()
    if sort in _NULLABLE:
        key = key.nulls_last()
    tie = col(Case.id).desc() if descending else col(Case.id).asc()
    stmt = select(  # type: ignore[call-overload]
        Case.id, Case.reference, Case.subject, Contact.display_name, Organization.name, Case.status,
        Case.priority, Case.category, Case.opened_at, Case.sla_due_at, User.name,
    ).select_from(Case)  # fmt: skip
    stmt = _filtered(stmt, search, statuses).order_by(key, tie).offset(offset).limit(limit)
    return [
        CaseRow(
            id=r[0], reference=r[1], subject=r[2], contact_name=r[3], organization_name=r[4], status=r[5],
            priority=r[6], category=r[7], opened_at=r[8], sla_due_at=r[9],
            overdue=r[5] in OPEN_CASE_STATUSES and r[9] is not None and r[9] < current, assignee_name=r[10],
        )
        for r in session.exec(stmt)  # type: ignore[call-overload]
    ]  # fmt: skip


def count_cases(*, session: Session, search: str = "", statuses: Collection[str] | None = None) -> int:
    """How many cases `list_cases` would page through with the same search and statuses."""
    stmt = _filtered(select(func.count()).select_from(Case), search, statuses)
    return int(session.exec(stmt).one())  # type: ignore[call-overload]
