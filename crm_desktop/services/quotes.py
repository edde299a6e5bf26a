"""Quotes: gather what a deal's quote shows (business, customer, priced lines, totals, validity) and write its PDF."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from babel import Locale, UnknownLocaleError
from sqlmodel import Session

from crm_desktop.domain import Contact, Deal, Organization
from crm_desktop.domain.errors import StorageError, ValidationError
from crm_desktop.services._common import get_live
from crm_desktop.services._validate import format_phone
from crm_desktop.services.deal_lines import line_total_cents, list_lines
from crm_desktop.services.forecast import business_zone
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database

if TYPE_CHECKING:  # ReportLab loads only when a quote is made
    from crm_desktop.reports.quote import QuoteData, QuoteParty

__all__ = ["default_quote_filename", "quote_data", "quote_number", "write_quote_pdf"]

Progress = Callable[[float, str], None]
T = TypeVar("T")


def quote_number(deal_id: uuid.UUID) -> str:
    """The quote's reference, derived from the deal's UUID like case references (a sequence would collide)."""
    return "Q-" + deal_id.hex[-8:].upper()


def quote_data(*, session: Session, deal_id: uuid.UUID, today: date | None = None) -> QuoteData:
    """Everything the quote for `deal_id` prints, in the business's settings; lines priced half up to the cent.

    A deal without lines is quoted as one line: its title at its value.
    """
    from crm_desktop.reports.quote import QuoteData, QuoteLine

    deal = get_live(session, Deal, deal_id, what="Deal")
    issued = today or datetime.now(business_zone(session)).date()
    validity = int(get_setting(session=session, key="quote_validity_days"))
    locale = str(get_setting(session=session, key="locale"))
    lines = [
        QuoteLine(
            description=line.description,
            quantity=line.quantity,
            unit_price_cents=line.unit_price_cents,
            discount_percent=line.discount_percent,
            total_cents=line_total_cents(
                quantity=line.quantity, unit_price_cents=line.unit_price_cents, discount_percent=line.discount_percent
            ),
        )
        for line in list_lines(session=session, deal_id=deal.id)
    ]
    if not lines:
        lines = [QuoteLine(deal.title, 1, deal.value_cents, 0, deal.value_cents)]
    subtotal = sum(line.quantity * line.unit_price_cents for line in lines)
    total = sum(line.total_cents for line in lines)
    logo = str(get_setting(session=session, key="business_logo")).strip()
    return QuoteData(
        number=quote_number(deal.id),
        issued=issued,
        valid_until=issued + timedelta(days=max(0, validity)),
        title=deal.title,
        currency=deal.currency,
        business=_business(session),
        customer=_customer(session, deal, locale),
        lines=tuple(lines),
        subtotal_cents=subtotal,
        discount_cents=subtotal - total,
        total_cents=total,
        terms=str(get_setting(session=session, key="quote_terms")),
        logo=Path(logo).expanduser() if logo else None,
        locale=locale,
        paper_size=str(get_setting(session=session, key="paper_size")),
    )


def default_quote_filename(data: QuoteData) -> str:
    """A file name the user recognises: "Quote Q-1A2B3C4D – Customer.pdf" (no characters a file system refuses)."""
    who = data.customer.name if data.customer else data.title
    cleaned = "".join(ch for ch in who if ch not in '<>:"/\\|?*' and ch.isprintable()).strip(" .")[:60]
    return f"Quote {data.number} – {cleaned}.pdf" if cleaned else f"Quote {data.number}.pdf"


def write_quote_pdf(
    *, db: Database, deal_id: uuid.UUID, out: Path, today: date | None = None, progress: Progress | None = None
) -> QuoteData:
    """Gather the deal's quote and write it to `out`; returns what was printed."""
    from crm_desktop.reports.quote import build_quote_pdf

    out = Path(out)
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist.", field="out")
    report = progress or (lambda _fraction, _message: None)
    report(0.0, "Collecting the deal…")
    with db.read_session() as session:
        data = quote_data(session=session, deal_id=deal_id, today=today)
    report(0.3, "Laying out the quote…")
    try:
        build_quote_pdf(out=out, data=data)
    except OSError as exc:
        raise StorageError(f"Could not write {out}: {exc.strerror or exc}") from exc
    report(1.0, "Quote ready")
    return data


def _business(session: Session) -> QuoteParty:
    from crm_desktop.reports.quote import QuoteParty

    address = str(get_setting(session=session, key="business_address"))
    return QuoteParty(
        name=str(get_setting(session=session, key="business_name")),
        address=tuple(row.strip() for row in address.splitlines() if row.strip()),
        email=str(get_setting(session=session, key="business_email")).strip(),
        phone=_phone(session, str(get_setting(session=session, key="business_phone")).strip()),
    )


def _customer(session: Session, deal: Deal, locale: str) -> QuoteParty | None:
    """The deal's contact (with their organization), else its organization; None when it names neither."""
    from crm_desktop.reports.quote import QuoteParty

    contact = _live(session, Contact, deal.contact_id)
    org_id = deal.organization_id or (contact.organization_id if contact else None)
    organization = _live(session, Organization, org_id)
    if contact is None and organization is None:
        return None
    place = contact if contact is not None and (contact.street or contact.city) else organization
    return QuoteParty(
        name=contact.display_name if contact else organization.name,  # type: ignore[union-attr]
        organization=organization.name if organization else "",
        address=_address(place, locale) if place is not None else (),
        email=(contact.email or "") if contact else "",
        phone=_phone(session, (contact.phone if contact else organization.phone) or ""),  # type: ignore[union-attr]
    )


def _phone(session: Session, stored: str) -> str:
    """A stored (E.164) number as people write it: national at home, international abroad."""
    region = str(get_setting(session=session, key="default_region") or "")
    return format_phone(stored, region) if stored else ""


def _live(session: Session, model: type[T], row_id: uuid.UUID | None) -> T | None:
    if row_id is None:
        return None
    row = session.get(model, row_id)
    return None if row is None or getattr(row, "deleted_at", None) is not None else row


def _address(place: Contact | Organization, locale: str) -> tuple[str, ...]:
    """Postal lines: street (possibly several lines), postcode and city, region, country name in the locale."""
    rows = [r.strip() for r in (place.street or "").splitlines() if r.strip()]
    town = " ".join(p for p in (place.postal_code, place.city) if p)
    rows += [r for r in (town, place.region or "") if r]
    if place.country:
        rows.append(_country_name(place.country, locale))
    return tuple(rows)


def _country_name(code: str, locale: str) -> str:
    try:
        return Locale.parse(locale.replace("-", "_")).territories.get(code.upper(), code.upper())
    except (UnknownLocaleError, ValueError):
        return code.upper()
