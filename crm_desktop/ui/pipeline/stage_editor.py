"""Pipelines and stages: choose, add, rename, delete pipelines; edit stages in a table; keep the lost reasons.

Non-modal, and every change is one step of the window's undo stack. A refused change (a stage that still
holds deals, a duplicate name) is explained in a red line under the tabs and leaves everything as it was.
Entry point: `PipelineSettingsDialog(db, hub, undo_stack, parent, pipeline_id=None).open()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services import pipelines as ps
from crm_desktop.services.errors import CRMError, StorageError, ValidationError
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.pipeline.stage_editor_parts import (
    NAME,
    PROBABILITY,
    ROTTING,
    LostReasonList,
    StageTable,
    button_column_page,
    parse_number,
    unused_name,
)
from crm_desktop.ui.style import hint_label, make_muted, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack

T = TypeVar("T")
WATCHES = frozenset({"pipeline", "stage", "lost_reason", "deal"})
STANDARD = "Standard stages"


class PipelineSettingsDialog(QDialog):
    """Several pipelines, a stage table edited in place, and the lost-reason list; widgets public for tests."""

    def __init__(
        self,
        db: Workspace,
        hub: EventHub,
        undo_stack: UndoStack,
        parent: QWidget | None = None,
        pipeline_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.hub, self.undo_stack = db, hub, undo_stack
        self.setWindowTitle("Pipelines and Stages")
        self.setModal(False)
        self.resize(720, 520)
        self.message_box: QMessageBox | None = None
        self._filling = False
        self._pipeline_id = pipeline_id
        self._name_mode = "new"
        self._current: ps.PipelineInfo | None = None

        self.pipeline_box = QComboBox(self)
        self.pipeline_box.setMinimumWidth(220)
        self.new_button = QPushButton("New…", self)
        self.rename_button = QPushButton("Rename…", self)
        self.delete_button = QPushButton("Delete", self)
        self.default_button = QPushButton("Make default", self)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Pipeline", self))
        chooser.addWidget(self.pipeline_box, 1)
        for button in (self.new_button, self.rename_button, self.delete_button, self.default_button):
            chooser.addWidget(button)

        self.name_bar = QFrame(self)  # the inline "new / rename pipeline" form (no modal input dialog)
        self.name_edit = QLineEdit(self.name_bar)
        self.name_edit.setMaxLength(120)
        self.template_box = QComboBox(self.name_bar)
        self.name_ok = QPushButton("Create", self.name_bar)
        self.name_cancel = QPushButton("Cancel", self.name_bar)
        bar = QHBoxLayout(self.name_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Name", self.name_bar))
        bar.addWidget(self.name_edit, 1)
        bar.addWidget(self.template_box)
        bar.addWidget(self.name_ok)
        bar.addWidget(self.name_cancel)
        self.name_bar.hide()

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._stage_page(), "Stages")
        self.tabs.addTab(self._reason_page(), "Lost reasons")
        self.hint = hint_label(self)
        self.status = make_muted(QLabel(self))
        self.status.setWordWrap(True)
        self.undo_button, self.redo_button = QToolButton(self), QToolButton(self)
        for button, text, step, keys in (
            (self.undo_button, "Undo", undo_stack.undo, QKeySequence.StandardKey.Undo),
            (self.redo_button, "Redo", undo_stack.redo, QKeySequence.StandardKey.Redo),
        ):
            button.setText(text)  # a steady label; the step it takes back is in the tooltip
            button.clicked.connect(step)
            QShortcut(keys, self, step, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)  # the signals carry the state: the
        undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)  # stack is never asked while it dies
        undo_stack.undoTextChanged.connect(self._undo_tip)
        undo_stack.redoTextChanged.connect(self._redo_tip)
        self.undo_button.setEnabled(undo_stack.canUndo())
        self.redo_button.setEnabled(undo_stack.canRedo())
        self._undo_tip(undo_stack.undoText())
        self._redo_tip(undo_stack.redoText())
        self.buttons = plain_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        footer = QHBoxLayout()
        footer.addWidget(self.undo_button)
        footer.addWidget(self.redo_button)
        footer.addWidget(self.buttons, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.name_bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addLayout(footer)

        self.pipeline_box.currentIndexChanged.connect(self._pipeline_chosen)
        self.new_button.clicked.connect(lambda: self.start_naming("new"))
        self.rename_button.clicked.connect(lambda: self.start_naming("rename"))
        self.delete_button.clicked.connect(self.delete_pipeline)
        self.default_button.clicked.connect(self.make_default)
        self.name_ok.clicked.connect(self.finish_naming)
        self.name_edit.returnPressed.connect(self.finish_naming)
        self.name_cancel.clicked.connect(self.name_bar.hide)
        self.tabs.currentChanged.connect(self.hint.hide)
        self.buttons.rejected.connect(self.close)
        for button in self.findChildren(QPushButton):  # Enter confirms a cell or a name, never a button
            button.setAutoDefault(False)
        hub.changed.connect(self._on_changed)
        self.reload()

    def _stage_page(self) -> QWidget:
        page = QWidget(self)
        self.table = StageTable(page)
        self.table.itemChanged.connect(self._stage_edited)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_stage_button = QPushButton("Add stage", page)
        self.delete_stage_button = QPushButton("Delete stage", page)
        self.up_button = QPushButton("Move up", page)
        self.down_button = QPushButton("Move down", page)
        self.add_stage_button.clicked.connect(self.add_stage)
        self.delete_stage_button.clicked.connect(self.delete_stage)
        self.up_button.clicked.connect(lambda: self.move_stage(-1))
        self.down_button.clicked.connect(lambda: self.move_stage(1))
        note = make_muted(QLabel("Double-click a cell to edit it. Won and Lost always come last.", page))
        buttons = (self.add_stage_button, self.delete_stage_button, self.up_button, self.down_button)
        return button_column_page(page, self.table, note, *buttons)

    def _reason_page(self) -> QWidget:
        page = QWidget(self)
        self.reasons = LostReasonList(page)
        self.reasons.setSpacing(2)
        self.reasons.itemChanged.connect(self._reason_edited)
        self.reasons.currentRowChanged.connect(self._update_buttons)
        self.add_reason_button = QPushButton("Add reason", page)
        self.reason_up_button = QPushButton("Move up", page)
        self.reason_down_button = QPushButton("Move down", page)
        self.add_reason_button.clicked.connect(self.add_reason)
        self.reason_up_button.clicked.connect(lambda: self.move_reason(-1))
        self.reason_down_button.clicked.connect(lambda: self.move_reason(1))
        note = make_muted(QLabel("Untick a reason to stop offering it when a deal is lost; past deals keep it.", page))
        buttons = (self.add_reason_button, self.reason_up_button, self.reason_down_button)
        return button_column_page(page, self.reasons, note, *buttons)

    def selected_stage_id(self) -> uuid.UUID | None:
        return self.table.stage_id(self.table.currentRow())

    def reload(self) -> None:
        """Read pipelines, stages and reasons again (a few small queries) and refill the widgets in place."""
        try:
            with self.db.read_session() as session:
                pipelines = ps.pipeline_overview(session=session)
                ids = [p.id for p in pipelines]
                if self._pipeline_id not in ids:
                    self._pipeline_id = ids[0] if ids else None
                stages = ps.stage_overview(session=session, pipeline_id=self._pipeline_id) if ids else []
                reasons = ps.all_lost_reasons(session=session)
        except CRMError as exc:
            self._fail(exc)
            return
        widgets = (self.pipeline_box, self.table, self.reasons)
        self._filling = True
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self._fill_pipelines(pipelines)
            self.table.fill(stages)
            self.reasons.fill(reasons)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
            self._filling = False
        self._update_buttons()

    def _fill_pipelines(self, pipelines: list[ps.PipelineInfo]) -> None:
        self.pipeline_box.clear()
        for p in pipelines:
            self.pipeline_box.addItem(f"{p.name} (default)" if p.is_default else p.name, p.id)
        ids = [p.id for p in pipelines]  # (findData cannot compare uuid objects: look the row up here)
        self.pipeline_box.setCurrentIndex(ids.index(self._pipeline_id) if self._pipeline_id in ids else -1)
        self._current = next((p for p in pipelines if p.id == self._pipeline_id), None)
        self.template_box.clear()
        self.template_box.addItem(STANDARD, None)
        for p in pipelines:
            self.template_box.addItem(f"Copy of {p.name}", p.id)

    def _update_buttons(self) -> None:
        current = self._current
        self.rename_button.setEnabled(current is not None)
        self.delete_button.setEnabled(current is not None and self.pipeline_box.count() > 1)
        self.default_button.setEnabled(current is not None and not current.is_default)
        row = self.table.currentRow()
        is_open = self.table.kind(row) == "open"
        self.delete_stage_button.setEnabled(is_open)
        self.up_button.setEnabled(is_open and row > 0)
        self.down_button.setEnabled(is_open and self.table.kind(row + 1) == "open")
        has_reason = self.reasons.currentItem() is not None
        self.reason_up_button.setEnabled(has_reason and self.reasons.currentRow() > 0)
        self.reason_down_button.setEnabled(has_reason and self.reasons.currentRow() < self.reasons.count() - 1)

    def _undo_tip(self, text: str) -> None:
        self.undo_button.setToolTip(f"Undo {text}" if text else "Nothing to undo")

    def _redo_tip(self, text: str) -> None:
        self.redo_button.setToolTip(f"Redo {text}" if text else "Nothing to redo")

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & WATCHES and self.hub.initiator is not self:
            self.reload()

    def run(self, label: str, action: Callable[[Any], T]) -> T | None:
        """One undo step; a refusal is explained under the tabs and changes nothing. Widgets are refreshed."""
        self.hint.hide()
        try:
            result = self.undo_stack.perform(label, action, initiator=self)
        except CRMError as exc:
            self._fail(exc)
            self.reload()
            return None
        self.status.setText(f"{label}. Undo with {QKeySequence(QKeySequence.StandardKey.Undo).toString()}.")
        self.reload()
        return result

    def _fail(self, exc: CRMError) -> None:
        if isinstance(exc, StorageError):  # the environment, not the input: the standard error dialog
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return
        self.hint.setText(str(exc))
        self.hint.show()

    def _pipeline_chosen(self, index: int) -> None:
        if not self._filling and index >= 0:
            self._pipeline_id = self.pipeline_box.itemData(index)
            self.hint.hide()
            self.reload()

    def start_naming(self, mode: str) -> None:
        """Show the inline name form, for a new pipeline ("new") or the current one ("rename")."""
        self._name_mode = mode
        self.hint.hide()
        self.name_edit.setText("" if mode == "new" or self._current is None else self._current.name)
        self.name_edit.setPlaceholderText("Name of the new pipeline" if mode == "new" else "")
        self.template_box.setVisible(mode == "new")
        self.template_box.setCurrentIndex(0)
        self.name_ok.setText("Create" if mode == "new" else "Rename")
        self.name_bar.show()
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def finish_naming(self) -> None:
        """Create or rename from the inline form; on a refusal the form stays open with the name as typed."""
        name, pipeline_id, created = self.name_edit.text(), self._pipeline_id, None
        if self._name_mode == "new":
            source = self.template_box.currentData()
            created = self.run(f"New pipeline “{name.strip()}”",
                               lambda s: ps.create_pipeline(session=s, name=name, copy_from=source).id)  # fmt: skip
            if created is not None:
                self._pipeline_id = created
                self.reload()
        elif pipeline_id is not None:
            label = f"Rename pipeline to “{name.strip()}”"
            created = self.run(label, lambda s: ps.rename_pipeline(session=s, pipeline_id=pipeline_id, name=name).id)
        if created is not None:
            self.name_bar.hide()

    def delete_pipeline(self) -> None:
        if self._current is not None:
            pipeline_id, name = self._current.id, self._current.name
            self.run(f"Delete pipeline “{name}”", lambda s: ps.delete_pipeline(session=s, pipeline_id=pipeline_id))

    def make_default(self) -> None:
        if self._current is not None:
            pipeline_id, name = self._current.id, self._current.name
            self.run(f"Make “{name}” the default pipeline",
                     lambda s: ps.set_default_pipeline(session=s, pipeline_id=pipeline_id))  # fmt: skip

    def add_stage(self) -> None:
        """A new open stage after the selected one (or before Won), then its name cell opens for typing."""
        pipeline_id = self._pipeline_id
        if pipeline_id is None:
            return
        name = unused_name("New stage", self.table.names())
        after = self.selected_stage_id() if self.table.kind(self.table.currentRow()) == "open" else None
        stage_id = self.run(f"Add stage “{name}”", lambda s: ps.add_stage(
            session=s, pipeline_id=pipeline_id, name=name, after_stage_id=after).id)  # fmt: skip
        if stage_id is not None:
            self.table.select_stage(stage_id)
            self.table.setFocus()
            self.table.editItem(self.table.currentItem())

    def delete_stage(self) -> None:
        stage_id = self.selected_stage_id()
        if stage_id is not None:
            name = self.table.item(self.table.currentRow(), NAME).text()
            self.run(f"Delete stage “{name}”", lambda s: ps.delete_stage(session=s, stage_id=stage_id))

    def move_stage(self, offset: int) -> None:
        stage_id = self.selected_stage_id()
        if stage_id is not None:
            name = self.table.item(self.table.currentRow(), NAME).text()
            label = f"Move stage “{name}” {'up' if offset < 0 else 'down'}"
            self.run(label, lambda s: ps.move_stage(session=s, stage_id=stage_id, offset=offset))
            self.table.select_stage(stage_id)

    def _stage_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        stage_id, text = self.table.stage_id(item.row()), item.text()
        try:
            if item.column() == NAME:
                self.run(f"Rename stage to “{text.strip()}”",
                         lambda s: ps.rename_stage(session=s, stage_id=stage_id, name=text))  # fmt: skip
            elif item.column() == PROBABILITY:
                value = parse_number(text, field="probability", label="Probability")
                if value is None:
                    raise ValidationError("Give the stage a probability from 0 to 100 %", field="probability")
                label = f"Set probability to {value} %"
                self.run(label, lambda s: ps.set_stage_probability(session=s, stage_id=stage_id, probability=value))
            elif item.column() == ROTTING:
                days = parse_number(text, field="rotting_days", label="Rotting days")
                label = f"Flag deals rotting after {days} days" if days else "Never flag rotting deals"
                self.run(label, lambda s: ps.set_stage_rotting_days(session=s, stage_id=stage_id, rotting_days=days))
        except CRMError as exc:  # could not even be read: put the stored value back and say why
            self._fail(exc)
            self.reload()

    def add_reason(self) -> None:
        """A new reason at the end of the list, opened for typing its name."""
        name = unused_name("New reason", self.reasons.names())
        reason_id = self.run(f"Add lost reason “{name}”", lambda s: ps.add_lost_reason(session=s, name=name).id)
        item = self.reasons.select_reason(reason_id) if reason_id is not None else None
        if item is not None:
            self.reasons.editItem(item)

    def move_reason(self, offset: int) -> None:
        reason_id, item = self.reasons.current_id(), self.reasons.currentItem()
        if reason_id is not None and item is not None:
            label = f"Move lost reason “{item.text()}” {'up' if offset < 0 else 'down'}"
            self.run(label, lambda s: ps.move_lost_reason(session=s, reason_id=reason_id, offset=offset))

    def _reason_edited(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        reason_id, name, active = self.reasons.edit_of(item)
        if name is not None:
            self.run(f"Rename lost reason to “{name.strip()}”",
                     lambda s: ps.rename_lost_reason(session=s, reason_id=reason_id, name=name))  # fmt: skip
        elif active is not None:
            self.run(f"{'Offer' if active else 'Stop offering'} lost reason “{item.text()}”",
                     lambda s: ps.set_lost_reason_active(session=s, reason_id=reason_id, active=active))  # fmt: skip
