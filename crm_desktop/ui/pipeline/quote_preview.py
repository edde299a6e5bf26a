"""Print quote: the deal's quote PDF made on the worker, previewed with QtPdf, then printed or saved."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import Cancelled, CRMError, StorageError
from crm_desktop.services.quotes import default_quote_filename, write_quote_pdf
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.style import make_muted, plain_buttons
from crm_desktop.ui.workers import TaskContext, TaskRunner

try:  # QtPdf ships in PySide6-Addons; without it the quote can still be saved or opened in a PDF viewer
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the installed Qt modules
    QPdfDocument = QPdfView = None  # type: ignore[assignment,misc]

log = logging.getLogger("crm_desktop.ui")
PRINT_DPI = 300  # pages are rasterised for the printer: sharp text without giant images


class QuotePreviewDialog(QDialog):
    """Shows one deal's quote; Print… and Save PDF… act on the very file shown."""

    ready = Signal(Path)
    failed = Signal(str)

    def __init__(
        self, runner: TaskRunner, deal_id: uuid.UUID, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.runner, self.deal_id, self.today = runner, deal_id, today
        self.setWindowTitle("Quote")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(860, 960)
        self._closed = False
        self._folder = tempfile.TemporaryDirectory(prefix="crm-quote-")
        self.pdf_path: Path | None = None
        self.suggested_name = "Quote.pdf"
        self.status = make_muted(QLabel("Preparing the quote…", self))
        self.status.setWordWrap(True)
        self.status.setMargin(24)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.status)
        self.document: Any = QPdfDocument(self) if QPdfDocument is not None else None
        self.view: Any = None
        if QPdfView is not None:
            self.view = QPdfView(self)
            self.view.setDocument(self.document)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setPageSpacing(12)
            self.pages.addWidget(self.view)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        action = QDialogButtonBox.ButtonRole.ActionRole
        self.print_button: QPushButton = self.buttons.addButton("&Print…", action)
        self.save_button: QPushButton = self.buttons.addButton("&Save PDF…", action)
        self.open_button: QPushButton = self.buttons.addButton("Open in PDF viewer", action)
        self.open_button.setVisible(self.view is None)
        for button in (self.print_button, self.save_button, self.open_button):
            button.setEnabled(False)
        plain_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        self.open_button.clicked.connect(self._open_externally)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(self.pages, 1)
        button_row = QVBoxLayout()
        button_row.setContentsMargins(14, 0, 14, 0)
        button_row.addWidget(self.buttons)
        layout.addLayout(button_row)
        self.finished.connect(self._cleanup)

    def start(self) -> None:
        """Make the PDF on the worker; `ready` or `failed` follows on the GUI thread."""
        out = Path(self._folder.name) / "quote.pdf"
        deal_id, today = self.deal_id, self.today

        def work(ctx: TaskContext) -> Any:
            def progress(fraction: float, message: str) -> None:
                if ctx.should_cancel():
                    raise Cancelled("quote cancelled")
                ctx.report(fraction, message)

            return write_quote_pdf(db=ctx.db, deal_id=deal_id, out=out, today=today, progress=progress)

        self.task = self.runner.submit("Preparing the quote…", work, on_success=self._shown, on_failure=self._failed)

    def _shown(self, data: Any) -> None:
        if self._closed:
            return
        path = Path(self._folder.name) / "quote.pdf"
        self.pdf_path = path
        self.suggested_name = default_quote_filename(data)
        self.setWindowTitle(f"Quote {data.number} — {data.title}")
        if self.view is not None:
            self.document.load(str(path))
            self.pages.setCurrentWidget(self.view)
            self.print_button.setEnabled(True)
        else:
            self.status.setText(
                "The quote is ready. This installation has no PDF preview (the Qt PDF module is missing): "
                "save it, or open it in your PDF viewer to read and print it."
            )
            self.open_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.ready.emit(path)

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        if isinstance(exc, Cancelled):
            message = "The quote was not made (cancelled)."
        elif isinstance(exc, CRMError):
            message = f"The quote could not be made: {exc}"
        else:
            log.error("quote failed", exc_info=(type(exc), exc, exc.__traceback__))
            message = "The quote could not be made because of an unexpected problem (details are in the log)."
        self.status.setText(message)
        self.pages.setCurrentWidget(self.status)
        self.failed.emit(message)

    def print_pdf(self) -> QPrintDialog:
        """Ask for a printer (non-blocking); accepting prints the pages shown."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name.removesuffix(".pdf"))
        if self.document is not None and self.document.pageCount():
            points = self.document.pagePointSize(0).toSize()
            printer.setPageSize(QPageSize(points, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
            printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print quote")
        dialog.accepted.connect(lambda: self.print_to(printer))
        QDialog.open(dialog)  # QPrintDialog.open() is the overload that wants a receiver
        return dialog

    def print_to(self, printer: QPrinter) -> int:
        """Paint the chosen pages onto `printer`, each scaled to the paper; returns how many were printed."""
        if self.document is None or not self.document.pageCount():
            return 0
        count = self.document.pageCount()
        first = max(1, printer.fromPage() or 1)
        last = min(count, printer.toPage() or count)
        dpi = min(printer.resolution(), PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            error_box(self, StorageError("The printer could not be started.")).open()
            return 0
        printed = 0
        try:
            for number in range(first, last + 1):
                if printed:
                    printer.newPage()
                points = self.document.pagePointSize(number - 1)
                image: QImage = self.document.render(
                    number - 1, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                )
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
                printed += 1
        finally:
            painter.end()
        return printed

    def save_pdf(self) -> QFileDialog:
        """Ask where to save (non-blocking); choosing a file copies the quote there."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self, "Save quote", str(Path(folder) / self.suggested_name), "PDF files (*.pdf)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda name: self.save_to(Path(name)))
        dialog.open()
        return dialog

    def save_to(self, path: Path) -> bool:
        """Copy the shown quote to `path`; a failure is told in a box and changes nothing else."""
        if self.pdf_path is None:
            return False
        try:
            shutil.copyfile(self.pdf_path, path)
        except OSError as exc:
            error_box(self, StorageError(f"Could not save the quote to {path}: {exc.strerror or exc}")).open()
            return False
        return True

    def _open_externally(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))

    def _cleanup(self) -> None:
        self._closed = True
        if self.document is not None:
            self.document.close()
        if self.view is None:
            return  # an external viewer may still be reading the file: the folder goes when the app exits
        self._folder.cleanup()


def open_quote_preview(
    parent: QWidget | None, runner: TaskRunner, deal_id: uuid.UUID, *, today: date | None = None
) -> QuotePreviewDialog:
    """Open a deal's quote preview (window-modal, never blocking) and start making the PDF: "Print quote…"."""
    dialog = QuotePreviewDialog(runner, deal_id, parent, today=today)
    dialog.open()
    dialog.start()
    return dialog
