"""File → Export Contacts… and Export Workspace…: the file is chosen here, written on the worker (progress + Cancel).

Contacts go out as CSV or vCard 4.0 (picked by the file's extension): every contact, or the selected ones when
the contacts list has a selection of two or more (one selected row is just the contact being looked at). The
workspace goes out as one JSON Lines archive that imports back losslessly. `ask_path` is an attribute, so tests
(and scripts) can name the file without a dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from crm_desktop.services.contact_list import ContactFilter, contact_ids
from crm_desktop.services.errors import Cancelled
from crm_desktop.services.exporting import export_contacts_csv, export_contacts_vcard, export_workspace
from crm_desktop.ui.contacts.view import PEOPLE
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, run_with_progress

if TYPE_CHECKING:
    from crm_desktop.ui.main_window import MainWindow

AskPath = Callable[[str, str, str], Path | None]  # (dialog title, suggested file name, filters) -> chosen file
CONTACT_FILTERS = "CSV spreadsheet (*.csv);;vCard file (*.vcf)"
WORKSPACE_FILTERS = "JSON Lines archive (*.jsonl)"
VCARD_SUFFIXES = (".vcf", ".vcard")
MESSAGE_MS = 10_000
SELECTION_FROM = 2  # as the bulk bar: a single selected row is the contact being looked at, not a choice


def ask_save_path(parent: QWidget, title: str, suggested: str, filters: str) -> Path | None:
    """The platform's Save dialog in the Documents folder; a name typed without extension gets the filter's."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(Path(folder or Path.home()) / suggested), filters)
    if not name:
        return None
    path = Path(name)
    if not path.suffix and "(*." in chosen:
        path = path.with_name(path.name + chosen.split("(*", 1)[1].split(")", 1)[0].split()[0])
    return path


def with_suffix(path: Path, allowed: Sequence[str], default: str) -> Path:
    """`path` unchanged when it ends in one of `allowed`, else with `default` appended (never replaced)."""
    return path if path.suffix.lower() in allowed else path.with_name(path.name + default)


class ExportActions(QObject):
    """The window's export commands; the running task and its progress dialog are public for tests."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.ask_path: AskPath = self._ask_path  # tests replace it: no file dialog
        self.progress_dialog: ProgressDialog | None = None
        self.last_task: Task | None = None
        self.message_box: QMessageBox | None = None
        self.last_path: Path | None = None

    @property
    def window(self) -> MainWindow:
        """The main window (its Qt parent: no Python reference, so closing it frees it)."""
        return cast("MainWindow", self.parent())

    def _ask_path(self, title: str, suggested: str, filters: str) -> Path | None:
        return ask_save_path(self.window, title, suggested, filters)

    def export_contacts(self, path: Path | None = None) -> Task | None:
        """Write the chosen contacts (see the module docstring) to a CSV or vCard file on the worker."""
        ids, matching = self._selection()
        what = "contacts" if ids is None and matching is None else "selected contacts"
        out = path or self.ask_path(f"Export {what}", "contacts.csv", CONTACT_FILTERS)
        if out is None:
            return None
        out = with_suffix(Path(out), (".csv", *VCARD_SUFFIXES), ".csv")
        writer = export_contacts_vcard if out.suffix.lower() in VCARD_SUFFIXES else export_contacts_csv

        def work(ctx: TaskContext) -> int:
            with ctx.read_session() as session:
                chosen = contact_ids(session=session, filter=matching) if matching is not None else ids
                return writer(
                    session=session, out=out, contact_ids=chosen, progress=ctx.report, should_cancel=ctx.should_cancel
                )

        def done(count: int) -> None:
            self._finished(out, f"Exported {self.window.fmt.count(count, 'contact')} to {out}")

        return self._start("Exporting contacts…", "Export contacts", work, done)

    def export_workspace(self, path: Path | None = None) -> Task | None:
        """Write every record of this database to one JSON Lines archive on the worker."""
        out = path or self.ask_path("Export workspace", "crm-workspace.jsonl", WORKSPACE_FILTERS)
        if out is None:
            return None
        out = with_suffix(Path(out), (".jsonl",), ".jsonl")

        def work(ctx: TaskContext) -> dict[str, int]:
            return export_workspace(db=ctx.db, path=out, progress=ctx.report, should_cancel=ctx.should_cancel)

        def done(counts: dict[str, int]) -> None:
            records = self.window.fmt.count(sum(counts.values()), "record")
            self._finished(out, f"Exported the workspace ({records}) to {out}")

        return self._start("Exporting the workspace…", "Export workspace", work, done)

    # --- helpers -------------------------------------------------------------------------------------
    def _selection(self) -> tuple[list[uuid.UUID] | None, ContactFilter | None]:
        """(ids, None) for a selection, (None, filter) after "Select all N", (None, None) for every contact."""
        tab = self.window.contacts
        bulk = tab.bulk
        if tab.mode != PEOPLE or bulk.selection_size() < SELECTION_FROM:
            return None, None
        if bulk.all_matching:
            return None, tab.model.filter
        return bulk.selected_ids(), None

    def _start(self, label: str, title: str, work: Callable[[TaskContext], Any], done: Callable[[Any], None]) -> Task:
        self.last_task, self.progress_dialog = run_with_progress(
            self.window.runner, label, work, parent=self.window, title=title, on_success=done, on_failure=self._failed
        )
        return self.last_task

    def _finished(self, out: Path, text: str) -> None:
        self.last_path = out
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.window.statusBar().showMessage("Export cancelled — no file was written", MESSAGE_MS)
            return
        self.message_box = error_box(self.window, exc)
        self.message_box.open()
