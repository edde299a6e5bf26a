"""Organizations: companies and households that contacts belong to and deals are made with."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, case, func, or_
from sqlmodel import Field, Session, SQLModel, col, select

from crm_desktop.domain import Contact, Deal, Organization, User
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, moment, move_to_trash, restore_from_trash
from crm_desktop.services.settings import get_setting


class OrganizationInput(SQLModel):
    """What the organization dialog (or an import row) provides."""

    name: str
    website: str | None = None
    domain: str | None = None
    industry: str | None = None
    size: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    owner_id: uuid.UUID | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None
    external_ref: str | None = None
    custom: dict[str, Any] = Field(default_factory=dict)


_TEXT_FIELDS = frozenset({"industry", "size", "street", "city", "region", "postal_code", "notes", "external_ref"})


def domain_of(website: str | None) -> str | None:
    """The bare host of a web address: "https://www.Acme.com/about" → "acme.com"."""
    if not website:
        return None
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def _clean_website(value: Any) -> str | None:
    text = v.clean_text(value, field="website", model=Organization)
    if text is None:
        return None
    if any(c.isspace() for c in text) or "." not in (domain_of(text) or ""):
        raise ValidationError(f"{text!r} does not look like a web address (e.g. example.com)", field="website")
    return text if "//" in text else f"https://{text}"


def _clean_domain(value: Any) -> str | None:
    text = v.clean_text(value, field="domain", model=Organization)
    if text is None:
        return None
    domain = domain_of(text)
    if domain is None or "." not in domain:
        raise ValidationError(f"{text!r} is not a domain name (e.g. example.com)", field="domain")
    return domain


def clean_fields(session: Session, values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The organization fields named by `keys`, validated and normalized (shared with the organization import)."""
    cleaned: dict[str, Any] = {}
    for key in keys:
        value = values[key]
        if key == "name":
            cleaned[key] = v.require_text(value, field=key, model=Organization)
        elif key in _TEXT_FIELDS:
            cleaned[key] = v.clean_text(value, field=key, model=Organization)
        elif key == "website":
            cleaned[key] = _clean_website(value)
        elif key == "domain":
            cleaned[key] = _clean_domain(value)
        elif key == "phone":
            region = get_setting(session=session, key="default_region") if value else ""
            cleaned[key] = v.clean_phone(value, region=region)
        elif key == "country":
            cleaned[key] = v.check_country(value)
        elif key == "tags":
            cleaned[key] = v.clean_tags(value)
        elif key == "owner_id":
            v.check_ref(session, User, value, field=key, what="Owner")
            cleaned[key] = value
        elif key == "custom":
            cleaned[key] = v.check_custom(session, entity="organization", custom=value)
        else:
            cleaned[key] = value
    return cleaned


def create_organization(*, session: Session, data: OrganizationInput, at: datetime | None = None) -> Organization:
    """A new organization; the domain is taken from the website when not given."""
    when = moment(at)
    fields = data.model_dump()
    cleaned = clean_fields(session, fields, fields.keys())
    if cleaned["domain"] is None:
        cleaned["domain"] = domain_of(cleaned["website"])
    organization = Organization(**cleaned, created_at=when, updated_at=when)
    session.add(organization)
    session.flush()
    return organization


def update_organization(*, session: Session, organization_id: uuid.UUID, changes: Mapping[str, Any]) -> Organization:
    """Apply edited fields, validated like a new organization; unchanged fields are not written."""
    organization = get_live(session, Organization, organization_id, what="Organization")
    current = {name: getattr(organization, name) for name in OrganizationInput.model_fields}
    parsed = v.parse_input(OrganizationInput, {**current, **changes}).model_dump()
    cleaned = clean_fields(session, parsed, changes.keys())
    derived_before = organization.domain is None or organization.domain == domain_of(organization.website)
    if "website" in cleaned and "domain" not in changes and derived_before:
        cleaned["domain"] = domain_of(cleaned["website"])
    for name, value in cleaned.items():
        if getattr(organization, name) != value:
            setattr(organization, name, value)
    session.add(organization)
    session.flush()
    return organization


def delete_organization(*, session: Session, organization_id: uuid.UUID) -> None:
    """Move an organization to the Trash; its contacts and deals keep their link."""
    move_to_trash(session, Organization, organization_id, what="Organization")


