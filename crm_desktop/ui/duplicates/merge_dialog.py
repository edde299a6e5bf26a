"""Merging duplicate contacts: pick the contact to keep and each field's value; one step of Edit → Undo."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError
from crm_desktop.services.merge import MergePreview, MergeResult, merge_contacts, merge_preview
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.duplicates.merge_grid import COMBINED, MergeGrid, Pick, link_text, moving_links
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import make_muted, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack


class MergeDialog(QDialog):
    """Non-modal; `grid` (rebuilt when another survivor is chosen), `merge_button` and `summary` are public."""

    merged = Signal(object)  # the MergeResult

    def __init__(
        self,
        db: Workspace,
        undo: UndoStack,
        contact_ids: Sequence[uuid.UUID],
        fmt: Formatter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self.fmt = db, undo, fmt
        self.contact_ids = list(contact_ids)
        self.result_: MergeResult | None = None
        self.message_box: QMessageBox | None = None
        self._user_picks: dict[str, Pick] = {}  # only what the user clicked: kept when the survivor changes
        self.setWindowTitle(f"Merge {len(self.contact_ids)} contacts")
        self.setMinimumSize(640, 480)
        self.resize(min(360 + 260 * len(self.contact_ids), 1280), 720)
        intro = make_muted(
            QLabel(
                "Choose the contact to keep and, where they differ, which value to keep. Everything linked to the "
                "others moves to the contact you keep; the others go to the Trash.",
                self,
            )
        )
        intro.setWordWrap(True)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge_button: QPushButton = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setDefault(True)
        plain_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.merge_button.clicked.connect(self.merge)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.grid: MergeGrid | None = None
        self.preview: MergePreview | None = None
        self.load()

    # --- public ------------------------------------------------------------------------------------------
    def load(self, survivor_id: uuid.UUID | None = None) -> None:
        """Read the preview (a handful of indexed queries) for this survivor, or the suggested one."""
        try:
            with self._db.read_session() as session:
                preview = merge_preview(session=session, contact_ids=self.contact_ids, survivor_id=survivor_id)
        except CRMError as exc:
            self.merge_button.setEnabled(False)
            self.summary.setText(str(exc))
            return
        self.preview = preview
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()  # not at once: this may run from one of its radio buttons' signals
        self.grid = MergeGrid(preview, self.fmt, self._user_picks, self.scroll)
        self.scroll.setWidget(self.grid)
        for contact_id, button in self.grid.survivor_buttons.items():
            button.toggled.connect(lambda on, c=contact_id: on and self.set_survivor(c))
        for name, buttons in self.grid.field_buttons.items():
            for key, button in buttons.items():
                button.clicked.connect(lambda _checked=False, n=name, k=key: self._remember(n, k))
        self._update_summary()

    @property
    def survivor_id(self) -> uuid.UUID | None:
        """The contact that will be kept."""
        return self.preview.survivor_id if self.preview else None

    def set_survivor(self, contact_id: uuid.UUID) -> None:
        """Keep `contact_id`; the defaults of fields the user has not picked follow the new survivor."""
        if contact_id != self.survivor_id:
            self.load(contact_id)

    def pick(self, field: str, choice: Pick) -> None:
        """Choose a field's value: the id of the contact whose value to keep, or COMBINED (notes)."""
        assert self.grid is not None
        self.grid.field_buttons[field][choice].click()

    def choices(self) -> dict[str, Any]:
        """The field choices for `merge_contacts`: a contact id per differing field (combined notes = default)."""
        assert self.grid is not None
        return {name: key for name, key in self.grid.picked().items() if key != COMBINED}

    def merge(self) -> MergeResult | None:
        """Merge as shown, as one step of Edit → Undo; the dialog closes when it worked."""
        if self.preview is None:
            return None
        survivor = self.preview.survivor_id
        merged = [c.id for c in self.preview.contacts if c.id != survivor]
        choices = self.choices()
        name = next(c.display_name for c in self.preview.contacts if c.id == survivor)
        label = f"Merge {len(merged) + 1} contacts into {name}"
        try:
            result = self._undo.perform(
                label,
                lambda s: merge_contacts(session=s, survivor_id=survivor, merged_ids=merged, choices=choices),
                initiator=self,
            )
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return None
        self.result_ = result
        self.merged.emit(result)
        self.accept()
        return result

    # --- private -----------------------------------------------------------------------------------------
    def _remember(self, name: str, key: Pick) -> None:
        self._user_picks[name] = key

    def _update_summary(self) -> None:
        assert self.preview is not None
        survivor = next(c for c in self.preview.contacts if c.id == self.preview.survivor_id)
        others = len(self.preview.contacts) - 1
        links, points = moving_links(self.preview, survivor.id)
        moving = link_text(links, points)
        whom = "the other contact" if others == 1 else f"the {others} other contacts"
        text = f"<b>{_escape(survivor.display_name)}</b> is kept"
        text += f"; {moving} move to it from {whom}. " if moving != "No linked records" else ". "
        text += f"{whom[0].upper()}{whom[1:]} {'goes' if others == 1 else 'go'} to the Trash; "
        text += "Edit → Undo takes the whole merge back."
        self.summary.setText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_merge_dialog(
    parent: QWidget | None, db: Workspace, undo: UndoStack, contact_ids: Sequence[uuid.UUID], fmt: Formatter
) -> MergeDialog:
    """Show the merge dialog for these contacts (non-modal)."""
    dialog = MergeDialog(db, undo, contact_ids, fmt, parent)
    dialog.show()
    return dialog
