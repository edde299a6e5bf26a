"""Print quote: the preview makes the deal's PDF on the worker, shows it, prints it and saves it."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_lines import LineInput, replace_lines
from crm_desktop.services.deals import create_deal
from crm_desktop.ui.pipeline import quote_preview
from crm_desktop.ui.pipeline.quote_preview import QuotePreviewDialog, open_quote_preview
from crm_desktop.ui.workers import TaskRunner

TODAY = date(2026, 11, 22)
needs_qtpdf = pytest.mark.skipif(
    quote_preview.QPdfView is None, reason="QtPdf (PySide6-Addons) is not installed: the preview falls back"
)


@pytest.fixture
def runner(empty_db: Any) -> Any:
    task_runner = TaskRunner(empty_db)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def deal_id(empty_db: Any) -> uuid.UUID:
    with empty_db.session() as session:
        person = create_contact(session=session, data=ContactInput(display_name="Zoë Łukasiewicz", city="Łódź"))
        deal = create_deal(session=session, title="Espresso machines", contact_id=person.id)
        lines = [LineInput(f"Machine part {n}", 1, 1_000 + n) for n in range(45)]  # enough for a second page
        replace_lines(session=session, deal_id=deal.id, lines=lines)
        return deal.id


@pytest.fixture
def preview(qtbot: Any, runner: TaskRunner, deal_id: uuid.UUID) -> Any:
    dialog = QuotePreviewDialog(runner, deal_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.start()
    return dialog


@needs_qtpdf
def test_the_preview_shows_the_quote_pdf(preview: QuotePreviewDialog) -> None:
    assert preview.pdf_path is not None and preview.pdf_path.is_file()
    reader = PdfReader(preview.pdf_path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Zoë Łukasiewicz" in text and "Machine part 44" in text and "Espresso machines" in text
    assert preview.document.pageCount() == len(reader.pages) == 2
    assert preview.pages.currentWidget() is preview.view
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()
    assert preview.windowTitle().startswith("Quote Q-")
    assert preview.suggested_name.endswith("Zoë Łukasiewicz.pdf")
    assert not preview.grab().isNull()


def test_save_pdf_copies_the_file_shown(qtbot: Any, preview: QuotePreviewDialog, tmp_path: Path) -> None:
    target = tmp_path / "saved quote.pdf"
    chooser = preview.save_pdf()
    assert chooser.isVisible()
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(target.is_file)
    assert preview.pdf_path is not None and target.read_bytes() == preview.pdf_path.read_bytes()
    assert not preview.save_to(tmp_path / "missing" / "x.pdf")  # told in a box, nothing else changes


@needs_qtpdf
def test_printing_paints_every_page(preview: QuotePreviewDialog, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(72)  # small page images keep the test fast
    assert preview.print_to(printer) == 2
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 2


def test_print_asks_for_a_printer_without_blocking(preview: QuotePreviewDialog) -> None:
    chooser = preview.print_pdf()
    assert chooser.isVisible()
    chooser.reject()


def test_a_deal_that_is_gone_says_so(qtbot: Any, runner: TaskRunner) -> None:
    dialog = open_quote_preview(None, runner, uuid.uuid4())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as blocker:
        pass
    assert "not found" in blocker.args[0]
    assert "not found" in dialog.status.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_without_qtpdf_the_quote_can_still_be_saved(
    qtbot: Any, runner: TaskRunner, deal_id: uuid.UUID, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(quote_preview, "QPdfView", None)
    monkeypatch.setattr(quote_preview, "QPdfDocument", None)
    dialog = QuotePreviewDialog(runner, deal_id, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.start()
    assert "no PDF preview" in dialog.status.text()
    assert dialog.save_button.isEnabled() and dialog.open_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    assert dialog.save_to(tmp_path / "q.pdf") and len(PdfReader(tmp_path / "q.pdf").pages) == 2
