"""Errors: typed service errors read as sentences; bugs are logged and offer "Copy details"."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from crm_desktop.services.errors import Cancelled, NotFound, StorageError, ValidationError
from crm_desktop.ui import errors


def test_typed_errors_become_friendly_boxes(qtbot: Any) -> None:
    box = errors.error_box(None, ValidationError("Email is not valid", field="email"))
    qtbot.addWidget(box)
    assert box.windowTitle() == "Please check your input"
    assert box.text() == "Email is not valid"
    assert box.icon() == QMessageBox.Icon.Warning
    storage = errors.error_box(None, StorageError("The disk is full"))
    qtbot.addWidget(storage)
    assert storage.icon() == QMessageBox.Icon.Critical
    assert errors.error_box(None, NotFound("gone")).windowTitle() == "Not found"


def test_bugs_offer_copy_details_and_stay_open(qtbot: Any) -> None:
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        box = errors.error_box(None, exc)
    qtbot.addWidget(box)
    box.open()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert "ZeroDivisionError: boom" in QGuiApplication.clipboard().text()
    assert "Traceback" in box.detailedText()
    assert box.isVisible()
    box.close()


def test_cancel_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self))
    errors.show_error(None, Cancelled("stopped"))
    assert shown == []


def test_excepthook_logs_and_shows_a_dialog(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    try:
        raise KeyError("missing")
    except KeyError:
        with caplog.at_level(logging.ERROR, logger="crm_desktop.ui"):
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert "uncaught exception" in caplog.text
    assert shown and shown[0].windowTitle() == "Something went wrong"
    assert "KeyError" in shown[0].detailedText()
