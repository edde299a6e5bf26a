"""Lose Deal: asks why a deal was lost (a reason from the list is required) plus an optional note.

Non-modal like the app's other small dialogs; OK stays disabled, with a hint saying why, until a reason is
chosen, and a rejected save keeps everything typed. Cancelling leaves the deal where it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError
from crm_desktop.ui.style import hint_label, make_muted, plain_buttons

NEED_REASON = "Choose why the deal was lost: the reason feeds the win/loss report."
Submit = Callable[[uuid.UUID, str | None], None]


class LostDialog(QDialog):
    """Reason (required) and note for losing one deal; `submit(reason_id, note)` does the write."""

    def __init__(
        self,
        title: str,
        reasons: Sequence[tuple[uuid.UUID, str]],
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.submit = submit
        self.setWindowTitle("Mark Deal as Lost")
        self.setModal(False)
        self.intro = make_muted(QLabel(f"“{title}” leaves the board as lost. Why was it lost?", self))
        self.intro.setWordWrap(True)
        self.reason = QComboBox(self)
        self.reason.addItem("Choose a reason…", None)
        for reason_id, name in reasons:
            self.reason.addItem(name, reason_id)
        self.reason.setMinimumWidth(280)
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText("Optional: what happened, who won instead, when to try again…")
        self.note.setFixedHeight(self.fontMetrics().height() * 5)
        self.hint = hint_label(self)
        self.buttons = plain_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self))
        self.ok_button = QPushButton("Mark as Lost", self)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)

        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        form.addRow("&Note", self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    @property
    def reason_id(self) -> uuid.UUID | None:
        data = self.reason.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def _update(self) -> None:
        chosen = self.reason_id is not None
        self.ok_button.setEnabled(chosen)
        self.ok_button.setToolTip("" if chosen else NEED_REASON)
        self._say(None if chosen else NEED_REASON)

    def _say(self, message: str | None) -> None:
        self.hint.setText(message or "")
        self.hint.setVisible(bool(message))

    def accept(self) -> None:
        """Save through `submit`; without a reason, or when the save is refused, say why and stay open."""
        reason_id = self.reason_id
        if reason_id is None:
            self._say(NEED_REASON)
            self.reason.setFocus()
            return
        note = self.note.toPlainText().strip() or None
        try:
            self.submit(reason_id, note)
        except CRMError as exc:
            self._say(str(exc))
            return
        super().accept()
