"""Deals: open, move through the pipeline, win (purchase, points, onboarding) or lose with a reason.

Pipeline reads and the kanban board live in `board.py` and are re-exported here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from crm_desktop.domain import (
    Campaign,
    Contact,
    Deal,
    DealLine,
    DealStageChange,
    LostReason,
    Organization,
    Pipeline,
    Purchase,
    Stage,
    Task,
    User,
)
from crm_desktop.domain.enums import DealStatus, LifecycleStage, StageKind
from crm_desktop.domain.errors import Conflict, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live, moment, move_to_trash, restore_from_trash
from crm_desktop.services.board import (
    DealCard,
    StageColumn,
    board,
    deal_summary,
    default_pipeline,
    list_lost_reasons,
    list_pipelines,
    list_stages,
    resolve_pipeline,
)
from crm_desktop.services.contacts import set_lifecycle_stage
from crm_desktop.services.loyalty import record_purchase
from crm_desktop.services.settings import get_setting

__all__ = [
    "DealCard", "StageColumn", "board", "change_pipeline", "create_deal", "deal_summary", "default_pipeline",
    "delete_deal", "get_deal", "list_lost_reasons", "list_pipelines", "list_stages", "lose_deal", "move_deal",
    "reopen_deal", "restore_deal", "update_deal", "win_deal",
]  # fmt: skip

_BEFORE_OPPORTUNITY = (LifecycleStage.SUBSCRIBER.value, LifecycleStage.LEAD.value)


def _stage_of_kind(session: Session, pipeline: Pipeline, kind: StageKind) -> Stage:
    for stage in list_stages(session=session, pipeline_id=pipeline.id):
        if stage.kind == kind:
            return stage
    raise Conflict(f"The pipeline {pipeline.name!r} has no {kind.value} stage; add one in the pipeline settings")


def _enter_stage(session: Session, deal: Deal, stage: Stage, at: datetime) -> None:
    """Put the deal in a stage and record it in the stage ledger."""
    session.add(
        DealStageChange(deal_id=deal.id, from_stage_id=deal.stage_id, to_stage_id=stage.id, at=at,
                        user_id=acting_user_id(session))
    )  # fmt: skip
    deal.stage_id = stage.id
    deal.stage_entered_at = at


def _check_fields(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable deal fields present in `values`, returning them cleaned."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key == "title":
            cleaned[key] = v.require_text(value, field=key, model=Deal)
        elif key in ("source", "notes"):
            cleaned[key] = v.clean_text(value, field=key, model=Deal)
        elif key == "value_cents":
            cleaned[key] = v.check_int(value, field=key, minimum=0)
        elif key == "currency":
            cleaned[key] = v.check_currency(value or get_setting(session=session, key="currency"))
        elif key == "probability":
            cleaned[key] = None if value is None else v.check_int(value, field=key, minimum=0, maximum=100)
        elif key == "expected_close":
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise ValidationError("Expected close must be a date", field=key)
            cleaned[key] = value
        elif key in _REFS:
            model, what = _REFS[key]
            v.check_ref(session, model, value, field=key, what=what)
            cleaned[key] = value
        else:
            raise ValidationError(f"unknown field {key!r}", field=key)
    return cleaned


_REFS: dict[str, tuple[type[Any], str]] = {
    "contact_id": (Contact, "Contact"),
    "organization_id": (Organization, "Organization"),
    "owner_id": (User, "Owner"),
    "campaign_id": (Campaign, "Campaign"),
}
EDITABLE_FIELDS = frozenset({"title", "source", "notes", "value_cents", "currency", "probability", "expected_close"})
EDITABLE_FIELDS |= frozenset(_REFS)


def create_deal(
    *,
    session: Session,
    title: str,
    contact_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    value_cents: int = 0,
    currency: str | None = None,
    expected_close: date | None = None,
    probability: int | None = None,
    owner_id: uuid.UUID | None = None,
    source: str | None = None,
    campaign_id: uuid.UUID | None = None,
    notes: str | None = None,
    at: datetime | None = None,
) -> Deal:
    """A new open deal in the given (or first open) stage, owned by the acting user unless said otherwise.

    A lead (or subscriber) it names becomes an opportunity; the organization defaults to the contact's.
    """
    when = moment(at)
    fields = _check_fields(
        session,
        {"title": title, "contact_id": contact_id, "organization_id": organization_id,
         "value_cents": value_cents, "currency": currency, "expected_close": expected_close,
         "probability": probability, "owner_id": owner_id, "source": source, "campaign_id": campaign_id,
         "notes": notes},
    )  # fmt: skip
    if stage_id is not None:
        stage = get_live(session, Stage, stage_id, what="Stage")
        pipeline = resolve_pipeline(session, pipeline_id or stage.pipeline_id)
        if stage.pipeline_id != pipeline.id:
            raise ValidationError(f"The stage {stage.name!r} belongs to another pipeline", field="stage_id")
        if stage.kind != StageKind.OPEN:
            raise ValidationError("A new deal starts in an open stage; win or lose it afterwards", field="stage_id")
    else:
        pipeline = resolve_pipeline(session, pipeline_id)
        stage = _stage_of_kind(session, pipeline, StageKind.OPEN)
    fields["owner_id"] = fields["owner_id"] or acting_user_id(session)
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if fields["organization_id"] is None and contact is not None:
        fields["organization_id"] = contact.organization_id
    deal = Deal(
        **fields, pipeline_id=pipeline.id, stage_id=stage.id, status=DealStatus.OPEN.value,
        stage_entered_at=when, created_at=when, updated_at=when,
    )  # fmt: skip
    session.add(deal)
    session.add(DealStageChange(deal_id=deal.id, to_stage_id=stage.id, at=when, user_id=acting_user_id(session)))
    _make_opportunity(session, contact_id, when)
    session.flush()
    return deal


def _make_opportunity(session: Session, contact_id: uuid.UUID | None, at: datetime) -> None:
    """A lead (or subscriber) with an open deal is an opportunity."""
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if contact is not None and contact.lifecycle_stage in _BEFORE_OPPORTUNITY:
        set_lifecycle_stage(session=session, contact_id=contact.id, stage=LifecycleStage.OPPORTUNITY.value, at=at)


def get_deal(*, session: Session, deal_id: uuid.UUID, include_deleted: bool = False) -> Deal:
    """One deal; NotFound when missing or (unless asked for) in the Trash."""
    return get_live(session, Deal, deal_id, what="Deal", include_deleted=include_deleted)


def update_deal(*, session: Session, deal_id: uuid.UUID, changes: Mapping[str, Any]) -> Deal:
    """Edit a deal's details (stage and status change only through move, win and lose).

    A deal with lines takes its value from them, so a different value is refused rather than let the two drift.
    """
    deal = get_deal(session=session, deal_id=deal_id)
    cleaned = _check_fields(session, dict(changes))
    if cleaned.get("value_cents", deal.value_cents) != deal.value_cents and _has_lines(session, deal.id):
        raise ValidationError("This deal's value is the sum of its lines; edit the lines instead", field="value_cents")
    for name, value in cleaned.items():
        if getattr(deal, name) != value:
            setattr(deal, name, value)
    session.add(deal)
    if "contact_id" in changes and deal.status == DealStatus.OPEN:
        _make_opportunity(session, deal.contact_id, moment(None))
    session.flush()
    return deal


def _has_lines(session: Session, deal_id: uuid.UUID) -> bool:
    stmt = select(DealLine.id).where(col(DealLine.deal_id) == deal_id, col(DealLine.deleted_at).is_(None))
    return session.exec(stmt.limit(1)).first() is not None


def _open_deal(session: Session, deal_id: uuid.UUID) -> Deal:
    deal = get_deal(session=session, deal_id=deal_id)
    if deal.status != DealStatus.OPEN:
        raise Conflict(f"{deal.title!r} is already {deal.status}; reopen it first")
    return deal


def move_deal(*, session: Session, deal_id: uuid.UUID, stage_id: uuid.UUID, at: datetime | None = None) -> Deal:
    """Move an open deal to another stage of its pipeline (to the won stage: wins it)."""
    deal = _open_deal(session, deal_id)
    stage = get_live(session, Stage, stage_id, what="Stage")
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError(f"The stage {stage.name!r} belongs to another pipeline", field="stage_id")
    if stage.kind == StageKind.WON:
        win_deal(session=session, deal_id=deal.id, at=at)
        return deal
    if stage.kind == StageKind.LOST:
        raise ValidationError("Choose why the deal was lost (use Lose deal…)", field="reason_id")
    if stage.id != deal.stage_id:
        _enter_stage(session, deal, stage, moment(at))
        session.add(deal)
        session.flush()
    return deal


def change_pipeline(
    *,
    session: Session,
    deal_id: uuid.UUID,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Deal:
    """Move an open deal to another pipeline, into `stage_id` (an open stage of that pipeline) or its first open
    stage; the stage ledger records the move like any other."""
    deal = get_deal(session=session, deal_id=deal_id)
    if deal.status != DealStatus.OPEN:
        raise Conflict(f"{deal.title!r} is already {deal.status}; only open deals move to another pipeline")
    pipeline = get_live(session, Pipeline, pipeline_id, what="Pipeline")
    if stage_id is None:
        stage = _stage_of_kind(session, pipeline, StageKind.OPEN)
    else:
        stage = get_live(session, Stage, stage_id, what="Stage")
        if stage.pipeline_id != pipeline.id:
            raise ValidationError(f"The stage {stage.name!r} belongs to another pipeline", field="stage_id")
        if stage.kind != StageKind.OPEN:
            raise ValidationError("A deal moves into an open stage; win or lose it afterwards", field="stage_id")
    if pipeline.id == deal.pipeline_id and stage.id == deal.stage_id:
        return deal
    _enter_stage(session, deal, stage, moment(at))
    deal.pipeline_id = pipeline.id
    session.add(deal)
    session.flush()
    return deal


def win_deal(*, session: Session, deal_id: uuid.UUID, at: datetime | None = None) -> Purchase:
    """Close a deal as won: the sale is recorded (with the deal's lines, taken out of stock), points awarded,
    and onboarding tasks created."""
    from crm_desktop.services.deal_lines import sale_lines, take_from_stock  # deal_lines builds on this module

    deal = _open_deal(session, deal_id)
    if deal.contact_id is None:
        raise ValidationError("Link a contact before winning the deal", field="contact_id")
    if deal.value_cents <= 0:
        raise ValidationError("Enter the deal's value before winning it", field="value_cents")
    when = moment(at)
    pipeline = get_live(session, Pipeline, deal.pipeline_id, what="Pipeline", include_deleted=True)
    _enter_stage(session, deal, _stage_of_kind(session, pipeline, StageKind.WON), when)
    deal.status = DealStatus.WON.value
    deal.won_at = when
    session.add(deal)
    purchase = record_purchase(
        session=session, contact_id=deal.contact_id, amount_cents=deal.value_cents, currency=deal.currency,
        occurred_at=when, channel="deal", deal_id=deal.id, note=deal.title,
        lines=sale_lines(session=session, deal_id=deal.id),
    )  # fmt: skip
    take_from_stock(session=session, deal_id=deal.id)
    for item in get_setting(session=session, key="onboarding_checklist"):
        session.add(
            Task(
                title=str(item["title"])[:300], due_at=when + timedelta(days=int(item.get("due_days", 0))),
                contact_id=deal.contact_id, organization_id=deal.organization_id, deal_id=deal.id,
                assignee_id=deal.owner_id or acting_user_id(session), created_at=when, updated_at=when,
            )
        )  # fmt: skip
    session.flush()
    return purchase


def lose_deal(
    *,
    session: Session,
    deal_id: uuid.UUID,
    reason_id: uuid.UUID,
    note: str | None = None,
    at: datetime | None = None,
) -> Deal:
    """Close a deal as lost, saying why (the reason feeds the win/loss report)."""
    deal = _open_deal(session, deal_id)
    if reason_id is None:
        raise ValidationError("Choose why the deal was lost", field="reason_id")
    v.check_ref(session, LostReason, reason_id, field="reason_id", what="Lost reason")
    when = moment(at)
    pipeline = get_live(session, Pipeline, deal.pipeline_id, what="Pipeline", include_deleted=True)
    _enter_stage(session, deal, _stage_of_kind(session, pipeline, StageKind.LOST), when)
    deal.status = DealStatus.LOST.value
    deal.lost_at = when
    deal.lost_reason_id = reason_id
    deal.lost_note = v.clean_text(note, field="note")
    session.add(deal)
    session.flush()
    return deal


def reopen_deal(
    *, session: Session, deal_id: uuid.UUID, stage_id: uuid.UUID | None = None, at: datetime | None = None
) -> Deal:
    """Put a lost deal back on the board (in the given stage or the one it was lost from)."""
    deal = get_deal(session=session, deal_id=deal_id)
    if deal.status == DealStatus.WON:
        raise Conflict(f"{deal.title!r} was won and its sale recorded; create a new deal instead")
    if deal.status == DealStatus.OPEN:
        return deal
    if stage_id is None:
        stmt = (
            select(DealStageChange.from_stage_id)
            .where(DealStageChange.deal_id == deal.id, DealStageChange.to_stage_id == deal.stage_id)
            .where(col(DealStageChange.deleted_at).is_(None))  # an undone move is no longer history
            .order_by(col(DealStageChange.at).desc(), col(DealStageChange.id).desc())
        )
        stage_id = session.exec(stmt).first()
    stage = session.get(Stage, stage_id) if stage_id is not None else None
    if (
        stage is None
        or stage.deleted_at is not None
        or stage.kind != StageKind.OPEN
        or stage.pipeline_id != deal.pipeline_id
    ):
        pipeline = get_live(session, Pipeline, deal.pipeline_id, what="Pipeline", include_deleted=True)
        stage = _stage_of_kind(session, pipeline, StageKind.OPEN)
    _enter_stage(session, deal, stage, moment(at))
    deal.status = DealStatus.OPEN.value
    deal.lost_at = None
    deal.lost_reason_id = None
    deal.lost_note = None
    session.add(deal)
    session.flush()
    return deal


def delete_deal(*, session: Session, deal_id: uuid.UUID) -> None:
    """Move a deal to the Trash."""
    move_to_trash(session, Deal, deal_id, what="Deal")


def restore_deal(*, session: Session, deal_id: uuid.UUID, at: datetime | None = None) -> Deal:
    """Bring a deal back from the Trash (a live one is left as it is).

    If its stage was deleted meanwhile (or its whole pipeline), it comes back in the first stage of its kind —
    the first open one for an open deal — of its pipeline, or of the default pipeline when that is gone too,
    recorded in the stage ledger; otherwise it would be live yet on no board.
    """
    deal = restore_from_trash(session, Deal, deal_id, what="Deal")
    stage = session.get(Stage, deal.stage_id)
    pipeline = session.get(Pipeline, deal.pipeline_id)
    if pipeline is None or pipeline.deleted_at is not None:
        pipeline = default_pipeline(session=session)
    elif stage is not None and stage.deleted_at is None and stage.pipeline_id == pipeline.id:
        return deal
    kind = {DealStatus.WON.value: StageKind.WON, DealStatus.LOST.value: StageKind.LOST}.get(deal.status, StageKind.OPEN)
    _enter_stage(session, deal, _stage_of_kind(session, pipeline, kind), moment(at))
    deal.pipeline_id = pipeline.id
    session.add(deal)
    session.flush()
    return deal
