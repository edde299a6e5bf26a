"""One signal bridge telling views which tables changed, so each reloads only what it shows."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal

from crm_desktop.services.workspace import ChangeNotice, Workspace

CONTACTS = frozenset({"contact", "contact_channel", "organization", "user"})
DEALS = frozenset({
    "deal", "deal_stage_change", "deal_line", "stage", "pipeline", "lost_reason", "product", "organization", "contact",
    "task", "user",
})  # fmt: skip
CASES = frozenset({"support_case", "case_event", "contact", "organization", "user"})
LOYALTY = frozenset({"points_entry", "purchase", "loyalty_tier", "reward", "contact"})
SETTINGS = frozenset({"setting"})
EVERYTHING = CONTACTS | DEALS | CASES | LOYALTY | SETTINGS


class EventHub(QObject):
    """Carries `changed(frozenset[str])` after a mutation; `initiator` says which view caused it.

    Fed by the workspace's change notices (`attach`), which arrive on whichever thread committed;
    the private queued signal brings them to the GUI thread.
    """

    changed = Signal(object)
    _committed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.initiator: object | None = None
        self._workspace: Workspace | None = None
        self._committed.connect(self._on_committed, Qt.ConnectionType.QueuedConnection)

    def attach(self, workspace: Workspace) -> None:
        """Listen to every committed write of this workspace."""
        self.detach()
        self._workspace = workspace
        workspace.add_change_listener(self._committed.emit)

    def detach(self) -> None:
        if self._workspace is not None:
            self._workspace.remove_change_listener(self._committed.emit)
            self._workspace = None

    def _on_committed(self, notice: ChangeNotice) -> None:
        self.notify(notice.tables, initiator=notice.initiator)

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
