"""The quote PDF prints the customer, every line, the totals and the validity date it was given."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from pypdf import PdfReader

from crm_desktop.domain.errors import ValidationError
from crm_desktop.reports.quote import QuoteData, QuoteLine, QuoteParty, build_quote_pdf

ISSUED, VALID = date(2026, 11, 22), date(2026, 12, 22)


def money(cents: int, currency: str = "EUR", locale: str = "en_GB") -> str:
    """As babel writes it, with no-break spaces as plain spaces (the page text is read that way)."""
    return re.sub(r"\s+", " ", format_currency(Decimal(cents) / 100, currency, locale=locale))


def line(description: str, quantity: int, unit: int, discount: int = 0) -> QuoteLine:
    return QuoteLine(description, quantity, unit, discount, (quantity * unit * (100 - discount) + 50) // 100)


def quote(lines: list[QuoteLine], **extra: object) -> QuoteData:
    subtotal = sum(x.quantity * x.unit_price_cents for x in lines)
    total = sum(x.total_cents for x in lines)
    fields: dict[str, object] = {
        "number": "Q-0A1B2C3D", "issued": ISSUED, "valid_until": VALID, "title": "Office fit-out",
        "currency": "EUR", "lines": tuple(lines), "subtotal_cents": subtotal, "discount_cents": subtotal - total,
        "total_cents": total, "terms": "Payment within 30 days.",
        "business": QuoteParty("Kaffeerösterei Brontë", address=("12 Rue de la Paix", "75002 Paris"),
                               email="hello@bronte.example", phone="+33 1 23 45 67 89"),
        "customer": QuoteParty("Zoë Łukasiewicz", organization="Łódź Widgets Sp. z o.o.",
                               address=("ul. Piotrkowska 104", "90-001 Łódź", "Poland"), email="zoe@lodz.example"),
    }  # fmt: skip
    fields.update(extra)
    return QuoteData(**fields)  # type: ignore[arg-type]


def pages(path: Path) -> list[str]:
    """Each page's text with runs of whitespace made single spaces (table cells come out space-separated)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def test_quote_shows_business_customer_lines_totals_and_validity(tmp_path: Path) -> None:
    lines = [
        line("Standing desk, oak", 3, 45_900, 10),
        line("Ergonomic chair “Åsa”", 2, 31_250),
        line("Fitting", 1, 9_999, 5),
    ]
    data = quote(lines)
    out = build_quote_pdf(out=tmp_path / "quote.pdf", data=data)
    (text,) = pages(out)
    shown = (
        "Kaffeerösterei Brontë", "hello@bronte.example", "Zoë Łukasiewicz", "Łódź Widgets Sp. z o.o.", "90-001 Łódź",
        "zoe@lodz.example", "Q-0A1B2C3D", "Office fit-out", "Payment within 30 days.",
    )  # fmt: skip
    for expected in shown:
        assert expected in text
    for x in lines:
        row = f"{x.description} {x.quantity} {money(x.unit_price_cents)}"
        assert row in text
        assert money(x.total_cents) in text
    assert lines[0].total_cents == 123_930 and lines[2].total_cents == 9_499  # 9,499.05 rounds half up to 9,499
    assert "10%" in text and "5%" in text
    assert f"Subtotal {money(data.subtotal_cents)}" in text
    assert f"Discount {money(-data.discount_cents)}" in text
    assert f"Total (EUR) {money(data.total_cents)}" in text
    assert data.total_cents == data.subtotal_cents - data.discount_cents == 195_929
    valid = format_date(VALID, "medium", locale="en_GB")
    assert f"Valid until {valid}" in text
    assert f"This quote is valid until {valid}." in text
    assert f"Date {format_date(ISSUED, 'medium', locale='en_GB')}" in text
    assert "Page 1 of 1" in text
    reader = PdfReader(out)
    assert reader.metadata is not None and reader.metadata.title == "Quote Q-0A1B2C3D"


def test_a_long_quote_spans_pages_and_repeats_the_table_header(tmp_path: Path) -> None:
    lines = [line(f"Item {n:03d} – Gewürz ß", n % 7 + 1, 1_000 + 37 * n) for n in range(70)]
    data = quote(lines, paper_size="Letter")
    texts = pages(build_quote_pdf(out=tmp_path / "long.pdf", data=data))
    assert len(texts) >= 2
    for n, text in enumerate(texts, start=1):
        assert "Description Qty Unit price Amount" in text  # the header row is repeated on every page
        assert f"Page {n} of {len(texts)}" in text
    assert "Discount" not in texts[0]  # no discount anywhere: no discount column
    assert "(continued)" in texts[1]
    everything = " ".join(texts)
    for x in lines:
        assert f"{x.description} {x.quantity} {money(x.unit_price_cents)} {money(x.total_cents)}" in everything
    assert f"Total (EUR) {money(data.total_cents)}" in texts[-1]
    width, height = (float(v) for v in PdfReader(tmp_path / "long.pdf").pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (612, 792)


def test_money_and_dates_follow_the_business_locale(tmp_path: Path) -> None:
    data = quote([line("Beratung", 4, 12_345, 15)], locale="de_DE", currency="CHF")
    (text,) = pages(build_quote_pdf(out=tmp_path / "de.pdf", data=data))
    assert money(41_973, "CHF", "de_DE") in text  # 4 × 123.45 × 85 % = 419.73
    assert money(data.total_cents, "CHF", "de_DE") in text
    assert format_date(VALID, "medium", locale="de_DE") in text
    assert "15 %" in text


def test_no_customer_and_a_broken_logo_still_make_a_quote(tmp_path: Path) -> None:
    bad_logo = tmp_path / "logo.png"
    bad_logo.write_bytes(b"not an image")
    data = quote([line("Walk-in repair", 1, 5_000)], customer=None, logo=bad_logo)
    (text,) = pages(build_quote_pdf(out=tmp_path / "anon.pdf", data=data))
    assert "No customer is set on this deal." in text
    assert money(5_000) in text


def test_a_logo_is_drawn_in_the_letterhead(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "black").save(logo)
    out = build_quote_pdf(out=tmp_path / "logo.pdf", data=quote([line("Thing", 1, 100)], logo=logo))
    resources = PdfReader(out).pages[0]["/Resources"]
    assert "/XObject" in resources and len(resources["/XObject"]) == 1


def test_an_unknown_paper_size_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="paper size"):
        build_quote_pdf(out=tmp_path / "bad.pdf", data=quote([line("Thing", 1, 100)], paper_size="A5"))
    assert list(tmp_path.iterdir()) == []
