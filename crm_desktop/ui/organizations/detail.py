"""The organization detail pane: its fields (editable, one undoable save), its people, timeline and history.

Built from the contact pane's parts, so both cards look and behave alike: hints beside bad values, typed text
never discarded, a banner instead of overwriting a change made elsewhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.channels import Member, custom_fields, normalize_phone, organization_people
from crm_desktop.services.contacts import format_phone
from crm_desktop.services.errors import CRMError, NotFound, ValidationError
from crm_desktop.services.history import organization_history
from crm_desktop.services.organizations import OrganizationInput, get_organization, update_organization
from crm_desktop.services.timeline import organization_timeline
from crm_desktop.services.users import list_users
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.detail.custom_fields import CustomFieldsSection
from crm_desktop.ui.contacts.detail.fields import Hinted, Section, align_sections, fill_countries, qt_date_format
from crm_desktop.ui.contacts.detail.header import Avatar
from crm_desktop.ui.contacts.detail.history_view import HistoryView
from crm_desktop.ui.contacts.detail.loader import FieldDef
from crm_desktop.ui.contacts.detail.quick_actions import QuickActions
from crm_desktop.ui.contacts.detail.style import PANE_STYLE
from crm_desktop.ui.contacts.detail.tags_editor import TagsEditor
from crm_desktop.ui.contacts.detail.timeline_view import TimelineModel, TimelineView
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import hint_label, make_muted
from crm_desktop.ui.undo_stack import UndoStack

TEXTS = ("name", "website", "domain", "industry", "size", "street", "city", "region", "postal_code", "external_ref")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
WATCHED = frozenset({"organization", "contact", "user", "custom_field_def"})


@dataclass(frozen=True)
class OrganizationSnapshot:
    """An organization as loaded, with its people and the pick lists."""

    id: uuid.UUID
    values: dict[str, Any]
    updated_at: Any
    people: list[Member]
    users: list[tuple[str, str]]
    custom_defs: list[FieldDef]


class OrganizationDetailPane(QWidget):
    """Shows one organization (`show_organization`); double-clicking a person emits `contact_activated`."""

    contact_activated = Signal(object)
    saved = Signal(object)

    def __init__(
        self, db: Workspace, hub: EventHub, fmt: Formatter, undo: UndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setStyleSheet(PANE_STYLE)
        self.db, self.fmt, self.undo = db, fmt, undo
        self.snapshot: OrganizationSnapshot | None = None
        self.message_box: Any = None
        self.avatar = Avatar(52, self)
        self.title = QLabel(self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() + 5)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.subtitle = make_muted(QLabel(self))
        self.boxes: dict[str, Hinted] = {}
        self.texts: dict[str, QLineEdit] = {}
        for name in (*TEXTS, "phone"):
            self.texts[name] = QLineEdit(self)
            self.boxes[name] = Hinted(self.texts[name], self)
        self.texts["website"].setPlaceholderText("example.com")
        self.texts["phone"].setPlaceholderText("Local number, or +country code")
        self.country = QComboBox(self)
        self.owner = QComboBox(self)
        self.tags = TagsEditor(lambda: [], self)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.custom = CustomFieldsSection(qt_date_format(fmt.locale), self)
        self.people = QListWidget(self)
        self.people.setObjectName("peopleList")
        self.people.setFrameShape(QFrame.Shape.NoFrame)
        self.people.setSpacing(2)
        self.people.setToolTip("Double-click a person to open them")
        self.people.itemActivated.connect(lambda item: self.contact_activated.emit(item.data(ID_ROLE)))
        self.quick = QuickActions(undo, fmt, self)
        self.quick.initiator = self
        self.timeline_model = TimelineModel(fmt, self)
        self.history = HistoryView(fmt, self)
        self.banner = make_muted(QLabel("Changed elsewhere while you were editing: saving keeps your edits.", self))
        self.banner.setObjectName("conflictBanner")
        self.banner.hide()
        self._build()
        self._connect(hub)
        self.show_organization(None)

    # --- layout ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        fill_countries(self.country, self.fmt.locale)
        b = self.boxes
        main = Section("Organization", self)
        for key, text in (("name", "Name"), ("website", "Website"), ("domain", "Domain"), ("industry", "Industry"),
                          ("size", "Size"), ("phone", "Phone")):  # fmt: skip
            main.add_row(text, b[key])
        address = Section("Address", self)
        for key, text in (("street", "Street"), ("city", "City"), ("region", "Region"), ("postal_code", "Postal code")):
            address.add_row(text, b[key])
        address.add_row("Country", self.country)
        relation = Section("Relationship", self)
        relation.add_row("Owner", self.owner)
        relation.add_row("Tags", self.tags)
        notes = Section("Notes", self)
        notes.add_row("Notes", self.notes)
        notes.add_row("Reference", b["external_ref"])
        sections = [main, address, relation, self.custom, notes]
        align_sections(sections)
        form = QWidget(self)
        column = QVBoxLayout(form)
        column.setContentsMargins(18, 14, 18, 18)
        column.setSpacing(20)
        for section in sections:
            column.addWidget(section)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form)
        timeline = QWidget(self)
        tl = QVBoxLayout(timeline)
        tl.setContentsMargins(14, 12, 14, 0)
        tl.addWidget(self.quick)
        tl.addWidget(TimelineView(self.timeline_model, self), 1)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        people = QWidget(self)
        pl = QVBoxLayout(people)
        pl.setContentsMargins(12, 10, 12, 0)
        pl.addWidget(self.people)
        for widget, text in ((scroll, "Details"), (people, "People"), (timeline, "Timeline"),
                             (self.history, "History")):  # fmt: skip
            self.tabs.addTab(widget, text)
        self.save_hint = hint_label(self)
        self.save_button = QPushButton("Save", self)
        self.discard_button = QPushButton("Discard", self)
        self.save_bar = QFrame(self)
        self.save_bar.setObjectName("saveBar")
        bar = QHBoxLayout(self.save_bar)
        bar.setContentsMargins(16, 8, 16, 10)
        bar.addWidget(self.save_hint, 1)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.save_button)
        header = QHBoxLayout()
        header.setContentsMargins(18, 16, 18, 10)
        header.setSpacing(14)
        header.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(1)
        words.addWidget(self.title)
        words.addWidget(self.subtitle)
        words.addStretch(1)
        header.addLayout(words, 1)
        card = QWidget(self)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_bar)
        self.empty = make_muted(QLabel("Select an organization to see its details.", self))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(card)
        QVBoxLayout(self).addWidget(self.stack)
        self.layout().setContentsMargins(0, 0, 0, 0)

    def _connect(self, hub: EventHub) -> None:
        for name, line in self.texts.items():
            line.textChanged.connect(self._edited)
            line.textChanged.connect(lambda _t, n=name: self.boxes[n].clear_hint())
        for widget in (self.country, self.owner):
            widget.currentIndexChanged.connect(self._edited)
        self.tags.edited.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self.custom.edited.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.discard_button.clicked.connect(lambda: self._show(self.snapshot.id if self.snapshot else None))
        self.quick.done.connect(lambda _label: self.timeline_model.reload())
        hub.changed.connect(self._on_changed)

    # --- showing ----------------------------------------------------------------------------------------
    def show_organization(self, organization_id: uuid.UUID | None) -> None:
        """Show an organization (None: the empty state); with unsaved edits it stays and says so."""
        if self.is_dirty() and (self.snapshot is None or organization_id != self.snapshot.id):
            self.save_hint.setText("Save or discard your changes to this organization first.")
            self.save_hint.show()
            return
        self._show(organization_id)

    def _load(self, organization_id: uuid.UUID) -> OrganizationSnapshot | None:
        with self.db.read_session() as session:
            try:
                org = get_organization(session=session, organization_id=organization_id)
            except NotFound:
                return None
            values = {name: getattr(org, name) for name in OrganizationInput.model_fields}
            values["tags"], values["custom"] = list(org.tags or []), dict(org.custom or {})
            defs = [FieldDef(d.key, d.label, d.field_type, list(d.choices))
                    for d in custom_fields(session=session, entity="organization")]  # fmt: skip
            return OrganizationSnapshot(
                org.id, values, org.updated_at, organization_people(session=session, organization_id=org.id),
                [(u.id.hex, u.name) for u in list_users(session=session)], defs,
            )  # fmt: skip

    def _show(self, organization_id: uuid.UUID | None) -> None:
        snapshot = self._load(organization_id) if organization_id is not None else None
        self.snapshot = snapshot
        self.banner.hide()
        self.save_hint.hide()
        self.stack.setCurrentIndex(0 if snapshot is None else 1)
        self.quick.set_target(contact_id=None, organization_id=snapshot.id if snapshot else None)
        if snapshot is None:
            self.timeline_model.set_source(None)
            self.save_bar.hide()
            return
        v = snapshot.values
        self._loading = True
        for name, line in self.texts.items():
            line.setText(format_phone(v.get(name), self.fmt.region) if name == "phone" else (v.get(name) or ""))
        self.country.setCurrentIndex(max(self.country.findData(v.get("country")), 0))
        self.owner.clear()
        self.owner.addItem("Nobody", None)
        for user_id, name in snapshot.users:
            self.owner.addItem(name, user_id)
        self.owner.setCurrentIndex(max(self.owner.findData(v["owner_id"].hex if v.get("owner_id") else None), 0))
        self.tags.set_tags(v["tags"])
        self.notes.setPlainText(v.get("notes") or "")
        self.custom.set_definitions(snapshot.custom_defs)  # type: ignore[arg-type]
        self.custom.load(v["custom"])
        self._loading = False
        self.avatar.set_name(v["name"])
        self.title.setText(v["name"])
        count = self.fmt.count(len(snapshot.people), "person", "people")
        self.subtitle.setText("  ·  ".join(x for x in (v.get("industry"), v.get("city"), count) if x))
        self.people.clear()
        for member in snapshot.people:
            item = QListWidgetItem(self.people)
            item.setData(ID_ROLE, member.id)
            row = _person_row(member)
            item.setSizeHint(row.sizeHint())
            item.setData(Qt.ItemDataRole.AccessibleTextRole, member.name)
            self.people.setItemWidget(item, row)
        org_id = snapshot.id
        self.timeline_model.set_source(
            lambda before, limit: self._timeline(org_id, before, limit)  # type: ignore[arg-type]
        )
        with self.db.read_session() as session:
            self.history.show_entries(organization_history(session=session, organization_id=org_id))
        self._edited()

    def _timeline(self, org_id: uuid.UUID, before: Any, limit: int) -> list[Any]:
        with self.db.read_session() as session:
            return organization_timeline(session=session, organization_id=org_id, limit=limit, before=before)

    # --- editing ----------------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The fields that differ from what is stored (the phone compared as stored, E.164)."""
        if self.snapshot is None:
            return {}
        saved = self.snapshot.values
        now: dict[str, Any] = {name: self.texts[name].text().strip() or None for name in TEXTS}
        now["country"] = self.country.currentData()
        owner = self.owner.currentData()
        now["owner_id"] = uuid.UUID(hex=owner) if owner else None
        now["tags"] = self.tags.tags()
        now["notes"] = self.notes.toPlainText().strip() or None
        changes = {k: value for k, value in now.items() if value != saved.get(k)}
        phone = self.texts["phone"].text()
        try:
            if normalize_phone(phone, region=self.fmt.region) != saved.get("phone"):
                changes["phone"] = phone
        except ValidationError:
            changes["phone"] = phone
        if self.custom.changed():
            changes["custom"] = self.custom.values()
        return changes

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _edited(self, *_args: object) -> None:
        if not getattr(self, "_loading", False):
            self.save_bar.setVisible(self.is_dirty())

    def save(self) -> bool:
        """One undoable "Edit <name>"; a rejected value gets a hint beside its field and nothing is written."""
        if self.snapshot is None or not self.is_dirty():
            return True
        try:
            normalize_phone(self.texts["phone"].text(), region=self.fmt.region)
        except ValidationError as exc:
            return self._refuse("phone", str(exc))
        if not self.custom.validate():
            return self._refuse(None, "Please correct the marked fields; nothing was saved yet.")
        org_id, changes = self.snapshot.id, self.changes()
        try:
            self.undo.perform(
                f"Edit {self.snapshot.values['name']}",
                lambda s: update_organization(session=s, organization_id=org_id, changes=changes),
                initiator=self,
            )
        except ValidationError as exc:
            return self._refuse(exc.field, str(exc))
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return False
        self._show(org_id)
        self.saved.emit(org_id)
        return True

    def _refuse(self, field_name: str | None, message: str) -> bool:
        box = self.boxes.get(field_name or "")
        if field_name == "custom":
            self.custom.show_error(message)
        elif box is not None:
            box.show_hint(message)
        self.save_hint.setText(message if box is None else "Please correct the marked field; nothing was saved.")
        self.save_hint.show()
        self.tabs.setCurrentIndex(0)
        return False

    def _on_changed(self, tables: frozenset[str]) -> None:
        if self.snapshot is None or not tables & (WATCHED | {"activity", "task", "deal", "support_case"}):
            return
        if tables & WATCHED:
            latest = self._load(self.snapshot.id)
            if latest is not None and (latest.updated_at, latest.people) == (
                self.snapshot.updated_at,
                self.snapshot.people,
            ):
                return
            if not self.is_dirty():
                self._show(self.snapshot.id)
                return
            self.banner.show()
        else:
            self.timeline_model.reload()


def _person_row(member: Member) -> QWidget:
    """A person in the People list: small avatar, name, and what they do and how to reach them."""
    row = QWidget()
    avatar = Avatar(32, row)
    avatar.set_name(member.name)
    name = QLabel(member.name, row)
    font = QFont(name.font())
    font.setWeight(QFont.Weight.DemiBold)
    name.setFont(font)
    extra = make_muted(
        QLabel(" · ".join(x for x in (member.title, member.email, label(member.lifecycle_stage)) if x), row)
    )
    words = QVBoxLayout()
    words.setSpacing(0)
    words.addWidget(name)
    words.addWidget(extra)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(6, 5, 6, 5)
    layout.setSpacing(10)
    layout.addWidget(avatar)
    layout.addLayout(words, 1)
    return row
