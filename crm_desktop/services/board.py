"""The pipeline as the kanban shows it: pipelines, stages, lost reasons, and stage columns of deal cards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Deal, LostReason, Organization, Pipeline, Stage, Task, User
from crm_desktop.domain.enums import StageKind
from crm_desktop.domain.errors import NotFound
from crm_desktop.services._common import get_live, moment
from crm_desktop.services.deal_filter import DealFilter, deal_conditions
from crm_desktop.services.users import initials


def list_pipelines(*, session: Session) -> list[Pipeline]:
    """Live pipelines, default first, then by position."""
    stmt = (
        select(Pipeline)
        .where(col(Pipeline.deleted_at).is_(None))
        .order_by(col(Pipeline.is_default).desc(), col(Pipeline.position), col(Pipeline.name))
    )
    return list(session.exec(stmt))


def default_pipeline(*, session: Session) -> Pipeline:
    """The pipeline new deals go to when none is named."""
    pipelines = list_pipelines(session=session)
    if not pipelines:
        raise NotFound("There is no sales pipeline yet; create one first")
    return pipelines[0]


def resolve_pipeline(session: Session, pipeline_id: uuid.UUID | None) -> Pipeline:
    """The named live pipeline, or the default one."""
    if pipeline_id is None:
        return default_pipeline(session=session)
    return get_live(session, Pipeline, pipeline_id, what="Pipeline")


def list_stages(*, session: Session, pipeline_id: uuid.UUID) -> list[Stage]:
    """The live stages of a pipeline, in board order (won and lost stages included)."""
    stmt = (
        select(Stage)
        .where(Stage.pipeline_id == pipeline_id, col(Stage.deleted_at).is_(None))
        .order_by(col(Stage.position), col(Stage.id))
    )
    return list(session.exec(stmt))


def list_lost_reasons(*, session: Session) -> list[LostReason]:
    """The reasons a user can pick when losing a deal (active ones, in list order)."""
    stmt = (
        select(LostReason)
        .where(col(LostReason.deleted_at).is_(None), col(LostReason.active).is_(True))
        .order_by(col(LostReason.position), col(LostReason.name))
    )
    return list(session.exec(stmt))


@dataclass(frozen=True)
class DealCard:
    """What one kanban card shows."""

    id: uuid.UUID
    title: str
    stage_id: uuid.UUID
    organization_name: str | None
    contact_name: str | None
    value_cents: int
    currency: str
    probability: int
    days_in_stage: int
    owner_initials: str
    rotting: bool
    next_task_due: datetime | None


@dataclass(frozen=True)
class StageColumn:
    """One open stage of the board with its cards and totals (weighted by each card's probability)."""

    stage_id: uuid.UUID
    name: str
    probability: int
    kind: str
    rotting_days: int | None
    cards: list[DealCard]
    count: int
    total_cents: int
    weighted_cents: int


def board(
    *,
    session: Session,
    pipeline_id: uuid.UUID | None = None,
    now: datetime | None = None,
    filter: DealFilter | None = None,
) -> list[StageColumn]:
    """The open deals of a pipeline grouped by open stage, biggest first: three queries however many deals.

    A `filter` narrows the cards and the column totals in SQL; its pipeline is used when `pipeline_id`
    is not given (an explicit `pipeline_id` wins).
    """
    if filter is not None and pipeline_id is None:
        pipeline_id = filter.pipeline_id
    narrowing = deal_conditions(replace(filter, pipeline_id=None)) if filter is not None else []
    pipeline = resolve_pipeline(session, pipeline_id)
    current = moment(now)
    stages = [s for s in list_stages(session=session, pipeline_id=pipeline.id) if s.kind == StageKind.OPEN]
    by_stage = {s.id: s for s in stages}
    # One pass over open tasks: a per-deal subquery made SQLite rescan every open task for each deal.
    next_due = (
        select(col(Task.deal_id).label("deal_id"), func.min(col(Task.due_at)).label("due_at"))
        .where(col(Task.deal_id).is_not(None), col(Task.done_at).is_(None), col(Task.deleted_at).is_(None))
        .group_by(col(Task.deal_id))
        .subquery()
    )
    stmt = (
        select(  # type: ignore[call-overload]
            Deal.id, Deal.title, Deal.stage_id, Organization.name, Contact.display_name, Deal.value_cents,
            Deal.currency, Deal.probability, Deal.stage_entered_at, Deal.created_at, User.name,
            next_due.c.due_at,
        )
        .select_from(Deal)
        .outerjoin(Organization, col(Organization.id) == col(Deal.organization_id))
        .outerjoin(Contact, col(Contact.id) == col(Deal.contact_id))
        .outerjoin(User, col(User.id) == col(Deal.owner_id))
        .outerjoin(next_due, next_due.c.deal_id == col(Deal.id))
        .where(col(Deal.deleted_at).is_(None), col(Deal.status) == "open")
        .where(col(Deal.pipeline_id) == pipeline.id, *narrowing)
        .order_by(col(Deal.value_cents).desc(), col(Deal.id))
    )  # fmt: skip
    cards: dict[uuid.UUID, list[DealCard]] = {s.id: [] for s in stages}
    for row in session.exec(stmt):
        stage = by_stage.get(row[2])
        if stage is None:  # a deal in a stage that was removed or closed: not on the board
            continue
        entered = row[8] or row[9]
        days = max(0, (current - entered).days)
        probability = row[7] if row[7] is not None else stage.probability
        cards[stage.id].append(
            DealCard(
                id=row[0], title=row[1], stage_id=stage.id, organization_name=row[3], contact_name=row[4],
                value_cents=row[5], currency=row[6], probability=probability, days_in_stage=days,
                owner_initials=initials(row[10]) if row[10] else "",
                rotting=stage.rotting_days is not None and days > stage.rotting_days, next_task_due=row[11],
            )
        )  # fmt: skip
    return [
        StageColumn(
            stage_id=s.id, name=s.name, probability=s.probability, kind=s.kind, rotting_days=s.rotting_days,
            cards=cards[s.id], count=len(cards[s.id]), total_cents=sum(c.value_cents for c in cards[s.id]),
            weighted_cents=sum(c.value_cents * c.probability for c in cards[s.id]) // 100,
        )
        for s in stages
    ]  # fmt: skip


def deal_summary(*, session: Session, pipeline_id: uuid.UUID | None = None) -> dict[str, int]:
    """Counts by status and the open value of a pipeline (all pipelines when none is named)."""
    stmt = select(col(Deal.status), func.count(), func.coalesce(func.sum(col(Deal.value_cents)), 0)).where(
        col(Deal.deleted_at).is_(None)
    )
    if pipeline_id is not None:
        stmt = stmt.where(col(Deal.pipeline_id) == pipeline_id)
    figures = {status: (int(n), int(total)) for status, n, total in session.exec(stmt.group_by(col(Deal.status)))}
    return {
        "won_count": figures.get("won", (0, 0))[0],
        "lost_count": figures.get("lost", (0, 0))[0],
        "open_count": figures.get("open", (0, 0))[0],
        "open_value_cents": figures.get("open", (0, 0))[1],
    }
