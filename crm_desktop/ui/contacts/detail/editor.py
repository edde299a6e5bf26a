"""Every field of a contact, laid out as a card of sections; knows what was edited and where a hint belongs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from crm_desktop.services.channels import ChannelEdit, Choice
from crm_desktop.services.vocab import LeadStatus, LifecycleStage
from crm_desktop.ui.contacts.detail.channels_editor import Channel, ChannelListEditor
from crm_desktop.ui.contacts.detail.custom_fields import CustomFieldsSection, FieldDefinition
from crm_desktop.ui.contacts.detail.fields import (
    DateField,
    Hinted,
    Section,
    align_sections,
    fill_countries,
    muted,
    qt_date_format,
)
from crm_desktop.ui.contacts.detail.org_picker import OrganizationPicker
from crm_desktop.ui.contacts.detail.tags_editor import TagsEditor
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label

TEXT_FIELDS = (
    "given_name", "family_name", "title", "street", "city", "region", "postal_code", "source", "consent_how",
    "external_ref",
)  # fmt: skip
CHANNEL_KINDS = ("email", "phone", "url", "social")


@dataclass(frozen=True)
class ContactSnapshot:
    """A contact as loaded: its input fields, organization, channels, and the choices the editor offers."""

    id: uuid.UUID
    updated_at: datetime
    values: dict[str, Any]
    consent_at: datetime | None
    organization: Choice | None
    channels: dict[str, list[Channel]]
    users: list[Choice] = field(default_factory=list)
    campaigns: list[Choice] = field(default_factory=list)
    custom_defs: list[FieldDefinition] = field(default_factory=list)


def derived_name(given: str | None, family: str | None, email: str | None) -> str:
    """The display name the service derives when none is given."""
    return " ".join(part for part in (given, family) if part) or (email or "")


class ContactEditor(QWidget):
    """The Details tab: emits `edited` on any change; `changes()` lists what differs from the snapshot."""

    edited = Signal()

    def __init__(
        self,
        fmt: Formatter,
        *,
        organizations: Callable[[str], list[Choice]],
        tags: Callable[[], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.snapshot: ContactSnapshot | None = None
        self._loading = False
        self.boxes: dict[str, Hinted] = {}
        self.texts: dict[str, QLineEdit] = {}
        for name in TEXT_FIELDS:
            line = QLineEdit(self)
            line.setMaxLength(400)
            self.texts[name] = line
            self.boxes[name] = Hinted(line, self)
        self.display_name = QLineEdit(self)
        self.boxes["display_name"] = Hinted(self.display_name, self)
        self.organization = OrganizationPicker(organizations, self)
        self.boxes["organization_id"] = Hinted(self.organization, self)
        region = lambda: self.fmt.region  # noqa: E731 - read at use: the business may change it
        self.channels = {
            kind: ChannelListEditor(kind, region=region, primary=kind in ("email", "phone"), parent=self)
            for kind in CHANNEL_KINDS
        }
        self.country = QComboBox(self)
        self.boxes["country"] = Hinted(self.country, self)
        self.birthday = DateField(qt_date_format(fmt.locale), self, years_back=30)
        self.boxes["birthday"] = Hinted(self.birthday, self)
        self.tags = TagsEditor(tags, self)
        self.boxes["tags"] = Hinted(self.tags, self)
        self.lifecycle_stage = QComboBox(self)
        for stage in LifecycleStage:
            self.lifecycle_stage.addItem(label(stage.value), stage.value)
        self.lead_status = QComboBox(self)
        self.lead_status.addItem("—", None)
        for status in LeadStatus:
            self.lead_status.addItem(label(status.value), status.value)
        self.owner = QComboBox(self)
        self.campaign = QComboBox(self)
        self.marketing_consent = QCheckBox("Agreed to receive marketing", self)
        self.consent_since = muted("", self)
        self.do_not_contact = QCheckBox("Do not contact", self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("Anything worth remembering")
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        self.custom = CustomFieldsSection(qt_date_format(fmt.locale), self)
        fill_countries(self.country, fmt.locale)
        self._lay_out()
        self._connect()

    # --- layout -------------------------------------------------------------------------------------
    def _lay_out(self) -> None:
        t, b = self.texts, self.boxes
        t["given_name"].setPlaceholderText("Given name")
        t["family_name"].setPlaceholderText("Family name")
        t["title"].setPlaceholderText("Job title")
        t["source"].setPlaceholderText("e.g. website, referral, trade fair")
        t["consent_how"].setPlaceholderText("e.g. signup form, in the shop")
        name = Section("Name", self)
        name.add_row("Given name", b["given_name"])
        name.add_row("Family name", b["family_name"])
        name.add_row("Display as", b["display_name"])
        name.add_row("Job title", b["title"])
        name.add_row("Organization", b["organization_id"])
        reach = Section("Contact", self)
        reach.add_row("Email", self.channels["email"])
        reach.add_row("Phone", self.channels["phone"])
        reach.add_row("Web", self.channels["url"])
        reach.add_row("Social", self.channels["social"])
        address = Section("Address", self)
        address.add_row("Street", b["street"])
        address.add_row("City", b["city"])
        address.add_row("Region", b["region"])
        address.add_row("Postal code", b["postal_code"])
        address.add_row("Country", b["country"])
        personal = Section("Personal", self)
        personal.add_row("Birthday", b["birthday"])
        personal.add_row("Tags", b["tags"])
        sales = Section("Relationship", self)
        sales.add_row("Stage", self.lifecycle_stage)
        sales.add_row("Lead status", self.lead_status)
        sales.add_row("Owner", self.owner)
        sales.add_row("Source", b["source"])
        sales.add_row("Campaign", self.campaign)
        marketing = Section("Marketing", self)
        marketing.add_row("Consent", self.marketing_consent)
        marketing.add_row("", self.consent_since)
        marketing.add_row("How", b["consent_how"])
        marketing.add_row("", self.do_not_contact)
        notes = Section("Notes", self)
        notes.add_row("Notes", self.notes)
        notes.add_row("Reference", b["external_ref"])
        t["external_ref"].setPlaceholderText("ID in another system")
        self.sections = [name, reach, address, personal, sales, marketing, self.custom, notes]
        align_sections(self.sections)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 18)
        layout.setSpacing(20)
        for section in self.sections:
            layout.addWidget(section)
        layout.addStretch(1)
        heading = QFont(name.heading.font())
        heading.setPointSizeF(heading.pointSizeF() + 0.5)
        for section in self.sections:
            section.heading.setFont(heading)

    def _connect(self) -> None:
        for line in (*self.texts.values(), self.display_name):
            line.textChanged.connect(self._changed)
        for name, line in self.texts.items():
            line.textChanged.connect(lambda _t, n=name: self.boxes[n].clear_hint())
        self.display_name.textChanged.connect(lambda _t: self.boxes["display_name"].clear_hint())
        for name in ("given_name", "family_name"):
            self.texts[name].textChanged.connect(self._update_display_placeholder)
        self.organization.edited.connect(self._changed)
        self.organization.edited.connect(self.boxes["organization_id"].clear_hint)
        for editor in self.channels.values():
            editor.edited.connect(self._changed)
        self.channels["email"].edited.connect(self._update_display_placeholder)
        self.tags.edited.connect(self._changed)
        self.birthday.changed.connect(self._changed)
        self.birthday.changed.connect(self.boxes["birthday"].clear_hint)
        self.custom.edited.connect(self._changed)
        self.notes.textChanged.connect(self._changed)
        for combo in (self.country, self.lifecycle_stage, self.lead_status, self.owner, self.campaign):
            combo.currentIndexChanged.connect(self._changed)
        for check in (self.marketing_consent, self.do_not_contact):
            check.toggled.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.edited.emit()

    def _update_display_placeholder(self, *_args: object) -> None:
        given, family = (self.texts[n].text().strip() or None for n in ("given_name", "family_name"))
        self.display_name.setPlaceholderText(derived_name(given, family, self.channels["email"].primary_text()))

    # --- loading ------------------------------------------------------------------------------------
    def load(self, snapshot: ContactSnapshot) -> None:
        """Show a contact, replacing whatever was typed (the pane asks first when there are edits)."""
        self._loading = True
        try:
            self.snapshot = snapshot
            values = snapshot.values
            for name, line in self.texts.items():
                line.setText(values.get(name) or "")
            auto = values["display_name"] == derived_name(values["given_name"], values["family_name"], values["email"])
            self.display_name.setText("" if auto else values["display_name"] or "")
            self.organization.set_choice(snapshot.organization)
            for kind, editor in self.channels.items():
                editor.load(values.get(kind) if kind in ("email", "phone") else None, snapshot.channels.get(kind, []))
            _select(self.country, values.get("country"), add_missing=True)
            self.birthday.set_value(values.get("birthday"))
            self.tags.set_tags(list(values.get("tags") or []))
            _select(self.lifecycle_stage, values["lifecycle_stage"], add_missing=True)
            _select(self.lead_status, values.get("lead_status"), add_missing=True)
            _fill(self.owner, "Nobody", snapshot.users, values.get("owner_id"))
            _fill(self.campaign, "None", snapshot.campaigns, values.get("campaign_id"))
            self.marketing_consent.setChecked(bool(values.get("marketing_consent")))
            since = self.fmt.date(snapshot.consent_at) if snapshot.consent_at else ""
            self.consent_since.setText(f"Given on {since}" if since else "No consent recorded")
            self.do_not_contact.setChecked(bool(values.get("do_not_contact")))
            self.notes.setPlainText(values.get("notes") or "")
            self.custom.set_definitions(snapshot.custom_defs)
            self.custom.load(dict(values.get("custom") or {}))
            for box in self.boxes.values():
                box.clear_hint()
            self._update_display_placeholder()
        finally:
            self._loading = False

    # --- reading ------------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The contact fields that differ from the snapshot, as update_contact takes them."""
        if self.snapshot is None:
            return {}
        saved = self.snapshot.values
        now: dict[str, Any] = {name: line.text().strip() or None for name, line in self.texts.items()}
        now["notes"] = self.notes.toPlainText().strip() or None
        now["organization_id"] = self.organization.chosen_id()
        now["country"] = self.country.currentData()
        now["birthday"] = self.birthday.value()
        now["tags"] = self.tags.tags()
        now["lifecycle_stage"] = self.lifecycle_stage.currentData()
        now["lead_status"] = self.lead_status.currentData()
        now["owner_id"] = _chosen_id(self.owner)
        now["campaign_id"] = _chosen_id(self.campaign)
        now["marketing_consent"] = self.marketing_consent.isChecked()
        now["do_not_contact"] = self.do_not_contact.isChecked()
        changes = {k: v for k, v in now.items() if v != (saved.get(k) if k != "tags" else list(saved.get(k) or []))}
        if not self.organization.resolved:
            changes["organization_id"] = self.organization.text()  # refused by validate(); marks the edit
        display = self.display_name.text().strip() or None
        auto = saved["display_name"] == derived_name(saved["given_name"], saved["family_name"], saved["email"])
        if (display is not None and display != saved["display_name"]) or (display is None and not auto):
            changes["display_name"] = display
        for kind in ("email", "phone"):
            if self.channels[kind].primary_changed():
                changes[kind] = self.channels[kind].primary_text()
        if self.custom.changed():
            changes["custom"] = self.custom.values()
        return changes

    def channel_changes(self) -> dict[str, list[ChannelEdit]]:
        """The channel lists that changed, by kind, as replace_channels takes them."""
        return {kind: e.entries() for kind, e in self.channels.items() if e.channels_changed()}

    def is_dirty(self) -> bool:
        return bool(self.changes() or self.channel_changes())

    # --- checking -----------------------------------------------------------------------------------
    def validate(self) -> QWidget | None:
        """Check what can be checked here; hint at each problem and return the first bad field (None: all fine)."""
        bad: list[QWidget] = []
        for kind in CHANNEL_KINDS:
            editor = self.channels[kind]
            if not editor.validate():
                bad.append(editor.first_invalid() or editor)
        if not self.organization.resolved:
            self.boxes["organization_id"].show_hint("Choose an organization from the list, or clear the field")
            bad.append(self.organization)
        birthday = self.birthday.value()
        if birthday is not None and birthday > date.today():
            self.boxes["birthday"].show_hint("Birthday cannot be in the future")
            bad.append(self.birthday)
        if not self.custom.validate():
            bad.append(self.custom)
        return bad[0] if bad else None

    def show_error(self, field_name: str | None, message: str) -> QWidget | None:
        """Put a service's complaint next to the field it names; returns that field (None: no field fits)."""
        if field_name in ("email", "phone"):
            row = self.channels[field_name].primary_row
            assert row is not None
            row.box.show_hint(message)
            return row.value
        if field_name == "custom":
            self.custom.show_error(message)
            return self.custom
        box = self.boxes.get(field_name or "")
        if box is None:
            return None
        box.show_hint(message)
        return box.field


def _select(combo: QComboBox, value: Any, *, add_missing: bool = False) -> None:
    index = combo.findData(value)
    if index < 0 and add_missing and value is not None:
        combo.addItem(label(str(value)), value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def _fill(combo: QComboBox, none_text: str, choices: list[Choice], current: uuid.UUID | None) -> None:
    """Fill a pick list of records; ids are kept as hex text (Qt compares strings, not Python objects)."""
    combo.clear()
    combo.addItem(none_text, None)
    for choice in choices:
        combo.addItem(choice.name, choice.id.hex)
    wanted = current.hex if current is not None else None
    if wanted is not None and combo.findData(wanted) < 0:
        combo.addItem("(no longer available)", wanted)
    combo.setCurrentIndex(max(combo.findData(wanted), 0) if wanted is not None else 0)


def _chosen_id(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(hex=data) if data else None
