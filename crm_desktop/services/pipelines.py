"""Pipeline settings: several pipelines, their stages (name, order, probability, rotting) and the lost reasons.

A workspace keeps at least one pipeline; a pipeline keeps one Won and one Lost stage, last in that order, and
at least one open stage; nothing holding live deals is deleted. Writes are plain ORM writes (journaled, undoable).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.domain import Deal, LostReason, Pipeline, Stage
from crm_desktop.domain.enums import DealStatus, StageKind
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, move_to_trash
from crm_desktop.services.board import list_pipelines, list_stages
from crm_desktop.services.reference import DEFAULT_STAGES

T = TypeVar("T")
MAX_ROTTING_DAYS = 3650
NEW_STAGE_PROBABILITY = 10  # when a pipeline's first open stage is added
PIPELINE_CLASH = "There is already a pipeline called “{}”"
STAGE_CLASH = "This pipeline already has a stage called “{}”"
REASON_CLASH = "There is already a lost reason called “{}”"


@dataclass(frozen=True)
class PipelineInfo:
    """A pipeline as the settings dialog lists it (plain values, safe after the session closes)."""

    id: uuid.UUID
    name: str
    is_default: bool
    deal_count: int


@dataclass(frozen=True)
class StageInfo:
    """A stage row of the stage editor, with how many live deals sit in it."""

    id: uuid.UUID
    name: str
    kind: str
    probability: int
    rotting_days: int | None
    deal_count: int


@dataclass(frozen=True)
class LostReasonInfo:
    """A lost reason as the editor lists it, inactive ones included."""

    id: uuid.UUID
    name: str
    active: bool


def pipeline_overview(*, session: Session) -> list[PipelineInfo]:
    """Every live pipeline, default first, with its live deal count (one grouped query)."""
    counts = _deal_counts(session, col(Deal.pipeline_id))
    return [
        PipelineInfo(id=p.id, name=p.name, is_default=p.is_default, deal_count=counts.get(p.id, 0))
        for p in list_pipelines(session=session)
    ]


def stage_overview(*, session: Session, pipeline_id: uuid.UUID) -> list[StageInfo]:
    """The stages of a live pipeline in board order, each with its live deal count."""
    _pipeline(session, pipeline_id)
    counts = _deal_counts(session, col(Deal.stage_id), pipeline_id=pipeline_id)
    return [
        StageInfo(id=s.id, name=s.name, kind=s.kind, probability=s.probability, rotting_days=s.rotting_days,
                  deal_count=counts.get(s.id, 0))
        for s in list_stages(session=session, pipeline_id=pipeline_id)
    ]  # fmt: skip


def all_lost_reasons(*, session: Session) -> list[LostReasonInfo]:
    """Every lost reason not in the Trash, in list order (inactive ones too, so they can be switched back on)."""
    return [LostReasonInfo(id=r.id, name=r.name, active=r.active) for r in _reasons(session)]


def _deal_counts(session: Session, key: object, *, pipeline_id: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    stmt = select(key, func.count()).where(col(Deal.deleted_at).is_(None))  # type: ignore[call-overload]
    if pipeline_id is not None:
        stmt = stmt.where(col(Deal.pipeline_id) == pipeline_id)
    return {row[0]: int(row[1]) for row in session.exec(stmt.group_by(key))}


# --- pipelines ----------------------------------------------------------------------------------------------
def create_pipeline(
    *, session: Session, name: str, copy_from: uuid.UUID | None = None, make_default: bool = False
) -> Pipeline:
    """A new pipeline with the standard stages, or with a copy of another pipeline's stages."""
    clean = _unique_name(name, list_pipelines(session=session), clash=PIPELINE_CLASH)
    template = list(DEFAULT_STAGES)
    if copy_from is not None:
        source = list_stages(session=session, pipeline_id=_pipeline(session, copy_from).id)
        template = [(s.name, s.probability, s.kind, s.rotting_days) for s in source]
    position = session.exec(select(func.max(col(Pipeline.position)))).one()
    pipeline = Pipeline(name=clean, position=(position or 0) + 1)
    session.add(pipeline)
    session.add_all(
        Stage(pipeline_id=pipeline.id, name=n, position=i, probability=p, kind=k, rotting_days=r)
        for i, (n, p, k, r) in enumerate(template)
    )
    session.flush()
    if make_default:
        set_default_pipeline(session=session, pipeline_id=pipeline.id)
    return pipeline


