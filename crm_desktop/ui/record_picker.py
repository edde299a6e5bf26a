"""A type-ahead picker over a search service: typing shows a short list of matches fetched by SQL.

Used by the deal editor (contacts, organizations, catalog products) and the contact pane (organization),
so no combo box ever holds a hundred thousand rows. Typed text that matches nothing is kept (and reported
as not `resolved`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

PICK_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_DELAY_MS = 120
MATCHES = 15


@dataclass(frozen=True)
class Pick:
    """One match: the id, the name put in the field, a quieter detail for the list, and the record itself."""

    id: uuid.UUID
    name: str
    detail: str = ""
    data: Any = None


class RecordPicker(QLineEdit):
    """A line edit with a popup of matches; `picked` fires with the chosen `Pick`.

    With `keep_choice` (contact, organization) the field keeps showing the pick; without it (add a product)
    the field empties after each pick, ready for the next one.
    """

    edited = Signal()
    picked = Signal(object)

    def __init__(
        self,
        search: Callable[[str], list[Pick]],
        placeholder: str,
        parent: QWidget | None = None,
        *,
        keep_choice: bool = True,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self.keep_choice = keep_choice
        self.selected: Pick | None = None
        self.matches: list[Pick] = []
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(300)
        self.choices = QStandardItemModel(self)
        self.completer_ = QCompleter(self.choices, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(NAME_ROLE)
        self.completer_.setMaxVisibleItems(10)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_choices)
        self.textEdited.connect(self._on_edited)

    def set_choice(self, choice: Pick | None) -> None:
        """Show a stored record (or none) without counting it as an edit."""
        self.selected = choice
        self.setText(choice.name if choice else "")

    def chosen_id(self) -> uuid.UUID | None:
        """The picked record; None when the field is empty (or unresolved: check `resolved` first)."""
        return self.selected.id if self.selected is not None and self.resolved else None

    @property
    def resolved(self) -> bool:
        """False when the text names nothing picked from the list."""
        text = self.text().strip()
        return not text or (self.selected is not None and text == self.selected.name)

    def refresh_choices(self) -> None:
        """Search now (normally done shortly after typing pauses) and show the matches."""
        self._timer.stop()
        text = self.text().strip()
        self.matches = self._search(text) if text else []
        self.choices.clear()
        for match in self.matches:
            shown = f"{match.name}  —  {match.detail}" if match.detail else match.name
            item = QStandardItem(shown)
            item.setData(match, PICK_ROLE)
            item.setData(match.name, NAME_ROLE)
            item.setToolTip(shown)
            item.setEditable(False)
            self.choices.appendRow(item)
        if self.matches and self.hasFocus():
            self.completer_.complete()
        elif not self.matches:
            self.completer_.popup().hide()
        exact = [m for m in self.matches if m.name.casefold() == text.casefold()]
        if self.keep_choice and len(exact) == 1 and self.selected != exact[0]:
            self.selected = exact[0]  # typed in full: take it as picked
            self.picked.emit(exact[0])
            self.edited.emit()

    def choose(self, row: int) -> None:
        """Pick the row-th match (what a click in the popup does)."""
        self._chosen(self.choices.index(row, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on typed text picks the first match instead of pressing the dialog's default button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.resolved:
            self.refresh_choices()
            if self.matches:
                self.choose(0)
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_edited(self, text: str) -> None:
        if self.selected is not None and text != self.selected.name and not text.strip():
            self.selected = None
        self._timer.start()
        self.edited.emit()

    def _chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        match: Pick = index.data(PICK_ROLE)
        self.completer_.popup().hide()
        if self.keep_choice:
            self.selected = match
            self.setText(match.name)
        else:
            self.clear()
            self.choices.clear()
        self.picked.emit(match)
        self.edited.emit()
