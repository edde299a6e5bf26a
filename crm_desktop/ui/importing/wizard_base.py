"""What the contact and the table import wizards share: the window, the four steps, running, and closing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from crm_desktop.ui.importing.file_page import FilePage
from crm_desktop.ui.importing.run_page import RunPage


class ImportWizardBase(QWizard):
    """File, mapping, dry run, import: non-modal (open with show()); pages are public attributes for tests."""

    FILE, MAPPING, PREVIEW, IMPORT = range(4)
    imported = Signal(object)  # the report, after the import was written
    source_changed = Signal()

    file_page: FilePage
    mapping_page: Any  # MappingPage or TableMappingPage: each has plan()
    preview_page: RunPage
    import_page: RunPage

    def __init__(self, title: str, parent: QWidget | None, *, minimum: tuple[int, int], size: tuple[int, int]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setMinimumSize(*minimum)
        self.resize(*size)

    def set_steps(self, file_page: FilePage, mapping_page: QWizardPage, preview: RunPage, run: RunPage) -> None:
        """The four pages, in order."""
        self.file_page, self.mapping_page, self.preview_page, self.import_page = file_page, mapping_page, preview, run
        for number, page in enumerate((file_page, mapping_page, preview, run)):
            self.setPage(number, page)
        self.setStartId(self.FILE)

    def plan(self) -> Any:
        """The import as chosen on the mapping page."""
        return self.mapping_page.plan()

    @property
    def running(self) -> bool:
        """True while the file is read, checked or imported on the worker."""
        return self.preview_page.running or self.import_page.running or self.file_page.busy

    def done(self, result: int) -> None:
        """Closing stops whatever still runs; an unfinished import is rolled back by the service."""
        for page in (self.preview_page, self.import_page):
            page.cancel()
        super().done(result)
