"""The quote PDF for a deal: letterhead, customer, priced lines, totals, validity and an acceptance block."""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from babel.numbers import format_percent
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crm_desktop.reports.fonts import ReportFonts, register_fonts
from crm_desktop.reports.layout import (
    DARK,
    EDGE,
    FAINT,
    INK,
    MARGIN,
    MID,
    Formatter,
    Styles,
    fit_text,
    numbered_canvas,
    page_size,
    table_style,
)

log = logging.getLogger("crm_desktop.reports")
LOGO_BOX = (48 * mm, 20 * mm)  # the most room a logo may take in the letterhead


@dataclass(frozen=True)
class QuoteLine:
    """One priced line: the total is computed by the service (quantity × price less discount, half up)."""

    description: str
    quantity: int
    unit_price_cents: int
    discount_percent: int
    total_cents: int


@dataclass(frozen=True)
class QuoteParty:
    """The business or the customer as a quote prints them: name, organization, postal lines, email, phone."""

    name: str
    organization: str = ""
    address: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class QuoteData:
    """Everything a quote shows, already gathered and computed (reports never read the database)."""

    number: str
    issued: date
    valid_until: date
    title: str
    currency: str
    business: QuoteParty
    customer: QuoteParty | None
    lines: tuple[QuoteLine, ...]
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    terms: str = ""
    logo: Path | None = None
    locale: str = "en_GB"
    paper_size: str = "A4"


def build_quote_pdf(*, out: Path, data: QuoteData) -> Path:
    """Write the quote to `out` (through a temporary file, so a failure never leaves half a PDF)."""
    fonts = register_fonts()
    styles = Styles.create(fonts)
    fmt = Formatter.create(data.locale, data.currency)
    size = page_size(data.paper_size)
    width = size[0] - 2 * EDGE
    story = _QuoteStory(data, fmt, styles, fonts, width).flowables()
    decor = _QuoteDecor(fonts, data.business.name, data.number, fmt.day(data.valid_until))
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        doc = SimpleDocTemplate(
            str(temporary),
            pagesize=size,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"Quote {data.number}",
            subject=data.title,
            author=data.business.name,
            creator="CRM Desktop",
        )
        doc.build(story, onFirstPage=decor.first, onLaterPages=decor.later, canvasmaker=numbered_canvas(fonts))
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


@dataclass(frozen=True)
class _QuoteDecor:
    """Footer on every page; from page 2 on, a running header naming the business and the quote."""

    fonts: ReportFonts
    business_name: str
    number: str
    valid_until: str

    def first(self, canvas: Canvas, doc: Any) -> None:
        """Page 1 carries the letterhead in its story: only the footer here."""
        self._footer(canvas, doc)

    def later(self, canvas: Canvas, doc: Any) -> None:
        """Continuation pages: a running header, so a loose page still says whose quote it is."""
        width, height = doc.pagesize
        canvas.saveState()
        top = height - MARGIN + 6 * mm
        right = f"Quote {self.number} (continued)"
        canvas.setFont(self.fonts.bold, 10)
        canvas.setFillColor(INK)
        canvas.drawString(EDGE, top, fit_text(self.business_name, self.fonts.bold, 10, width / 2 - EDGE))
        canvas.setFont(self.fonts.regular, 8.5)
        canvas.setFillColor(DARK)
        canvas.drawRightString(width - EDGE, top, right)
        canvas.setStrokeColor(MID)
        canvas.setLineWidth(0.6)
        canvas.line(EDGE, top - 2.5 * mm, width - EDGE, top - 2.5 * mm)
        canvas.restoreState()
        self._footer(canvas, doc)

    def _footer(self, canvas: Canvas, doc: Any) -> None:
        width = doc.pagesize[0]
        canvas.saveState()
        bottom = MARGIN - 9 * mm
        canvas.setStrokeColor(MID)
        canvas.setLineWidth(0.6)
        canvas.line(EDGE, bottom + 4 * mm, width - EDGE, bottom + 4 * mm)
        canvas.setFont(self.fonts.regular, 7.5)
        canvas.setFillColor(DARK)
        text = f"Quote {self.number} · valid until {self.valid_until} · {self.business_name}"
        canvas.drawString(EDGE, bottom, fit_text(text, self.fonts.regular, 7.5, width - 2 * EDGE - 70))
        canvas.restoreState()


