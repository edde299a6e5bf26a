"""Pick an organization by typing part of its name: a type-ahead over SQL, not a combo of ten thousand rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from crm_desktop.services.channels import Choice

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 120


class OrganizationPicker(QLineEdit):
    """Holds the chosen organization's id; typed text that matches no organization stays, flagged by `resolved`."""

    edited = Signal()

    def __init__(self, search: Callable[[str], list[Choice]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.selected: Choice | None = None
        self.setPlaceholderText("Type to find an organization")
        self.setClearButtonEnabled(True)
        self.setMaxLength(300)
        self.choices = QStandardItemModel(self)
        self.completer_ = QCompleter(self.choices, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        self.completer_.activated[QModelIndex].connect(self._chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_choices)
        self.textEdited.connect(self._on_edited)

    def set_choice(self, choice: Choice | None) -> None:
        """Show a stored organization (or none) without counting it as an edit."""
        self.selected = choice
        self.setText(choice.name if choice else "")

    def chosen_id(self) -> uuid.UUID | None:
        """The picked organization; None when the field is empty (or unresolved: check `resolved` first)."""
        return self.selected.id if self.selected is not None and self.resolved else None

    @property
    def resolved(self) -> bool:
        """False when the text names no organization picked from the list."""
        text = self.text().strip()
        return not text or (self.selected is not None and text == self.selected.name)

    def refresh_choices(self) -> None:
        """Search now (normally done shortly after typing pauses) and show the matches."""
        self._timer.stop()
        matches = self._search(self.text().strip())
        self.choices.clear()
        for choice in matches:
            item = QStandardItem(choice.name)
            item.setData(choice.id, ID_ROLE)
            item.setEditable(False)
            self.choices.appendRow(item)
        if matches and self.hasFocus():
            self.completer_.complete()
        if len(matches) >= 1 and self.text().strip().casefold() == matches[0].name.casefold():
            self.selected = matches[0]  # typed in full: take it as picked
            self.edited.emit()

    def choose(self, row: int) -> None:
        """Pick the row-th match (what a click in the popup does)."""
        self._chosen(self.choices.index(row, 0))

    def _on_edited(self, text: str) -> None:
        if self.selected is not None and text != self.selected.name:
            self.selected = None if not text.strip() else self.selected
        self._timer.start()
        self.edited.emit()

    def _chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        self.selected = Choice(index.data(ID_ROLE), index.data(Qt.ItemDataRole.DisplayRole))
        self.setText(self.selected.name)
        self.edited.emit()
