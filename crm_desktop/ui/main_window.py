"""The main window: four tabs over one workspace, actions from actions.py, a status bar with the database.

It also owns the workspace's undo history (Edit → Undo/Redo), the Due tasks dock with its reminder timer,
and the Trash window.
"""

from __future__ import annotations

import logging
import uuid
import weakref
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from crm_desktop import __version__
from crm_desktop.services.cases import count_cases
from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.deals import deal_summary
from crm_desktop.services.errors import Cancelled
from crm_desktop.services.maintenance import rolling_backup
from crm_desktop.services.workspace import Workspace, is_empty, log_dir
from crm_desktop.ui import contact_tools, demo_load
from crm_desktop.ui.actions import bind_undo, build_actions, place_actions, refresh_icons
from crm_desktop.ui.cases.view import OPEN_QUEUE, CasesTab
from crm_desktop.ui.contacts.view import ContactsTab
from crm_desktop.ui.errors import show_error
from crm_desktop.ui.event_hub import CASES, CONTACTS, DEALS, SETTINGS, EventHub
from crm_desktop.ui.export_actions import ExportActions
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.lazy_tab import LazyTab
from crm_desktop.ui.loyalty.view import LoyaltyTab
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.tasks.controller import DueTasksController
from crm_desktop.ui.tasks.reminders import Clock, system_clock
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.window_state import restore_window, save_window
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, TaskRunner

if TYPE_CHECKING:  # dialogs, the detail pane and the pipeline load on first use (or just after the first paint)
    from crm_desktop.ui.contacts.detail.pane import ContactDetailPane
    from crm_desktop.ui.contacts.new_contact_dialog import NewContactDialog
    from crm_desktop.ui.contacts.record_actions import RecordActions
    from crm_desktop.ui.duplicates.review_dialog import DuplicatesDialog
    from crm_desktop.ui.importing.table_wizard import TableImportWizard
    from crm_desktop.ui.importing.wizard import ImportWizard
    from crm_desktop.ui.organizations.detail import OrganizationDetailPane
    from crm_desktop.ui.pipeline.view import PipelineTab
    from crm_desktop.ui.reports.summary import SummaryRangeDialog
    from crm_desktop.ui.settings_dialog import SettingsDialog
    from crm_desktop.ui.trash.dialog import TrashDialog
    from crm_desktop.ui.welcome import WelcomeDialog

log = logging.getLogger("crm_desktop.ui")
STATUS_WATCHES = CONTACTS | DEALS | CASES | SETTINGS
DEFERRED_BUILD_MS = 50  # after the first paint: the detail pane and record actions (0.3 s of start-up)
DATABASE_FILTER = "CRM Desktop databases (*.sqlite *.db);;All files (*)"


class Tab(Protocol):
    def refresh(self) -> None: ...
    def focus_search(self) -> None: ...
    def set_formatter(self, fmt: Formatter) -> None: ...


