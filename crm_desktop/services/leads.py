"""Working leads (DESIGN §1, acquisition): Open → Contacted → Qualified / Unqualified, the leads board, and
turning a qualified lead into a deal.

A lead is a live contact at lifecycle stage subscriber or lead. Converting one opens a deal and makes the
contact an opportunity, so it leaves the board; its lead status stays "qualified" as the record of how it got
there. Every status change and stage move is written to its ledger by the contact and deal services.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Campaign, Contact, Deal, LeadStatusChange, Organization, User
from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.domain.errors import Conflict, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live
from crm_desktop.services.contacts import set_lead_status
from crm_desktop.services.deals import create_deal
from crm_desktop.services.users import initials
from crm_desktop.store.fts import contact_id_filter

LEAD_STAGES = (LifecycleStage.SUBSCRIBER.value, LifecycleStage.LEAD.value)
BOARD_STATUSES = tuple(s.value for s in LeadStatus)  # open, contacted, qualified, unqualified: board order
STATUS_LABELS = {"open": "Open", "contacted": "Contacted", "qualified": "Qualified", "unqualified": "Unqualified"}
_CONTACT_ID = cast("ColumnElement[object]", Contact.id)


@dataclass(frozen=True)
class LeadCard:
    """What one card of the leads board shows."""

    id: uuid.UUID
    display_name: str
    organization_name: str | None
    email: str | None
    phone: str | None
    source: str | None
    owner_initials: str
    created_at: datetime
    status_since: datetime | None  # when the lead reached its current status (None: no recorded change)
    updated_at: datetime  # the board's order, and the cursor for the next page
    status: str  # the column it sits in (open when none was recorded)


@dataclass(frozen=True)
class LeadColumn:
    """One status column of the leads board: how many leads it holds and its first cards (recently updated first)."""

    status: str
    label: str
    count: int
    cards: list[LeadCard]


def _stage_phrase(stage: str) -> str:
    return {"opportunity": "an opportunity", "customer": "a customer", "churned": "a former customer"}.get(
        stage, f"marked as {stage}"
    )


def move_lead(*, session: Session, contact_id: uuid.UUID, status: str, at: datetime | None = None) -> Contact:
    """Move a lead to open, contacted, qualified or unqualified, with its ledger row.

    Any status may follow any other (people correct mistakes), but only leads have one to move: a contact
    that is already an opportunity or a customer has been converted.
    """
    contact = get_live(session, Contact, contact_id, what="Contact")
    checked = v.check_choice(status, LeadStatus, field="lead_status")
    if checked != contact.lead_status and contact.lifecycle_stage not in LEAD_STAGES:
        raise Conflict(
            f"{contact.display_name} is already {_stage_phrase(contact.lifecycle_stage)}, so the lead status "
            "can no longer change. Set the lifecycle stage back to lead first if this was a mistake."
        )
    return set_lead_status(session=session, contact_id=contact.id, status=checked, at=at)


def _lead_filters(owner_id: uuid.UUID | None, search: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        col(Contact.deleted_at).is_(None),
        col(Contact.lifecycle_stage).in_(LEAD_STAGES),
    ]
    if owner_id is not None:
        conditions.append(col(Contact.owner_id) == owner_id)
    match = contact_id_filter(search.strip(), _CONTACT_ID)
    if match is not None:
        conditions.append(match)
    return conditions


def _status_is(status: str) -> ColumnElement[bool]:
    """Leads without a recorded status (old imports) sit in Open, where every lead starts."""
    column = col(Contact.lead_status)
    return or_(column == status, column.is_(None)) if status == LeadStatus.OPEN.value else column == status


def leads_by_status(
    *,
    session: Session,
    owner_id: uuid.UUID | None = None,
    search: str = "",
    limit_per_status: int = 50,
    limits: Mapping[str, int] | None = None,
) -> list[LeadColumn]:
    """The leads board: per status the number of leads and its first cards, most recently updated first.

    `limits` overrides `limit_per_status` for some statuses (a board reload keeps what was scrolled in);
    `lead_cards` pages further down one column. Everything is filtered, counted and paged in SQL.
    """
    v.check_paging(offset=0, limit=limit_per_status)
    for limit in (limits or {}).values():
        v.check_paging(offset=0, limit=limit)
    conditions = _lead_filters(owner_id, search)
    status = func.coalesce(col(Contact.lead_status), LeadStatus.OPEN.value)
    counts: dict[str, int] = {
        str(s): int(n)
        for s, n in session.exec(select(status, func.count()).where(*conditions).group_by(status))  # type: ignore[call-overload]
    }
    columns: list[LeadColumn] = []
    for board_status in BOARD_STATUSES:
        limit = (limits or {}).get(board_status, limit_per_status)
        cards = _cards(session, conditions, board_status, None, limit)
        label = STATUS_LABELS.get(board_status, board_status.capitalize())
        columns.append(LeadColumn(board_status, label, counts.get(board_status, 0), cards))
    return columns


def lead_cards(
    *,
    session: Session,
    status: str,
    owner_id: uuid.UUID | None = None,
    search: str = "",
    after: LeadCard | None = None,
    limit: int = 50,
) -> list[LeadCard]:
    """The next page of one status column, after the card `after` (keyset paging: fast at any depth)."""
    checked = v.check_choice(status, LeadStatus, field="lead_status")
    v.check_paging(offset=0, limit=limit)
    return _cards(session, _lead_filters(owner_id, search), checked, after, limit)


def _cards(
    session: Session, conditions: list[ColumnElement[bool]], status: str, after: LeadCard | None, limit: int
) -> list[LeadCard]:
    """One column's cards in board order (updated_at, id descending), starting after `after`."""
    updated, contact_id = col(Contact.updated_at), col(Contact.id)
    where = [*conditions, _status_is(status)]
    if after is not None:  # rows strictly after the cursor in (updated_at desc, id desc) order
        where += [updated <= after.updated_at, ~and_(updated == after.updated_at, contact_id >= after.id)]
    stmt = (
        select(  # type: ignore[call-overload]
            Contact.id, Contact.display_name, Organization.name, Contact.email, Contact.phone, Contact.source,
            User.name, Contact.created_at, Contact.updated_at, Contact.lead_status,
        )
        .select_from(Contact)
        .outerjoin(Organization, col(Organization.id) == col(Contact.organization_id))
        .outerjoin(User, col(User.id) == col(Contact.owner_id))
        .where(*where)
        .order_by(updated.desc(), contact_id.desc())
        .limit(limit)
    )  # fmt: skip
    rows = list(session.exec(stmt))
    since = _status_since(session, [r[0] for r in rows])
    return [
        LeadCard(
            id=r[0], display_name=r[1], organization_name=r[2], email=r[3], phone=r[4], source=r[5],
            owner_initials=initials(r[6]) if r[6] else "", created_at=r[7], status_since=since.get(r[0]),
            updated_at=r[8], status=r[9] or LeadStatus.OPEN.value,
        )
        for r in rows
    ]  # fmt: skip


