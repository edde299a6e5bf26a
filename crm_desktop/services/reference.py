"""Reference data every workspace starts with: the default pipeline, lost reasons, tiers, rewards.

Seed rows get deterministic ids (uuid5 of their name) instead of random UUIDv7, so two laptops that
each start empty and later sync converge on one "Sales" pipeline instead of two.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from crm_desktop.domain import LostReason, LoyaltyTier, Pipeline, Reward, Stage

SEED_NAMESPACE = uuid.UUID("7b1d3c2e-5f00-4c1e-9a57-c3d0e5a1f001")

DEFAULT_STAGES: tuple[tuple[str, int, str, int | None], ...] = (
    ("Qualification", 10, "open", 14),
    ("Needs analysis", 25, "open", 21),
    ("Proposal", 50, "open", 14),
    ("Negotiation", 80, "open", 10),
    ("Won", 100, "won", None),
    ("Lost", 0, "lost", None),
)
LOST_REASONS = (
    "Price", "Competitor", "Budget", "Timing", "No decision", "Missing feature", "Unresponsive", "Poor fit",
    "Other",
)  # fmt: skip
TIERS = (("Bronze", 0), ("Silver", 500), ("Gold", 2000), ("Platinum", 5000))
REWARDS = (
    ("Free coffee & pastry", 150, "Redeemable in store"),
    ("10 € voucher", 500, "Off any purchase over 30 €"),
    ("Free delivery for a year", 1200, "Standard delivery on every order"),
    ("Barista workshop", 2500, "Two-hour class for two"),
)


def seed_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}:{name}")


def ensure_reference_data(*, session: Session) -> None:
    """Create whatever reference data is missing (idempotent; journaled like any write)."""
    if session.exec(select(Pipeline)).first() is None:
        pipeline = Pipeline(id=seed_id("pipeline", "Sales"), name="Sales", position=0, is_default=True)
        session.add(pipeline)
        for position, (name, probability, kind, rotting) in enumerate(DEFAULT_STAGES):
            session.add(
                Stage(
                    id=seed_id("stage", f"Sales/{name}"), pipeline_id=pipeline.id, name=name, position=position,
                    probability=probability, kind=kind, rotting_days=rotting,
                )
            )  # fmt: skip
    if session.exec(select(LostReason)).first() is None:
        for position, name in enumerate(LOST_REASONS):
            session.add(LostReason(id=seed_id("lost_reason", name), name=name, position=position))
    if session.exec(select(LoyaltyTier)).first() is None:
        for position, (name, min_points) in enumerate(TIERS):
            session.add(LoyaltyTier(id=seed_id("tier", name), name=name, min_points=min_points, position=position))
    if session.exec(select(Reward)).first() is None:
        for name, cost, description in REWARDS:
            session.add(Reward(id=seed_id("reward", name), name=name, points_cost=cost, description=description))
    session.flush()
