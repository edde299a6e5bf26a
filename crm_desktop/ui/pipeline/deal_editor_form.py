"""The deal editor's fields: title, people, pipeline and stage, value, dates, probability, owner, source, notes.

The form only shows and reads values; loading and saving are the dialog's job. Reading raises
ValidationError (naming the field) for what cannot be understood, and never clears what was typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from babel import Locale
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import ValidationError
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_editor_lines import amount_text, parse_amount
from crm_desktop.ui.record_picker import Pick, RecordPicker
from crm_desktop.ui.style import hint_label, make_muted

COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CAD", "AUD", "JPY")
NO_PROBABILITY = -1
Search = Callable[[str], list[Pick]]


def _date_pattern(fmt: Formatter) -> str:
    """The business locale's medium date pattern in Qt's notation ("d MMM yyyy", "MMM d, yyyy")."""
    pattern = Locale.parse(fmt.locale).date_formats["medium"].pattern
    return pattern.replace("y", "yyyy").replace("yyyyyyyy", "yyyy").replace("LLL", "MMM")


def index_of(combo: QComboBox, value: Any) -> int:
    """The first item whose data equals `value`, or -1: `findData` compares Python objects (ids) by identity."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


class DealForm(QWidget):
    """The deal's own fields, with a red hint under each field a save can reject."""

    currency_changed = Signal(str)
    pipeline_changed = Signal(object)

    def __init__(self, fmt: Formatter, contacts: Search, organizations: Search, parent: QWidget | None = None):
        super().__init__(parent)
        self.fmt = fmt
        self.stage_defaults: dict[uuid.UUID, int] = {}
        self.title = QLineEdit(self)
        self.title.setMaxLength(300)
        self.title.setPlaceholderText("What is being sold, e.g. “Espresso machines for the new café”")
        self.contact = RecordPicker(contacts, "Type a name, email or phone", self)
        self.organization = RecordPicker(organizations, "Type to find an organization", self)
        self.pipeline = QComboBox(self)
        self.pipeline.currentIndexChanged.connect(lambda _i: self.pipeline_changed.emit(self.pipeline.currentData()))
        self.stage = QComboBox(self)
        self.stage.currentIndexChanged.connect(lambda _i: self._stage_default())
        self.status = make_muted(QLabel(self))
        self.value = QLineEdit(self)
        self.value.setPlaceholderText("0.00")
        self.currency = QComboBox(self)
        self.currency.setEditable(True)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.lineEdit().setMaxLength(3)
        self.currency.setMinimumContentsLength(4)
        self.currency.currentTextChanged.connect(lambda text: self.currency_changed.emit(text.strip().upper()))
        self.has_close = QCheckBox(self)
        self.has_close.setToolTip("Untick for no expected close date")
        self.expected_close = QDateEdit(self)
        self.expected_close.setCalendarPopup(True)
        self.expected_close.setDisplayFormat(_date_pattern(fmt))
        self.expected_close.setDate(QDate.currentDate().addMonths(1))
        self.has_close.toggled.connect(self.expected_close.setEnabled)
        self.probability = QSpinBox(self)
        self.probability.setRange(NO_PROBABILITY, 100)
        self.probability.setSuffix(" %")
        self.owner = QComboBox(self)
        self.source = QComboBox(self)
        self.source.setEditable(True)
        self.source.lineEdit().setMaxLength(80)
        self.source.lineEdit().setPlaceholderText("e.g. website, referral, trade fair")
        self.campaign = QComboBox(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText("Anything worth remembering about this deal")
        self.notes.setTabChangesFocus(True)
        self.hints = {name: hint_label(self) for name in ("title", "contact", "organization", "value", "other")}
        for name, widget in (("title", self.title), ("contact", self.contact), ("organization", self.organization),
                             ("value", self.value)):  # fmt: skip
            widget.textEdited.connect(lambda _t, n=name: self.hints[n].hide())

        value_row = QHBoxLayout()
        value_row.addWidget(self.value, 1)
        value_row.addWidget(self.currency)
        close_row = QHBoxLayout()
        close_row.addWidget(self.has_close)
        close_row.addWidget(self.expected_close, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Title", self._with_hint(self.title, "title"))
        form.addRow("Contact", self._with_hint(self.contact, "contact"))
        form.addRow("Organization", self._with_hint(self.organization, "organization"))
        form.addRow("Pipeline", self.pipeline)
        form.addRow("Stage", self.stage)
        form.addRow("", self.status)
        form.addRow("Value", self._with_hint(value_row, "value"))
        form.addRow("Expected close", close_row)
        form.addRow("Probability", self.probability)
        form.addRow("Owner", self.owner)
        form.addRow("Source", self.source)
        form.addRow("Campaign", self.campaign)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.hints["other"])

    def _with_hint(self, field: QWidget | QHBoxLayout, name: str) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(2)
        if isinstance(field, QHBoxLayout):
            box.addLayout(field)
        else:
            box.addWidget(field)
        box.addWidget(self.hints[name])
        return box

    # --- filling -------------------------------------------------------------------------------------------

    def set_choices(self, *, pipelines: Sequence[tuple[uuid.UUID, str]], owners: Sequence[tuple[uuid.UUID, str]],
                    campaigns: Sequence[tuple[uuid.UUID, str]], sources: Sequence[str]) -> None:  # fmt: skip
        """The pick lists (each small: pipelines, team members, campaigns, sources in use)."""
        self.pipeline.blockSignals(True)
        for pipeline_id, name in pipelines:
            self.pipeline.addItem(name, pipeline_id)
        self.pipeline.blockSignals(False)
        for user_id, name in owners:
            self.owner.addItem(name, user_id)
        self.campaign.addItem("None", None)
        for campaign_id, name in campaigns:
            self.campaign.addItem(name, campaign_id)
        self.source.addItem("")
        self.source.addItems(list(sources))

    def set_stages(self, stages: Sequence[tuple[uuid.UUID, str, int]], current: uuid.UUID | None = None) -> None:
        """The stages a deal may be put in (id, name, default probability), selecting `current`."""
        self.stage.blockSignals(True)
        self.stage.clear()
        for stage_id, name, probability in stages:
            self.stage.addItem(name, stage_id)
            self.stage_defaults[stage_id] = probability
        found = index_of(self.stage, current) if current is not None else -1
        self.stage.setCurrentIndex(max(found, 0))
        self.stage.blockSignals(False)
        self._stage_default()

    def _stage_default(self) -> None:
        default = self.stage_defaults.get(self.stage.currentData())
        text = f"Stage default ({default} %)" if default is not None else "Stage default"
        self.probability.setSpecialValueText(text)

    def select(self, combo: QComboBox, value: Any) -> None:
        """Make the item holding `value` current (left as it is when no item holds it)."""
        found = index_of(combo, value)
        if found >= 0:
            combo.setCurrentIndex(found)

    def show_deal(self, deal: Any, contact: Pick | None, organization: Pick | None) -> None:
        """Fill the fields from a stored deal (contact and organization given as picks with their names)."""
        self.title.setText(deal.title)
        self.contact.set_choice(contact)
        self.organization.set_choice(organization)
        self.select(self.pipeline, deal.pipeline_id)
        self.set_currency(deal.currency)
        self.value.setText(amount_text(deal.value_cents, self.fmt))
        self.has_close.setChecked(deal.expected_close is not None)
        self.expected_close.setEnabled(deal.expected_close is not None)
        if deal.expected_close is not None:
            self.expected_close.setDate(QDate(deal.expected_close))
        self.probability.setValue(NO_PROBABILITY if deal.probability is None else deal.probability)
        self.select(self.owner, deal.owner_id)
        self.source.setCurrentText(deal.source or "")
        self.select(self.campaign, deal.campaign_id)
        self.notes.setPlainText(deal.notes or "")

    def set_currency(self, code: str) -> None:
        if self.currency.findText(code) < 0:
            self.currency.addItem(code)
        self.currency.setCurrentText(code)

    def lock_value(self, total_cents: int | None, currency: str) -> None:
        """With lines, the value is their total and read-only; without, it is typed (None unlocks)."""
        locked = total_cents is not None
        if locked:
            self.value.setText(self.fmt.money(total_cents, currency))
            self.hints["value"].hide()
        self.value.setReadOnly(locked)
        self.value.setToolTip("The sum of the items below" if locked else "")

    # --- reading -------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The fields as `save_deal` takes them; ValidationError (with the field) for what does not parse."""
        for picker, field, what in ((self.contact, "contact_id", "contact"),
                                    (self.organization, "organization_id", "organization")):  # fmt: skip
            if not picker.resolved:
                raise ValidationError(f"Pick the {what} from the list (or clear the field)", field=field)
        currency = self.currency.currentText().strip().upper()
        expected: date | None = self.expected_close.date().toPython() if self.has_close.isChecked() else None
        values: dict[str, Any] = {
            "title": self.title.text(), "contact_id": self.contact.chosen_id(),
            "organization_id": self.organization.chosen_id(), "currency": currency,
            "expected_close": expected,
            "probability": None if self.probability.value() == NO_PROBABILITY else self.probability.value(),
            "owner_id": self.owner.currentData(), "source": self.source.currentText(),
            "campaign_id": self.campaign.currentData(), "notes": self.notes.toPlainText(),
        }  # fmt: skip
        if not self.value.isReadOnly():
            values["value_cents"] = parse_amount(
                self.value.text(), self.fmt, currency, what="A deal's value", field="value_cents"
            )
        return values

    def show_error(self, field: str | None, message: str) -> None:
        """Put a rejection under the field it is about (elsewhere: under the form)."""
        name = {"title": "title", "contact_id": "contact", "organization_id": "organization",
                "value_cents": "value"}.get(field or "", "other")  # fmt: skip
        self.hints[name].setText(message)
        self.hints[name].show()

    def clear_errors(self) -> None:
        for hint in self.hints.values():
            hint.hide()
