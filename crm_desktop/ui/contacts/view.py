"""The Contacts tab: search, count and the lazy contacts table."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.model import ContactsModel
from crm_desktop.ui.event_hub import CONTACTS, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.table_tab import TableTab


class ContactsTab(TableTab):
    """People and leads, searched with the full-text index and sorted in SQL."""

    WATCHES = CONTACTS | SETTINGS
    NOUN = ("contact", "contacts")

    def __init__(self, db: Workspace, hub: EventHub, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(
            ContactsModel(db, fmt),
            hub,
            fmt,
            parent=parent,
            placeholder="Search name, email, phone, organization or tag",
        )
        self.model: ContactsModel
