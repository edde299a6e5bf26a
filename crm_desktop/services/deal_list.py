"""The deals list (the board's table alternative): rows searched, sorted and paged in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Deal, Organization, Stage, User
from crm_desktop.domain.enums import DealStatus
from crm_desktop.services import _validate as v
from crm_desktop.services._common import moment
from crm_desktop.services.board import resolve_pipeline
from crm_desktop.services.deal_filter import DealFilter, deal_conditions


@dataclass(frozen=True)
class DealRow:
    """One line of the deals list; probability is the deal's override or else its stage's default."""

    id: uuid.UUID
    title: str
    organization_name: str | None
    contact_name: str | None
    stage_id: uuid.UUID
    stage_name: str | None
    status: str
    value_cents: int
    currency: str
    probability: int
    weighted_cents: int
    expected_close: date | None
    owner_name: str | None
    days_in_stage: int
    rotting: bool


DEAL_SORT_KEYS = (
    "title", "organization_name", "contact_name", "stage", "value_cents", "probability", "weighted_cents",
    "expected_close", "owner_name", "days_in_stage",
)  # fmt: skip
_NULLABLE = frozenset({"organization_name", "contact_name", "expected_close", "owner_name"})
OPEN_ONLY: tuple[str, ...] = (DealStatus.OPEN.value,)


def _probability() -> ColumnElement[Any]:
    return func.coalesce(col(Deal.probability), col(Stage.probability), 0)


def _entered() -> ColumnElement[Any]:
    return func.coalesce(col(Deal.stage_entered_at), col(Deal.created_at))


def _sort_column(sort: str) -> ColumnElement[Any]:
    """The SQL expression a sort key orders by (days in stage: the longest wait is the biggest)."""
    columns: dict[str, Any] = {
        "title": col(Deal.title),
        "organization_name": col(Organization.name),
        "contact_name": col(Contact.display_name),
        "stage": col(Stage.position),
        "value_cents": col(Deal.value_cents),
        "probability": _probability(),
        "weighted_cents": col(Deal.value_cents) * _probability(),
        "expected_close": col(Deal.expected_close),
        "owner_name": col(User.name),
        "days_in_stage": -func.julianday(_entered()),
    }
    return columns[sort]  # type: ignore[no-any-return]


def _filtered(
    stmt: Select[Any],
    pipeline_id: uuid.UUID,
    search: str,
    statuses: Collection[str] | None,
    narrow: DealFilter | None = None,
) -> Select[Any]:
    stmt = (
        stmt.outerjoin(Stage, col(Stage.id) == col(Deal.stage_id))
        .outerjoin(Organization, col(Organization.id) == col(Deal.organization_id))
        .outerjoin(Contact, col(Contact.id) == col(Deal.contact_id))
        .outerjoin(User, col(User.id) == col(Deal.owner_id))
    )
    conditions: list[ColumnElement[bool]] = [col(Deal.deleted_at).is_(None), col(Deal.pipeline_id) == pipeline_id]
    if statuses is not None:
        conditions.append(col(Deal.status).in_(list(statuses)))
    for token in search.split():
        pattern = v.like_pattern(token)
        searched = (col(Deal.title), col(Organization.name), col(Contact.display_name))
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in searched)))
    if narrow is not None:  # owner, expected close, source: the board's filter bar (its text is `search`)
        conditions += deal_conditions(replace(narrow, text="", pipeline_id=None))
    return stmt.where(*conditions)


def list_deals(
    *,
    session: Session,
    pipeline_id: uuid.UUID | None = None,
    search: str = "",
    statuses: Collection[str] | None = OPEN_ONLY,
    sort: str = "value_cents",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
    now: datetime | None = None,
    narrow: DealFilter | None = None,
) -> list[DealRow]:
    """One page of a pipeline's deals (open ones unless `statuses` says otherwise; None = all)."""
    v.check_sort(sort, DEAL_SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    pipeline = resolve_pipeline(session, pipeline_id)
    current = moment(now)
    column = _sort_column(sort)
    key = column.desc() if descending else column.asc()
    if sort in _NULLABLE:
        key = key.nulls_last()
    tie = col(Deal.id).desc() if descending else col(Deal.id).asc()
    stmt = select(  # type: ignore[call-overload]
        Deal.id, Deal.title, Organization.name, Contact.display_name, Deal.stage_id, Stage.name, Deal.status,
        Deal.value_cents, Deal.currency, _probability(), Deal.expected_close, User.name, Deal.stage_entered_at,
        Deal.created_at, Stage.rotting_days,
    ).select_from(Deal)  # fmt: skip
    stmt = _filtered(stmt, pipeline.id, search, statuses, narrow).order_by(key, tie).offset(offset).limit(limit)
    rows = []
    for r in session.exec(stmt):
        days = max(0, (current - (r[12] or r[13])).days)
        rows.append(
            DealRow(
                id=r[0], title=r[1], organization_name=r[2], contact_name=r[3], stage_id=r[4], stage_name=r[5],
                status=r[6], value_cents=r[7], currency=r[8], probability=int(r[9]),
                weighted_cents=r[7] * int(r[9]) // 100, expected_close=r[10], owner_name=r[11],
                days_in_stage=days, rotting=r[6] == DealStatus.OPEN and r[14] is not None and days > r[14],
            )
        )  # fmt: skip
    return rows


def count_deals(
    *,
    session: Session,
    pipeline_id: uuid.UUID | None = None,
    search: str = "",
    statuses: Collection[str] | None = OPEN_ONLY,
    narrow: DealFilter | None = None,
) -> int:
    """How many deals `list_deals` would page through with the same pipeline, search and statuses."""
    pipeline = resolve_pipeline(session, pipeline_id)
    stmt = _filtered(select(func.count()).select_from(Deal), pipeline.id, search, statuses, narrow)
    return int(session.exec(stmt).one())  # type: ignore[call-overload]