def _status_since(session: Session, contact_ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When each of these leads last changed status (one indexed query for the cards shown)."""
    if not contact_ids:
        return {}
    stmt = (
        select(col(LeadStatusChange.contact_id), func.max(col(LeadStatusChange.at)))
        .where(col(LeadStatusChange.contact_id).in_(contact_ids), col(LeadStatusChange.deleted_at).is_(None))
        .group_by(col(LeadStatusChange.contact_id))
    )
    return {contact_id: at for contact_id, at in session.exec(stmt)}  # type: ignore[call-overload]


def _live(session: Session, model: type[Any], row_id: uuid.UUID | None) -> Any:
    row = session.get(model, row_id) if row_id is not None else None
    return row if row is not None and row.deleted_at is None else None


def convert_to_deal(
    *,
    session: Session,
    contact_id: uuid.UUID,
    title: str | None = None,
    value_cents: int = 0,
    currency: str | None = None,
    pipeline_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Deal:
    """Turn a qualified lead into a deal in the first open stage of the (default) pipeline.

    The deal gets its first stage-ledger row, the lead's organization, source and campaign, and its owner
    (unless another is named); the contact becomes an opportunity, recorded in the lifecycle ledger.
    """
    contact = get_live(session, Contact, contact_id, what="Contact")
    if contact.lifecycle_stage not in LEAD_STAGES:
        raise ValidationError(
            f"{contact.display_name} is already {_stage_phrase(contact.lifecycle_stage)}: only leads are "
            "converted. Open a new deal on the Pipeline instead.",
            field="contact_id",
        )
    if contact.lead_status != LeadStatus.QUALIFIED.value:
        now = STATUS_LABELS.get(contact.lead_status or "", "without a status").lower()
        raise ValidationError(
            f"Only qualified leads can be converted to a deal, and {contact.display_name} is {now}. "
            "Qualify the lead first.",
            field="lead_status",
        )
    organization = _live(session, Organization, contact.organization_id)
    if title is None:
        title = f"{organization.name} – {contact.display_name}" if organization else contact.display_name
        title = title[:300]
    owner = owner_id or (contact.owner_id if _live(session, User, contact.owner_id) else None)
    campaign = _live(session, Campaign, contact.campaign_id)
    return create_deal(
        session=session, title=title, contact_id=contact.id,
        organization_id=organization.id if organization else None, pipeline_id=pipeline_id,
        value_cents=value_cents, currency=currency, owner_id=owner, source=contact.source,
        campaign_id=campaign.id if campaign else None, at=at,
    )  # fmt: skip
