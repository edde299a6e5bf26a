"""The Trash window: deleted contacts and organizations, with Restore (undoable) and no way to erase."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError
from crm_desktop.services.trash import KINDS, Restored, TrashKind, TrashRow, restore_many, trash_counts
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import make_muted, plain_buttons
from crm_desktop.ui.table_model import ROW_ROLE
from crm_desktop.ui.trash.model import TrashModel
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import SearchBox, count_label, make_table

WATCHES = frozenset({"contact", "organization"})
TITLES: dict[TrashKind, tuple[str, str]] = {
    "contact": ("Contacts", "contact"),
    "organization": ("Organizations", "organization"),
}


class TrashDialog(QDialog):
    """Non-modal: the user can keep working while it is open; widgets are public so tests drive them."""

    restored = Signal(str)  # a one-line summary for the status bar

    def __init__(
        self, db: Workspace, hub: EventHub, fmt: Formatter, undo: UndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.setMinimumSize(760, 420)
        self.resize(1000, 560)
        self._db, self._undo, self.fmt = db, undo, fmt
        self.model = TrashModel(db, fmt)
        self.kinds = QTabBar(self)
        self.kinds.setDocumentMode(True)
        self.kinds.setExpanding(False)
        for kind in KINDS:
            self.kinds.addTab(TITLES[kind][0])
        self.search = SearchBox("Search deleted names, emails or domains", self)
        self.count = count_label(self)
        self.table = make_table(self.model, self)
        self.table.setSortingEnabled(False)  # always the most recent deletions first
        self.table.horizontalHeader().setSortIndicatorShown(False)
        intro = make_muted(
            QLabel("Deleted records stay here, with their history and links, until you restore them.", self)
        )
        intro.setWordWrap(True)
        self.with_organization = QCheckBox("Also restore their organization when it is in the Trash", self)
        self.with_organization.setChecked(True)
        self.status = make_muted(QLabel(self))
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button: QPushButton = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.ActionRole)
        plain_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        self.message_box: QMessageBox | None = None
        self._lay_out(intro)

        self.kinds.currentChanged.connect(self._on_kind)
        self.search.search_changed.connect(self.model.set_search)
        self.model.modelReset.connect(self._update_count)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        hub.changed.connect(self._on_changed)
        self.reload()

    def _lay_out(self, intro: QLabel) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search, 2)
        bar.addStretch(1)
        bar.addWidget(self.count)
        footer = QHBoxLayout()
        footer.addWidget(self.with_organization)
        footer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.kinds)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    # --- public ------------------------------------------------------------------------------------------
    @property
    def kind(self) -> TrashKind:
        return KINDS[max(self.kinds.currentIndex(), 0)]

    def set_kind(self, kind: TrashKind) -> None:
        self.kinds.setCurrentIndex(KINDS.index(kind))

    def reload(self) -> None:
        """Re-read the list and the per-kind counts in the tab titles."""
        with self._db.read_session() as session:
            counts = trash_counts(session=session)
        for number, kind in enumerate(KINDS):
            title, _ = TITLES[kind]
            self.kinds.setTabText(number, f"{title} ({self.fmt.number(counts[kind])})")
        self.model.reload()

    def selected_rows(self) -> list[TrashRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.index(row, 0).data(ROW_ROLE) for row in rows]

    def select_all(self) -> None:
        self.table.selectAll()

    def restore_selected(self) -> list[Restored]:
        """Restore the selected rows in one step of Edit → Undo; the list then refreshes from the hub."""
        rows, kind = self.selected_rows(), self.kind
        if not rows:
            return []
        ids, noun = [row.id for row in rows], TITLES[kind][1]
        label = f"Restore {rows[0].name}" if len(ids) == 1 else f"Restore {self.fmt.count(len(ids), noun)}"
        with_org = kind == "contact" and self.with_organization.isChecked()
        try:
            results = self._undo.perform(
                label,
                lambda s: restore_many(session=s, kind=kind, row_ids=ids, with_organization=with_org),
                initiator=self,
            )
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return []
        summary = _summary(results, self.fmt, noun)
        self.status.setText(summary)
        self.restored.emit(summary)
        return results

    # --- private -----------------------------------------------------------------------------------------
    def _on_kind(self, _index: int) -> None:
        self.with_organization.setVisible(self.kind == "contact")
        self.table.setColumnHidden(2, self.kind == "organization")  # an organization has no organization
        self.model.set_kind(self.kind)
        self.status.clear()

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & WATCHES and self.isVisible():
            self.reload()

    def _update_count(self) -> None:
        _, noun = TITLES[self.kind]
        text = self.fmt.count(self.model.total, f"deleted {noun}")
        self.count.setText(text if not self.model.search else f"{text} found")

    def _update_buttons(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.restore_button.setEnabled(count > 0)
        self.restore_button.setText("Restore" if count < 2 else f"Restore {self.fmt.number(count)}")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # it may have been hidden while records were deleted


def _summary(results: list[Restored], fmt: Formatter, noun: str) -> str:
    if len(results) == 1:
        return results[0].summary() + "."
    text = f"Restored {fmt.count(len(results), noun)}"
    brought = {r.organization_name for r in results if r.organization_restored}
    left = {r.organization_name for r in results if r.organization_still_in_trash}
    if brought:
        text += f" and {fmt.count(len(brought), 'organization')}"
    if left:
        text += f"; still in the Trash: {', '.join(sorted(n for n in left if n))}"
    return text + "."
