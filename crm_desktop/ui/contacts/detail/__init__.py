"""The contact detail pane: every field editable, the timeline with quick actions, and the change history."""

from crm_desktop.ui.contacts.detail.pane import ContactDetailPane

__all__ = ["ContactDetailPane"]
