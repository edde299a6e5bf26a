"""One place that turns errors into dialogs: typed service errors, and bugs caught by the global hook."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crm_desktop.services.errors import (
    Cancelled,
    Conflict,
    CRMError,
    NewerSchemaError,
    NotFound,
    StorageError,
    ValidationError,
)

log = logging.getLogger("crm_desktop.ui")

_TITLES: tuple[tuple[type[BaseException], str, QMessageBox.Icon], ...] = (
    (NewerSchemaError, "Database from a newer version", QMessageBox.Icon.Critical),
    (StorageError, "Database problem", QMessageBox.Icon.Critical),
    (ValidationError, "Please check your input", QMessageBox.Icon.Warning),
    (NotFound, "Not found", QMessageBox.Icon.Warning),
    (Conflict, "Can't do that right now", QMessageBox.Icon.Warning),
    (CRMError, "CRM Desktop", QMessageBox.Icon.Warning),
)


def error_box(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """The dialog for `exc`, not yet shown: typed errors read as sentences, bugs offer "Copy details"."""
    for kind, title, icon in _TITLES:
        if isinstance(exc, kind):
            box = QMessageBox(icon, title, str(exc) or title, QMessageBox.StandardButton.Ok, parent)
            return box
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return bug_box(parent, f"{type(exc).__name__}: {exc}", details)


def bug_box(parent: QWidget | None, summary: str, details: str) -> QMessageBox:
    """'Something went wrong' with the traceback one click away; the app keeps running."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        "CRM Desktop hit an unexpected problem. Your data is safe; the last action may not have finished.",
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setInformativeText(summary[:300])
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user about `exc` (Cancel is not an error and stays silent); bugs are logged too."""
    if isinstance(exc, Cancelled):
        return
    if not isinstance(exc, CRMError):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    error_box(parent, exc).exec()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.error("uncaught exception", exc_info=(kind, exc, tb))
    if QApplication.instance() is None:
        sys.__excepthook__(kind, exc, tb)
        return
    exc.__traceback__ = tb
    if isinstance(exc, CRMError):
        show_error(QApplication.activeWindow(), exc)
        return
    details = "".join(traceback.format_exception(kind, exc, tb))
    bug_box(QApplication.activeWindow(), f"{kind.__name__}: {exc}", details).exec()


def install_excepthook() -> None:
    """Route uncaught exceptions (including ones raised in Qt slots) to the log and a dialog."""
    sys.excepthook = _excepthook
