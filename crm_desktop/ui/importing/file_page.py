"""Step 1 of the import wizard: choose a file; it is read on the worker and its format is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWizardPage

from crm_desktop.services.errors import CRMError
from crm_desktop.services.importing import CardFile, Source, SourceTable, detect_preset, read_source
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.style import hint_label, make_muted
from crm_desktop.ui.workers import Task

if TYPE_CHECKING:
    from crm_desktop.ui.importing.table_wizard import TableImportWizard
    from crm_desktop.ui.importing.wizard import ImportWizard

CONTACTS_SUBTITLE = (
    "A CSV file exported from Google Contacts, Outlook, Thunderbird or a spreadsheet, or a vCard (.vcf) file."
)
FILE_FILTER = "Contacts (*.csv *.tsv *.txt *.vcf *.vcard);;All files (*)"
TYPING_PAUSE_MS = 600
NEXT_STEPS = (
    "Next you check which contact field each column fills, then a dry run shows what would be created or "
    "updated and which rows have problems. Nothing is written until you choose Import, and a cancelled import "
    "leaves nothing behind."
)
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def describe_source(source: Source) -> str:
    """'Google Contacts CSV · 120 rows · 34 columns · UTF-8, comma separated' — what was understood."""
    encoding = source.encoding.upper().replace("-SIG", " with BOM").replace("_", "-")
    if isinstance(source, CardFile):
        broken = sum(1 for r in source.records if r.error)
        cards = f"{len(source.records):,} card{'s' * (len(source.records) != 1)}"
        return f"vCard file · {cards}" + (f" ({broken:,} unreadable)" if broken else "") + f" · {encoding}"
    preset = detect_preset(source.headers)
    return describe_table(source, f"{preset.label} CSV" if preset else "CSV file")


def describe_table(source: SourceTable, kind: str = "CSV file") -> str:
    """'CSV file · 120 rows · 34 columns · UTF-8, comma separated' — a CSV file as read, whatever it holds."""
    encoding = source.encoding.upper().replace("-SIG", " with BOM").replace("_", "-")
    rows = f"{len(source.rows):,} row{'s' * (len(source.rows) != 1)}"
    separator = _SEPARATORS.get(source.delimiter, repr(source.delimiter))
    return f"{kind} · {rows} · {len(source.headers):,} columns · {encoding}, {separator} separated"


class FilePage(QWizardPage):
    """The path is a public line edit and `set_path` loads it, so tests never need the file dialog.

    The contacts wizard reads CSV and vCard files; other wizards pass their own reader, texts and filter.
    """

    def __init__(
        self,
        wizard: ImportWizard | TableImportWizard,
        *,
        subtitle: str = CONTACTS_SUBTITLE,
        next_steps: str = NEXT_STEPS,
        file_filter: str = FILE_FILTER,
        read: Callable[[Path], Source] | None = None,
        describe: Callable[[Source], str] = describe_source,
    ) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._read, self._describe, self._filter = read or _read, describe, file_filter
        self.setTitle("Choose a file")
        self.setSubTitle(subtitle)
        self.path = QLineEdit(self)
        self.path.setPlaceholderText("Path of the file to import")
        self.browse_button = QPushButton("Browse…", self)
        self.summary = make_muted(QLabel(self))
        self.summary.setWordWrap(True)
        self.hint = hint_label(self)
        steps = make_muted(QLabel(next_steps, self))
        steps.setWordWrap(True)
        self.file_dialog: QFileDialog | None = None
        self._task: Task | None = None
        self._loaded: Path | None = None
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(steps)
        self.browse_button.clicked.connect(self.browse)
        self.path.editingFinished.connect(lambda: self.set_path(self.path.text()))
        self.typing = QTimer(self)  # a typed path is read once typing pauses
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        self.typing.timeout.connect(self._on_typed)
        self.path.textEdited.connect(lambda _text: (self.typing.start(), self.completeChanged.emit()))

    # --- public ------------------------------------------------------------------------------------------
    def browse(self) -> QFileDialog:
        """The platform's file dialog, opened without blocking; choosing a file loads it."""
        start = str(Path(self.path.text()).parent) if self.path.text().strip() else str(Path.home())
        self.file_dialog = QFileDialog(self, self._wizard.windowTitle(), start, self._filter)
        self.file_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.file_dialog.fileSelected.connect(self.set_path)
        self.file_dialog.open()
        return self.file_dialog

    def set_path(self, path: str | Path) -> None:
        """Read `path` on the worker (a second call replaces a read still under way)."""
        self.typing.stop()
        text = str(path).strip()
        if self.path.text() != text:
            self.path.setText(text)
        if not text or (self._loaded == Path(text) and self._wizard.source is not None):
            self.completeChanged.emit()
            return
        self._loaded = None
        self._wizard.set_source(None)
        self.hint.hide()
        self.summary.setText("Reading the file…")
        file = Path(text).expanduser()
        self._task = task = self._wizard.runner.task(f"Reading {file.name}", lambda _ctx: self._read(file))
        task.succeeded.connect(self._on_read)
        task.failed.connect(self._on_failed)
        task.start()

    @property
    def busy(self) -> bool:
        """True while the file is being read."""
        return self._task is not None and not self._task.done

    def isComplete(self) -> bool:
        return self._wizard.source is not None and self._loaded == Path(self.path.text().strip()).expanduser()

    # --- private -----------------------------------------------------------------------------------------
    def _on_typed(self) -> None:
        if Path(self.path.text().strip()).expanduser().is_file():
            self.set_path(self.path.text())

    def _current(self) -> bool:
        return self.sender() is self._task

    def _on_read(self, source: Source) -> None:
        if not self._current():
            return
        self._loaded = Path(self.path.text().strip()).expanduser()
        self._wizard.set_source(source)
        self.summary.setText(self._describe(source))
        self.completeChanged.emit()

    def _on_failed(self, exc: BaseException) -> None:
        if not self._current():
            return
        self.summary.clear()
        if isinstance(exc, CRMError):
            self.hint.setText(str(exc))
            self.hint.show()
        else:
            error_box(self, exc).open()
        self.completeChanged.emit()


def _read(path: Path) -> Source:
    return read_source(path)
