"""Steps 3 and 4 of the import wizard: the dry run, then the import, each on the worker with progress and Cancel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from crm_desktop.services.errors import Cancelled, CRMError
from crm_desktop.services.importing import ImportPlan, ImportReport, Source, run_import
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.importing.report_view import CountTiles, fill_problems, problems_table, write_problems_csv
from crm_desktop.ui.style import hint_label, make_muted
from crm_desktop.ui.workers import Task, TaskContext, TaskFn

if TYPE_CHECKING:
    from crm_desktop.ui.importing.table_wizard import TableImportWizard
    from crm_desktop.ui.importing.wizard import ImportWizard

log = logging.getLogger("crm_desktop.ui")
STEPS = 1000
RunImport = Callable[..., ImportReport]  # (db, source, plan, *, dry_run, progress, should_cancel, initiator)


class RunPage(QWizardPage):
    """Runs `run_import` when shown; the service keeps it all-or-nothing, so Cancel leaves nothing behind.

    Other imports pass their own `run` (same signature as `run_import`), the plural `what` they write,
    and `after_note(plan)`, the sentence shown once the import is written.
    """

    def __init__(
        self,
        wizard: ImportWizard | TableImportWizard,
        *,
        dry_run: bool,
        what: str = "contacts",
        run: RunImport | None = None,
        after_note: Callable[[Any], str] | None = None,
    ) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.dry_run = dry_run
        self.what, self._run, self._after_note = what, run, after_note or _undo_note
        self.report: ImportReport | None = None
        self.plan: Any = None  # what the last run was asked to do (an ImportPlan for contacts)
        self.error: BaseException | None = None
        self.task: Task | None = None
        self.message_box: QMessageBox | None = None
        self.save_dialog: QFileDialog | None = None
        if dry_run:
            self.setTitle("Check before importing")
            self.setSubTitle("A dry run: every row is checked and matched, and nothing is written yet.")
            self.setCommitPage(True)
            self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        else:
            self.setTitle("Import")
            self.setSubTitle(f"The {what} are written in one step: all of them, or none if you cancel.")
            self.setFinalPage(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, STEPS)
        self.progress.setTextVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.retry_button = QPushButton("Import again", self)
        self.retry_button.hide()
        self.tiles = CountTiles(self)
        self.problems_title = QLabel("Problems", self)
        self.problems_title.setObjectName("sectionTitle")
        self.problems = problems_table(self)
        self.save_button = QPushButton("Save error report…", self)
        self.save_button.setEnabled(False)
        self.note = make_muted(QLabel(self))
        self.note.setWordWrap(True)
        self.hint = hint_label(self)
        self._lay_out()
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button.clicked.connect(self.start)
        self.save_button.clicked.connect(self.choose_report_file)

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.retry_button)
        problems_bar = QHBoxLayout()
        problems_bar.addWidget(self.problems_title)
        problems_bar.addStretch(1)
        problems_bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.hint)
        layout.addWidget(self.tiles)
        layout.addLayout(problems_bar)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.note)

    # --- QWizardPage -------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.start()

    def cleanupPage(self) -> None:
        """Going Back: stop a dry run still under way."""
        self.cancel()

    def isComplete(self) -> bool:
        if self.dry_run:
            return self.report is not None and self.report.failed_count < self.report.total
        return self.task is not None and (self.task.done or self.report is not None or self.error is not None)

    # --- public ------------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the dry run or the import is on the worker."""
        return self.task is not None and not self.task.done

    def start(self) -> Task | None:
        """Run the dry run or the import with the wizard's source and plan."""
        source, plan = self._wizard.source, self._wizard.plan()
        if source is None or (self.task is not None and self.running and not self.task.is_cancelled):
            return self.task  # a cancelled run may still be winding down: a new one queues behind it
        self.report, self.error, self.plan = None, None, plan
        self.progress.setValue(0)
        self.status.setText("Checking the file…" if self.dry_run else "Importing…")
        self.hint.hide()
        self.note.clear()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.retry_button.hide()
        self.save_button.setEnabled(False)
        self.tiles.show_report(None, dry_run=self.dry_run)
        self.problems_title.setText("Problems")
        fill_problems(self.problems, None)
        label = "Checking the import" if self.dry_run else f"Importing {self.what}"
        work = _job(source, plan, dry_run=self.dry_run, initiator=self._wizard, run=self._run)
        self.task = task = self._wizard.runner.task(label, work)
        task.progress.connect(self._on_progress)
        task.succeeded.connect(self._on_succeeded)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        task.start()
        self.completeChanged.emit()
        return task

    def cancel(self) -> None:
        """Ask the running step to stop; the service rolls everything back."""
        if self.running and self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def choose_report_file(self) -> QFileDialog:
        """Ask where to save the problem list (non-blocking); `save_error_report` does the writing."""
        source = self._wizard.source
        start = source.path.with_name(f"{source.path.stem} - import problems.csv") if source else Path.home()
        self.save_dialog = QFileDialog(self, "Save error report", str(start), "CSV files (*.csv)")
        self.save_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.save_dialog.setDefaultSuffix("csv")
        self.save_dialog.fileSelected.connect(self.save_error_report)
        self.save_dialog.open()
        return self.save_dialog

    def save_error_report(self, path: str | Path) -> Path | None:
        """Write the failed rows and warnings of the last run to a CSV file."""
        if self.report is None:
            return None
        try:
            saved = write_problems_csv(self.report, path)
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return None
        self.status.setText(f"{_headline(self.report, dry_run=self.dry_run)} The error report was saved to {saved}.")
        return saved

    # --- private -----------------------------------------------------------------------------------------
    def _current(self) -> bool:
        return self.sender() is self.task

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._current() and self.cancel_button.isEnabled():
            self.progress.setValue(round(fraction * STEPS))
            if message:
                self.status.setText(message + "…" if not message.endswith(("…", "finished")) else message)

    def _on_succeeded(self, report: ImportReport) -> None:
        if not self._current():
            return
        self.report = report
        self.progress.setValue(STEPS)
        self.tiles.show_report(report, dry_run=self.dry_run)
        fill_problems(self.problems, report)
        self.save_button.setEnabled(bool(report.failed or report.warnings))
        self.problems_title.setText(_problems_title(report))
        self.status.setText(_headline(report, dry_run=self.dry_run))
        notes = " ".join(getattr(report, "notes", ()))  # about the whole file (a guessed date order, unknown stages)
        if not self.dry_run:
            after = self._after_note(self.plan if self.plan is not None else self._wizard.plan())
            self.note.setText(f"{notes}\n\n{after}" if notes else after)
            self._wizard.imported.emit(report)
        else:
            self.note.setText(notes)
        self.completeChanged.emit()

    def _on_failed(self, exc: BaseException) -> None:
        if not self._current():
            return
        self.error = exc
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.status.setText("Cancelled: nothing was imported." if not self.dry_run else "Check cancelled.")
        elif isinstance(exc, CRMError):
            self.status.clear()
            self.hint.setText(f"{exc} Nothing was imported.")
            self.hint.show()
        else:
            log.error("import failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.status.setText("The import stopped on an unexpected problem. Nothing was imported.")
            self.message_box = error_box(self, exc)
            self.message_box.open()
        if not self.dry_run:
            self.retry_button.show()

    def _on_finished(self) -> None:
        if not self._current():
            return
        self.cancel_button.hide()
        self.completeChanged.emit()


def _job(source: Source, plan: Any, *, dry_run: bool, initiator: object, run: RunImport | None = None) -> TaskFn:
    def work(ctx: TaskContext) -> ImportReport:
        """On the worker: its own session, progress and Cancel flag."""
        return (run or run_import)(
            ctx.db, source, plan, dry_run=dry_run, progress=ctx.report, should_cancel=ctx.should_cancel,
            initiator=initiator,
        )  # fmt: skip

    return work


def _headline(report: ImportReport, *, dry_run: bool) -> str:
    unit = f"{report.unit}{'s' * (report.total != 1)}"
    if dry_run:
        if report.failed_count == report.total:
            return f"None of the {report.total:,} {unit} can be imported: go Back and check the column matching."
        extra = _extra_counts(report)
        return (
            f"{report.total:,} {unit} checked{f' ({extra})' if extra else ''}. Nothing has been written yet: "
            "choose Import to go ahead."
        )
    return f"Import finished: {report.summary()}"


def _extra_counts(report: ImportReport) -> str:
    """ "3 open, 5 won, 2 new stages": the counts a table import adds to its report (none for contacts)."""
    counts: dict[str, int] = getattr(report, "counts", {})
    parts = [f"{n:,} {key.removesuffix('s') if n == 1 else key}" for key, n in counts.items() if n]
    if report.organizations_created and getattr(report, "what", "organization") != "organization":
        parts.append(f"{report.organizations_created:,} new organization{'s' * (report.organizations_created != 1)}")
    return ", ".join(parts)


def _problems_title(report: ImportReport) -> str:
    if not report.failed and not report.warnings:
        return "No problems found"
    parts = []
    if report.failed:
        parts.append(f"{report.failed_count:,} {report.unit}{'s' * (report.failed_count != 1)} not imported")
    if report.warnings:
        parts.append(f"{len(report.warnings):,} note{'s' * (len(report.warnings) != 1)}")
    return "Problems: " + ", ".join(parts)


def _undo_note(plan: ImportPlan) -> str:
    """Why Edit → Undo does not list the import, and how to take it back by hand."""
    text = "An import is not a step of Edit → Undo. "
    if plan.tags:
        return text + (
            f"Every contact it created or updated carries the tag “{plan.tags[0]}”: search for it on the Contacts "
            "tab to review them. New contacts you do not want can be moved to the Trash; changes to existing "
            "contacts are listed in their History."
        )
    return text + "New contacts you do not want can be moved to the Trash from the Contacts tab."
