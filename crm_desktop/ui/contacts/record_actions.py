"""One contact's record actions: convert a qualified lead to a deal, set the lead status, export or erase the person.

They sit in the detail pane's Actions menu and on the contacts list's right-click menu. Converting and status
changes go through the undo stack. The personal-data export (JSON or PDF, GDPR art. 15) and the erasure
(art. 17) run on the worker; erasing asks first, without blocking, and is for good: afterwards Edit → Undo is
cleared, because its older steps still hold the erased values in memory.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QToolButton

from crm_desktop.services.board import list_pipelines
from crm_desktop.services.contacts import get_contact
from crm_desktop.services.errors import Cancelled, CRMError, NotFound, ValidationError
from crm_desktop.services.leads import LEAD_STAGES, move_lead
from crm_desktop.services.organizations import get_organization
from crm_desktop.services.privacy import erase_contact_for_good, write_contact_data_json, write_contact_data_pdf
from crm_desktop.services.vocab import LeadStatus
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.convert_dialog import ConvertDialog
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.export_actions import AskPath, ask_save_path, with_suffix
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext

if TYPE_CHECKING:
    from crm_desktop.ui.main_window import MainWindow

DATA_FILTERS = "JSON file (*.json);;PDF document (*.pdf)"
MESSAGE_MS = 10_000
BUTTON_STYLE = """
QToolButton { padding: 3px 10px; border: 1px solid palette(midlight); border-radius: 12px; background: palette(base); }
QToolButton:hover { border: 1px solid palette(mid); }
QToolButton::menu-indicator { image: none; width: 0; }
"""


@dataclass(frozen=True)
class ContactState:
    """What the menus need to know about one contact, copied out of a short read."""

    id: uuid.UUID
    name: str
    organization: str | None
    lifecycle_stage: str
    lead_status: str | None

    @property
    def is_lead(self) -> bool:
        return self.lifecycle_stage in LEAD_STAGES

    @property
    def can_convert(self) -> bool:
        return self.is_lead and self.lead_status == LeadStatus.QUALIFIED.value


def read_state(db: Workspace, contact_id: uuid.UUID | None) -> ContactState | None:
    """The live contact's name, organization, stage and lead status (None when it is gone)."""
    if contact_id is None:
        return None
    with db.read_session() as session:
        try:
            contact = get_contact(session=session, contact_id=contact_id)
        except NotFound:
            return None
        organization = None
        if contact.organization_id is not None:
            try:
                org = get_organization(session=session, organization_id=contact.organization_id)
                organization = org.name
            except NotFound:
                organization = None
        return ContactState(
            contact.id, contact.display_name, organization, contact.lifecycle_stage, contact.lead_status
        )


