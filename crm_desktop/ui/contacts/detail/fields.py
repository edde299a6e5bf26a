"""Building blocks of the detail pane's forms: titled sections, fields with an inline hint, a clearable date."""

from __future__ import annotations

from datetime import date

from babel import Locale
from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.ui.style import hint_label, make_muted

NO_DATE = QDate(1900, 1, 1)


class Section(QWidget):
    """A titled group of labelled rows, the way Apple Contacts groups a card: quiet labels, aligned fields."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(title, self)
        self.heading.setObjectName("sectionTitle")
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(7)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        self._labels: list[QLabel] = []

    def add_row(self, text: str, field: QWidget) -> QLabel:
        """A row with a muted right-aligned label; labels share one width across sections (see `align`)."""
        label = make_muted(QLabel(text, self))
        label.setBuddy(field)
        self._labels.append(label)
        self.form.addRow(label, field)
        return label

    def label_width(self) -> int:
        return max((label.sizeHint().width() for label in self._labels), default=0)

    def set_label_width(self, width: int) -> None:
        for label in self._labels:
            label.setMinimumWidth(width)


def align_sections(sections: list[Section]) -> None:
    """Give every section's labels the same width, so all fields of the card start on one line."""
    width = max((s.label_width() for s in sections), default=0)
    for section in sections:
        section.set_label_width(width)


class Hinted(QWidget):
    """A field with a red hint under it; the hint appears on a rejected value and never touches the text."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.hint = hint_label(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.hint)

    def show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.show()

    def clear_hint(self) -> None:
        self.hint.hide()
        self.hint.clear()

    @property
    def has_hint(self) -> bool:
        return not self.hint.isHidden()


class DateField(QWidget):
    """A date that may be empty: a calendar-popup date edit with a clear button ("Not set" when empty)."""

    changed = Signal()

    def __init__(self, display_format: str, parent: QWidget | None = None, *, years_back: int = 0) -> None:
        super().__init__(parent)
        self._years_back = years_back
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(display_format)
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText("Not set")
        self.edit.setDate(NO_DATE)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Clear the date")
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.edit.dateChanged.connect(self._on_changed)
        calendar = self.edit.calendarWidget()
        (calendar.parentWidget() or calendar).installEventFilter(self)  # the popup window that holds it
        self._on_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """An empty date opens its calendar on a sensible month (not January 1900), choosing nothing yet."""
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            self.edit.calendarWidget().setCurrentPage(today.year() - self._years_back, today.month())
        return False

    def value(self) -> date | None:
        chosen = self.edit.date()
        return None if chosen == NO_DATE else date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        self.edit.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def _on_changed(self) -> None:
        self.clear_button.setVisible(self.value() is not None)
        self.changed.emit()


def qt_date_format(locale: str) -> str:
    """A short numeric date pattern for the locale, in Qt's notation (babel's 'dd/MM/y' → 'dd/MM/yyyy')."""
    pattern = Locale.parse(locale).date_formats["short"].pattern
    return pattern.replace("yyyy", "y").replace("yy", "y").replace("y", "yyyy")


def fill_countries(combo: QComboBox, locale: str) -> None:
    """ "—" then every country by its name in the business's language; the data is the ISO code."""
    combo.addItem("—", None)
    territories = Locale.parse(locale).territories
    names = sorted(
        ((name, code) for code, name in territories.items() if len(code) == 2 and code.isalpha()),
        key=lambda pair: pair[0].casefold(),
    )
    for name, code in names:
        combo.addItem(name, code)


def muted(text: str, parent: QWidget | None = None) -> QLabel:
    """A quiet secondary-text label."""
    return make_muted(QLabel(text, parent))
