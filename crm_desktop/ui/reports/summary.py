"""Save summary PDF: pick the period, write the PDF on the worker with progress, then offer to open it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import Cancelled
from crm_desktop.services.reporting import write_summary_pdf
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import hint_label, make_muted, plain_buttons
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, TaskRunner, run_with_progress


class SummaryRangeDialog(QDialog):
    """From/To dates, the last twelve months by default; OK stays disabled while From is after To."""

    def __init__(self, fmt: Formatter, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Summary report")
        self.setMinimumWidth(400)
        end = QDate(today or date.today())
        locale = QLocale(fmt.locale)
        self.from_date = _date_edit(end.addYears(-1).addDays(1), locale, self)
        self.to_date = _date_edit(end, locale, self)
        self.hint = hint_label(self)
        intro = make_muted(QLabel("Conversion, pipeline and churn for the period, as a printable PDF.", self))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&From", self.from_date)
        form.addRow("&To", self.to_date)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save PDF…")
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.from_date.dateChanged.connect(self._check)
        self.to_date.dateChanged.connect(self._check)

    def period(self) -> tuple[date, date]:
        return self.from_date.date().toPython(), self.to_date.date().toPython()  # type: ignore[return-value]

    def _check(self) -> None:
        start, end = self.period()
        ok = start <= end
        self.ok_button.setEnabled(ok)
        self.hint.setText("" if ok else "The period must start on or before its last day.")
        self.hint.setVisible(not ok)


def default_filename(start: date, end: date) -> str:
    return f"summary-{start.isoformat()}-to-{end.isoformat()}.pdf"


def start_summary_pdf(
    runner: TaskRunner,
    start: date,
    end: date,
    out: Path,
    *,
    parent: QWidget | None,
    on_success: Callable[[Path], None],
    on_failure: Callable[[BaseException], None],
) -> tuple[Task, ProgressDialog]:
    """Write the PDF on the worker behind a progress dialog; the task's result is the file path."""

    def work(ctx: TaskContext) -> Path:
        ctx.report(0.0, "Collecting figures…")
        path = write_summary_pdf(db=ctx.db, start=start, end=end, out=out, progress=_checked(ctx))
        ctx.report(1.0, "Done")
        return path

    return run_with_progress(
        runner,
        "Writing the summary report…",
        work,
        parent=parent,
        title="Summary PDF",
        on_success=on_success,
        on_failure=on_failure,
    )


def _checked(ctx: TaskContext) -> Callable[[float, str], None]:
    """A progress callback that also honours Cancel (the report service takes no should_cancel)."""

    def progress(fraction: float, message: str = "") -> None:
        if ctx.should_cancel():
            raise Cancelled("report cancelled")
        ctx.report(fraction, message)

    return progress


def offer_open(parent: QWidget | None, path: Path) -> QMessageBox:
    """A non-blocking "Saved — Open?" box; Open hands the PDF to the system viewer."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Report saved",
        f"The summary was saved to\n{path}",
        QMessageBox.StandardButton.Close,
        parent,
    )
    open_button = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(open_button)
    open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    box.open()
    return box


def _date_edit(value: QDate, locale: QLocale, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(value, parent)
    edit.setCalendarPopup(True)
    edit.setLocale(locale)
    edit.setDisplayFormat(locale.dateFormat(QLocale.FormatType.ShortFormat))
    edit.setMinimumWidth(160)
    return edit