class _QuoteStory:
    """Lays out the quote's flowables for one page width."""

    def __init__(self, data: QuoteData, fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float) -> None:
        self.data, self.fmt, self.styles, self.fonts, self.width = data, fmt, styles, fonts, width

        def style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
            extra.setdefault("textColor", INK)
            extra.setdefault("leading", size * 1.3)
            return ParagraphStyle(name, fontName=fonts.bold if bold else fonts.regular, fontSize=size, **extra)

        self.business = style("q_business", 15, bold=True, spaceAfter=1.5 * mm)
        self.doc_title = style("q_title", 24, bold=True, alignment=TA_RIGHT, leading=28)
        self.label = style("q_label", 7.5, textColor=DARK, spaceAfter=1 * mm)
        self.line = style("q_line", 9)
        self.strong = style("q_strong", 11, bold=True, spaceAfter=0.5 * mm)
        self.right = style("q_right", 8.5, alignment=TA_RIGHT)
        self.right_bold = style("q_right_bold", 8.5, bold=True, alignment=TA_RIGHT)

    def flowables(self) -> list[Flowable]:
        """Letterhead, parties, lines, totals, then terms and the acceptance block."""
        return [
            self._letterhead(),
            Spacer(1, 8 * mm),
            self._parties(),
            Spacer(1, 7 * mm),
            self._lines_table(),
            Spacer(1, 3 * mm),
            self._totals(),
            Spacer(1, 8 * mm),
            *self._closing(),
        ]

    def _p(self, text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def _letterhead(self) -> Table:
        data, fmt = self.data, self.fmt
        left: list[Flowable] = []
        logo = _logo(data.logo)
        if logo is not None:
            left += [logo, Spacer(1, 3 * mm)]
        left.append(self._p(data.business.name, self.business))
        left += [self._p(row, self.line) for row in data.business.address]
        contact = "  ·  ".join(v for v in (data.business.email, data.business.phone) if v)
        if contact:
            left.append(self._p(contact, self.line))
        meta = Table(
            [
                [self._p("Quote number", self.right), self._p(data.number, self.right_bold)],
                [self._p("Date", self.right), self._p(fmt.day(data.issued), self.right_bold)],
                [self._p("Valid until", self.right), self._p(fmt.day(data.valid_until), self.right_bold)],
            ],
            colWidths=[self.width * 0.2, self.width * 0.2],
            hAlign="RIGHT",
        )
        meta.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                                  ("RIGHTPADDING", (-1, 0), (-1, -1), 0)]))  # fmt: skip
        right: list[Flowable] = [self._p("QUOTE", self.doc_title), Spacer(1, 3 * mm), meta]
        table = Table([[left, right]], colWidths=[self.width * 0.55, self.width * 0.45], hAlign="LEFT")
        table.setStyle(
            TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"), ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, INK), ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
            ])
        )  # fmt: skip
        return table

    def _parties(self) -> Table:
        data = self.data
        customer: list[Flowable] = [self._p("QUOTE FOR", self.label)]
        if data.customer is None:
            customer.append(self._p("No customer is set on this deal.", self.line))
        else:
            c = data.customer
            customer.append(self._p(c.name, self.strong))
            if c.organization and c.organization != c.name:
                customer.append(self._p(c.organization, self.line))
            customer += [self._p(row, self.line) for row in c.address]
            customer += [self._p(v, self.line) for v in (c.email, c.phone) if v]
        regarding: list[Flowable] = [self._p("REGARDING", self.label), self._p(data.title, self.strong)]
        table = Table([[customer, regarding]], colWidths=[self.width * 0.55, self.width * 0.45], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
        return table

    def _lines_table(self) -> Table:
        fmt, lines = self.fmt, self.data.lines
        with_discount = any(line.discount_percent for line in lines)
        header = ["Description", "Qty", "Unit price", *(["Discount"] if with_discount else []), "Amount"]
        shares = [0.46, 0.1, 0.16, *([0.12] if with_discount else []), 0.16]
        rows: list[list[Any]] = [header]
        for line in lines:
            discount = [self._percent(line.discount_percent) if line.discount_percent else ""] if with_discount else []
            rows.append(
                [
                    self._p(line.description, self.styles.cell),
                    fmt.count(line.quantity),
                    fmt.money(line.unit_price_cents),
                    *discount,
                    fmt.money(line.total_cents),
                ]
            )
        total = sum(shares)
        table = Table(rows, colWidths=[self.width * s / total for s in shares], repeatRows=1, hAlign="LEFT")
        style = table_style(self.fonts, numeric_from=1)
        style.add("LINEABOVE", (0, 0), (-1, 0), 0.9, INK)
        style.add("BACKGROUND", (0, 0), (-1, 0), FAINT)
        style.add("TOPPADDING", (0, 0), (-1, -1), 4)
        style.add("BOTTOMPADDING", (0, 0), (-1, -1), 4)
        table.setStyle(style)
        return table

    def _totals(self) -> Flowable:
        fmt, data = self.fmt, self.data
        rows: list[list[str]] = [["Subtotal", fmt.money(data.subtotal_cents)]]
        if data.discount_cents:
            rows.append(["Discount", fmt.money(-data.discount_cents)])
        rows.append([f"Total ({data.currency})", fmt.money(data.total_cents)])
        table = Table(rows, colWidths=[self.width * 0.2, self.width * 0.2], hAlign="RIGHT")
        table.setStyle(
            TableStyle([
                ("FONT", (0, 0), (-1, -1), self.fonts.regular, 9), ("FONT", (0, -1), (-1, -1), self.fonts.bold, 11),
                ("ALIGN", (0, 0), (-1, -1), "RIGHT"), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, INK), ("LINEBELOW", (0, -1), (-1, -1), 1.2, INK),
                ("BACKGROUND", (0, -1), (-1, -1), FAINT),
                ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, -1), (-1, -1), 5), ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
            ])
        )  # fmt: skip
        return KeepTogether([table])

    def _closing(self) -> list[Flowable]:
        data, fmt = self.data, self.fmt
        terms = [self._p("TERMS", self.label), self._p(f"This quote is valid until {fmt.day(data.valid_until)}.",
                                                         self.styles.body)]  # fmt: skip
        if data.terms.strip():
            terms.append(self._p(data.terms.strip(), self.styles.body))
        who = data.customer.name if data.customer else "the customer"
        sign = Table(
            [["Name", "", "Signature", "", "Date", ""]],
            colWidths=[w * self.width for w in (0.07, 0.27, 0.11, 0.27, 0.06, 0.22)],
            hAlign="LEFT",
        )
        sign.setStyle(
            TableStyle([
                ("FONT", (0, 0), (-1, -1), self.fonts.regular, 8), ("TEXTCOLOR", (0, 0), (-1, -1), DARK),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, INK), ("LINEBELOW", (3, 0), (3, 0), 0.6, INK),
                ("LINEBELOW", (5, 0), (5, 0), 0.6, INK), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 14), ("LEFTPADDING", (0, 0), (0, 0), 0),
            ])
        )  # fmt: skip
        accept = [Spacer(1, 5 * mm), self._p(f"ACCEPTED FOR {who.upper()}", self.label), sign]
        return [KeepTogether(terms), KeepTogether(accept)]

    def _percent(self, value: int) -> str:
        return format_percent(value / 100, locale=self.fmt.locale)


def _logo(path: Path | None) -> Image | None:
    """The logo scaled into the letterhead box, or None (with a log line) when it cannot be read."""
    if path is None:
        return None
    try:
        reader = ImageReader(str(path))
        w, h = reader.getSize()
        scale = min(LOGO_BOX[0] / w, LOGO_BOX[1] / h)
        image = Image(str(path), width=w * scale, height=h * scale, hAlign="LEFT")
    except Exception as exc:  # ReportLab and Pillow raise many kinds for a bad file
        log.warning("quote logo %s not used: %s", path, exc)
        return None
    return image


__all__ = ["QuoteData", "QuoteLine", "QuoteParty", "build_quote_pdf"]
