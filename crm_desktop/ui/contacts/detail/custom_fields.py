"""The business's own contact fields (CustomFieldDef rows), one editor per declared type, stored in `custom`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from crm_desktop.ui.contacts.detail.fields import DateField, Hinted, Section


class FieldDefinition(Protocol):
    """What the editor needs of a custom field declaration (the service returns CustomFieldDef rows)."""

    key: str
    label: str
    field_type: str
    choices: list[str]


class _Bad(ValueError):
    """A typed value that does not fit the field's type."""


class CustomFieldsSection(Section):
    """A "More" section with a row per declared field; hidden when the business declared none."""

    edited = Signal()

    def __init__(self, date_format: str, parent: QWidget | None = None) -> None:
        super().__init__("More", parent)
        self._date_format = date_format
        self.defs: list[FieldDefinition] = []
        self.editors: dict[str, QWidget] = {}
        self.boxes: dict[str, Hinted] = {}
        self._saved: dict[str, Any] = {}
        self.hide()

    def set_definitions(self, defs: Sequence[FieldDefinition]) -> None:
        """Build the rows (only when the declarations changed, so typing is never interrupted)."""
        signature = [(d.key, d.label, d.field_type, list(d.choices)) for d in defs]
        if signature == [(d.key, d.label, d.field_type, list(d.choices)) for d in self.defs]:
            return
        while self.form.rowCount():
            self.form.removeRow(0)
        self._labels.clear()
        self.editors.clear()
        self.boxes.clear()
        self.defs = list(defs)
        for definition in self.defs:
            editor = self._editor(definition)
            box = Hinted(editor, self)
            self.editors[definition.key] = editor
            self.boxes[definition.key] = box
            self.add_row(definition.label, box)
        self.setVisible(bool(self.defs))

    def _editor(self, definition: FieldDefinition) -> QWidget:
        kind = definition.field_type
        if kind in ("bool", "checkbox"):
            check = QCheckBox(self)
            check.toggled.connect(lambda _on: self.edited.emit())
            return check
        if kind == "date":
            field = DateField(self._date_format, self)
            field.changed.connect(self.edited.emit)
            return field
        if kind == "choice":
            combo = QComboBox(self)
            combo.addItem("—", None)
            for choice in definition.choices:
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
            return combo
        line = QLineEdit(self)
        if kind == "number":
            line.setPlaceholderText("A number")
        line.textChanged.connect(lambda _text: self.edited.emit())
        line.textChanged.connect(lambda _text, key=definition.key: self.boxes[key].clear_hint())
        return line

    def load(self, values: dict[str, Any]) -> None:
        """Show stored values; keys without a declaration are kept aside, untouched."""
        for definition in self.defs:
            self._show(definition, values.get(definition.key))
            self.boxes[definition.key].clear_hint()
        self._saved = self.values()  # read back the same way, so showing a value never counts as an edit

    def _show(self, definition: FieldDefinition, value: Any) -> None:
        editor = self.editors[definition.key]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, DateField):
            try:
                editor.set_value(date.fromisoformat(str(value)) if value else None)
            except ValueError:
                editor.set_value(None)
        elif isinstance(editor, QComboBox):
            if value is not None and editor.findData(value) < 0:
                editor.addItem(str(value), value)
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        """The typed values by key (empty ones left out); raises _Bad through `validate` callers only."""
        result: dict[str, Any] = {}
        for definition in self.defs:
            try:
                value = self._read(definition)
            except _Bad:
                value = self.editors[definition.key].text()  # type: ignore[attr-defined]
            if value not in (None, ""):
                result[definition.key] = value
        return result

    def _read(self, definition: FieldDefinition) -> Any:
        editor = self.editors[definition.key]
        if isinstance(editor, QCheckBox):
            return editor.isChecked() or None
        if isinstance(editor, DateField):
            chosen = editor.value()
            return chosen.isoformat() if chosen else None
        if isinstance(editor, QComboBox):
            return editor.currentData()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if definition.field_type != "number" or not text:
            return text or None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise _Bad(text) from None

    def changed(self) -> bool:
        return self.values() != self._saved

    def validate(self) -> bool:
        """Hint at every value that does not fit its field; True when all fit."""
        ok = True
        for definition in self.defs:
            try:
                self._read(definition)
            except _Bad:
                self.boxes[definition.key].show_hint(f"{definition.label} must be a number")
                ok = False
        return ok

    def show_error(self, message: str) -> None:
        """A service complaint about custom values: shown under the first field it names, else the first field."""
        for definition in self.defs:
            if definition.label in message:
                self.boxes[definition.key].show_hint(message)
                return
        if self.defs:
            self.boxes[self.defs[0].key].show_hint(message)
