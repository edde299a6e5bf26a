"""File → Import Deals… / Organizations… / Purchases…: choose a CSV file, match its columns, check, import.

The same four steps as the contacts wizard, with its file, run and report pages: reading, the dry run
and the import run on the worker with progress and Cancel, and the import is one transaction, so a
cancelled or failed import leaves nothing behind. Like the contacts import it is not an Edit → Undo
step (it is written in bulk); the last page says how to take records back out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crm_desktop.services.importing import Source, SourceTable
from crm_desktop.services.importing.tables import read_table
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.importing.file_page import FilePage, describe_table
from crm_desktop.ui.importing.run_page import RunPage
from crm_desktop.ui.importing.table_kinds import TableKind, kind_named
from crm_desktop.ui.importing.table_mapping_page import TableMappingPage
from crm_desktop.ui.importing.wizard_base import ImportWizardBase
from crm_desktop.ui.workers import TaskRunner

FILE_FILTER = "CSV files (*.csv *.tsv *.txt);;All files (*)"
NEXT_STEPS = (
    "Next you check which field each column fills and choose the options, then a dry run shows what would be "
    "created or skipped and which rows have problems. Nothing is written until you choose Import, and a "
    "cancelled import leaves nothing behind."
)


def _describe(source: Source) -> str:
    return describe_table(source) if isinstance(source, SourceTable) else "Not a CSV file"


class TableImportWizard(ImportWizardBase):
    """Import deals, organizations or purchases: non-modal (open with show()); pages are public for tests."""

    mapping_page: TableMappingPage

    def __init__(
        self, db: Workspace, runner: TaskRunner, kind: TableKind, parent: QWidget | None = None, *, region: str = "GB"
    ) -> None:
        super().__init__(kind.title, parent, minimum=(820, 640), size=(960, 740))
        self.db, self.runner, self.kind = db, runner, kind
        self.source: SourceTable | None = None
        file_page = FilePage(
            self, subtitle=kind.file_hint, next_steps=NEXT_STEPS, file_filter=FILE_FILTER, read=read_table,
            describe=_describe,
        )  # fmt: skip
        preview = RunPage(self, dry_run=True, what=kind.plural, run=kind.run)
        run = RunPage(self, dry_run=False, what=kind.plural, run=kind.run, after_note=lambda _plan: kind.after_note)
        if "update" not in dict(kind.on_match):  # these records are never updated: no "updated" tiles
            for page in (preview, run):
                for key in ("updated", "unchanged"):
                    page.tiles.numbers[key].hide()
                    page.tiles.captions[key].hide()
        self.set_steps(file_page, TableMappingPage(self, kind, region=region), preview, run)

    def set_source(self, source: Source | None) -> None:
        """The file read on the first page (None while another is being read)."""
        self.source = source if isinstance(source, SourceTable) else None
        self.source_changed.emit()

    def plan(self) -> Any:
        """The import as chosen on the mapping page (a DealPlan, OrganizationPlan or PurchasePlan)."""
        return self.mapping_page.plan()


def open_table_import_wizard(
    window_or_parent: QWidget | None,
    db: Workspace,
    runner: TaskRunner,
    kind: str = "deals",
    path: str | Path | None = None,
) -> TableImportWizard:
    """Show the deal ("deals"), organization or purchase import wizard (non-modal); `path` is read straight away."""
    spec = kind_named(kind)  # an unknown kind fails before anything is shown
    wizard = TableImportWizard(db, runner, spec, window_or_parent, region=Formatter.load(db).region)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if path is not None:
        wizard.file_page.set_path(path)
    wizard.show()
    return wizard
