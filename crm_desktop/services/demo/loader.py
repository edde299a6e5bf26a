"""Writes a generated demo business into a workspace: one transaction, journaled, cancellable."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.domain import (
    Activity,
    Campaign,
    Case,
    CaseEvent,
    Contact,
    ContactChannel,
    Deal,
    DealLine,
    DealStageChange,
    Feedback,
    LeadStatusChange,
    LifecycleChange,
    LostReason,
    Organization,
    Pipeline,
    PointsEntry,
    Product,
    Purchase,
    PurchaseLine,
    Referral,
    Reward,
    Stage,
    Subscription,
    Task,
    User,
)
from crm_desktop.domain.errors import Cancelled, Conflict, ValidationError
from crm_desktop.services.demo.catalog import BUSINESS_NAME
from crm_desktop.services.demo.generator import generate
from crm_desktop.services.demo.world import SIZES, Size, Stages, World
from crm_desktop.services.reference import ensure_reference_data
from crm_desktop.services.settings import set_setting
from crm_desktop.store import Database, bulk, fts

BATCH = 5_000
SETTINGS = {
    "business_name": BUSINESS_NAME,
    "currency": "EUR",
    "timezone": "Europe/Berlin",
    "locale": "en_GB",
    "default_region": "DE",
}
BIG = 200_000  # above this many contacts, emails are not checked for uniqueness (bounded memory)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demo wrote."""

    users: int = 0
    products: int = 0
    campaigns: int = 0
    organizations: int = 0
    contacts: int = 0
    contact_channels: int = 0
    lead_status_changes: int = 0
    lifecycle_changes: int = 0
    deals: int = 0
    deal_lines: int = 0
    deal_stage_changes: int = 0
    purchases: int = 0
    purchase_lines: int = 0
    subscriptions: int = 0
    points_entries: int = 0
    referrals: int = 0
    cases: int = 0
    case_events: int = 0
    feedback: int = 0
    activities: int = 0
    tasks: int = 0
    settings: int = 0

    @property
    def total(self) -> int:
        """All rows written."""
        return sum(getattr(self, f.name) for f in fields(self))


FIELD_OF: dict[type, str] = {
    User: "users",
    Product: "products",
    Campaign: "campaigns",
    Organization: "organizations",
    Contact: "contacts",
    ContactChannel: "contact_channels",
    LeadStatusChange: "lead_status_changes",
    LifecycleChange: "lifecycle_changes",
    Deal: "deals",
    DealLine: "deal_lines",
    DealStageChange: "deal_stage_changes",
    Purchase: "purchases",
    PurchaseLine: "purchase_lines",
    Subscription: "subscriptions",
    PointsEntry: "points_entries",
    Referral: "referrals",
    Case: "cases",
    CaseEvent: "case_events",
    Feedback: "feedback",
    Activity: "activities",
    Task: "tasks",
}


def populate(
    *,
    db: Database,
    size: Size = "small",
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[float, str], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill an empty workspace with a reproducible demo business (same seed and day, same data)."""
    if size not in SIZES:
        raise ValidationError(f"unknown demo size {size!r}; choose small, large or huge", field="size")
    report = progress or _quiet
    cancelled = should_cancel or _never
    counts: Counter[str] = Counter()
    with db.bulk_session() as session:
        existing = session.exec(select(func.count()).select_from(Contact)).one()
        if existing:
            raise Conflict(
                f"This database already holds {existing:,} contact{'s' if existing != 1 else ''} (counting the "
                "Trash). The demo business only fills an empty database: create a new one (File → New "
                "database) to try it."
            )
        report(0.0, "Preparing the demo business")
        world = _world(session, db, size, seed, today or date.today())
        for key, value in SETTINGS.items():
            set_setting(session=session, key=key, value=value)
        counts["settings"] = len(SETTINGS)
        before = 0.0
        with bulk.bulk_load(session):
            for label, rows, done in generate(world):
                total, written = rows.count(), 0
                for model, batch in rows.items():
                    for start in range(0, len(batch), BATCH):
                        _check(cancelled)
                        part = batch[start : start + BATCH]
                        bulk.bulk_insert(session, model, part, refresh_index=False)
                        written += len(part)
                        report(before + (done - before) * written / total, label)
                    counts[FIELD_OF[model]] += len(batch)
                before = done
            report(before, "Building indexes")
        _check(cancelled)
        report(0.93, "Building the search index")
        fts.rebuild(session.connection())
        _check(cancelled)
        report(0.97, "Saving")
    report(1.0, "Demo business ready")
    return DemoSummary(**counts)


def _world(session: Session, db: Database, size: str, seed: int, today: date) -> World:
    """The generation state, wired to this workspace's team member and reference data."""
    ensure_reference_data(session=session)
    pipeline = session.exec(
        select(Pipeline)
        .where(col(Pipeline.deleted_at).is_(None))
        .order_by(col(Pipeline.is_default).desc(), Pipeline.position)
    ).first()
    if pipeline is None:
        raise Conflict("The workspace has no sales pipeline; the demo needs one")
    stages = session.exec(
        select(Stage).where(Stage.pipeline_id == pipeline.id, col(Stage.deleted_at).is_(None)).order_by(Stage.position)
    ).all()
    open_stages = [s for s in stages if s.kind == "open"]
    won = next((s for s in stages if s.kind == "won"), None)
    lost = next((s for s in stages if s.kind == "lost"), None)
    if not open_stages or won is None or lost is None:
        raise Conflict(f"The pipeline {pipeline.name!r} needs an open, a won and a lost stage for the demo")
    reasons = {r.name: r.id for r in session.exec(select(LostReason).where(col(LostReason.deleted_at).is_(None)))}
    fallback = next(iter(reasons.values()), None)
    rewards = session.exec(
        select(Reward).where(col(Reward.deleted_at).is_(None), col(Reward.active)).order_by(Reward.points_cost)
    ).all()
    world = World.create(
        SIZES[size],
        seed,
        today,
        me=uuid.UUID(db.user_id),
        stages=Stages(pipeline.id, [s.id for s in open_stages], won.id, lost.id),
        lost_reasons=_ReasonIds(reasons, fallback),
        rewards=[(r.id, r.points_cost) for r in rewards],
    )
    if world.profile.contacts > BIG:
        world.emails = None
    return world


class _ReasonIds(dict[str, Any]):
    """Lost reason ids by name; a name the user deleted falls back to any remaining reason."""

    def __init__(self, ids: dict[str, uuid.UUID], fallback: uuid.UUID | None) -> None:
        super().__init__(ids)
        self.fallback = fallback

    def __missing__(self, key: str) -> uuid.UUID | None:
        """Any remaining reason for a name that is gone."""
        return self.fallback


def _check(cancelled: Callable[[], bool]) -> None:
    """Stop (the session rolls everything back) when the user pressed Cancel."""
    if cancelled():
        raise Cancelled("Creating the demo business was cancelled; nothing was saved")


def _quiet(fraction: float, message: str) -> None:
    """Progress sink when nobody listens."""


def _never() -> bool:
    """Cancel check when nobody can cancel."""
    return False
