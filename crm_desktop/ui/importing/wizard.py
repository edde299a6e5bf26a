"""File → Import Contacts…: choose a file, match its columns, check it in a dry run, then import it.

Reading, the dry run and the import run on the worker with progress and Cancel; the import service is
all-or-nothing. The import is not put on Edit → Undo: its new rows are written in bulk (fast at 10k rows)
and an undo step would not hold them, so every imported contact gets a tag (default "Imported <date>")
that finds them again, and the last page says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crm_desktop.services.importing import ImportPlan, Source
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.importing.file_page import FilePage
from crm_desktop.ui.importing.mapping_page import MappingPage
from crm_desktop.ui.importing.run_page import RunPage
from crm_desktop.ui.importing.wizard_base import ImportWizardBase
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner


class ImportWizard(ImportWizardBase):
    """Import contacts: non-modal (open with show()); pages are public attributes so tests drive every step."""

    mapping_page: MappingPage

    def __init__(
        self,
        db: Workspace,
        runner: TaskRunner,
        undo: UndoStack | None = None,
        parent: QWidget | None = None,
        *,
        region: str = "GB",
        locale: str = "en_GB",
    ) -> None:
        super().__init__("Import contacts", parent, minimum=(820, 620), size=(940, 700))
        self.db, self.runner = db, runner
        self.undo = undo  # kept for when bulk imports can be undone; imports are not undo steps today
        self.source: Source | None = None
        self.set_steps(
            FilePage(self), MappingPage(self, region=region, locale=locale), RunPage(self, dry_run=True),
            RunPage(self, dry_run=False),
        )  # fmt: skip

    def set_source(self, source: Source | None) -> None:
        """The file read on the first page (None while another is being read)."""
        self.source = source
        self.source_changed.emit()

    def plan(self) -> ImportPlan:
        """The import as chosen on the mapping page."""
        return self.mapping_page.plan()


def open_import_wizard(
    parent: QWidget | None, db: Workspace, runner: TaskRunner, undo: UndoStack | None, path: str | Path | None = None
) -> ImportWizard:
    """Show the import wizard (non-modal); with `path`, the file is read straight away."""
    fmt = Formatter.load(db)
    wizard = ImportWizard(db, runner, undo, parent, region=fmt.region, locale=fmt.locale)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if path is not None:
        wizard.file_page.set_path(path)
    wizard.show()
    return wizard