def rename_pipeline(*, session: Session, pipeline_id: uuid.UUID, name: str) -> Pipeline:
    """Give a pipeline a new name (unique among live pipelines, ignoring case)."""
    pipeline = _pipeline(session, pipeline_id)
    pipeline.name = _unique_name(name, list_pipelines(session=session), clash=PIPELINE_CLASH, exclude=pipeline.id)
    session.add(pipeline)
    session.flush()
    return pipeline


def set_default_pipeline(*, session: Session, pipeline_id: uuid.UUID) -> Pipeline:
    """Make this the pipeline new deals go to when none is named (the others stop being default)."""
    chosen = _pipeline(session, pipeline_id)
    for pipeline in list_pipelines(session=session):
        if pipeline.is_default != (pipeline.id == chosen.id):
            pipeline.is_default = pipeline.id == chosen.id
            session.add(pipeline)
    session.flush()
    return chosen


def delete_pipeline(*, session: Session, pipeline_id: uuid.UUID) -> None:
    """Move an empty pipeline to the Trash (never the last one); the next one becomes default if needed."""
    pipeline = _pipeline(session, pipeline_id)
    others = [p for p in list_pipelines(session=session) if p.id != pipeline.id]
    if not others:
        raise Conflict(f"“{pipeline.name}” is the only pipeline, and deals need one. Create another one first.")
    open_count, closed_count = _live_deals(session, col(Deal.pipeline_id) == pipeline.id)
    if open_count or closed_count:
        advice = "Move the open ones to another pipeline (deal editor) or delete them first. " if open_count else ""
        if closed_count:  # a closed deal keeps the stage history of the pipeline it closed in
            advice += (
                "Won and lost deals stay in the pipeline they closed in, so that its funnel stays true; "
                "to delete the pipeline, delete them too (they go to the Trash), or rename the pipeline instead."
            )
        raise Conflict(f"“{pipeline.name}” still holds {_deals_phrase(open_count, closed_count)}. {advice}".strip())
    move_to_trash(session, Pipeline, pipeline.id, what="Pipeline")
    if pipeline.is_default:
        set_default_pipeline(session=session, pipeline_id=others[0].id)


def _pipeline(session: Session, pipeline_id: uuid.UUID | None) -> Pipeline:
    if pipeline_id is None:
        raise ValidationError("Choose a pipeline", field="pipeline_id")
    return get_live(session, Pipeline, pipeline_id, what="Pipeline")


# --- stages -------------------------------------------------------------------------------------------------
def add_stage(
    *,
    session: Session,
    pipeline_id: uuid.UUID,
    name: str,
    probability: int | None = None,
    rotting_days: int | None = None,
    after_stage_id: uuid.UUID | None = None,
) -> Stage:
    """A new open stage after `after_stage_id`, or last of the open ones (before Won and Lost).

    Without a probability it takes the one of the stage it follows."""
    pipeline = _pipeline(session, pipeline_id)
    stages = list_stages(session=session, pipeline_id=pipeline.id)
    clean = _unique_name(name, stages, clash=STAGE_CLASH)
    opened = [s for s in stages if s.kind == StageKind.OPEN]
    index = len(opened)
    if after_stage_id is not None:
        index = next((i + 1 for i, s in enumerate(opened) if s.id == after_stage_id), -1)
        if index < 0:
            raise ValidationError("New stages go after an open stage of the same pipeline", field="after_stage_id")
    if probability is None:
        probability = opened[index - 1].probability if index else NEW_STAGE_PROBABILITY
    stage = Stage(
        pipeline_id=pipeline.id, name=clean, position=index, kind=StageKind.OPEN.value,
        probability=_probability(probability), rotting_days=_rotting(rotting_days),
    )  # fmt: skip
    session.add(stage)
    opened.insert(index, stage)
    _renumber(session, opened, stages)
    return stage


def rename_stage(*, session: Session, stage_id: uuid.UUID, name: str) -> Stage:
    """Give a stage a new name (unique within its pipeline, ignoring case); Won and Lost can be renamed too."""
    stage = _stage(session, stage_id)
    stages = list_stages(session=session, pipeline_id=stage.pipeline_id)
    stage.name = _unique_name(name, stages, clash=STAGE_CLASH, exclude=stage.id)
    session.add(stage)
    session.flush()
    return stage


