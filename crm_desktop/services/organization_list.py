"""The organizations list of the Contacts tab: figures per organization and its deals, all in SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Deal, Organization, Stage
from crm_desktop.services import _validate as v
from crm_desktop.services.settings import get_setting


@dataclass(frozen=True)
class OrganizationListRow:
    """One line of the organizations table; the deal value sums open deals in the business currency."""

    id: uuid.UUID
    name: str
    domain: str | None
    industry: str | None
    city: str | None
    contact_count: int
    open_deals: int
    open_deal_value_cents: int
    currency: str


SORT_KEYS = ("name", "domain", "industry", "city", "contact_count", "open_deals", "open_deal_value_cents")
_NULLABLE = frozenset({"domain", "industry", "city"})


def _searched(stmt: Select[Any], search: str) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = [col(Organization.deleted_at).is_(None)]
    cleaned = "".join(ch if ch.isprintable() else " " for ch in search)
    for token in cleaned.split():
        pattern = v.like_pattern(token)
        fields = (col(Organization.name), col(Organization.domain), col(Organization.city))
        conditions.append(or_(*(c.ilike(pattern, escape="\\") for c in fields)))
    return stmt.where(*conditions)


def list_organization_rows(
    *,
    session: Session,
    search: str = "",
    sort_key: str = "name",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[OrganizationListRow]:
    """One page of live organizations with contact and open-deal figures, searched and sorted in SQL."""
    v.check_sort(sort_key, SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    currency = str(get_setting(session=session, key="currency"))
    contacts = (
        select(func.count())
        .where(col(Contact.organization_id) == col(Organization.id), col(Contact.deleted_at).is_(None))
        .correlate(Organization)
        .scalar_subquery()
    )
    live_open = (col(Deal.organization_id) == col(Organization.id), col(Deal.deleted_at).is_(None))
    deals = select(func.count()).where(*live_open, col(Deal.status) == "open").correlate(Organization)
    value = select(
        func.coalesce(func.sum(case((col(Deal.currency) == currency, col(Deal.value_cents)), else_=0)), 0)
    ).where(*live_open, col(Deal.status) == "open")
    open_deals, open_value = deals.scalar_subquery(), value.correlate(Organization).scalar_subquery()
    columns: dict[str, Any] = {
        "name": col(Organization.name),
        "domain": col(Organization.domain),
        "industry": col(Organization.industry),
        "city": col(Organization.city),
        "contact_count": contacts,
        "open_deals": open_deals,
        "open_deal_value_cents": open_value,
    }
    key = columns[sort_key].desc() if descending else columns[sort_key].asc()
    if sort_key in _NULLABLE:
        key = key.nulls_last()
    ties = [col(Organization.name), col(Organization.id)] if sort_key != "name" else [col(Organization.id)]
    stmt = select(  # type: ignore[call-overload]
        Organization.id, Organization.name, Organization.domain, Organization.industry, Organization.city,
        contacts, open_deals, open_value,
    ).select_from(Organization)  # fmt: skip
    stmt = _searched(stmt, search).order_by(key, *(t.desc() if descending else t.asc() for t in ties))
    return [
        OrganizationListRow(
            id=r[0], name=r[1], domain=r[2], industry=r[3], city=r[4], contact_count=int(r[5]),
            open_deals=int(r[6]), open_deal_value_cents=int(r[7] or 0), currency=currency,
        )
        for r in session.exec(stmt.offset(offset).limit(limit))
    ]  # fmt: skip


def count_organization_rows(*, session: Session, search: str = "") -> int:
    """How many organizations `list_organization_rows` pages through for the same search."""
    return int(session.exec(_searched(select(func.count()).select_from(Organization), search)).one())  # type: ignore[call-overload]


@dataclass(frozen=True)
class OrganizationDeal:
    """One deal of an organization, for the read-only list under the organizations table."""

    id: uuid.UUID
    title: str
    contact_name: str | None
    stage_name: str | None
    status: str
    value_cents: int
    currency: str
    expected_close: date | None


def organization_deals(*, session: Session, organization_id: uuid.UUID, limit: int = 200) -> list[OrganizationDeal]:
    """The organization's live deals (those its open-deal figures count), open ones first, newest first."""
    v.check_paging(offset=0, limit=limit)
    stmt = (
        select(  # type: ignore[call-overload]
            Deal.id, Deal.title, Contact.display_name, Stage.name, Deal.status, Deal.value_cents, Deal.currency,
            Deal.expected_close,
        )
        .select_from(Deal)
        .outerjoin(Contact, col(Contact.id) == col(Deal.contact_id))
        .outerjoin(Stage, col(Stage.id) == col(Deal.stage_id))
        .where(col(Deal.deleted_at).is_(None), col(Deal.organization_id) == organization_id)
        .order_by(case((col(Deal.status) == "open", 0), else_=1), col(Deal.created_at).desc(), col(Deal.id))
        .limit(limit)
    )  # fmt: skip
    return [
        OrganizationDeal(
            id=r[0], title=r[1], contact_name=r[2], stage_name=r[3], status=r[4], value_cents=int(r[5]),
            currency=r[6], expected_close=r[7],
        )
        for r in session.exec(stmt)
    ]  # fmt: skip
