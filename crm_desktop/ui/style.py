"""Palette-derived colours and the app style sheet, so light and dark schemes both look right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget

from crm_desktop.ui.resources import style_sheet


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """`a` moved a fraction `t` towards `b` (0 → a, 1 → b)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def muted_text(palette: QPalette) -> QColor:
    """Secondary text: readable, quieter than the main text, in either scheme."""
    return blend(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.42)


def error_text(palette: QPalette) -> QColor:
    return QColor("#f87171") if is_dark(palette) else QColor("#c62828")


class _Tint(QObject):
    """Keeps a label's text colour derived from the application palette, also after a light/dark switch."""

    def __init__(self, label: QLabel, colour: Callable[[QPalette], QColor]) -> None:
        super().__init__(label)
        self._colour = colour
        self.apply(label)
        label.installEventFilter(self)

    def apply(self, label: QLabel) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self._colour(QApplication.palette()))
        label.setPalette(palette)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange and isinstance(watched, QLabel):
            self.apply(watched)
        return False


def make_muted(label: QLabel) -> QLabel:
    """Give a label the secondary-text colour (following the system scheme)."""
    _Tint(label, muted_text)
    return label


def hint_label(parent: QWidget | None = None) -> QLabel:
    """A hidden red hint shown under a field when the service rejects its value."""
    label = QLabel(parent)
    label.setObjectName("fieldHint")
    label.setWordWrap(True)
    _Tint(label, error_text)
    label.hide()
    return label


def plain_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Drop the stock icons some desktops put on OK/Cancel: text buttons read cleaner."""
    for button in box.buttons():
        button.setIcon(QIcon())
    return box


def apply_style(app: QApplication) -> None:
    """Install the style sheet (re-run on a scheme change: palette() is resolved when it is set)."""
    app.setStyleSheet(style_sheet())
