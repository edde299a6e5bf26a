"""Edit → Undo/Redo: every user action that writes goes through `UndoStack.perform` and can be taken back.

The stack holds `ChangeSet`s from `services.undo`; undoing one writes the old values back through the
journal like any edit, so the event hub tells the views to refresh. A refused undo (someone changed the
record since) changes nothing in the database, says why, and starts a fresh history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from crm_desktop.services import undo
from crm_desktop.services.errors import CRMError
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box

T = TypeVar("T")
log = logging.getLogger("crm_desktop.ui.undo")
UNDO_LIMIT = 200


class _ChangeCommand(QUndoCommand):
    """One performed action on the stack; its first redo() is a no-op because the action already ran."""

    def __init__(self, stack: UndoStack, changes: undo.ChangeSet) -> None:
        super().__init__(changes.label)
        self._stack = stack
        self.changes = changes
        self._done = True

    def redo(self) -> None:
        if self._done:
            return
        self._stack.apply(undo.redo, self.changes)
        self._done = True

    def undo(self) -> None:
        self._stack.apply(undo.undo, self.changes)
        self._done = False


class UndoStack(QUndoStack):
    """The window's undo history over one workspace."""

    def __init__(self, db: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setUndoLimit(UNDO_LIMIT)
        self.failed: CRMError | None = None  # the last refused undo/redo, for tests
        self.message_box: QMessageBox | None = None

    def perform(
        self, label: str | Callable[[T], str], action: Callable[[Any], T], *, initiator: object | None = None
    ) -> T:
        """Run `action(session)` in one write transaction and put it on the stack (errors propagate).

        `label` names the step in Edit → Undo; it may be a function of the result when the name is only
        known afterwards (e.g. "New contact Ada Lovelace"). An action that wrote nothing adds no step.
        """
        text = label if isinstance(label, str) else ""
        result, changes = undo.perform(self.db, text, action, initiator=initiator)
        if changes:
            if not isinstance(label, str):
                changes = replace(changes, label=label(result))
            self.push(_ChangeCommand(self, changes))
        return result

    def apply(self, step: Callable[..., None], changes: undo.ChangeSet) -> None:
        """Undo or redo one change set; when it is refused, say why and start a fresh history.

        The stack has already moved its index when this runs, so after a refusal it no longer matches
        the database: it is cleared (on the next event-loop turn, never from inside a command).
        """
        try:
            step(self.db, changes, initiator=self)
            self.failed = None
        except CRMError as exc:
            log.info("undo/redo of %r refused: %s", changes.label, exc)
            self.failed = exc
            QTimer.singleShot(0, self.clear)
            parent = self.parent()
            self.message_box = error_box(parent if isinstance(parent, QWidget) else None, exc)
            self.message_box.open()
