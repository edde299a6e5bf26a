"""One signal bridge telling views which tables changed, so each reloads only what it shows."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

CONTACTS = frozenset({"contact", "contact_channel", "organization", "user"})
DEALS = frozenset({"deal", "deal_stage_change", "stage", "pipeline", "organization", "contact", "task", "user"})
CASES = frozenset({"support_case", "case_event", "contact", "organization", "user"})
LOYALTY = frozenset({"points_entry", "purchase", "loyalty_tier", "reward", "contact"})
SETTINGS = frozenset({"setting"})
EVERYTHING = CONTACTS | DEALS | CASES | LOYALTY | SETTINGS


class EventHub(QObject):
    """Carries `changed(frozenset[str])` after a mutation; `initiator` says which view caused it."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.initiator: object | None = None

    def notify(self, tables: Iterable[str], *, initiator: object | None = None) -> None:
        """Announce that these tables were written (empty sets are dropped)."""
        names = frozenset(tables)
        if not names:
            return
        self.initiator = initiator
        try:
            self.changed.emit(names)
        finally:
            self.initiator = None

    def notify_all(self, *, initiator: object | None = None) -> None:
        """Announce a change that touches everything (demo load, refresh, restore)."""
        self.notify(EVERYTHING, initiator=initiator)