def reorder_stages(*, session: Session, pipeline_id: uuid.UUID, stage_ids: Sequence[uuid.UUID]) -> list[Stage]:
    """Put the open stages in the given order (all of them, each once); Won and Lost stay at the end."""
    stages = list_stages(session=session, pipeline_id=_pipeline(session, pipeline_id).id)
    by_id = {s.id: s for s in stages if s.kind == StageKind.OPEN}
    if len(stage_ids) != len(by_id) or set(stage_ids) != set(by_id):
        message = "List every open stage of the pipeline exactly once; Won and Lost always stay last"
        raise ValidationError(message, field="stage_ids")
    ordered = [by_id[i] for i in stage_ids]
    _renumber(session, ordered, stages)
    return ordered


def move_stage(*, session: Session, stage_id: uuid.UUID, offset: int) -> Stage:
    """Move an open stage up (negative) or down (positive) among the open stages; past the ends it stops."""
    stage = _stage(session, stage_id)
    if stage.kind != StageKind.OPEN:
        raise ValidationError(f"“{stage.name}” is a closing stage and always stays at the end", field="stage_id")
    stages = list_stages(session=session, pipeline_id=stage.pipeline_id)
    _renumber(session, _shift([s for s in stages if s.kind == StageKind.OPEN], stage, offset), stages)
    return stage


def set_stage_probability(*, session: Session, stage_id: uuid.UUID, probability: int) -> Stage:
    """The default win probability (0–100 %) of an open stage's deals; Won is always 100 % and Lost 0 %."""
    stage = _open_stage(session, stage_id, "its probability is fixed (Won counts 100 %, Lost 0 %)")
    stage.probability = _probability(probability)
    session.add(stage)
    session.flush()
    return stage


def set_stage_rotting_days(*, session: Session, stage_id: uuid.UUID, rotting_days: int | None) -> Stage:
    """After how many days in an open stage a deal is flagged as rotting (None: never)."""
    stage = _open_stage(session, stage_id, "closed deals never rot")
    stage.rotting_days = _rotting(rotting_days)
    session.add(stage)
    session.flush()
    return stage


def delete_stage(*, session: Session, stage_id: uuid.UUID) -> None:
    """Move an open stage with no live deals to the Trash (a pipeline keeps at least one open stage)."""
    stage = _stage(session, stage_id)
    if stage.kind != StageKind.OPEN:
        raise Conflict(f"Every pipeline needs its {stage.kind} stage, so “{stage.name}” cannot be deleted.")
    opened = [s for s in list_stages(session=session, pipeline_id=stage.pipeline_id) if s.kind == StageKind.OPEN]
    if len(opened) == 1:
        raise Conflict(f"“{stage.name}” is the pipeline's only open stage; add another stage before deleting it.")
    open_count, closed_count = _live_deals(session, col(Deal.stage_id) == stage.id)
    if open_count or closed_count:
        raise Conflict(
            f"The stage “{stage.name}” still holds {_deals_phrase(open_count, closed_count)}. "
            "Move them to another stage first, then delete it."
        )
    move_to_trash(session, Stage, stage.id, what="Stage")
    rest = list_stages(session=session, pipeline_id=stage.pipeline_id)
    _renumber(session, [s for s in rest if s.kind == StageKind.OPEN], rest)


def _stage(session: Session, stage_id: uuid.UUID) -> Stage:
    stage = get_live(session, Stage, stage_id, what="Stage")
    pipeline = session.get(Pipeline, stage.pipeline_id)
    if pipeline is None or pipeline.deleted_at is not None:
        raise NotFound("Stage not found (its pipeline was deleted)")
    return stage


def _open_stage(session: Session, stage_id: uuid.UUID, why: str) -> Stage:
    stage = _stage(session, stage_id)
    if stage.kind != StageKind.OPEN:
        raise ValidationError(f"“{stage.name}” is a closing stage: {why}", field="stage_id")
    return stage


def _unique_name(
    name: str, rows: Sequence[Pipeline | Stage | LostReason], *, clash: str, exclude: uuid.UUID | None = None
) -> str:
    """Trimmed, required, and not another row's name (ignoring case); `clash` words the refusal."""
    clean = v.require_text(name, field="name", model=Stage)  # pipelines, stages and reasons all allow 120
    taken = next((r.name for r in rows if r.name.casefold() == clean.casefold() and r.id != exclude), None)
    if taken is not None:
        raise ValidationError(clash.format(taken), field="name")
    return clean


def _probability(value: int) -> int:
    return v.check_int(value, field="probability", minimum=0, maximum=100)


