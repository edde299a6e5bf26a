"""DejaVu Sans for reports: embedded TrueType with full Unicode coverage (names like Chloé, Yılmaz, €)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger("crm_desktop.reports")

REGULAR_FILE, BOLD_FILE = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path.home() / "Library" / "Fonts",
    Path("C:/Windows/Fonts"),
)


@dataclass(frozen=True)
class ReportFonts:
    """The registered font names a report uses for body text and emphasis."""

    regular: str
    bold: str


def _candidates(name: str) -> list[Path]:
    shipped = resources.files("crm_desktop") / "resources" / "fonts" / name
    found = [Path(str(shipped))] if shipped.is_file() else []
    return found + [d / name for d in SYSTEM_DIRS if (d / name).is_file()]


def register_fonts() -> ReportFonts:
    """Register DejaVu Sans (shipped with the app, else from the system) once; Helvetica as a last resort."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return ReportFonts("DejaVuSans", "DejaVuSans-Bold")
    regular, bold = _candidates(REGULAR_FILE), _candidates(BOLD_FILE)
    if not regular:
        log.warning("DejaVu Sans not found; reports fall back to Helvetica (Latin-1 only)")
        return ReportFonts("Helvetica", "Helvetica-Bold")
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular[0])))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str((bold or regular)[0])))
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic="DejaVuSans",
        boldItalic="DejaVuSans-Bold",
    )
    return ReportFonts("DejaVuSans", "DejaVuSans-Bold")
