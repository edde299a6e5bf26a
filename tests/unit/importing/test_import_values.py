"""Amounts, dates and header names as deal and purchase exports write them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm_desktop.services.importing.deals import DEAL_FIELDS
from crm_desktop.services.importing.purchases_csv import PURCHASE_FIELDS
from crm_desktop.services.importing.table_import import guess_columns
from crm_desktop.services.importing.values import detect_date_order, minor_units, parse_amount, parse_moment

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1,234.50", "1234.50", None), ("1.234,50", "1234.50", None), ("€ 1 200", "1200", "EUR"),
        ("1200 USD", "1200", "USD"), ("$1,200", "1200", "USD"), ("1\u00a0234,5", "1234.5", None),
        ("EUR 1.200", "1200", "EUR"), ("1'234.50", "1234.50", None), ("0,99", "0.99", None),
        ("1.234.567,89", "1234567.89", None), ("12.5", "12.5", None), ("£7", "7", "GBP"),
        ("1,000,000", "1000000", None),
    ],
)  # fmt: skip
def test_amounts_in_the_ways_spreadsheets_write_them(text: str, amount: str, currency: str | None) -> None:
    assert parse_amount(text, default_currency="EUR") == (Decimal(amount), currency)


@pytest.mark.parametrize("text", ["abc", "-5", "(100)", "1,2,3", "1.23.4", "1,23.4", "12-3", ""])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text, default_currency="EUR")


def test_dollars_follow_a_dollar_business_and_minor_units_follow_the_currency() -> None:
    assert parse_amount("$5", default_currency="CAD")[1] == "CAD"
    assert minor_units(Decimal("12.345"), "EUR") == 1235 and minor_units(Decimal("1200"), "JPY") == 1200


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2025-03-04", datetime(2025, 3, 4, 11, tzinfo=UTC), False),  # a date alone is noon in Berlin
        ("2025-03-04 10:23:45", datetime(2025, 3, 4, 9, 23, 45, tzinfo=UTC), True),
        ("2025-03-04T10:23:45Z", datetime(2025, 3, 4, 10, 23, 45, tzinfo=UTC), True),
        ("04/03/2025", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("4.3.2025", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("2025/03/04", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("Mar 4, 2025", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("4 March 2025", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("04-Mar-2025", datetime(2025, 3, 4, 11, tzinfo=UTC), False),
        ("04/03/2025 3:15 PM", datetime(2025, 3, 4, 14, 15, tzinfo=UTC), True),
        ("04/07/2025 09:00", datetime(2025, 7, 4, 7, tzinfo=UTC), True),  # summer time: UTC+2
    ],
)
def test_dates_read_day_first_in_the_business_zone(text: str, expected: datetime, has_time: bool) -> None:
    assert parse_moment(text, order="dmy", zone=BERLIN) == (expected, has_time)


def test_month_first_and_refusals() -> None:
    assert parse_moment("03/25/2025", order="mdy", zone=UTC)[0] == datetime(2025, 3, 25, 12, tzinfo=UTC)
    for text in ("03/25/2025", "31/02/2025", "someday", "13.13.2025"):
        with pytest.raises(ValueError):
            parse_moment(text, order="dmy", zone=UTC)


def test_the_date_order_is_detected_or_guessed() -> None:
    assert detect_date_order(["25/03/2025", "01/02/2025"], fallback="mdy").order == "dmy"
    assert detect_date_order(["03/25/2025", "2025-01-01"], fallback="dmy").order == "mdy"
    guess = detect_date_order(["03/04/2025", "05.06.2025"], fallback="dmy")
    assert guess.guessed and guess.ambiguous_example == "03/04/2025" and "--date-format mdy" in (guess.note("GB") or "")
    assert not detect_date_order(["2025-01-02"], fallback="dmy").guessed
    with pytest.raises(ValueError, match="mixes"):
        detect_date_order(["25/03/2025", "03/25/2025"], fallback="dmy")


def test_hubspot_pipedrive_and_shop_headers_are_recognised() -> None:
    hubspot = ["Deal ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Create Date",
               "Deal owner", "Associated Company (Primary)", "Associated Contact (Primary)", "Closed Lost Reason",
               "Deal Type"]  # fmt: skip
    assert guess_columns(hubspot, DEAL_FIELDS) == {
        "title": 1, "stage": 2, "pipeline": 3, "value": 4, "closed": 5, "created": 6, "owner": 7, "organization": 8,
        "contact_name": 9, "lost_reason": 10}  # fmt: skip
    pipedrive = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization",
                 "Deal - Contact person", "Person - Email", "Deal - Status", "Deal - Won time", "Deal - Lost time",
                 "Deal - Deal created", "Deal - Expected close date", "Deal - Lost reason", "Deal - Owner"]  # fmt: skip
    assert guess_columns(pipedrive, DEAL_FIELDS) == {
        "title": 1, "value": 2, "currency": 3, "organization": 4, "contact_name": 5, "contact_email": 6, "status": 7,
        "won_time": 8, "lost_time": 9, "created": 10, "expected_close": 11, "lost_reason": 12, "owner": 13}  # fmt: skip
    plain = ["Titel", "Firma", "E-Mail", "Phase", "Wert", "Währung", "Erstellt am", "Abgeschlossen"]
    assert guess_columns(plain, DEAL_FIELDS) == {"title": 0, "organization": 1, "contact_email": 2, "stage": 3,
                                                 "value": 4, "currency": 5, "created": 6, "closed": 7}  # fmt: skip
    shopify = ["Name", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Total", "Created at",
               "Lineitem name", "Billing Name"]  # fmt: skip
    assert guess_columns(shopify, PURCHASE_FIELDS) == {"contact_email": 1, "date": 3, "currency": 4, "amount": 6,
                                                       "note": 8, "contact_name": 9}  # fmt: skip
