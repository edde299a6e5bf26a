"""The contact detail pane beside the contacts list: header, Details (every field, editable), Timeline, History.

Edits are saved as one undoable action ("Edit Ada Lovelace"). What the user typed is never thrown away: a bad
value gets a hint and blocks Save; a change made elsewhere meanwhile raises a banner instead of overwriting;
leaving a contact with unsaved edits asks first.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.channels import organization_choices, tag_suggestions
from crm_desktop.services.contacts import format_phone
from crm_desktop.services.errors import CRMError, ValidationError
from crm_desktop.services.history import contact_history
from crm_desktop.services.timeline import TimelineCursor, TimelineItem, contact_timeline
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.detail.editor import ContactEditor, ContactSnapshot
from crm_desktop.ui.contacts.detail.header import ContactHeader
from crm_desktop.ui.contacts.detail.history_view import HistoryView
from crm_desktop.ui.contacts.detail.loader import load_snapshot, same_record, save_edits
from crm_desktop.ui.contacts.detail.quick_actions import QuickActions
from crm_desktop.ui.contacts.detail.style import PANE_STYLE
from crm_desktop.ui.contacts.detail.timeline_view import TimelineModel, TimelineView
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import hint_label, make_muted
from crm_desktop.ui.undo_stack import UndoStack

RECORD_TABLES = frozenset({"contact", "contact_channel", "organization", "user", "campaign", "custom_field_def"})
TIMELINE_TABLES = frozenset(
    {"contact", "activity", "task", "deal", "support_case", "purchase", "points_entry", "feedback",
     "lead_status_change", "lifecycle_change", "lost_reason"}
)  # fmt: skip
DETAILS, TIMELINE, HISTORY = range(3)


class ContactDetailPane(QWidget):
    """Shows one contact (`show_contact`); `contact_shown` says which one once it is actually on screen."""

    contact_shown = Signal(object)  # uuid.UUID | None
    saved = Signal(object)  # the contact id, after a successful save

    def __init__(
        self, db: Workspace, hub: EventHub, fmt: Formatter, undo: UndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactDetail")
        self.setStyleSheet(PANE_STYLE)
        self.db, self.hub, self.fmt, self.undo = db, hub, fmt, undo
        self.contact_id: uuid.UUID | None = None
        self.snapshot: ContactSnapshot | None = None
        self.newer: ContactSnapshot | None = None  # a version saved elsewhere while we had edits
        self.leave_box: QMessageBox | None = None
        self.message_box: QMessageBox | None = None
        self._stale = {TIMELINE: True, HISTORY: True}

        self.header = ContactHeader(self)
        self.banner = self._make_banner()
        self.editor = ContactEditor(fmt, organizations=self._organizations, tags=self._tags, parent=self)
        self.details = QScrollArea(self)
        self.details.setWidgetResizable(True)
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details.setWidget(self.editor)
        self.quick = QuickActions(undo, fmt, self)
        self.quick.initiator = self
        self.timeline_model = TimelineModel(fmt, self)
        self.timeline = TimelineView(self.timeline_model, self)
        self.timeline_empty = make_muted(QLabel("Nothing has happened yet. Log a call or add a note above.", self))
        self.timeline_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.history = HistoryView(fmt, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(self._timeline_page(), "Timeline")
        self.tabs.addTab(_padded(self.history, self), "History")
        self.save_bar = self._make_save_bar()
        self.empty = make_muted(QLabel("Select a contact to see their details.", self))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        card = QWidget(self)
        column = QVBoxLayout(card)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.header)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.save_bar)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.editor.edited.connect(self._update_save_bar)
        self.quick.done.connect(self._after_quick_action)
        self.tabs.currentChanged.connect(self._load_tab)
        hub.changed.connect(self._on_changed)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self.show_contact(None)

    # --- building ---------------------------------------------------------------------------------
    def _timeline_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(14, 12, 14, 0)
        layout.setSpacing(10)
        layout.addWidget(self.quick)
        layout.addWidget(self.timeline_empty)
        layout.addWidget(self.timeline, 1)
        return page

    def _make_banner(self) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("conflictBanner")
        self.banner_text = QLabel("This contact was changed elsewhere while you were editing.", banner)
        self.banner_text.setWordWrap(True)
        self.theirs_button = QPushButton("Show their version", banner)
        self.keep_button = QPushButton("Keep mine", banner)
        self.theirs_button.clicked.connect(self.take_newer)
        self.keep_button.clicked.connect(banner.hide)
        row = QHBoxLayout(banner)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.theirs_button)
        row.addWidget(self.keep_button)
        banner.hide()
        return banner

    def _make_save_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("saveBar")
        self.save_hint = hint_label(bar)
        self.dirty_label = make_muted(QLabel("Unsaved changes", bar))
        self.discard_button = QPushButton("Discard", bar)
        self.save_button = QPushButton("Save", bar)
        self.save_button.setDefault(True)
        self.save_button.setToolTip(f"Save ({QKeySequence(QKeySequence.StandardKey.Save).toString()})")
        self.discard_button.clicked.connect(self.discard)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.dirty_label)
        row.addStretch(1)
        row.addWidget(self.discard_button)
        row.addWidget(self.save_button)
        column = QVBoxLayout(bar)
        column.setContentsMargins(16, 8, 16, 10)
        column.setSpacing(4)
        column.addWidget(self.save_hint)
        column.addLayout(row)
        bar.hide()
        return bar

    # --- what the lead's code calls -----------------------------------------------------------------
    def show_contact(self, contact_id: uuid.UUID | None) -> None:
        """Show a contact (None: the empty state). With unsaved edits, first asks whether to save them."""
        if contact_id == self.contact_id and contact_id is not None:
            return
        if self.is_dirty():
            self._ask_before_leaving(contact_id)
            return
        self._show(contact_id)

    def is_dirty(self) -> bool:
        return self.snapshot is not None and self.editor.is_dirty()

    def set_formatter(self, fmt: Formatter) -> None:
        """Settings changed (locale, region, currency): redraw with the new formats (edits are kept)."""
        self.fmt = self.editor.fmt = self.quick.fmt = self.timeline_model.fmt = self.history.fmt = fmt
        self.timeline.viewport().update()
        if not self.is_dirty() and self.contact_id is not None:
            self._show(self.contact_id, keep_tab=True)

    def refresh(self) -> None:
        """Re-read the shown contact (keeps unsaved edits: a newer version raises the banner instead)."""
        self._sync()
        self._stale = {TIMELINE: True, HISTORY: True}
        self._load_tab(self.tabs.currentIndex())

    # --- saving -------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the edits as one undoable action; refuses (with hints, text kept) when something is invalid."""
        if self.snapshot is None or not self.is_dirty():
            return True
        self.save_hint.hide()
        bad = self.editor.validate()
        if bad is not None:
            self._refuse("Please correct the marked fields; nothing was saved yet.", bad)
            return False
        changes, channels = self.editor.changes(), self.editor.channel_changes()
        contact_id = self.snapshot.id
        name = self.snapshot.values["display_name"]
        try:
            self.undo.perform(
                f"Edit {name}", lambda session: save_edits(session, contact_id, changes, channels), initiator=self
            )
        except ValidationError as exc:
            widget = self.editor.show_error(exc.field, str(exc))
            self._refuse(str(exc) if widget is None else "Please correct the marked field; nothing was saved.", widget)
            return False
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return False
        self.banner.hide()
        self.newer = None
        self._show(contact_id, keep_tab=True)
        self.saved.emit(contact_id)
        return True

    def discard(self) -> None:
        """Throw the edits away and show the stored contact again."""
        if self.contact_id is not None:
            self.banner.hide()
            self.newer = None
            self._show(self.contact_id, keep_tab=True)

    def take_newer(self) -> None:
        """The banner's "Show their version": drop our edits for what was saved elsewhere."""
        self.discard()

    def _refuse(self, message: str, widget: QWidget | None) -> None:
        self.save_hint.setText(message)
        self.save_hint.show()
        if widget is not None:
            self.tabs.setCurrentIndex(DETAILS)
            self.details.ensureWidgetVisible(widget, 40, 60)
            widget.setFocus()

    # --- showing ------------------------------------------------------------------------------------
    def _show(self, contact_id: uuid.UUID | None, *, keep_tab: bool = False) -> None:
        snapshot = load_snapshot(self.db, contact_id) if contact_id is not None else None
        self.contact_id = contact_id if snapshot is not None else None
        self.snapshot = snapshot
        self.banner.hide()
        self.save_hint.hide()
        if snapshot is None:
            self.stack.setCurrentWidget(self.empty)
            self.timeline_model.set_source(None)
            self.history.show_entries([])
            self.quick.set_target(contact_id=None)
            self._update_save_bar()
            self.contact_shown.emit(None)
            return
        self.editor.load(snapshot)
        self._show_header(snapshot)
        self.quick.set_target(contact_id=snapshot.id, name=snapshot.values["display_name"])
        self.stack.setCurrentIndex(1)
        if not keep_tab:
            self.details.verticalScrollBar().setValue(0)
        self._stale = {TIMELINE: True, HISTORY: True}
        self._load_tab(self.tabs.currentIndex())
        self._update_save_bar()
        self.contact_shown.emit(snapshot.id)

    def _show_header(self, snapshot: ContactSnapshot) -> None:
        values = snapshot.values
        owner = next((u.name for u in snapshot.users if u.id == values.get("owner_id")), None)
        self.header.show_person(
            name=values["display_name"],
            title=values.get("title"),
            organization=snapshot.organization.name if snapshot.organization else None,
            email=values.get("email"),
            phone=format_phone(values.get("phone"), self.fmt.region) or None,
            stage=values.get("lifecycle_stage"),
            lead_status=values.get("lead_status"),
            do_not_contact=bool(values.get("do_not_contact")),
            owner=owner,
        )

    def _load_tab(self, index: int) -> None:
        if self.contact_id is None or not self._stale.get(index, False):
            return
        self._stale[index] = False
        if index == TIMELINE:
            contact_id = self.contact_id
            self.timeline_model.set_source(lambda before, limit: self._timeline_page_of(contact_id, before, limit))
            empty = self.timeline_model.rowCount() == 0
            self.timeline_empty.setVisible(empty)
            self.timeline.setVisible(not empty)
        elif index == HISTORY:
            with self.db.read_session() as session:
                self.history.show_entries(contact_history(session=session, contact_id=self.contact_id))

    def _timeline_page_of(self, contact_id: uuid.UUID, before: TimelineCursor | None, limit: int) -> list[TimelineItem]:
        with self.db.read_session() as session:
            return contact_timeline(session=session, contact_id=contact_id, limit=limit, before=before)

    def _update_save_bar(self) -> None:
        dirty = self.is_dirty()
        self.save_bar.setVisible(dirty)
        if not dirty:
            self.save_hint.hide()

    # --- changes made elsewhere ---------------------------------------------------------------------
    def _on_changed(self, tables: frozenset[str]) -> None:
        if self.contact_id is None:
            return
        if tables & RECORD_TABLES:
            self._sync()
        stale = [TIMELINE] if tables & TIMELINE_TABLES else []
        stale += [HISTORY] if tables & {"contact", "contact_channel"} else []
        for index in stale:
            self._stale[index] = True
        self._load_tab(self.tabs.currentIndex())

    def _sync(self) -> None:
        """Compare with what is stored now: reload when nothing is being edited, else raise the banner."""
        if self.contact_id is None:
            return
        latest = load_snapshot(self.db, self.contact_id)
        if same_record(latest, self.snapshot):
            return
        if not self.is_dirty():
            self._show(self.contact_id if latest is not None else None, keep_tab=True)
            return
        self.newer = latest
        gone = latest is None
        self.banner_text.setText(
            "This contact was moved to the Trash elsewhere. Your edits are still here, but cannot be saved."
            if gone
            else "This contact was changed elsewhere while you were editing. Saving keeps your edits; "
            "fields you did not touch keep the other changes."
        )
        self.theirs_button.setText("Close it" if gone else "Show their version")
        self.banner.show()

    def _after_quick_action(self, _label: str) -> None:
        self._stale[TIMELINE] = True
        self._load_tab(TIMELINE)
        self._sync()

    # --- leaving with edits -------------------------------------------------------------------------
    def _ask_before_leaving(self, next_id: uuid.UUID | None) -> None:
        name = self.snapshot.values["display_name"] if self.snapshot else "this contact"
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", f"Save your changes to {name}?", parent=self)
        box.setInformativeText("If you don't save, your edits are lost.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.finished.connect(lambda _result: self._left(box, next_id))
        self.leave_box = box
        box.open()

    def _left(self, box: QMessageBox, next_id: uuid.UUID | None) -> None:
        choice = box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.StandardButton.Cancel
        self.leave_box = None
        leave = choice == QMessageBox.StandardButton.Discard or (
            choice == QMessageBox.StandardButton.Save and self.save()
        )
        if leave:
            self._show(next_id)
        else:
            self.contact_shown.emit(self.contact_id)  # the list can put its selection back

    # --- pick-list sources --------------------------------------------------------------------------
    def _organizations(self, text: str) -> list:  # type: ignore[type-arg]
        with self.db.read_session() as session:
            return organization_choices(session=session, search=text, limit=20)

    def _tags(self) -> list[str]:
        with self.db.read_session() as session:
            return tag_suggestions(session=session)


def _padded(widget: QWidget, parent: QWidget) -> QWidget:
    """The widget on a page with the pane's margins."""
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(18, 12, 14, 0)
    layout.addWidget(widget)
    return page
