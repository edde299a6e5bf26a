"""quote_data gathers a deal's quote from the settings, its customer and its lines; write_quote_pdf prints it."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_lines import add_line
from crm_desktop.services.deals import create_deal, delete_deal
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.quotes import default_quote_filename, quote_data, quote_number, write_quote_pdf
from crm_desktop.services.settings import set_setting
from crm_desktop.store import Database

TODAY = date(2026, 11, 22)


def _customer(session: Session) -> uuid.UUID:
    org = create_organization(session=session, data=OrganizationInput(name="Łódź Widgets", city="Łódź", country="PL"))
    person = ContactInput(
        display_name="Zoë Łukasiewicz", email="zoe@lodz.example", organization_id=org.id,
        street="ul. Piotrkowska 104", postal_code="90-001", city="Łódź", country="PL",
    )  # fmt: skip
    return create_contact(session=session, data=person).id


def test_lines_settings_and_customer_make_the_quote(session: Session) -> None:
    set_setting(session=session, key="business_name", value="Atelier Brontë")
    set_setting(session=session, key="business_address", value="12 Rue de la Paix\n\n75002 Paris\n")
    set_setting(session=session, key="business_email", value="hello@bronte.example")
    set_setting(session=session, key="quote_validity_days", value=14)
    set_setting(session=session, key="paper_size", value="Letter")
    deal = create_deal(session=session, title="Office chairs", contact_id=_customer(session), currency="EUR")
    add_line(
        session=session, deal_id=deal.id, description="Chair", quantity=3, unit_price_cents=33_333, discount_percent=15
    )
    add_line(session=session, deal_id=deal.id, description="Delivery", quantity=1, unit_price_cents=2_500)
    data = quote_data(session=session, deal_id=deal.id, today=TODAY)
    assert data.number == quote_number(deal.id) == "Q-" + deal.id.hex[-8:].upper()
    assert (data.issued, data.valid_until) == (TODAY, date(2026, 12, 6))
    assert data.business.name == "Atelier Brontë" and data.business.address == ("12 Rue de la Paix", "75002 Paris")
    assert data.paper_size == "Letter" and data.currency == "EUR"
    assert data.customer is not None
    assert (data.customer.name, data.customer.organization, data.customer.email) == (
        "Zoë Łukasiewicz", "Łódź Widgets", "zoe@lodz.example",
    )  # fmt: skip
    assert data.customer.address == ("ul. Piotrkowska 104", "90-001 Łódź", "Poland")
    assert [(x.description, x.quantity, x.unit_price_cents, x.discount_percent) for x in data.lines] == [
        ("Chair", 3, 33_333, 15), ("Delivery", 1, 2_500, 0),
    ]  # fmt: skip
    assert data.lines[0].total_cents == 84_999  # 3 × 333.33 × 0.85 = 849.9915 → 849.99 (half up)
    assert data.subtotal_cents == 3 * 33_333 + 2_500
    assert data.total_cents == 84_999 + 2_500 == deal.value_cents
    assert data.discount_cents == data.subtotal_cents - data.total_cents
    assert default_quote_filename(data) == f"Quote {data.number} – Zoë Łukasiewicz.pdf"


def test_a_deal_without_lines_is_one_line_at_its_value(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme/Co", street="1 Main St", city="Leeds"))
    deal = create_deal(session=session, title="Yearly support", organization_id=org.id, value_cents=120_000)
    data = quote_data(session=session, deal_id=deal.id, today=TODAY)
    assert [(x.description, x.quantity, x.unit_price_cents, x.total_cents) for x in data.lines] == [
        ("Yearly support", 1, 120_000, 120_000)
    ]
    assert (data.subtotal_cents, data.discount_cents, data.total_cents) == (120_000, 0, 120_000)
    assert data.customer is not None and data.customer.name == "Acme/Co"
    assert data.customer.address == ("1 Main St", "Leeds")
    assert data.valid_until == date(2026, 12, 22)  # the default validity is 30 days
    assert default_quote_filename(data) == f"Quote {data.number} – AcmeCo.pdf"


def test_a_deal_without_customer_has_none(session: Session) -> None:
    deal = create_deal(session=session, title="Walk-in", value_cents=500)
    assert quote_data(session=session, deal_id=deal.id, today=TODAY).customer is None


def test_a_missing_or_deleted_deal_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        quote_data(session=session, deal_id=uuid.uuid4())
    deal = create_deal(session=session, title="Gone", value_cents=1)
    delete_deal(session=session, deal_id=deal.id)
    with pytest.raises(NotFound):
        quote_data(session=session, deal_id=deal.id)


def test_write_quote_pdf_prints_the_deal(workspace: Database, tmp_path: Path) -> None:
    with workspace.session() as session:
        deal_id = create_deal(
            session=session, title="Roastery tour", contact_id=_customer(session), value_cents=9_900
        ).id
    data = write_quote_pdf(db=workspace, deal_id=deal_id, out=tmp_path / "q.pdf", today=TODAY)
    text = PdfReader(tmp_path / "q.pdf").pages[0].extract_text()
    assert "Zoë Łukasiewicz" in text and "Roastery tour" in text and data.number in text
    with pytest.raises(ValidationError, match="does not exist"):
        write_quote_pdf(db=workspace, deal_id=deal_id, out=tmp_path / "nowhere" / "q.pdf")


def test_the_customers_phone_is_written_as_people_write_it(session: Session) -> None:
    set_setting(session=session, key="default_region", value="GB")
    home = create_contact(session=session, data=ContactInput(display_name="Ann Home", phone="020 7946 0001"))
    abroad = create_contact(session=session, data=ContactInput(display_name="Ben Abroad", phone="+49 221 8539721"))
    for contact_id, shown in ((home.id, "020 7946 0001"), (abroad.id, "+49 221 8539721")):
        deal = create_deal(session=session, title="Chairs", contact_id=contact_id)
        customer = quote_data(session=session, deal_id=deal.id, today=TODAY).customer
        assert customer is not None and customer.phone == shown  # stored as E.164, printed national or international