def restore_organization(*, session: Session, organization_id: uuid.UUID) -> Organization:
    """Bring an organization back from the Trash (a no-op for a live one)."""
    return restore_from_trash(session, Organization, organization_id, what="Organization")


def get_organization(*, session: Session, organization_id: uuid.UUID, include_deleted: bool = False) -> Organization:
    """One organization; NotFound when missing or (unless asked for) in the Trash."""
    return get_live(session, Organization, organization_id, what="Organization", include_deleted=include_deleted)


@dataclass(frozen=True)
class OrganizationRow:
    """One line of the organizations table; deal value counts open deals in the business currency."""

    id: uuid.UUID
    name: str
    industry: str | None
    city: str | None
    phone: str | None
    contact_count: int
    open_deals: int
    open_deal_value_cents: int
    currency: str


ORGANIZATION_SORT_KEYS = (
    "name", "industry", "city", "phone", "contact_count", "open_deals", "open_deal_value_cents",
)  # fmt: skip


def _filters(search: str, deleted: bool) -> list[ColumnElement[bool]]:
    deleted_col = col(Organization.deleted_at)
    conditions: list[ColumnElement[bool]] = [deleted_col.is_not(None) if deleted else deleted_col.is_(None)]
    for token in search.split():
        pattern = v.like_pattern(token)
        conditions.append(
            or_(
                col(Organization.name).ilike(pattern, escape="\\"),
                col(Organization.domain).ilike(pattern, escape="\\"),
            )
        )
    return conditions


def list_organizations(
    *,
    session: Session,
    search: str = "",
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
    deleted: bool = False,
) -> list[OrganizationRow]:
    """One page of organizations with contact and open-deal figures, all computed in SQL."""
    v.check_sort(sort, ORGANIZATION_SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    currency = get_setting(session=session, key="currency")
    contact_count = (
        select(func.count())
        .where(col(Contact.organization_id) == col(Organization.id), col(Contact.deleted_at).is_(None))
        .correlate(Organization)
        .scalar_subquery()
    )
    deals = (
        select(
            col(Deal.organization_id).label("organization_id"),
            func.count().label("open_deals"),
            func.sum(case((col(Deal.currency) == currency, col(Deal.value_cents)), else_=0)).label("value"),
        )
        .where(col(Deal.deleted_at).is_(None), col(Deal.status) == "open", col(Deal.organization_id).is_not(None))
        .group_by(col(Deal.organization_id))
        .subquery()
    )
    open_deals = func.coalesce(deals.c.open_deals, 0)
    open_value = func.coalesce(deals.c.value, 0)
    columns: dict[str, Any] = {
        "name": col(Organization.name),
        "industry": col(Organization.industry),
        "city": col(Organization.city),
        "phone": col(Organization.phone),
        "contact_count": contact_count,
        "open_deals": open_deals,
        "open_deal_value_cents": open_value,
    }
    column = columns[sort]
    key = column.desc() if descending else column.asc()
    if sort in ("industry", "city", "phone"):
        key = key.nulls_last()
    tie = col(Organization.id).desc() if descending else col(Organization.id).asc()
    stmt = (
        select(  # type: ignore[call-overload]
            Organization.id, Organization.name, Organization.industry, Organization.city, Organization.phone,
            contact_count, open_deals, open_value,
        )
        .select_from(Organization)
        .outerjoin(deals, deals.c.organization_id == col(Organization.id))
        .where(*_filters(search, deleted))
        .order_by(key, tie)
        .offset(offset)
        .limit(limit)
    )  # fmt: skip
    return [
        OrganizationRow(
            id=r[0], name=r[1], industry=r[2], city=r[3], phone=r[4], contact_count=int(r[5]),
            open_deals=int(r[6]), open_deal_value_cents=int(r[7]), currency=currency,
        )
        for r in session.exec(stmt)
    ]  # fmt: skip


def count_organizations(*, session: Session, search: str = "", deleted: bool = False) -> int:
    """How many organizations `list_organizations` would page through with the same search."""
    stmt = select(func.count()).select_from(Organization).where(*_filters(search, deleted))
    return int(session.exec(stmt).one())
