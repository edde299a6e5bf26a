"""Quick actions above the timeline: log a call, email, meeting or note, add a task, open a deal or a case.

One row of buttons opens a small inline composer (no modal dialog); Save writes through the undo stack, so
Edit → Undo takes it back. A rejected value shows a hint and keeps everything typed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.activities import add_task, log_activity
from crm_desktop.services.cases import open_case
from crm_desktop.services.deals import create_deal
from crm_desktop.services.errors import ValidationError
from crm_desktop.services.vocab import CasePriority
from crm_desktop.ui.contacts.detail.fields import DateField, muted, qt_date_format
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import hint_label
from crm_desktop.ui.undo_stack import UndoStack

MODES = (
    ("call", "Call"), ("email", "Email"), ("meeting", "Meeting"), ("note", "Note"),
    ("task", "Task"), ("deal", "Deal"), ("case", "Case"),
)  # fmt: skip
ACTIVITIES = frozenset({"call", "email", "meeting", "note"})
SAVE_TEXT = {
    "call": "Log call", "email": "Log email", "meeting": "Log meeting", "note": "Save note", "task": "Add task",
    "deal": "Create deal", "case": "Open case",
}  # fmt: skip
SUBJECT_HINT = {
    "call": "What was the call about?", "email": "Subject", "meeting": "What was it about?",
    "note": "Title (optional)", "task": "What needs doing?", "deal": "Deal name", "case": "What is the problem?",
}  # fmt: skip


class QuickActions(QWidget):
    """The action buttons and the composer; `done(label)` after a successful write."""

    done = Signal(str)

    def __init__(self, undo: UndoStack, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo, self.fmt = undo, fmt
        self.initiator: object | None = parent
        self.contact_id: uuid.UUID | None = None
        self.organization_id: uuid.UUID | None = None
        self.name = ""
        self.mode: str | None = None
        self.buttons: dict[str, QToolButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        for mode, text in MODES:
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            button.setObjectName("quickAction")
            button.setToolTip(SAVE_TEXT[mode])
            button.clicked.connect(lambda _on, m=mode: self.choose(None if self.mode == m else m))
            self.group.addButton(button)
            self.buttons[mode] = button
            bar.addWidget(button)
        bar.addStretch(1)

        self.composer = QFrame(self)
        self.composer.setObjectName("composer")
        self.subject = QLineEdit(self.composer)
        self.subject.setMaxLength(300)
        self.body = QPlainTextEdit(self.composer)
        self.body.setTabChangesFocus(True)
        self.body.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.due = DateField(qt_date_format(fmt.locale), self.composer)
        self.value = QLineEdit(self.composer)
        self.value.setPlaceholderText(f"Value ({fmt.currency})")
        self.value.setMaximumWidth(160)
        self.priority = QComboBox(self.composer)
        for priority in CasePriority:
            self.priority.addItem(f"{label(priority.value)} priority", priority.value)
        self.priority.setCurrentIndex(self.priority.findData("normal"))
        self.direction = QComboBox(self.composer)
        self.direction.addItem("Outbound", "outbound")
        self.direction.addItem("Inbound", "inbound")
        self.duration = QSpinBox(self.composer)
        self.duration.setRange(0, 24 * 60)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" min")
        self.duration.setSpecialValueText("Duration")
        self.due_label = muted("Due", self.composer)
        self.hint = hint_label(self.composer)
        self.cancel_button = QPushButton("Cancel", self.composer)
        self.save_button = QPushButton("Save", self.composer)
        self.save_button.setDefault(True)
        self.cancel_button.clicked.connect(lambda: self.choose(None))
        self.save_button.clicked.connect(self.submit)
        self.subject.returnPressed.connect(self.submit)
        self.subject.textChanged.connect(lambda _t: self.hint.hide())
        extras = QHBoxLayout()
        extras.setSpacing(8)
        for widget in (self.due_label, self.due, self.value, self.priority, self.direction, self.duration):
            extras.addWidget(widget)
        extras.addStretch(1)
        extras.addWidget(self.cancel_button)
        extras.addWidget(self.save_button)
        inner = QVBoxLayout(self.composer)
        inner.setContentsMargins(10, 10, 10, 10)
        inner.setSpacing(6)
        inner.addWidget(self.subject)
        inner.addWidget(self.body)
        inner.addWidget(self.hint)
        inner.addLayout(extras)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.composer)
        self.choose(None)

    def set_target(
        self, *, contact_id: uuid.UUID | None, organization_id: uuid.UUID | None = None, name: str = ""
    ) -> None:
        """What new activities, tasks, deals and cases are about (a contact, else an organization)."""
        if (contact_id, organization_id) != (self.contact_id, self.organization_id):
            self.choose(None)
        self.contact_id, self.organization_id, self.name = contact_id, organization_id, name

    def choose(self, mode: str | None) -> None:
        """Open the composer for a kind of entry (None closes it); what was typed stays until saved."""
        self.mode = mode
        for key, button in self.buttons.items():
            button.setChecked(key == mode)
        self.composer.setVisible(mode is not None)
        if mode is None:
            return
        self.subject.setPlaceholderText(SUBJECT_HINT[mode])
        self.body.setPlaceholderText("Description" if mode in ("case", "deal", "task") else "Notes")
        self.save_button.setText(SAVE_TEXT[mode])
        for widget, modes in (
            (self.due_label, {"task"}),
            (self.due, {"task"}),
            (self.value, {"deal"}),
            (self.priority, {"case"}),
            (self.direction, {"call", "email"}),
            (self.duration, {"call", "meeting"}),
        ):
            widget.setVisible(mode in modes)
        if mode == "task" and self.due.value() is None:
            self.due.set_value(date.today() + timedelta(days=1))
        self.hint.hide()
        self.subject.setFocus()

    def submit(self) -> bool:
        """Write the entry; on a rejected value show why and keep the composer as it is."""
        if self.mode is None or (self.contact_id is None and self.organization_id is None):
            return False
        mode = self.mode
        try:
            label_text, action = self._action(mode)
            self.undo.perform(label_text, action, initiator=self.initiator)
        except ValidationError as exc:
            self.hint.setText(str(exc))
            self.hint.show()
            return False
        self.subject.clear()
        self.body.clear()
        self.value.clear()
        self.duration.setValue(0)
        self.due.set_value(None)
        self.choose(None)
        self.done.emit(label_text)
        return True

    def _action(self, mode: str) -> tuple[str, Any]:
        subject = self.subject.text().strip()
        body = self.body.toPlainText().strip() or None
        links: dict[str, Any] = {"contact_id": self.contact_id}
        if self.organization_id is not None and self.contact_id is None:
            links["organization_id"] = self.organization_id
        who = f" with {self.name}" if self.name else ""
        if mode in ACTIVITIES:
            if not subject:
                first = (body or "").splitlines()[0][:120] if body else ""
                subject = first or f"{label(mode)}{who}"
            direction = self.direction.currentData() if mode in ("call", "email") else None
            minutes = self.duration.value() or None if mode in ("call", "meeting") else None
            return f"Log {mode}{who}", lambda s: log_activity(
                session=s, kind=mode, subject=subject, body=body, direction=direction, duration_minutes=minutes,
                **links,
            )  # fmt: skip
        if not subject:
            raise ValidationError(SUBJECT_HINT[mode].rstrip("?") + " — please fill this in", field="subject")
        if mode == "task":
            due_day = self.due.value()
            due = datetime.combine(due_day, time(9, 0), tzinfo=self.fmt.zone) if due_day else None
            return f"Add task “{subject}”", lambda s: add_task(
                session=s, title=subject, due_at=due, notes=body, **links
            )
        if mode == "deal":
            cents = self._cents()
            if self.organization_id is not None:
                links["organization_id"] = self.organization_id
            return f"New deal “{subject}”", lambda s: create_deal(
                session=s, title=subject, value_cents=cents, notes=body, **links
            )
        priority = self.priority.currentData()
        return f"Open case “{subject}”", lambda s: open_case(
            session=s, subject=subject, description=body, priority=priority, **links
        )

    def _cents(self) -> int:
        text = self.value.text().strip()
        if not text:
            return 0
        try:
            amount = Decimal(parse_decimal(text.replace(self.fmt.currency, "").strip(), locale=self.fmt.locale))
        except (NumberFormatError, InvalidOperation):
            raise ValidationError(f"{text!r} is not an amount; type it like 1250.00", field="value_cents") from None
        if amount < 0:
            raise ValidationError("A deal's value cannot be negative", field="value_cents")
        return int((amount * 100).to_integral_value())
