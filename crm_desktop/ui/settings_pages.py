"""Pages of the Business Settings dialog (Business, Region) and the pieces every page is built from.

Pages never check or store anything: the dialog asks `services.settings` to do that, and shows its verdict
in the red hint under the field (`hints[key]`), leaving the typed text alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.settings import PAPER_SIZES, currency_codes, phone_regions, time_zones
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import hint_label, make_muted

COMMON_LOCALES = (
    "en_GB", "en_US", "en_IE", "en_CA", "en_AU", "en_NZ", "en_ZA", "en_IN", "de_DE", "de_AT", "de_CH", "fr_FR",
    "fr_BE", "fr_CA", "fr_CH", "it_IT", "it_CH", "es_ES", "es_MX", "es_AR", "es_CO", "pt_PT", "pt_BR", "nl_NL",
    "nl_BE", "sv_SE", "da_DK", "nb_NO", "fi_FI", "is_IS", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "bg_BG",
    "hr_HR", "sl_SI", "el_GR", "tr_TR", "uk_UA", "et_EE", "lv_LV", "lt_LT", "ja_JP", "zh_CN", "zh_TW", "ko_KR",
    "he_IL", "ar_AE", "hi_IN", "id_ID", "ms_MY", "th_TH", "vi_VN",
)  # fmt: skip
_ZONE_AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
               "Indian/", "Pacific/")  # fmt: skip
LOGO_FILTER = "Pictures (*.png *.jpg *.jpeg)"
LOGO_PREVIEW = (160, 56)


class SettingsPage(QWidget):
    """A form of settings; `fields[key]` is the widget to focus and `hints[key]` the red line under it."""

    edited = Signal(str)  # the setting whose field the user changed
    left = Signal(str)  # the user finished typing in a free-text field: check it now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.hints: dict[str, QLabel] = {}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(16, 14, 16, 10)
        self.box.addLayout(self.form)

    def add_row(
        self,
        key: str,
        text: str,
        widget: QWidget,
        *,
        field: QWidget | None = None,
        note: str = "",
        stretch: bool = False,
    ) -> None:
        """A labelled row with its hint; changes of `field` (default: the widget) are reported as `edited(key)`."""
        hint = hint_label(self)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if note:
            column.addWidget(make_muted(_wrapped(note, holder)))
        column.addWidget(hint)
        if not stretch:
            holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.form.addRow(text, holder)
        target = field or widget
        self.fields[key], self.hints[key] = target, hint
        _on_change(target, lambda: self.edited.emit(key))
        if isinstance(target, QLineEdit):
            target.editingFinished.connect(lambda: self.left.emit(key))
        elif isinstance(target, QComboBox) and target.isEditable() and target.lineEdit() is not None:
            target.lineEdit().editingFinished.connect(lambda: self.left.emit(key))

    def load(self, values: dict[str, Any]) -> None:
        """Show the stored values."""
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """What the fields hold now, in the shape the settings service takes."""
        raise NotImplementedError


class BusinessPage(SettingsPage):
    """Who the business is, as quotes and reports print it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.name.setMaxLength(200)
        self.address = text_box(self, lines=4)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("hello@example.com")
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText("Local number, or +country code")
        self.logo = QLineEdit(self)
        self.logo.setReadOnly(True)
        self.logo.setPlaceholderText("No logo")
        self.choose_logo_button = QPushButton("Choose…", self)
        self.clear_logo_button = QPushButton("Clear", self)
        self.logo_preview = make_muted(QLabel(self))
        self.logo_preview.setFixedSize(*LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.logo_picker: QFileDialog | None = None
        logo_row = QWidget(self)
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo, 1)
        row.addWidget(self.choose_logo_button)
        row.addWidget(self.clear_logo_button)
        logo_box = QWidget(self)
        column = QVBoxLayout(logo_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(logo_row)
        column.addWidget(self.logo_preview)

        self.add_row("business_name", "Business &name", self.name)
        self.add_row("business_address", "Postal &address", self.address, note="One line per row, as on an envelope.")
        self.add_row("business_email", "&Email", self.email)
        self.add_row("business_phone", "&Phone", self.phone)
        self.add_row("business_logo", "&Logo", logo_box, field=self.logo, note="PNG or JPEG, on quotes and reports.")
        self.box.addStretch(1)
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.clear_logo_button.clicked.connect(lambda: self.set_logo(""))
        self.logo.textChanged.connect(self._preview)

    def choose_logo(self) -> None:
        """Open a file picker (non-blocking); the chosen file becomes the logo."""
        self.logo_picker = QFileDialog(self, "Choose a logo", self.logo.text() or "", LOGO_FILTER)
        self.logo_picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.logo_picker.fileSelected.connect(self.set_logo)
        self.logo_picker.open()

    def set_logo(self, path: str) -> None:
        self.logo.setText(path)

    def _preview(self, path: str) -> None:
        picture = QPixmap(path) if path else QPixmap()
        self.logo_preview.setVisible(bool(path))
        if picture.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("Cannot show this picture" if path else "")
            return
        width, height = LOGO_PREVIEW
        self.logo_preview.setPixmap(
            picture.scaled(
                width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def load(self, values: dict[str, Any]) -> None:
        self.name.setText(str(values["business_name"]))
        self.address.setPlainText(str(values["business_address"]))
        self.email.setText(str(values["business_email"]))
        self.phone.setText(str(values["business_phone"]))
        self.set_logo(str(values["business_logo"]))

    def values(self) -> dict[str, Any]:
        return {
            "business_name": self.name.text(),
            "business_address": self.address.toPlainText(),
            "business_email": self.email.text(),
            "business_phone": self.phone.text(),
            "business_logo": self.logo.text(),
        }


class RegionPage(SettingsPage):
    """Money, language, clock and phone conventions; a sample line shows what they look like."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency = searchable_combo(self, currency_choices())
        self.locale = searchable_combo(self, locale_choices())
        self.timezone = searchable_combo(self, zone_choices())
        self.default_region = searchable_combo(self, region_choices())
        self.paper_size = QComboBox(self)
        for size in PAPER_SIZES:
            self.paper_size.addItem(size, size)
        self.sample = make_muted(QLabel(self))
        self.add_row("currency", "&Currency", self.currency, note="Existing deals and sales keep their own currency.")
        self.add_row("locale", "&Language and format", self.locale)
        self.add_row("timezone", "&Time zone", self.timezone)
        self.add_row("default_region", "Phone &region", self.default_region, note="Numbers typed without +code.")
        self.add_row("paper_size", "&Paper size", self.paper_size)
        self.form.addRow("Looks like", self.sample)
        self.box.addStretch(1)
        self.edited.connect(self._show_sample)

    def load(self, values: dict[str, Any]) -> None:
        for key in ("currency", "locale", "timezone", "default_region", "paper_size"):
            select_value(self.fields[key], str(values[key]))  # type: ignore[arg-type]
        self._show_sample()

    def values(self) -> dict[str, Any]:
        return {key: combo_value(self.fields[key]) for key in self.fields}  # type: ignore[arg-type]

    def _show_sample(self, _key: str = "") -> None:
        fmt = Formatter(locale=str(combo_value(self.locale)), currency=str(combo_value(self.currency)))
        try:
            self.sample.setText(f"{fmt.money(123456789)}   ·   {fmt.date(date.today(), fmt='long')}")
        except (ValueError, TypeError, LookupError, AttributeError):  # babel's refusals of a half-typed value
            self.sample.setText("—")


# --- choices and small widgets ---------------------------------------------------------------------


@cache
def currency_choices() -> tuple[tuple[str, str], ...]:
    from babel.numbers import get_currency_name

    return tuple((code, f"{code} — {get_currency_name(code, locale='en')}") for code in sorted(currency_codes()))


@cache
def locale_choices() -> tuple[tuple[str, str], ...]:
    from babel import Locale

    choices = [(code, f"{Locale.parse(code).get_display_name('en') or code} — {code}") for code in COMMON_LOCALES]
    return tuple(sorted(choices, key=lambda choice: choice[1].casefold()))


@cache
def zone_choices() -> tuple[tuple[str, str], ...]:
    now = datetime.now().astimezone()
    zones = sorted(zone for zone in time_zones() if zone.startswith(_ZONE_AREAS))
    choices = [("UTC", "UTC")]
    for zone in zones:
        offset = f"{now.astimezone(ZoneInfo(zone)):%z}"
        choices.append((zone, f"{zone.replace('_', ' ')}  (UTC{offset[:3]}:{offset[3:]} today)"))
    return tuple(choices)


@cache
def region_choices() -> tuple[tuple[str, str], ...]:
    from babel import Locale
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE  # a plain table: no per-country metadata is loaded

    dialling = {region: code for code, regions in COUNTRY_CODE_TO_REGION_CODE.items() for region in regions}
    names = Locale("en").territories
    pairs = [(code, f"{names.get(code, code)} ({code}, +{dialling.get(code, '?')})") for code in phone_regions()]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


def searchable_combo(parent: QWidget, choices: tuple[tuple[str, str], ...]) -> QComboBox:
    """A combo whose text can be typed to search its (many) choices by any part of their name."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMaxVisibleItems(20)
    for code, text in choices:
        combo.addItem(text, code)
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


def combo_value(combo: QComboBox) -> str:
    """The code of the chosen item; typed text that names no item is returned as typed (the service judges it)."""
    text = combo.currentText().strip() if combo.isEditable() else combo.itemText(combo.currentIndex())
    index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
    if index < 0:
        index = next((i for i in range(combo.count()) if str(combo.itemData(i)).casefold() == text.casefold()), -1)
    return str(combo.itemData(index)) if index >= 0 else text


def select_value(combo: QComboBox, code: str) -> None:
    """Show the item for `code`; a stored code the list lacks is added, so nothing is changed by looking."""
    index = combo.findData(code)
    if index < 0:
        combo.addItem(code, code)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def spin_box(parent: QWidget, low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(130)
    spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # a number, not a text line
    return spin


def text_box(parent: QWidget, *, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _wrapped(text: str, parent: QWidget) -> QLabel:
    note = QLabel(text, parent)
    note.setWordWrap(True)
    return note


def _on_change(widget: QWidget, callback: Callable[[], None]) -> None:
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.textChanged.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(callback)
        widget.editTextChanged.connect(callback)
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(callback)
    elif isinstance(widget, QTableWidget):
        widget.itemChanged.connect(callback)
