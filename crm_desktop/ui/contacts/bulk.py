"""Bulk actions on the selected contacts: add a tag, set the owner or lead status, move to the Trash.

Each is one transaction on the undo stack (Edit → Undo takes the whole batch back). Small batches run
at once; big ones (or "all N matching") run on the worker behind a progress bar with Cancel.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QFrame, QHBoxLayout, QInputDialog, QLabel, QMenu, QMessageBox, QTableView, QToolButton

from crm_desktop.services import contact_bulk, undo
from crm_desktop.services.contact_choices import tags_in_use
from crm_desktop.services.contact_list import NO_OWNER, contact_ids
from crm_desktop.services.errors import Cancelled, CRMError
from crm_desktop.services.vocab import LeadStatus
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.filters import FilterBar
from crm_desktop.ui.contacts.model import ContactsModel
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, TaskRunner, run_with_progress

WORKER_THRESHOLD = 300  # contacts; fewer are changed at once on the GUI thread (well under 100 ms)
SHOW_FROM = 2  # one selected row is the contact being looked at; its actions are on the right-click menu
BulkFn = Callable[..., int]  # contact_bulk.*(session=, contact_ids=, progress=, should_cancel=, **args)


class PerformedCommand(QUndoCommand):
    """A change set performed on the worker, put on the window's undo stack afterwards."""

    def __init__(self, stack: UndoStack, changes: undo.ChangeSet) -> None:
        super().__init__(changes.label)
        self._stack, self.changes, self._done = stack, changes, True

    def redo(self) -> None:
        if not self._done:  # the first redo() is Qt's push: the work has already been done
            self._stack.apply(undo.redo, self.changes)
            self._done = True

    def undo(self) -> None:
        self._stack.apply(undo.undo, self.changes)
        self._done = False