def _rotting(value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ROTTING_DAYS:
        message = f"Rotting days must be a whole number from 1 to {MAX_ROTTING_DAYS}, or blank for never"
        raise ValidationError(message, field="rotting_days")
    return value


def _renumber(session: Session, opened: Sequence[Stage], stages: Sequence[Stage]) -> None:
    """Positions 0… for the open stages in this order, then Won, then Lost."""
    closing = sorted((s for s in stages if s.kind != StageKind.OPEN), key=lambda s: s.kind != StageKind.WON)
    _place(session, [*opened, *closing])


def _place(session: Session, ordered: Sequence[Stage | LostReason]) -> None:
    """Number the rows 0… in this order, writing only the ones that moved."""
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            session.add(row)
    session.flush()


def _shift(rows: list[T], row: T, offset: int) -> list[T]:
    """`rows` with `row` moved by `offset` places, stopping at either end."""
    v.check_int(offset, field="offset")
    index = rows.index(row)
    rows.insert(max(0, min(len(rows) - 1, index + offset)), rows.pop(index))
    return rows


def _live_deals(session: Session, where: object) -> tuple[int, int]:
    """(open, closed) live deals matching `where`."""
    stmt = select(col(Deal.status), func.count()).where(col(Deal.deleted_at).is_(None), where)  # type: ignore[arg-type]
    counts = {status: int(n) for status, n in session.exec(stmt.group_by(col(Deal.status)))}
    open_count = counts.pop(DealStatus.OPEN.value, 0)
    return open_count, sum(counts.values())


def _deals_phrase(open_count: int, closed_count: int) -> str:
    total = open_count + closed_count
    noun = "deal" if total == 1 else "deals"
    if open_count and closed_count:
        return f"{total} {noun} ({open_count} open, {closed_count} won or lost)"
    return f"{total} {'open' if open_count else 'won or lost'} {noun}"


# --- lost reasons -------------------------------------------------------------------------------------------
def add_lost_reason(*, session: Session, name: str) -> LostReason:
    """A new reason at the end of the list, active."""
    reasons = _reasons(session)
    reason = LostReason(name=_unique_name(name, reasons, clash=REASON_CLASH), position=len(reasons))
    session.add(reason)
    _place(session, [*reasons, reason])
    return reason


def rename_lost_reason(*, session: Session, reason_id: uuid.UUID, name: str) -> LostReason:
    """Give a reason a new name (deals lost for it keep pointing at it)."""
    reason = get_live(session, LostReason, reason_id, what="Lost reason")
    reason.name = _unique_name(name, _reasons(session), clash=REASON_CLASH, exclude=reason.id)
    session.add(reason)
    session.flush()
    return reason


def reorder_lost_reasons(*, session: Session, reason_ids: Sequence[uuid.UUID]) -> list[LostReason]:
    """Put the reasons in the given order (all of them, each once)."""
    by_id = {r.id: r for r in _reasons(session)}
    if len(reason_ids) != len(by_id) or set(reason_ids) != set(by_id):
        raise ValidationError("List every lost reason exactly once", field="reason_ids")
    ordered = [by_id[i] for i in reason_ids]
    _place(session, ordered)
    return ordered


def move_lost_reason(*, session: Session, reason_id: uuid.UUID, offset: int) -> LostReason:
    """Move a reason up (negative) or down (positive) in the pick list; past the ends it stops."""
    reason = get_live(session, LostReason, reason_id, what="Lost reason")
    _place(session, _shift(_reasons(session), reason, offset))
    return reason


def set_lost_reason_active(*, session: Session, reason_id: uuid.UUID, active: bool) -> LostReason:
    """Offer a reason when losing a deal, or stop offering it (past deals keep it; one must stay active)."""
    reason = get_live(session, LostReason, reason_id, what="Lost reason")
    if not isinstance(active, bool):
        raise ValidationError("Active must be yes or no", field="active")
    if not active and reason.active and not any(r.active and r.id != reason.id for r in _reasons(session)):
        raise Conflict(f"“{reason.name}” is the last active reason; losing a deal needs at least one.")
    if reason.active != active:
        reason.active = active
        session.add(reason)
        session.flush()
    return reason


def _reasons(session: Session) -> list[LostReason]:
    stmt = (
        select(LostReason)
        .where(col(LostReason.deleted_at).is_(None))
        .order_by(col(LostReason.position), col(LostReason.name), col(LostReason.id))
    )
    return list(session.exec(stmt))
