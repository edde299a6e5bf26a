"""The import options: what to do with contacts that already exist, the phone region, and a tag to add."""

from __future__ import annotations

from datetime import date

from babel import Locale, UnknownLocaleError
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.importing import ON_MATCH_CHOICES, OnMatch
from crm_desktop.ui.style import make_muted

ON_MATCH_TEXT: dict[str, str] = {
    "update": "Update it with the file's values",
    "skip": "Leave it as it is",
    "create": "Add a new contact anyway",
}
NOT_COUNTRIES = frozenset({"AQ", "BV", "CP", "CQ", "DG", "EA", "EU", "EZ", "GS", "HM", "IC", "PN", "QO", "TF", "UM",
                           "UN", "XA", "XB", "ZZ"})  # fmt: skip
MAX_TAG = 60


def default_tag(today: date | None = None) -> str:
    """'Imported 2026-05-01': ISO, so it never holds the comma a tag list splits on."""
    return f"Imported {(today or date.today()).isoformat()}"


def regions(locale: str) -> list[tuple[str, str]]:
    """(code, 'United Kingdom') for every country, named in the business locale and sorted by name."""
    try:
        names = Locale.parse(locale).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES]
    return sorted(((c, str(names[c])) for c in codes), key=lambda item: item[1].casefold())


class ImportOptions(QGroupBox):
    """Public widgets so tests pick an option the way a user does."""

    def __init__(self, region: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__("Options", parent)
        self.on_match_group = QButtonGroup(self)
        self.on_match: dict[str, QRadioButton] = {}
        choices = QHBoxLayout()
        choices.setSpacing(16)
        for key in ON_MATCH_CHOICES:
            button = QRadioButton(ON_MATCH_TEXT[key], self)
            self.on_match[key] = button
            self.on_match_group.addButton(button)
            choices.addWidget(button)
        choices.addStretch(1)
        self.on_match["update"].setChecked(True)
        match_hint = make_muted(QLabel("Matched by external reference, then e-mail address, then phone number.", self))
        self.region = QComboBox(self)
        for code, name in regions(locale):
            self.region.addItem(f"{name} ({code})", code)
        found = self.region.findData(region.upper())
        self.region.setCurrentIndex(max(found, 0))
        self.region.setMaxVisibleItems(20)
        self.tag = QLineEdit(default_tag(), self)
        self.tag.setMaxLength(MAX_TAG)
        self.tag.setPlaceholderText("No tag")
        self.tag.setClearButtonEnabled(True)
        match_box = QVBoxLayout()
        match_box.setSpacing(2)
        match_box.addLayout(choices)
        match_box.addWidget(match_hint)
        form = QFormLayout(self)
        form.addRow("When a contact already exists:", match_box)
        form.addRow("Local phone numbers are in:", self.region)
        form.addRow("Tag every imported contact:", self.tag)

    def chosen_on_match(self) -> OnMatch:
        """update, skip or create."""
        return next((key for key, button in self.on_match.items() if button.isChecked()), "update")  # type: ignore[return-value]

    def chosen_region(self) -> str:
        """The two-letter country code for phone numbers without a country code."""
        return str(self.region.currentData() or "")

    def chosen_tags(self) -> tuple[str, ...]:
        """The tag to add to every imported contact (none when the box is empty)."""
        tag = " ".join(self.tag.text().split())
        return (tag,) if tag else ()
