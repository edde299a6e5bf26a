"""Convert to Deal: the small non-modal dialog turning a qualified lead into a deal, through the undo stack.

The title is prefilled "<organization or name> — first order"; the value is typed in the business locale; the
pipeline defaults to the default one. A rejected value shows a hint and keeps everything typed.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError, ValidationError
from crm_desktop.services.leads import convert_to_deal
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import hint_label, make_muted, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack


def parse_cents(text: str, fmt: Formatter) -> int:
    """An amount typed in the business locale ("1.250,50 €" or "1250.50") as integer cents."""
    text = text.replace(fmt.currency, "").strip()
    if not text:
        return 0
    try:
        amount = Decimal(parse_decimal(text, locale=fmt.locale))
    except (NumberFormatError, InvalidOperation):
        raise ValidationError(f"{text!r} is not an amount; type it like 1250.00", field="value_cents") from None
    if amount < 0:
        raise ValidationError("A deal's value cannot be negative", field="value_cents")
    return int((amount * 100).to_integral_value())


class ConvertDialog(QDialog):
    """Deal title, value and pipeline for a qualified lead becoming a deal; non-modal, keeps input on error."""

    converted = Signal(str)  # the status-bar line

    def __init__(
        self,
        contact_id: uuid.UUID,
        name: str,
        organization: str | None,
        pipelines: list[tuple[uuid.UUID, str]],
        fmt: Formatter,
        undo: UndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.contact_id, self.name, self.fmt, self.undo = contact_id, name, fmt, undo
        self.setWindowTitle("Convert to Deal")
        self.setModal(False)
        self.intro = make_muted(QLabel(f"{name} becomes an opportunity; the deal starts in the first stage.", self))
        self.intro.setWordWrap(True)
        self.title = QLineEdit(f"{organization or name} — first order", self)
        self.title.setMaxLength(300)
        self.title.setMinimumWidth(320)
        self.value = QLineEdit(self)
        self.value.setPlaceholderText(f"0.00 {fmt.currency}")
        self.pipeline = QComboBox(self)
        for pipeline_id, pipeline_name in pipelines:
            self.pipeline.addItem(pipeline_name, pipeline_id)
        self.hint = hint_label(self)
        self.buttons = plain_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self))
        self.convert_button = QPushButton("Convert to Deal", self)
        self.convert_button.setDefault(True)
        self.buttons.addButton(self.convert_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Deal title", self.title)
        form.addRow("Value", self.value)
        form.addRow("Pipeline", self.pipeline)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

    def submit(self) -> bool:
        """Convert through the undo stack; a rejected value shows why and keeps the dialog as typed."""
        self.hint.hide()
        contact_id, name, title = self.contact_id, self.name, self.title.text().strip()
        pipeline_id = self.pipeline.currentData()
        try:
            if not title:
                raise ValidationError("Give the deal a title", field="title")
            cents = parse_cents(self.value.text(), self.fmt)
            self.undo.perform(
                f"Convert {name} to a deal",
                lambda s: convert_to_deal(
                    session=s, contact_id=contact_id, title=title, value_cents=cents, pipeline_id=pipeline_id
                ),
                initiator=self,
            )
        except CRMError as exc:
            self.hint.setText(str(exc))
            self.hint.show()
            return False
        self.converted.emit(f"{name} is now an opportunity: deal “{title}” is on the Pipeline")
        self.accept()
        return True
