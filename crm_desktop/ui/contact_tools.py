"""The window's contact tools (import, export, find duplicates), kept out of main_window.py."""

from __future__ import annotations

import uuid
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget

from crm_desktop.ui.style import make_muted

if TYPE_CHECKING:  # the panes, the wizard and the duplicates dialog load on first use, not at every start
    from crm_desktop.ui.contacts.detail.pane import ContactDetailPane
    from crm_desktop.ui.contacts.record_actions import RecordActions
    from crm_desktop.ui.duplicates.review_dialog import DuplicatesDialog
    from crm_desktop.ui.importing.wizard import ImportWizard
    from crm_desktop.ui.main_window import MainWindow


DETAIL_WIDTH = 480


def reserve_detail_side(window: MainWindow) -> QStackedWidget:
    """The place beside the contacts list for the contact's (or organization's) pane.

    Until the contact pane is built (just after the first paint, or when first needed) it shows the
    pane's own empty-state text, so nothing moves when the pane arrives.
    """
    tab = window.contacts
    side = QStackedWidget(tab)
    side.setMinimumWidth(360)
    waiting = make_muted(QLabel("Select a contact to see their details.", side))
    waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
    side.addWidget(waiting)
    tab.splitter.addWidget(side)
    tab.splitter.setStretchFactor(1, 0)
    tab.splitter.setSizes([max(tab.width() - DETAIL_WIDTH, 600), DETAIL_WIDTH])
    owner = weakref.ref(window)  # a lambda holding the window itself would keep it alive after Qt deleted it

    def show_contact(contact_id: uuid.UUID | None) -> None:
        if (live := owner()) is not None:
            live.contact_detail.show_contact(contact_id)

    def show_people(people: bool) -> None:
        if people and (live := owner()) is not None:
            side.setCurrentWidget(live.contact_detail)

    tab.current_contact_changed.connect(show_contact)
    tab.people_button.toggled.connect(show_people)
    tab.organizations_button.toggled.connect(lambda on: _show_organization_side(window, side) if on else None)
    return side


def attach_detail_pane(window: MainWindow) -> ContactDetailPane:
    """Build the contact pane into the reserved side, showing the contact now chosen in the list."""
    from crm_desktop.ui.contacts.detail.pane import ContactDetailPane

    side = window.detail_side
    pane = ContactDetailPane(window.db, window.hub, window.fmt, window.undo_stack, side)
    side.insertWidget(0, pane)
    if side.currentIndex() == 1:  # still the waiting text (the organization pane, if shown, stays)
        side.setCurrentWidget(pane)
    return pane


def _show_organization_side(window: MainWindow, side: QStackedWidget) -> None:
    """The organization pane (built on first use) follows the organization chosen in the list."""
    pane = window.organization_detail
    if pane is None:
        from crm_desktop.ui.organizations.detail import OrganizationDetailPane

        tab = window.contacts
        pane = OrganizationDetailPane(window.db, window.hub, window.fmt, window.undo_stack, side)
        side.addWidget(pane)
        tab.organizations.organization_changed.connect(pane.show_organization)
        pane.contact_activated.connect(lambda contact_id: _open_from_organization(window, contact_id))
        window.organization_detail = pane
        pane.show_organization(tab.organizations.current_id)
    side.setCurrentWidget(pane)


def _open_from_organization(window: MainWindow, contact_id: uuid.UUID) -> None:
    window.contacts.show_mode(0)
    open_contact(window, contact_id)


def attach_record_actions(window: MainWindow) -> RecordActions:
    """Convert to deal, lead status, export and erase: in the detail pane's Actions menu and the row menu."""
    from crm_desktop.ui.contacts.record_actions import RecordActions

    return RecordActions(window)


def open_contact(window: MainWindow, contact_id: uuid.UUID) -> None:
    """Show one contact (from a due task or a search elsewhere) in the Contacts tab's detail pane."""
    window.tabs.setCurrentWidget(window.contacts)
    window.contact_detail.show_contact(contact_id)


def import_contacts(window: MainWindow, path: Path | None = None) -> ImportWizard:
    """File → Import Contacts…: the CSV/vCard wizard (non-modal; the import runs on the worker)."""
    from crm_desktop.ui.importing.wizard import open_import_wizard

    window.tabs.setCurrentWidget(window.contacts)
    wizard = open_import_wizard(window, window.db, window.runner, window.undo_stack, path=path)
    wizard.imported.connect(lambda report: window.statusBar().showMessage(report.summary(), 8000))
    window.import_wizard = wizard
    return wizard


def find_duplicates(window: MainWindow) -> DuplicatesDialog:
    """Edit → Find Duplicates…: groups found on the worker, merged through the undo stack."""
    from crm_desktop.ui.duplicates.review_dialog import open_duplicates

    dialog = open_duplicates(window, window.db, window.runner, window.undo_stack)
    window.duplicates_dialog = dialog
    return dialog