def file_stem(name: str) -> str:
    """A person's name made safe as a file name on every platform."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name).strip(" .") or "contact"


@dataclass
class MenuItems:
    """The record actions placed in one menu, and the contact they were last shown for."""

    convert: QAction
    export: QAction
    erase: QAction
    statuses: dict[str, QAction] = field(default_factory=dict)
    status_menu: QMenu | None = None
    contact_id: uuid.UUID | None = None


class RecordActions(QObject):
    """The record actions of one main window: its worker, undo stack and status bar; dialogs public for tests."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.ask_path: AskPath = self._ask_path  # tests replace it: no file dialog
        self.confirm_box: QMessageBox | None = None
        self.erase_button: QPushButton | None = None
        self.convert_dialog: ConvertDialog | None = None
        self.message_box: QMessageBox | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.last_task: Task | None = None
        self.last_path: Path | None = None

        pane = window.contact_detail
        self.button = QToolButton(pane.header)
        self.button.setText("Actions ▾")
        self.button.setToolTip("Convert to a deal, change the lead status, export or erase this person's data")
        self.button.setStyleSheet(BUTTON_STYLE)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pane_menu = QMenu(self.button)
        self.button.setMenu(self.pane_menu)
        self.pane_items = self.add_items(self.pane_menu, lambda: pane.contact_id, statuses=True)
        header_row = pane.header.layout()
        if header_row is not None:
            header_row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)

        tab = window.contacts
        row_menu = tab.row_menu
        separator = next((a for a in row_menu.actions() if a.isSeparator()), None)
        self.row_items = self.add_items(row_menu, lambda: _single(tab.bulk), statuses=False, convert_before=separator)

    @property
    def window(self) -> MainWindow:
        """The main window (its Qt parent: no Python reference, so closing it frees it)."""
        return cast("MainWindow", self.parent())

    def _ask_path(self, title: str, suggested: str, filters: str) -> Path | None:
        return ask_save_path(self.window, title, suggested, filters)

    # --- menus ----------------------------------------------------------------------------------------
    def add_items(
        self,
        menu: QMenu,
        target: Callable[[], uuid.UUID | None],
        *,
        statuses: bool,
        convert_before: QAction | None = None,
    ) -> MenuItems:
        """Put the actions into `menu`; each time it opens they are set up for `target()`."""
        menu.setToolTipsVisible(True)
        convert = QAction("Convert to Deal…", menu)
        if convert_before is not None:
            menu.insertAction(convert_before, convert)
        else:
            menu.addAction(convert)
        items = MenuItems(convert, QAction("Export Personal Data…", menu), QAction("Erase Contact…", menu))
        if statuses:
            items.status_menu = menu.addMenu("Lead Status")
            for status in LeadStatus:
                action = items.status_menu.addAction(label(status.value))
                action.setCheckable(True)
                icon = marker(status.value)
                if icon is not None:
                    action.setIcon(icon)
                action.triggered.connect(lambda _on=False, s=status.value: self.set_lead_status(items.contact_id, s))
                items.statuses[status.value] = action
        menu.addSeparator()
        menu.addAction(items.export)
        menu.addAction(items.erase)
        items.export.setToolTip("Everything held about this person, as a JSON file or a readable PDF")
        items.erase.setToolTip("Anonymize this person everywhere, for good (right to erasure); cannot be undone")
        convert.triggered.connect(lambda: self.convert(items.contact_id))
        items.export.triggered.connect(lambda: self.export_personal_data(items.contact_id))
        items.erase.triggered.connect(lambda: self.ask_erase(items.contact_id))
        menu.aboutToShow.connect(lambda: self.update_items(items, target()))
        return items

    def update_items(self, items: MenuItems, contact_id: uuid.UUID | None) -> ContactState | None:
        """Enable what applies to this contact (Convert only for a qualified lead); explain what does not."""
        state = read_state(self.window.db, contact_id)
        items.contact_id = state.id if state else None
        items.convert.setEnabled(state is not None and state.can_convert)
        items.convert.setToolTip(
            "Open a deal for this qualified lead; they become an opportunity"
            if state is not None and state.can_convert
            else "Only qualified leads can be converted: set the lead status to Qualified first"
            if state is not None and state.is_lead
            else "Only leads can be converted; open a new deal from the Pipeline instead"
        )
        items.export.setEnabled(state is not None)
        items.erase.setEnabled(state is not None)
        if items.status_menu is not None:
            items.status_menu.setEnabled(state is not None and state.is_lead)
            for value, action in items.statuses.items():
                action.setChecked(state is not None and state.lead_status == value)
        return state

    # --- leads ----------------------------------------------------------------------------------------
    def set_lead_status(self, contact_id: uuid.UUID | None, status: str) -> bool:
        """Move a lead to another status, as one undoable step."""
        state = read_state(self.window.db, contact_id)
        if state is None or state.lead_status == status:
            return False
        try:
            self.window.undo_stack.perform(
                f"Set lead status of {state.name} to {label(status)}",
                lambda s: move_lead(session=s, contact_id=state.id, status=status),
                initiator=self,
            )
        except CRMError as exc:
            self._show_error(exc)
            return False
        self._status(f"{state.name} is now {label(status).lower()}")
        return True

    def convert(self, contact_id: uuid.UUID | None) -> ConvertDialog | None:
        """Open the Convert to Deal dialog for a qualified lead (non-modal)."""
        state = read_state(self.window.db, contact_id)
        if state is None:
            return None
        if not state.can_convert:
            self._show_error(ValidationError(f"Only qualified leads can be converted, and {state.name} is not one."))
            return None
        with self.window.db.read_session() as session:
            pipelines = [(p.id, p.name) for p in list_pipelines(session=session)]
        if self.convert_dialog is not None:  # one at a time: a second Convert replaces the first
            self.convert_dialog.close()
            self.convert_dialog.deleteLater()
        dialog = ConvertDialog(
            state.id, state.name, state.organization, pipelines, self.window.fmt, self.window.undo_stack, self.window
        )
        dialog.converted.connect(self._status)
        self.convert_dialog = dialog
        dialog.show()
        return dialog

    # --- privacy --------------------------------------------------------------------------------------
    def export_personal_data(self, contact_id: uuid.UUID | None, path: Path | None = None) -> Task | None:
        """Everything held about the person, as JSON or PDF (by the file's extension), written on the worker."""
        state = read_state(self.window.db, contact_id)
        if state is None:
            return None
        out = path or self.ask_path(
            f"Export personal data of {state.name}", f"{file_stem(state.name)} – personal data.json", DATA_FILTERS
        )
        if out is None:
            return None
        out = with_suffix(Path(out), (".json", ".pdf"), ".json")
        writer = write_contact_data_pdf if out.suffix.lower() == ".pdf" else write_contact_data_json

        def work(ctx: TaskContext) -> Path:
            with ctx.read_session() as session:
                return writer(session=session, contact_id=state.id, out=out)

        def done(written: Path) -> None:
            self.last_path = Path(written)
            self._status(f"Saved the personal data of {state.name} to {written}")

        return self._busy(f"Collecting the data of {state.name}…", "Export personal data", work, done)

    def ask_erase(self, contact_id: uuid.UUID | None) -> QMessageBox | None:
        """Ask (without blocking) whether to erase the person for good; Erase starts it on the worker."""
        state = read_state(self.window.db, contact_id)
        if state is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Erase contact", f"Erase {state.name} for good?", parent=self.window
        )
        box.setInformativeText(
            f"Every personal detail of {state.name} — name, email addresses, phone numbers, address, notes, "
            "and the text of their calls, emails, tasks and cases — is replaced by “Erased contact”, also in "
            "the change history.\n\nThis cannot be undone, not even with Edit → Undo.\n\n"
            "Reports keep the anonymous numbers (purchases, points, deal stages), so your figures do not change. "
            "Backups made before now still hold the old data until they are rotated away."
        )
        self.erase_button = box.addButton("Erase for Good", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        erase = self.erase_button
        box.finished.connect(lambda _result: self._erase_answered(box, erase, state))
        self.confirm_box = box
        box.open()
        return box

    def erase(self, state: ContactState) -> Task:
        """Erase on the worker; afterwards clear the undo history and show the anonymized record."""

        def done(summary: Any) -> None:
            self.window.undo_stack.clear()  # older steps hold the erased values and could write them back
            pane = self.window.contact_detail
            if pane.contact_id == state.id:
                pane.discard()  # edits in progress held the person's data too
            records = self.window.fmt.count(summary.records, "record")
            self._status(f"{state.name} was erased for good ({records} anonymized); Undo history was cleared")

        return self._busy(
            f"Erasing {state.name}…",
            "Erase contact",
            lambda ctx: erase_contact_for_good(db=ctx.db, contact_id=state.id),
            done,
        )

    def _erase_answered(self, box: QMessageBox, erase: QPushButton, state: ContactState) -> None:
        self.confirm_box = None
        if box.clickedButton() is erase:
            self.erase(state)

    # --- helpers ----------------------------------------------------------------------------------------
    def _busy(self, text: str, title: str, work: Callable[[TaskContext], Any], done: Callable[[Any], None]) -> Task:
        """Run `work` on the worker behind a busy bar (these steps cannot stop halfway, so no Cancel)."""
        task = self.window.runner.task(text, work)
        dialog = ProgressDialog(task, title, self.window)
        dialog.setCancelButton(None)  # type: ignore[arg-type]
        dialog.setRange(0, 0)
        task.succeeded.connect(done)
        task.failed.connect(self._failed)
        self.last_task, self.progress_dialog = task.start(), dialog
        return task

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._status("Cancelled — nothing was changed")
            return
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self.message_box = error_box(self.window, exc)
        self.message_box.open()

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)


def _single(bulk: Any) -> uuid.UUID | None:
    """The one selected contact of the list (None when several or none are selected)."""
    if bulk.all_matching or bulk.selection_size() != 1:
        return None
    ids = bulk.selected_ids()
    return ids[0] if len(ids) == 1 else None
