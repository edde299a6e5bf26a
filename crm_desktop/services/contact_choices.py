"""What the contacts filter bar offers: team members, sources, campaigns and tags in use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from crm_desktop.domain import Campaign, Contact, User


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers: owners, sources and campaigns in use (tags load on demand)."""

    owners: list[tuple[uuid.UUID, str]]
    sources: list[str]
    campaigns: list[tuple[uuid.UUID, str]]


def filter_choices(*, session: Session) -> FilterChoices:
    """Owners (active team members), sources used by live contacts, and campaigns, each sorted by name."""
    owners = session.exec(
        select(User.id, User.name).where(col(User.deleted_at).is_(None)).order_by(col(User.name))
    ).all()
    sources = session.exec(
        select(Contact.source).where(col(Contact.source).is_not(None)).distinct().order_by(col(Contact.source))
    ).all()
    campaigns = session.exec(
        select(Campaign.id, Campaign.name).where(col(Campaign.deleted_at).is_(None)).order_by(col(Campaign.name))
    ).all()
    return FilterChoices(
        owners=[(r[0], r[1]) for r in owners],
        sources=[s for s in sources if s],
        campaigns=[(r[0], r[1]) for r in campaigns],
    )


def tags_in_use(*, session: Session, limit: int = 500) -> list[tuple[str, int]]:
    """Tags on live contacts with how many carry each, most used first (ties by name)."""
    items = func.json_each(col(Contact.tags)).table_valued("value")
    tag = items.c.value
    stmt = (
        select(func.min(tag), func.count())
        .select_from(Contact)
        .join(items, true())
        .where(col(Contact.deleted_at).is_(None), func.json_array_length(col(Contact.tags)) > 0)
        .group_by(tag.collate("NOCASE"))
        .order_by(func.count().desc(), func.min(tag))
        .limit(limit)
    )
    return [(str(r[0]), int(r[1])) for r in session.exec(stmt)]
