"""Tags as removable chips, with a completer over the tags already in use (so "wholesale" isn't typed three ways)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from crm_desktop.ui.contacts.flow import FlowLayout

MAX_TAG = 60


class Chip(QFrame):
    """One tag with a small remove button."""

    remove_requested = Signal(str)

    def __init__(self, tag: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        self.setObjectName("tagChip")
        self.text = QLabel(tag, self)
        self.remove = QToolButton(self)
        self.remove.setObjectName("chipRemove")
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip(f"Remove the tag “{tag}”")
        self.remove.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.tag))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(9, 1, 3, 1)
        layout.setSpacing(2)
        layout.addWidget(self.text)
        layout.addWidget(self.remove)


class _TagInput(QLineEdit):
    """The line where a new tag is typed; Backspace on an empty line takes the last chip back."""

    backspace_on_empty = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace and not self.text():
            self.backspace_on_empty.emit()
            return
        super().keyPressEvent(event)


class TagsEditor(QWidget):
    """Chips plus an input: Enter or a comma adds the typed tag; suggestions load on first focus."""

    edited = Signal()

    def __init__(self, suggestions: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._suggest = suggestions
        self._loaded_suggestions = False
        self._tags: list[str] = []
        self.chips: list[Chip] = []
        self.flow = FlowLayout(self)
        self.input = _TagInput(self)
        self.input.setPlaceholderText("Add a tag…")
        self.input.setMaxLength(MAX_TAG)
        self.input.setMinimumWidth(120)
        self.input.setFrame(False)
        self.input.setObjectName("tagInput")
        self.completer_model = QStringListModel(self)
        self.completer = QCompleter(self.completer_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.activated.connect(self._completed)
        self.input.setCompleter(self.completer)
        self.flow.addWidget(self.input)
        self.input.returnPressed.connect(self.commit_typed)
        self.input.textEdited.connect(self._on_text)
        self.input.backspace_on_empty.connect(self._pop_last)
        self.input.installEventFilter(self)
        self.setFocusProxy(self.input)

    def tags(self) -> list[str]:
        """The chips plus whatever is still typed (so a tag is never lost by clicking Save first)."""
        typed = " ".join(self.input.text().replace(",", " ").split()) if self.input.text().strip() else ""
        extra = [typed] if typed and typed.casefold() not in {t.casefold() for t in self._tags} else []
        return [*self._tags, *extra]

    def set_tags(self, tags: list[str]) -> None:
        for chip in self.chips:
            self.flow.removeWidget(chip)
            chip.deleteLater()
        self.chips, self._tags = [], []
        self.input.clear()
        for tag in tags:
            self._add(tag)

    def add_tag(self, tag: str) -> bool:
        """Add a chip (trimmed; a tag already there, in any case, is not added twice)."""
        clean = " ".join(tag.split())[:MAX_TAG]
        if not clean or clean.casefold() in {t.casefold() for t in self._tags}:
            return False
        self._add(clean)
        self.edited.emit()
        return True

    def remove_tag(self, tag: str) -> None:
        for chip in self.chips:
            if chip.tag == tag:
                self.chips.remove(chip)
                self.flow.removeWidget(chip)
                chip.deleteLater()
                self._tags.remove(tag)
                self.updateGeometry()
                self.edited.emit()
                return

    def commit_typed(self) -> None:
        text = self.input.text()
        self.input.clear()
        for part in text.split(","):
            self.add_tag(part)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.FocusIn:
            self._load_suggestions()
        return False

    def _add(self, tag: str) -> None:
        chip = Chip(tag, self)
        chip.remove_requested.connect(self.remove_tag)
        self.chips.append(chip)
        self._tags.append(tag)
        self.flow.removeWidget(self.input)
        self.flow.addWidget(chip)
        self.flow.addWidget(self.input)
        self.updateGeometry()

    def _on_text(self, text: str) -> None:
        if "," in text:
            self.commit_typed()
        self.edited.emit()

    def _completed(self, text: str) -> None:
        self.add_tag(text)
        QTimer.singleShot(0, self.input.clear)  # the line edit puts the completion in after this slot

    def _pop_last(self) -> None:
        if self._tags:
            last = self._tags[-1]
            self.remove_tag(last)
            self.input.setText(last)

    def _load_suggestions(self) -> None:
        if not self._loaded_suggestions:
            self._loaded_suggestions = True
            self.completer_model.setStringList(self._suggest())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.flow.heightForWidth(width)
