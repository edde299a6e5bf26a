"""Icons and style sheets shipped in crm_desktop/resources, tinted to follow the light/dark palette."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

_ICON_SIZES = (16, 24)  # menus and line edits; toolbars (each also drawn at 2x for HiDPI)
_APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
_INK = "#000000"  # the placeholder colour line icons are drawn in


@cache
def resource_text(*parts: str) -> str:
    """The text of a file under crm_desktop/resources (works from a wheel or a zip)."""
    return resources.files("crm_desktop").joinpath("resources", *parts).read_text(encoding="utf-8")


def app_icon() -> QIcon:
    """The application icon, rendered crisply at every size a window manager asks for."""
    return _render(resource_text("icons", "app.svg"), None, _APP_ICON_SIZES)


def line_icon(name: str, palette: QPalette) -> QIcon:
    """A monochrome toolbar/menu icon drawn in the palette's text colour (so it works in dark mode)."""
    svg = resource_text("icons", f"{name}.svg")
    ink = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return _render(svg, (ink, muted))


def tinted_icon(name: str, color: QColor) -> QIcon:
    """A line icon drawn in one fixed colour (for state markers such as an overdue SLA)."""
    return _render(resource_text("icons", f"{name}.svg"), (color, color))


def style_sheet() -> str:
    """The application's small QSS; colours come from palette() so it follows the system scheme."""
    return resource_text("styles", "app.qss")


def dot_icon(color: QColor, diameter: float = 8.0) -> QIcon:
    """A small filled circle centred on a 16 px canvas: the quiet marker for statuses and priorities."""
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(16 * ratio, 16 * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        offset = (16 - diameter) / 2
        painter.drawEllipse(QRectF(offset, offset, diameter, diameter))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _render(svg: str, inks: tuple[QColor, QColor] | None, sizes: tuple[int, ...] = _ICON_SIZES) -> QIcon:
    icon = QIcon()
    variants = [(QIcon.Mode.Normal, svg)]
    if inks is not None:
        variants = [
            (QIcon.Mode.Normal, svg.replace(_INK, inks[0].name())),
            (QIcon.Mode.Disabled, svg.replace(_INK, inks[1].name())),
        ]
    for mode, text in variants:
        renderer = QSvgRenderer(QByteArray(text.encode()))
        for size in sizes:
            for ratio in (1, 2):
                pixmap = QPixmap(size * ratio, size * ratio)
                pixmap.fill(Qt.GlobalColor.transparent)
                painter = QPainter(pixmap)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                renderer.render(painter)
                painter.end()
                pixmap.setDevicePixelRatio(ratio)
                icon.addPixmap(pixmap, mode)
    return icon
