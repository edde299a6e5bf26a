"""Several emails (or phones, web addresses, social handles) with labels: the primary one plus extra channels.

The primary value lives on the contact; the others are ContactChannel rows. Each value is checked when the
field is left (email-validator, phonenumbers in the business's region); a bad one gets a hint, keeps its text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from crm_desktop.services.channels import ChannelEdit, normalize_email, normalize_phone
from crm_desktop.services.contacts import format_phone
from crm_desktop.services.errors import ValidationError
from crm_desktop.ui.contacts.detail.fields import Hinted, muted

LABEL_CHOICES = {
    "email": ("work", "home", "other"),
    "phone": ("mobile", "work", "home", "other"),
    "url": ("website", "shop", "blog"),
    "social": ("Instagram", "LinkedIn", "Facebook", "X"),
}
PLACEHOLDERS = {
    "email": "name@example.com",
    "phone": "Local number, or +country code",
    "url": "example.com",
    "social": "@handle",
}
NOUNS = {"email": "email", "phone": "phone", "url": "web address", "social": "social profile"}


@dataclass(frozen=True)
class Channel:
    """A stored channel as the editor received it (value as stored: E.164 for phones)."""

    id: uuid.UUID
    label: str | None
    value: str


class ChannelRow(QWidget):
    """One value with its label and a remove button (the primary row has neither)."""

    removed = Signal(object)

    def __init__(self, kind: str, *, primary: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.channel_id: uuid.UUID | None = None
        self.value = QLineEdit(self)
        self.value.setPlaceholderText(PLACEHOLDERS[kind])
        self.value.setMaxLength(320)
        self.box = Hinted(self.value, self)
        self.label = QComboBox(self)
        self.label.setEditable(True)
        self.label.addItems(LABEL_CHOICES[kind])
        self.label.setCurrentText("")
        self.label.lineEdit().setPlaceholderText("label")
        self.label.lineEdit().setMaxLength(40)
        self.label.setFixedWidth(104)
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip(f"Remove this {NOUNS[kind]}")
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.box, 1)
        top = Qt.AlignmentFlag.AlignTop
        if primary:
            tag = muted("main", self)
            tag.setFixedWidth(104 + 6 + self.remove.sizeHint().width())
            tag.setFixedHeight(self.value.sizeHint().height())
            tag.setToolTip(f"The {NOUNS[kind]} shown in lists and used first")
            row.addWidget(tag, 0, top)
            self.label.hide()
            self.remove.hide()
        else:
            row.addWidget(self.label, 0, top)
            row.addWidget(self.remove, 0, top)
        self.value.textChanged.connect(lambda _text: self.box.clear_hint())

    def label_text(self) -> str | None:
        return self.label.currentText().strip() or None


class ChannelListEditor(QWidget):
    """The list of one kind: optional primary row, extra rows, and an "Add" link; `edited` on any change."""

    edited = Signal()

    def __init__(self, kind: str, *, region: Callable[[], str], primary: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._region = region
        self._has_primary = primary
        self._saved_primary: str | None = None
        self._saved: list[Channel] = []
        self.rows: list[ChannelRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        self.add_button = QPushButton(f"Add {NOUNS[kind]}", self)
        self.add_button.setObjectName("linkButton")
        self.add_button.setFlat(True)
        self.add_button.clicked.connect(self._add_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._rows_layout)
        add_row = QHBoxLayout()
        add_row.setContentsMargins(0, 0, 0, 0)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)
        self.primary_row: ChannelRow | None = self._new_row(primary=True) if primary else None

    # --- loading ----------------------------------------------------------------------------------
    def load(self, primary: str | None, channels: list[Channel]) -> None:
        """Show the stored values (phones in national format), discarding whatever was typed."""
        self._saved_primary, self._saved = primary, list(channels)
        for row in [r for r in self.rows if r is not self.primary_row]:
            self._drop(row)
        if self.primary_row is not None:
            self.primary_row.value.setText(self._shown(primary))
            self.primary_row.value.setCursorPosition(0)  # show the start of a long address, not its end
            self.primary_row.box.clear_hint()
        for channel in channels:
            row = self._new_row(primary=False)
            row.channel_id = channel.id
            row.value.setText(self._shown(channel.value))
            row.value.setCursorPosition(0)
            row.label.setCurrentText(channel.label or "")

    def _shown(self, stored: str | None) -> str:
        if not stored:
            return ""
        return format_phone(stored, self._region()) if self.kind == "phone" else stored

    # --- reading ----------------------------------------------------------------------------------
    def primary_text(self) -> str:
        return self.primary_row.value.text() if self.primary_row is not None else ""

    def primary_changed(self) -> bool:
        """True when the primary value means something else than what is stored (reformatting is no change)."""
        if self.primary_row is None:
            return False
        return self._normalized(self.primary_text()) != (self._saved_primary or None)

    def extra_rows(self) -> list[ChannelRow]:
        return [r for r in self.rows if r is not self.primary_row]

    def entries(self) -> list[ChannelEdit]:
        """The extra channels as the service's input (blank rows are left out: they mean nothing)."""
        rows = [r for r in self.extra_rows() if r.value.text().strip()]
        return [ChannelEdit(r.channel_id, r.label_text(), r.value.text()) for r in rows]

    def channels_changed(self) -> bool:
        """True when an extra channel was added, removed, relabelled, reordered or given another value."""
        now = [(e.id, e.label, self._normalized(e.value)) for e in self.entries()]
        return now != [(c.id, c.label, c.value) for c in self._saved]

    def _normalized(self, text: str) -> str | None:
        try:
            return self.normalize(text)
        except ValidationError:
            return f"invalid:{text}"

    def normalize(self, text: str) -> str | None:
        """The value as it would be stored; ValidationError when it cannot be."""
        if self.kind == "email":
            return normalize_email(text)
        if self.kind == "phone":
            return normalize_phone(text, region=self._region())
        return text.strip() or None

    # --- checking ---------------------------------------------------------------------------------
    def validate(self) -> bool:
        """Check every row, showing a hint under each bad one; True when all are fine."""
        ok = True
        for row in self.rows:
            ok = self.check_row(row) and ok
        return ok

    def check_row(self, row: ChannelRow) -> bool:
        try:
            self.normalize(row.value.text())
        except ValidationError as exc:
            row.box.show_hint(str(exc))
            return False
        row.box.clear_hint()
        return True

    def first_invalid(self) -> QLineEdit | None:
        return next((r.value for r in self.rows if r.box.has_hint), None)

    # --- rows -------------------------------------------------------------------------------------
    def _add_clicked(self) -> None:
        row = self._new_row(primary=False)
        row.value.setFocus()
        self.edited.emit()

    def _new_row(self, *, primary: bool) -> ChannelRow:
        row = ChannelRow(self.kind, primary=primary, parent=self)
        row.removed.connect(self._remove)
        row.value.textChanged.connect(lambda _text: self.edited.emit())
        row.value.editingFinished.connect(lambda: self.check_row(row) if row.value.text().strip() else None)
        row.label.currentTextChanged.connect(lambda _text: self.edited.emit())
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        return row

    def _remove(self, row: ChannelRow) -> None:
        self._drop(row)
        self.edited.emit()

    def _drop(self, row: ChannelRow) -> None:
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
