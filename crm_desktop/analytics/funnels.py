"""The two funnels of DESIGN §8: lead statuses reached by the period's leads, deal stages by its deals.

Both read their ledgers as compact raw-id rows and keep only the rows of the period's leads or deals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.analytics.periods import Period, fetch_rows, ratio, raw
from crm_desktop.analytics.results import FunnelStage, LeadStatusStep
from crm_desktop.domain import Deal, DealStageChange, LeadStatusChange, Pipeline, Stage
from crm_desktop.domain.enums import DealStatus, LeadStatus, StageKind

FUNNEL_STATUSES = (LeadStatus.OPEN.value, LeadStatus.CONTACTED.value, LeadStatus.QUALIFIED.value)
STATUS_RANK = {status: rank for rank, status in enumerate(FUNNEL_STATUSES)}
UNQUALIFIED = LeadStatus.UNQUALIFIED.value
WON = DealStatus.WON.value


def lead_status_funnel(
    session: Session, period: Period, current_status: Mapping[Hashable, str | None]
) -> tuple[LeadStatusStep, ...]:
    """Leads that ever reached open < contacted < qualified (a later status counts for the earlier ones).

    `current_status` maps each lead of the period to its status now, used when it has no recorded
    history. Unqualified is counted apart, as the last step. Ledger rows older than the period cannot
    belong to its leads (a lead's history starts when it is created), so they are not read.
    """
    stmt = select(raw(LeadStatusChange.contact_id), LeadStatusChange.from_status, LeadStatusChange.to_status).where(
        LeadStatusChange.deleted_at.is_(None),  # type: ignore[union-attr]
        LeadStatusChange.at >= period.utc_start,
    )
    best: dict[Hashable, int] = {}
    unqualified: set[Hashable] = set()
    rank = STATUS_RANK.get
    for key, from_status, to_status in fetch_rows(session, stmt):
        if key in current_status:
            best[key] = max(best.get(key, -1), rank(from_status, -1), rank(to_status, -1))
            if UNQUALIFIED in (from_status, to_status):
                unqualified.add(key)
    furthest: Counter[int] = Counter()
    for key, current in current_status.items():
        if key in best:
            furthest[best[key]] += 1
        else:  # no recorded history: its current status
            furthest[rank(current, -1)] += 1  # type: ignore[arg-type]
            if current == UNQUALIFIED:
                unqualified.add(key)
    steps = [LeadStatusStep(status, _at_least(furthest, i)) for i, status in enumerate(FUNNEL_STATUSES)]
    steps.append(LeadStatusStep(UNQUALIFIED, len(unqualified)))
    return tuple(steps)


def deal_funnel(session: Session, period: Period) -> tuple[FunnelStage, ...]:
    """Deals created in the period in the default pipeline that reached each of its open stages, in order.

    A deal reached stage i if its history entered stage i or a later open stage, or it was won. A deal
    with no recorded history has passed every open stage up to its current one; a lost deal without
    history (its current stage is the Lost column) counts for the first stage only. When no deal of the
    period is in the default pipeline, the funnel follows the pipeline holding most of them instead (an
    imported history in a pipeline of its own), so it never reads zero while deals were created.
    """
    pipeline_id = _funnel_pipeline(session, period)
    if pipeline_id is None:
        return ()
    stages = (
        select(raw(Stage.id), Stage.name, Stage.kind)
        .where(Stage.pipeline_id == pipeline_id, Stage.deleted_at.is_(None))  # type: ignore[union-attr]
        .order_by(Stage.position, Stage.name)
    )
    stage_rows = fetch_rows(session, stages)
    open_stages = [(sid, name) for sid, name, kind in stage_rows if kind == StageKind.OPEN.value]
    if not open_stages:
        return ()
    open_index = {sid: i for i, (sid, _) in enumerate(open_stages)}
    won_stages = {sid for sid, _, kind in stage_rows if kind == StageKind.WON.value}
    deals = _period_deals(session, period, pipeline_id)
    furthest = _furthest_stages(session, period, deals, open_index, won_stages)
    reached = [_at_least(furthest, i) for i in range(len(open_stages))]
    return tuple(
        FunnelStage(name, reached[i], None if i == 0 else ratio(reached[i], reached[i - 1]))
        for i, (_, name) in enumerate(open_stages)
    )


def _default_pipeline(session: Session) -> Any:
    """The default pipeline (else the first one), whose stages the deal funnel follows."""
    stmt = (
        select(Pipeline.id)
        .where(Pipeline.deleted_at.is_(None))  # type: ignore[union-attr]
        .order_by(col(Pipeline.is_default).desc(), Pipeline.position, Pipeline.created_at)
    )
    return session.exec(stmt).first()


def _funnel_pipeline(session: Session, period: Period) -> Any:
    """The default pipeline, unless the period's deals are all elsewhere: then the one holding most of them."""
    default = _default_pipeline(session)
    stmt = (
        select(Deal.pipeline_id, func.count())
        .join(Pipeline, Pipeline.id == Deal.pipeline_id)  # type: ignore[arg-type]
        .where(
            Deal.deleted_at.is_(None),  # type: ignore[union-attr]
            Pipeline.deleted_at.is_(None),  # type: ignore[union-attr]
            Deal.created_at >= period.utc_start,
            Deal.created_at < period.utc_end,
        )
        .group_by(Deal.pipeline_id)
        .order_by(func.count().desc(), Pipeline.position, Pipeline.created_at)
    )
    counts = session.exec(stmt).all()
    if not counts or any(pipeline_id == default for pipeline_id, _ in counts):
        return default
    return counts[0][0]


def _period_deals(session: Session, period: Period, pipeline_id: Any) -> dict[Hashable, tuple[Any, str]]:
    """(current stage, status) of each deal created in the period in the pipeline."""
    stmt = select(raw(Deal.id), raw(Deal.stage_id), Deal.status).where(
        Deal.deleted_at.is_(None),  # type: ignore[union-attr]
        Deal.pipeline_id == pipeline_id,
        Deal.created_at >= period.utc_start,
        Deal.created_at < period.utc_end,
    )
    return {key: (stage, status) for key, stage, status in fetch_rows(session, stmt)}


def _furthest_stages(
    session: Session,
    period: Period,
    deals: Mapping[Hashable, tuple[Any, str]],
    open_index: Mapping[Any, int],
    won_stages: set[Any],
) -> Counter[int]:
    """How many deals got at most as far as each open stage index (-1: none; won: the last).

    Stage history older than the period cannot belong to deals created in it, so it is not read.
    """
    stmt = select(
        raw(DealStageChange.deal_id), raw(DealStageChange.from_stage_id), raw(DealStageChange.to_stage_id)
    ).where(
        DealStageChange.deleted_at.is_(None),  # type: ignore[union-attr]
        DealStageChange.at >= period.utc_start,
    )
    best: dict[Hashable, int] = {}
    index = open_index.get
    for key, from_stage, to_stage in fetch_rows(session, stmt):
        if key in deals:
            best[key] = max(best.get(key, -1), index(from_stage, -1), index(to_stage, -1))
    last = len(open_index) - 1
    furthest: Counter[int] = Counter()
    for key, (stage, status) in deals.items():
        if status == WON or stage in won_stages:
            furthest[last] += 1
        elif key in best:
            furthest[max(best[key], index(stage, -1))] += 1
        else:  # no recorded history: it passed every open stage before its current one
            furthest[index(stage, 0)] += 1
    return furthest


def _at_least(furthest: Counter[int], index: int) -> int:
    """How many got to `index` or further."""
    return sum(n for i, n in furthest.items() if i >= index)