class BulkBar(QFrame):
    """Shown while contacts are selected; `message` reports what an action did."""

    message = Signal(str)

    def __init__(
        self,
        db: Workspace,
        table: QTableView,
        model: ContactsModel,
        filters: FilterBar,
        *,
        undo_stack: UndoStack | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("bulkBar")
        self._db, self.table, self.model, self._filters = db, table, model, filters
        self.undo_stack, self.runner = undo_stack, runner
        self.all_matching = False
        self.tag_dialog: QInputDialog | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.last_task: Task | None = None
        self.message_box: QMessageBox | None = None

        self.count_label = QLabel(self)
        self.select_all_button = self._button("Select all", "Select every contact the filter matches")
        self.select_all_button.clicked.connect(self.select_all_matching)
        self.tag_button = self._button("Add Tag…", "Add a tag to the selected contacts")
        self.tag_button.clicked.connect(lambda: self.ask_tag())
        self.owner_button = self._button("Set Owner ▾", "Give the selected contacts to a team member")
        self.owner_button.setMenu(QMenu(self.owner_button))
        self.owner_button.menu().aboutToShow.connect(self._fill_owners)
        self.status_button = self._button("Set Lead Status ▾", "Move the selected contacts to a lead status")
        self.status_button.setMenu(QMenu(self.status_button))
        for status in LeadStatus:
            action = self.status_button.menu().addAction(label(status.value))
            icon = marker(status.value)
            if icon is not None:
                action.setIcon(icon)
            action.triggered.connect(lambda _on=False, s=status.value: self.set_lead_status(s))
        for button in (self.owner_button, self.status_button):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.trash_button = self._button(
            "Move to Trash", "Move the selected contacts to the Trash (Undo brings them back)"
        )
        self.trash_button.clicked.connect(self.move_to_trash)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.setSpacing(6)
        layout.addWidget(self.count_label)
        layout.addWidget(self.select_all_button)
        layout.addStretch(1)
        for button in (self.tag_button, self.owner_button, self.status_button, self.trash_button):
            layout.addWidget(button)
        self.setStyleSheet(
            "QFrame#bulkBar { background: palette(alternate-base); border: 1px solid palette(midlight);"
            " border-radius: 6px; } QToolButton::menu-indicator { image: none; width: 0; }"
        )
        table.selectionModel().selectionChanged.connect(self._on_selection)
        model.modelReset.connect(self._on_selection)
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    # --- selection ------------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def selected_ids(self) -> list[uuid.UUID]:
        """The contacts an action applies to: the selected rows, or every match after "Select all"."""
        if self.all_matching:
            with self._db.read_session() as session:
                return contact_ids(session=session, filter=self.model.filter)
        ids = (self.model.row_id(row) for row in self.selected_rows())
        return [i for i in ids if i is not None]

    def selection_size(self) -> int:
        return self.model.total if self.all_matching else len(self.selected_rows())

    def select_all_matching(self) -> None:
        """Apply the next action to every contact the current filter matches, loaded or not."""
        self.table.selectAll()
        self.all_matching = True
        self._show_count()

    def _on_selection(self, *_args: Any) -> None:
        self.all_matching = False
        self._show_count()

    def _show_count(self) -> None:
        n = self.selection_size()
        self.setVisible(n >= SHOW_FROM)
        fmt = self.model.fmt
        word = fmt.count(n, "contact")
        self.count_label.setText(f"All {word} selected" if self.all_matching else f"{word} selected")
        more = not self.all_matching and n == self.model.rowCount() and self.model.total > n
        self.select_all_button.setText(f"Select all {fmt.number(self.model.total)}")
        self.select_all_button.setVisible(more)

    # --- actions --------------------------------------------------------------------------------
    def ask_tag(self) -> QInputDialog:
        """Ask which tag to add (existing tags offered, any new one accepted), without blocking."""
        with self._db.read_session() as session:
            tags = [tag for tag, _count in tags_in_use(session=session, limit=200)]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Add Tag")
        dialog.setLabelText(f"Tag to add to {self.model.fmt.count(self.selection_size(), 'contact')}:")
        dialog.setComboBoxItems(tags)
        dialog.setComboBoxEditable(True)
        dialog.setTextValue("")
        dialog.textValueSelected.connect(self.add_tag)
        self.tag_dialog = dialog
        dialog.open()
        return dialog

    def add_tag(self, tag: str) -> None:
        self._run(f"Tag contacts “{tag.strip()}”", contact_bulk.add_tag, "Tagged {n}", tag=tag)

    def set_owner(self, owner_id: uuid.UUID | None) -> None:
        owner = None if owner_id == NO_OWNER else owner_id
        self._run("Set owner", contact_bulk.set_owner, "Changed the owner of {n}", owner_id=owner)

    def set_lead_status(self, status: str) -> None:
        self._run(f"Set lead status to {label(status)}", contact_bulk.set_lead_status, "Updated {n}", status=status)

    def move_to_trash(self) -> None:
        self._run("Move to Trash", contact_bulk.move_to_trash, "Moved {n} to the Trash — Undo brings them back")

    def _fill_owners(self) -> None:
        menu = self.owner_button.menu()
        menu.clear()
        for owner_id, name in [(NO_OWNER, "Nobody (unassigned)"), *self._filters.choices().owners]:
            menu.addAction(name).triggered.connect(lambda _on=False, o=owner_id: self.set_owner(o))

    def _run(self, label_text: str, fn: BulkFn, done: str, **args: Any) -> Task | None:
        ids = self.selected_ids()
        if not ids:
            return None

        def action(session: Any, progress: Any = None, should_cancel: Any = None) -> int:
            return fn(session=session, contact_ids=ids, progress=progress, should_cancel=should_cancel, **args)

        if self.runner is None or len(ids) <= WORKER_THRESHOLD:
            try:
                if self.undo_stack is not None:
                    n = self.undo_stack.perform(label_text, action, initiator=self)
                else:
                    with self._db.session(initiator=self) as session:
                        n = action(session)
            except CRMError as exc:
                self._failed(exc)
                return None
            self._report(done, n)
            return None

        def work(ctx: TaskContext) -> tuple[int, undo.ChangeSet]:
            return undo.perform(
                ctx.db,
                label_text,
                lambda s: action(s, lambda f: ctx.report(f, f"{label_text}…"), ctx.should_cancel),
                initiator=self,
            )

        task, self.progress_dialog = run_with_progress(
            self.runner,
            label_text,
            work,
            parent=self.window(),
            title=label_text,
            on_success=lambda result: self._after_worker(done, result),
            on_failure=self._failed,
        )
        self.last_task = task
        return task

    def _after_worker(self, done: str, result: tuple[int, undo.ChangeSet]) -> None:
        n, changes = result
        if changes and self.undo_stack is not None:
            self.undo_stack.push(PerformedCommand(self.undo_stack, changes))
        self._report(done, n)

    def _report(self, done: str, n: int) -> None:
        self.message.emit(done.format(n=self.model.fmt.count(n, "contact")) if n else "Nothing needed changing")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.message.emit("Cancelled — nothing was changed")
            return
        self.message_box = error_box(self.window(), exc)
        self.message_box.open()