class MainWindow(QMainWindow):
    """Owns the hub, the worker and the tabs; dialogs it opens are kept as attributes for tests."""

    database_requested = Signal(str)  # a file the user chose to open or create; the app switches to it

    def __init__(self, db: Workspace, parent: QWidget | None = None, *, clock: Clock = system_clock) -> None:
        super().__init__(parent)
        self.db = db
        self.hub = EventHub(self)
        self.hub.attach(db)
        self.runner = TaskRunner(db, self)
        self.undo_stack = UndoStack(db, self)  # one history per workspace: a new database gets a new window
        self.fmt = Formatter.load(db)
        self.setWindowTitle(f"{self.fmt.business_name} — CRM Desktop")
        self.setMinimumSize(900, 560)

        self.contacts = ContactsTab(db, self.hub, self.fmt, undo=self.undo_stack, runner=self.runner)
        self.organization_detail: OrganizationDetailPane | None = None  # built when Organizations is first shown
        self._contact_detail: ContactDetailPane | None = None  # see the contact_detail property
        self._record_actions: RecordActions | None = None
        self.detail_side = contact_tools.reserve_detail_side(self)
        self.exports = ExportActions(self)  # File → Export Contacts… / Export Workspace…
        owner = weakref.ref(self)  # the builders must not keep a closed window alive
        self.pipeline_page = LazyTab(lambda page: _build_pipeline(_live(owner), page))
        self.cases_page = LazyTab(lambda page: CasesTab(db, _live(owner).hub, _live(owner).fmt, page))
        self.loyalty_page = LazyTab(lambda page: LoyaltyTab(db, _live(owner).hub, _live(owner).fmt, page))
        self.tab_list: list[Tab] = [self.contacts, self.pipeline_page, self.cases_page, self.loyalty_page]
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for widget, title in (
            (self.contacts, "Contacts"),
            (self.pipeline_page, "Pipeline"),
            (self.cases_page, "Cases"),
            (self.loyalty_page, "Loyalty"),
        ):
            self.tabs.addTab(widget, title)
        self.setCentralWidget(self.tabs)
        self.due_tasks = DueTasksController(self, db, self.hub, self.fmt, self.undo_stack, self.runner, clock=clock)
        tasks = self.due_tasks  # public parts, for tests and the menus
        self.due_panel, self.due_dock, self.due_button = tasks.panel, tasks.dock, tasks.button
        self.reminders, self.notifier = tasks.reminders, tasks.notifier

        self.action_map: dict[str, QAction] = build_actions(self)
        self.toolbar = place_actions(self, self.action_map)
        bind_undo(self.action_map, self.undo_stack)
        self.location_label = make_muted(QLabel(self))
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = make_muted(QLabel(self))
        self._counts_generation = 0
        self.location_label.setContentsMargins(8, 2, 8, 2)
        self.counts_label.setContentsMargins(8, 2, 12, 2)
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.due_button)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().setSizeGripEnabled(False)
        self.location_label.setText(f"Database: {db.location}")
        self.location_label.setToolTip(db.location)

        # Dialogs and tasks currently open, public so tests can drive them.
        self.new_contact_dialog: NewContactDialog | None = None
        self.welcome_dialog: WelcomeDialog | None = None
        self.summary_dialog: SummaryRangeDialog | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.last_task: Task | None = None
        self.message_box: QMessageBox | None = None
        self.import_wizard: ImportWizard | None = None
        self.table_import_wizard: TableImportWizard | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.duplicates_dialog: DuplicatesDialog | None = None
        self.trash_dialog: TrashDialog | None = None

        self.hub.changed.connect(self._on_changed)
        self.due_panel.open_contact.connect(self.open_contact)
        self.due_tasks.visibility_changed.connect(self.action_map["show_due_tasks"].setChecked)

    @property
    def pipeline(self) -> PipelineTab:
        """The Pipeline tab's view (built when first shown or asked for)."""
        return self.pipeline_page.view()  # type: ignore[no-any-return]

    @property
    def cases(self) -> CasesTab:
        return self.cases_page.view()  # type: ignore[no-any-return]

    @property
    def loyalty(self) -> LoyaltyTab:
        return self.loyalty_page.view()  # type: ignore[no-any-return]

    @property
    def contact_detail(self) -> ContactDetailPane:
        """The contact pane beside the list, built on first use or just after the first paint."""
        if self._contact_detail is None:
            self._contact_detail = contact_tools.attach_detail_pane(self)
            self._record_actions = contact_tools.attach_record_actions(self)
        return self._contact_detail

    @property
    def record_actions(self) -> RecordActions:
        """Convert, lead status, export and erase (built with the detail pane)."""
        self.contact_detail  # noqa: B018  # builds both
        assert self._record_actions is not None
        return self._record_actions

    # --- start-up and shut-down --------------------------------------------------------------------
    def load(self) -> None:
        """Fill every tab from the database (tables now; the board arrives from the worker)."""
        current = self.tabs.currentWidget()
        for tab in self.tab_list:
            stale = getattr(tab, "mark_stale", None)
            if tab is current or stale is None:
                tab.refresh()
            else:
                stale()  # loaded when first shown: start-up pays for the visible tab only
        self._update_counts()
        self.due_tasks.start()
        QTimer.singleShot(DEFERRED_BUILD_MS, self, self._build_deferred)  # dropped if the window goes first

    def _build_deferred(self) -> None:
        """What the first paint does not need, built once the window shows its data."""
        if self._contact_detail is None and self.isVisible():
            self.contact_detail  # noqa: B018

    def start_rolling_backup(self) -> Task:
        """Today's daily and this week's weekly safety copy, taken on the worker (keeps 7 + 4)."""
        return self.runner.submit(
            "Automatic backup",
            lambda ctx: rolling_backup(db=ctx.db),
            on_success=self._after_backup,  # bound methods: Qt drops them if this window is deleted first
            on_failure=self._backup_failed,
        )

    def _after_backup(self, made: list[Path]) -> None:
        if made:
            self.statusBar().showMessage(f"Automatic backup saved in {made[0].parent.parent}", 5000)

    def _backup_failed(self, exc: BaseException) -> None:
        log.warning("automatic backup failed: %s", exc)
        self.statusBar().showMessage(f"Automatic backup failed: {exc}", 10000)

    def restore(self) -> None:
        self.tabs.setCurrentIndex(min(max(restore_window(self), 0), self.tabs.count() - 1))

    def maybe_welcome(self) -> WelcomeDialog | None:
        """On an empty workspace, offer the demo business (non-blocking, so the window paints first)."""
        from crm_desktop.ui.welcome import WelcomeDialog

        with self.db.read_session() as session:
            if not is_empty(session=session):
                return None
        self.welcome_dialog = WelcomeDialog(self)
        self.welcome_dialog.demo_button.clicked.connect(lambda: self.load_demo())
        self.welcome_dialog.open()
        return self.welcome_dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        save_window(self, self.tabs.currentIndex())
        self.due_tasks.stop()
        self.undo_stack.clear()  # its steps belong to this workspace only
        self.hub.detach()
        if not self.runner.shutdown():
            log.warning("background work still running at exit")
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "action_map"):
            refresh_icons(self, self.action_map)

    # --- action handlers (named in actions.py) -----------------------------------------------------
    def new_contact(self) -> NewContactDialog:
        from crm_desktop.ui.contacts.new_contact_dialog import NewContactDialog

        self.tabs.setCurrentWidget(self.contacts)
        dialog = NewContactDialog(self.db, self, undo=self.undo_stack)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("Contact created", 4000))
        self.new_contact_dialog = dialog
        dialog.open()
        return dialog

    def import_contacts(self, path: Path | None = None) -> ImportWizard:
        return contact_tools.import_contacts(self, path)

    def business_settings(self) -> SettingsDialog:
        """File → Business Settings…: one undoable step; the views re-format when it is saved."""
        from crm_desktop.ui.settings_dialog import open_settings_dialog

        self.settings_dialog = open_settings_dialog(self, self.db, self.undo_stack)
        return self.settings_dialog

    def import_table(self, kind: str, path: Path | None = None) -> TableImportWizard:
        """File → Import Deals / Organizations / Purchases…: a CSV with mapping, dry run and a report."""
        from crm_desktop.ui.importing.table_wizard import open_table_import_wizard

        wizard = open_table_import_wizard(self, self.db, self.runner, kind=kind, path=path)
        wizard.imported.connect(lambda report: self.statusBar().showMessage(report.summary(), 8000))
        self.table_import_wizard = wizard
        return wizard

    def export_contacts(self) -> Task | None:
        return self.exports.export_contacts()

    def export_workspace(self) -> Task | None:
        return self.exports.export_workspace()

    def find_duplicates(self) -> DuplicatesDialog:
        return contact_tools.find_duplicates(self)

    def load_demo(self) -> Task:
        """Seed the demo business on the worker; the service refuses (Conflict) when data exists."""
        task, self.progress_dialog = demo_load.start_demo_load(
            self.runner,
            parent=self,
            on_success=lambda _summary: self._after_demo(),
            on_failure=self._after_failure,
        )
        self.last_task = task
        return task

    def new_database(self) -> None:
        """Ask for a new file name; the app then opens (creates) it in place of this one."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getSaveFileName(
            self, "New database", str(Path(folder or Path.home()) / "crm.sqlite"), DATABASE_FILTER
        )
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".sqlite")
        if path.exists():
            QMessageBox.information(
                self, "New database", f"{path.name} already exists. Use File → Open Database… to open it."
            )
            return
        self.database_requested.emit(str(path))

    def open_database(self) -> None:
        """Ask for an existing database file; the app then opens it in place of this one."""
        start = str(self.db.path.parent) if self.db.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open database", start, DATABASE_FILTER)
        if name:
            self.database_requested.emit(name)

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    def show_due_tasks(self, visible: bool = True) -> None:
        """View → Due Tasks (and the status-bar count) show or hide the dock."""
        self.due_tasks.show(visible)

    def show_trash(self) -> TrashDialog:
        """View → Trash: deleted contacts and organizations, restorable (non-modal, one window)."""
        if self.trash_dialog is None:
            from crm_desktop.ui.trash.dialog import TrashDialog

            self.trash_dialog = TrashDialog(self.db, self.hub, self.fmt, self.undo_stack, self)
            self.trash_dialog.restored.connect(self._show_status)
        if self.trash_dialog.isVisible():  # already open, maybe behind: bring it forward
            self.trash_dialog.raise_()
            self.trash_dialog.activateWindow()
        self.trash_dialog.show()
        return self.trash_dialog

    def open_contact(self, contact_id: uuid.UUID) -> None:
        contact_tools.open_contact(self, contact_id)

    def find(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "focus_search"):
            tab.focus_search()

    def refresh(self) -> None:
        """Re-read settings and every view (F5)."""
        self._reload_formatter()
        self.hub.notify_all(initiator=self)

    def show_tab(self, number: int) -> None:
        self.tabs.setCurrentIndex(number)

    def save_summary_pdf(self) -> SummaryRangeDialog:
        from crm_desktop.ui.reports.summary import SummaryRangeDialog

        dialog = SummaryRangeDialog(self.fmt, self)
        dialog.accepted.connect(lambda: self._ask_pdf_path(*dialog.period()))
        self.summary_dialog = dialog
        dialog.open()
        return dialog

    def write_summary_pdf(self, start: date, end: date, out: Path) -> Task:
        """Start writing the PDF on the worker; when it is done, offer to open it."""
        from crm_desktop.ui.reports.summary import start_summary_pdf

        task, self.progress_dialog = start_summary_pdf(
            self.runner,
            start,
            end,
            out,
            parent=self,
            on_success=self._after_pdf,
            on_failure=self._after_failure,
        )
        self.last_task = task
        return task

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About CRM Desktop",
            f"<h3>CRM Desktop {__version__}</h3><p>An offline-first CRM for small businesses: "
            "contacts, pipeline, support cases and loyalty, in one local database.</p>"
            f"<p>Database: {self.db.location}</p>",
        )

    def open_log_folder(self) -> None:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- helpers -------------------------------------------------------------------------------
    def _ask_pdf_path(self, start: date, end: date) -> None:
        from crm_desktop.ui.reports.summary import default_filename

        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(documents or Path.home()) / default_filename(start, end))
        name, _filter = QFileDialog.getSaveFileName(self, "Save summary PDF", suggested, "PDF documents (*.pdf)")
        if name:
            out = Path(name)
            self.write_summary_pdf(start, end, out if out.suffix.lower() == ".pdf" else out.with_suffix(".pdf"))

    def _after_demo(self) -> None:
        self._reload_formatter()  # the views themselves were told by the workspace's change notice
        self.statusBar().showMessage("Demo business loaded", 5000)

    def _after_pdf(self, path: Path) -> None:
        from crm_desktop.ui.reports.summary import offer_open

        self.message_box = offer_open(self, Path(path))

    def _after_failure(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage("Cancelled — nothing was changed", 5000)
            return
        show_error(self, exc)

    def _reload_formatter(self) -> None:
        self.fmt = Formatter.load(self.db)
        self.setWindowTitle(f"{self.fmt.business_name} — CRM Desktop")
        for tab in self.tab_list:
            tab.set_formatter(self.fmt)
        self.due_tasks.set_formatter(self.fmt)
        if self._contact_detail is not None:
            self._contact_detail.set_formatter(self.fmt)

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & SETTINGS and self.hub.initiator is not self:
            self._reload_formatter()
        if tables & STATUS_WATCHES:
            self._update_counts()

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def _update_counts(self) -> None:
        """The status bar's counts, read on the worker (40 ms on 100k contacts: not on every change's path)."""
        self._counts_generation += 1
        generation = self._counts_generation
        self.runner.submit(
            "Counting records",
            lambda ctx: (generation, _read_counts(ctx)),
            on_success=self._show_counts,  # a bound method: Qt drops it if this window is deleted first
            on_failure=lambda exc: log.warning("status bar counts failed: %s", exc),
        )

    def _show_counts(self, answer: tuple[int, tuple[int, int, int]]) -> None:
        generation, (contacts, deals, cases) = answer
        if generation != self._counts_generation:
            return  # an older answer, overtaken by a newer change
        parts = [
            self.fmt.count(contacts, "contact"),
            self.fmt.count(deals, "open deal"),
            self.fmt.count(cases, "open case"),
        ]
        self.counts_label.setText("   ·   ".join(parts))


def _live(owner: weakref.ref[MainWindow]) -> MainWindow:
    window = owner()
    assert window is not None, "a tab is built only while its window lives"
    return window


def _build_pipeline(window: MainWindow, page: QWidget) -> PipelineTab:
    """The Pipeline tab, wired to the window (its module loads on first use: 60 ms of start-up)."""
    from crm_desktop.ui.pipeline.view import PipelineTab

    tab = PipelineTab(window.runner, window.hub, window.fmt, window.undo_stack, page)
    tab.open_contact.connect(window.open_contact)
    tab.message.connect(window._show_status)
    return tab


def _read_counts(ctx: TaskContext) -> tuple[int, int, int]:
    """Runs on the worker: live contacts, open deals and open cases."""
    with ctx.read_session() as session:
        contacts = count_contacts(session=session)
        deals = deal_summary(session=session)["open_count"]
        cases = count_cases(session=session, statuses=OPEN_QUEUE)
    return contacts, deals, cases
