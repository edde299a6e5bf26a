"""Page furniture, paragraph styles, table styles and locale-aware formatting shared by PDF reports."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import TableStyle

from crm_desktop.domain.errors import ValidationError
from crm_desktop.reports.fonts import ReportFonts

PAPER_SIZES = {"A4": A4, "LETTER": LETTER}
MARGIN = 18 * mm
FRAME_PADDING = 6  # platypus frames inset their content by 6 pt on every side
EDGE = MARGIN + FRAME_PADDING  # header, footer and content share this left and right edge
LOGO_HEIGHT = 7 * mm  # the logo in a report's running header
log = logging.getLogger("crm_desktop.reports")
INK = colors.black
DARK = colors.Color(0.25, 0.25, 0.25)
MID = colors.Color(0.55, 0.55, 0.55)
LIGHT = colors.Color(0.85, 0.85, 0.85)
FAINT = colors.Color(0.95, 0.95, 0.95)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """`text`, shortened with an ellipsis until it fits `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def page_size(paper: str) -> tuple[float, float]:
    """The page size for a paper setting ("A4" or "Letter", any case)."""
    try:
        return PAPER_SIZES[paper.strip().upper()]
    except KeyError:
        raise ValidationError(f"unknown paper size {paper!r}: use A4 or Letter", field="paper_size") from None


@dataclass(frozen=True)
class Formatter:
    """Numbers, money, percentages and dates written the way the business's locale writes them."""

    locale: str
    currency: str

    @classmethod
    def create(cls, locale: str, currency: str) -> Formatter:
        """A formatter for `locale` (en_GB when babel does not know it)."""
        try:
            Locale.parse(locale.replace("-", "_"))
            return cls(locale.replace("-", "_"), currency)
        except (UnknownLocaleError, ValueError):
            return cls("en_GB", currency)

    def count(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, fraction: float | None) -> str:
        """A rate as a percentage with one decimal ("–" when there is none)."""
        return "–" if fraction is None else format_percent(fraction, "#,##0.0%", locale=self.locale)

    def money(self, cents: int) -> str:
        return format_currency(Decimal(cents) / 100, self.currency, locale=self.locale)

    def days(self, value: float) -> str:
        return format_decimal(value, "#,##0.#", locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, "medium", locale=self.locale)

    def period(self, start: date, end: date) -> str:
        return f"{self.day(start)} – {self.day(end)}"


@dataclass(frozen=True)
class Styles:
    """The handful of paragraph styles a report needs, all in the embedded font."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    intro: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    kpi_value: ParagraphStyle
    kpi_label: ParagraphStyle
    kpi_note: ParagraphStyle

    @classmethod
    def create(cls, fonts: ReportFonts) -> Styles:
        def style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
            font = fonts.bold if bold else fonts.regular
            extra.setdefault("textColor", INK)
            extra.setdefault("leading", size * 1.3)
            return ParagraphStyle(name, fontName=font, fontSize=size, **extra)

        return cls(
            title=style("title", 20, bold=True, spaceAfter=2 * mm),
            subtitle=style("subtitle", 10.5, textColor=DARK, spaceAfter=6 * mm),
            heading=style("heading", 13, bold=True, spaceBefore=5 * mm, spaceAfter=2 * mm),
            body=style("body", 9.5, spaceAfter=2 * mm),
            small=style("small", 8, textColor=DARK, spaceAfter=1.5 * mm),
            intro=style("intro", 8, textColor=DARK, spaceAfter=2 * mm),
            cell=style("cell", 8.5),
            cell_bold=style("cell_bold", 8.5, bold=True),
            kpi_value=style("kpi_value", 17, bold=True, leading=22),
            kpi_label=style("kpi_label", 8, textColor=DARK),
            kpi_note=style("kpi_note", 7, textColor=MID),
        )


def table_style(fonts: ReportFonts, *, numeric_from: int = 1, zebra: bool = True) -> TableStyle:
    """A ruled table whose header row repeats on every page; numbers right-aligned from a column on."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, 0), fonts.bold, 8.5),
        ("FONT", (0, 1), (-1, -1), fonts.regular, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, MID),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, FAINT]))
    return TableStyle(commands)


@dataclass(frozen=True)
class PageDecor:
    """Header (logo, business name, report title and period) and the footer's generation date."""

    fonts: ReportFonts
    business_name: str
    title: str
    period: str
    generated: str
    logo: Path | None = None  # a PNG or JPEG; one that cannot be read is left out (and logged)

    def draw(self, canvas: Canvas, doc: Any) -> None:
        """Draw the header and left footer on one page (the page count is added when the PDF is saved)."""
        width, height = doc.pagesize
        canvas.saveState()
        top = height - MARGIN + 6 * mm
        heading = f"{self.title} · {self.period}"
        left = EDGE + self._draw_logo(canvas, top)
        room = width - left - EDGE - stringWidth(heading, self.fonts.regular, 8.5) - 12
        canvas.setFont(self.fonts.bold, 10)
        canvas.setFillColor(INK)
        canvas.drawString(left, top, fit_text(self.business_name, self.fonts.bold, 10, room))
        canvas.setFont(self.fonts.regular, 8.5)
        canvas.setFillColor(DARK)
        canvas.drawRightString(width - EDGE, top, heading)
        canvas.setStrokeColor(MID)
        canvas.setLineWidth(0.6)
        canvas.line(EDGE, top - 2.5 * mm, width - EDGE, top - 2.5 * mm)
        bottom = MARGIN - 9 * mm
        canvas.line(EDGE, bottom + 4 * mm, width - EDGE, bottom + 4 * mm)
        canvas.setFont(self.fonts.regular, 7.5)
        canvas.drawString(EDGE, bottom, f"Generated {self.generated} with CRM Desktop")
        canvas.restoreState()

    def _draw_logo(self, canvas: Canvas, baseline: float) -> float:
        """The logo, scaled to the header's height, left of the business name; the width it took (0: none)."""
        if self.logo is None:
            return 0.0
        try:
            image = ImageReader(str(self.logo))
            w, h = image.getSize()
            height = LOGO_HEIGHT
            width = min(w * height / h, 3 * LOGO_HEIGHT)
            canvas.drawImage(image, EDGE, baseline - 1.5 * mm, width=width, height=height, mask="auto",
                             preserveAspectRatio=True, anchor="sw")  # fmt: skip
        except Exception as exc:  # ReportLab and Pillow raise many kinds for a bad file
            log.warning("report logo %s not used: %s", self.logo, exc)
            return 0.0
        return width + 2.5 * mm


def numbered_canvas(fonts: ReportFonts) -> type[Canvas]:
    """A canvas class that writes "Page n of m" on every page once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.regular  # no unembedded Helvetica
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(fonts.regular, 7.5)
                self.setFillColor(DARK)
                self.drawRightString(width - EDGE, MARGIN - 9 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
