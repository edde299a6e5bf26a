"""The New contact dialog: validates inline through the service and never loses what was typed."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.errors import ValidationError
from crm_desktop.services.organizations import list_organizations
from crm_desktop.services.vocab import LeadStatus, LifecycleStage
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import hint_label, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack

ORGANIZATION_CHOICES = 1000  # a combo, not a search: enough for a small business's organizations


class NewContactDialog(QDialog):
    """Fields, hints and buttons are public so tests (and later an edit dialog) can drive them."""

    def __init__(self, db: Workspace, parent: QWidget | None = None, *, undo: UndoStack | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._undo = undo  # when given, the new contact is one step of Edit → Undo
        self.created_id: uuid.UUID | None = None
        self.setWindowTitle("New contact")
        self.setMinimumWidth(480)

        self.given_name = QLineEdit(self)
        self.family_name = QLineEdit(self)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("name@example.com")
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText("Local number, or +country code for abroad")
        self.organization = QComboBox(self)
        self.title = QLineEdit(self)
        self.lifecycle_stage = QComboBox(self)
        for stage in LifecycleStage:
            self.lifecycle_stage.addItem(label(stage.value), stage.value)
        self.lifecycle_stage.setCurrentIndex(self.lifecycle_stage.findData("lead"))
        self.lead_status = QComboBox(self)
        self.lead_status.addItem("—", None)
        for status in LeadStatus:
            self.lead_status.addItem(label(status.value), status.value)
        self.lead_status.setCurrentIndex(self.lead_status.findData("open"))
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("Comma-separated, e.g. newsletter, wholesale")
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

        self.name_hint = hint_label(self)
        self.email_hint = hint_label(self)
        self.phone_hint = hint_label(self)
        self.form_hint = hint_label(self)
        self.hints = {
            "given_name": self.name_hint,
            "family_name": self.name_hint,
            "display_name": self.name_hint,
            "email": self.email_hint,
            "phone": self.phone_hint,
        }

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create contact")
        self.cancel_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self._load_organizations()

        for field in (self.given_name, self.family_name, self.email):
            field.textChanged.connect(self._update_ok)
        self.email.textChanged.connect(lambda: self._clear_hint(self.email_hint))
        self.phone.textChanged.connect(lambda: self._clear_hint(self.phone_hint))
        self.given_name.textChanged.connect(lambda: self._clear_hint(self.name_hint))
        self._update_ok()

    def _lay_out(self) -> None:
        names = QHBoxLayout()
        names.setSpacing(8)
        self.given_name.setPlaceholderText("Given name")
        self.family_name.setPlaceholderText("Family name")
        names.addWidget(self.given_name)
        names.addWidget(self.family_name)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        form.addRow("&Name", _stack(names, self.name_hint))
        form.addRow("&Email", _stack(self.email, self.email_hint))
        form.addRow("&Phone", _stack(self.phone, self.phone_hint))
        form.addRow("&Organization", self.organization)
        form.addRow("&Job title", self.title)
        form.addRow("&Stage", self.lifecycle_stage)
        form.addRow("&Lead status", self.lead_status)
        form.addRow("&Tags", self.tags)
        form.addRow("N&otes", self.notes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addWidget(self.form_hint)
        layout.addWidget(self.buttons)

    def _load_organizations(self) -> None:
        self.organization.addItem("No organization", None)
        with self._db.read_session() as session:
            for row in list_organizations(session=session, limit=ORGANIZATION_CHOICES):
                self.organization.addItem(row.name, row.id)

    def contact_input(self) -> ContactInput:
        """What the user typed, as the service's input shape (validation happens in the service)."""
        tags = [tag.strip() for tag in self.tags.text().split(",") if tag.strip()]
        return ContactInput(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            organization_id=self.organization.currentData(),
            title=self.title.text(),
            lifecycle_stage=self.lifecycle_stage.currentData(),
            lead_status=self.lead_status.currentData(),
            tags=tags,
            notes=self.notes.toPlainText(),
            source="manual",
        )

    def submit(self) -> None:
        """Create the contact; on a validation error show the hint under the field and stay open."""
        for hint in {*self.hints.values(), self.form_hint}:
            self._clear_hint(hint)

        def create(session: Any) -> tuple[uuid.UUID, str]:
            contact = create_contact(session=session, data=self.contact_input())
            return contact.id, contact.display_name

        try:
            if self._undo is not None:
                contact_id, _name = self._undo.perform(lambda made: f"New contact {made[1]}", create, initiator=self)
            else:
                with self._db.session(initiator=self) as session:
                    contact_id, _name = create(session)
        except ValidationError as exc:
            self._show_hint(exc)
            return
        self.created_id = contact_id
        self.accept()

    def _show_hint(self, exc: ValidationError) -> None:
        hint = self.hints.get(exc.field or "", self.form_hint)
        hint.setText(str(exc))
        hint.show()
        self._fit()
        target = {self.email_hint: self.email, self.phone_hint: self.phone, self.name_hint: self.given_name}
        widget = target.get(hint)
        if widget is not None:
            widget.setFocus()
            widget.selectAll()

    def _clear_hint(self, hint: QLabel) -> None:
        hint.hide()
        hint.clear()

    def _fit(self) -> None:
        """Grow to fit a hint that just appeared, so nothing overlaps; the user's width is kept."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _update_ok(self) -> None:
        typed = any(field.text().strip() for field in (self.given_name, self.family_name, self.email))
        self.ok_button.setEnabled(typed)


def _stack(field: QWidget | QHBoxLayout, hint: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if isinstance(field, QHBoxLayout):
        layout.addLayout(field)
    else:
        layout.addWidget(field)
    layout.addWidget(hint)
    return box
