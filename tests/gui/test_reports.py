"""Reports → Save summary PDF: the period dialog, then the PDF written on the worker with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from crm_desktop.services.errors import Cancelled
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.reports.summary import SummaryRangeDialog, default_filename


def test_period_defaults_to_the_last_twelve_months(qtbot: Any) -> None:
    dialog = SummaryRangeDialog(Formatter(), today=date(2025, 3, 15))
    qtbot.addWidget(dialog)
    assert dialog.period() == (date(2024, 3, 16), date(2025, 3, 15))
    assert dialog.ok_button.isEnabled()
    dialog.from_date.setDate(date(2025, 4, 1))
    assert not dialog.ok_button.isEnabled() and not dialog.hint.isHidden()
    dialog.from_date.setDate(date(2025, 1, 1))
    assert dialog.ok_button.isEnabled() and dialog.hint.isHidden()
    assert default_filename(date(2025, 1, 1), date(2025, 3, 15)) == "summary-2025-01-01-to-2025-03-15.pdf"


def test_save_summary_pdf_writes_the_file_on_the_worker(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "summary"  # no suffix: the app adds .pdf
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), "PDF"))
    dialog = window.save_summary_pdf()
    qtbot.waitExposed(dialog)
    dialog.ok_button.click()
    task = window.last_task
    assert task is not None and window.progress_dialog is not None
    qtbot.waitUntil(lambda: task.done, timeout=60_000)  # set by the task's finished signal
    assert task.error is None, task.error
    out = chosen.with_suffix(".pdf")
    assert task.result == out
    assert out.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: window.message_box is not None and window.message_box.isVisible())
    assert "Open" in [b.text() for b in window.message_box.buttons()]
    window.message_box.close()


def test_cancelling_the_pdf_leaves_no_file(qtbot: Any, window: Any, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"
    task = window.write_summary_pdf(date(2025, 1, 1), date(2025, 12, 31), out)
    window.progress_dialog.cancel_button.click()
    qtbot.waitUntil(lambda: task.done, timeout=60_000)
    assert isinstance(task.error, Cancelled)
    assert "Cancelled" in window.statusBar().currentMessage()
    assert list(tmp_path.glob("*cancelled*")) == []
