"""Contacts → Find Duplicates…: probable duplicates found on the worker, each group merged or dismissed."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.contacts import format_phone
from crm_desktop.services.duplicates import DuplicateGroup, dismiss_duplicates, find_duplicates
from crm_desktop.services.errors import Cancelled, CRMError
from crm_desktop.services.merge import MAX_MERGE, MergeResult
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.duplicates.merge_dialog import MergeDialog
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.style import make_muted, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.widgets import count_label
from crm_desktop.ui.workers import Task, TaskContext, TaskRunner

COLUMNS = ("Name", "E-mail", "Phone", "Organization", "Stage", "Added")
WIDTHS = (200, 300, 140, 190, 110)
GROUP_ROLE = Qt.ItemDataRole.UserRole
STEPS = 1000


class DuplicatesDialog(QDialog):
    """Non-modal; `tree`, the buttons and `groups` are public so tests drive it like a user."""

    found = Signal(int)  # how many groups the last search found

    def __init__(
        self, db: Workspace, runner: TaskRunner, undo: UndoStack, fmt: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db, self._runner, self._undo, self.fmt = db, runner, undo, fmt
        self.groups: list[DuplicateGroup] = []
        self.task: Task | None = None
        self.merge_dialog: MergeDialog | None = None
        self._merging: DuplicateGroup | None = None  # the group the open merge dialog came from
        self.message_box: QMessageBox | None = None
        self.setWindowTitle("Find duplicates")
        self.setMinimumSize(760, 420)
        self.resize(1080, 600)
        intro = make_muted(QLabel(
            "Contacts that share an e-mail address or a phone number, or have nearly the same name at one "
            "organization. Merge the ones that are one person; mark the others so they are not suggested again.",
            self,
        ))  # fmt: skip
        intro.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, STEPS)
        self.progress.setTextVisible(False)
        self.status = make_muted(QLabel(self))
        self.cancel_button = QPushButton("Cancel", self)
        self.search_button = QPushButton("Search again", self)
        self.count = count_label(self)
        self.tree = _tree(self)
        self.merge_button = QPushButton("Merge…", self)
        self.dismiss_button = QPushButton("Not duplicates", self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        plain_buttons(self.buttons)
        self._lay_out(intro)
        self.buttons.rejected.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel_search)
        self.search_button.clicked.connect(self.search)
        self.merge_button.clicked.connect(self.merge_current)
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_: self.merge_current())
        self._update_buttons()

    def _lay_out(self, intro: QLabel) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.count)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.search_button)
        actions = QHBoxLayout()
        actions.addWidget(self.merge_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        actions.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addLayout(actions)

    # --- public ------------------------------------------------------------------------------------------
    @property
    def searching(self) -> bool:
        """True while the search runs on the worker."""
        return self.task is not None and not self.task.done

    def search(self) -> Task:
        """Look for duplicates on the worker (about a second at 100k contacts), with progress and Cancel."""
        if self.task is not None and not self.task.done:
            return self.task
        self.progress.setValue(0)
        self.progress.show()
        self.status.hide()
        self.count.clear()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.search_button.setEnabled(False)
        self.task = task = self._runner.task("Finding duplicates", _find)
        task.progress.connect(self._on_progress)
        task.succeeded.connect(self._on_found)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        task.start()
        return task

    def cancel_search(self) -> None:
        """Stop a search under way (the list keeps what it showed)."""
        if self.searching and self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def select_group(self, index: int) -> None:
        """Make group `index` (0-based, as listed) the current one."""
        self.tree.setCurrentItem(self.tree.topLevelItem(index))

    def current_group(self) -> DuplicateGroup | None:
        """The group of the current row (a heading or one of its contacts)."""
        item = self.tree.currentItem()
        if item is None:
            return None
        top = item.parent() or item
        group = top.data(0, GROUP_ROLE)
        return group if isinstance(group, DuplicateGroup) else None

    def chosen_ids(self) -> list[uuid.UUID]:
        """The contacts to act on: the selected members of the current group when two or more are, else all."""
        group = self.current_group()
        if group is None:
            return []
        selected = [
            item.data(0, GROUP_ROLE)
            for item in self.tree.selectedItems()
            if item.parent() is not None and item.parent().data(0, GROUP_ROLE) is group
        ]
        ids = selected if len(selected) >= 2 else list(group.contact_ids)
        return ids[:MAX_MERGE]

    def merge_current(self) -> MergeDialog | None:
        """Open the merge dialog for the current group (non-modal)."""
        ids = self.chosen_ids()
        if len(ids) < 2:
            return None
        if self.merge_dialog is not None and self.merge_dialog.isVisible():
            self.merge_dialog.close()
        self._merging = self.current_group()
        self.merge_dialog = MergeDialog(self._db, self._undo, ids, self.fmt, self)
        self.merge_dialog.merged.connect(self._on_merged)
        self.merge_dialog.show()
        return self.merge_dialog

    def dismiss_current(self) -> bool:
        """Remember that the current group's contacts are different people (undoable); the group leaves the list."""
        group, ids = self.current_group(), self.chosen_ids()
        if group is None or len(ids) < 2:
            return False
        names = {m.id: m.display_name for m in group.members}
        text = " and ".join(names[i] for i in ids[:2]) + (f" and {len(ids) - 2} more" if len(ids) > 2 else "")
        try:
            self._undo.perform(
                f"Not duplicates: {text}",
                lambda s: dismiss_duplicates(session=s, contact_ids=ids),
                initiator=self,
            )
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return False
        self._drop(group, set(ids))
        return True

    # --- private -----------------------------------------------------------------------------------------
    def _current(self) -> bool:
        return self.sender() is self.task

    def _on_progress(self, fraction: float, _message: str) -> None:
        if self._current():
            self.progress.setValue(round(fraction * STEPS))

    def _on_found(self, groups: list[DuplicateGroup]) -> None:
        if not self._current():
            return
        self.groups = list(groups)
        self._fill()
        self.found.emit(len(self.groups))

    def _on_failed(self, exc: BaseException) -> None:
        if not self._current():
            return
        if isinstance(exc, Cancelled):
            self._say("Search cancelled.")
        elif isinstance(exc, CRMError):
            self._say(str(exc))
        else:
            self._say("The search stopped on an unexpected problem.")
            self.message_box = error_box(self, exc)
            self.message_box.open()

    def _on_finished(self) -> None:
        if not self._current():
            return
        self.progress.hide()
        self.status.show()
        self.cancel_button.hide()
        self.search_button.setEnabled(True)

    def _on_merged(self, result: MergeResult) -> None:
        if self._merging is not None:
            self._drop(self._merging, {result.survivor_id, *result.merged_ids}, keep=result.survivor_id)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _fill(self) -> None:
        self.tree.clear()
        for index, group in enumerate(self.groups):
            self._insert(index, group)
        if self.groups:
            self.select_group(0)
        self._update_count()
        self._update_buttons()

    def _insert(self, index: int, group: DuplicateGroup) -> None:
        """Show a group as a bold heading row (spanning the columns) over one row per contact."""
        top = self._group_item(group)
        self.tree.insertTopLevelItem(index, top)
        top.setFirstColumnSpanned(True)  # only takes effect once the item is in the tree
        top.setExpanded(True)

    def _group_item(self, group: DuplicateGroup) -> QTreeWidgetItem:
        reasons = ", ".join(group.reasons)
        top = QTreeWidgetItem([f"{reasons[:1].upper()}{reasons[1:]}  ·  score {group.score}"])
        top.setData(0, GROUP_ROLE, group)
        font = QFont(self.tree.font())
        font.setBold(True)
        top.setFont(0, font)
        for member in group.members:
            phone = format_phone(member.phone, self.fmt.region) if member.phone else ""
            texts = [member.display_name, member.email or "", phone, member.organization_name or "",
                     label(member.lifecycle_stage), self.fmt.date(member.created_at)]  # fmt: skip
            child = QTreeWidgetItem(top, texts)
            child.setData(0, GROUP_ROLE, member.id)
            icon = marker(member.lifecycle_stage)
            if icon is not None:
                child.setIcon(4, icon)
        return top

    def _drop(self, group: DuplicateGroup, ids: set[uuid.UUID], keep: uuid.UUID | None = None) -> None:
        """Take merged or dismissed contacts out of a group; a group with fewer than two left goes."""
        if group not in self.groups:
            return  # the list was searched again meanwhile
        index = self.groups.index(group)
        left = tuple(m for m in group.members if m.id not in ids or m.id == keep)
        top = self.tree.takeTopLevelItem(index)
        del top
        if len(left) >= 2 and len(left) < len(group.members):
            rest = DuplicateGroup(members=left, reasons=group.reasons, score=group.score)
            self.groups[index] = rest
            self._insert(index, rest)
        else:
            self.groups.pop(index)
        if self.groups:
            self.select_group(min(index, len(self.groups) - 1))
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        n = len(self.groups)
        self.count.setText("No duplicates found" if n == 0 else self.fmt.count(n, "group"))
        self._say("" if n else "Every contact looks unique.")

    def _update_buttons(self) -> None:
        has = self.current_group() is not None
        self.merge_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.task is None:
            self.search()

    def done(self, result: int) -> None:
        self.cancel_search()
        super().done(result)


def _find(ctx: TaskContext) -> list[DuplicateGroup]:
    with ctx.read_session() as session:
        return find_duplicates(session=session, progress=ctx.report, should_cancel=ctx.should_cancel)


def _tree(parent: QWidget) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setColumnCount(len(COLUMNS))
    tree.setHeaderLabels(list(COLUMNS))
    tree.setRootIsDecorated(False)
    tree.setItemsExpandable(False)
    tree.setAlternatingRowColors(False)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setIndentation(12)
    tree.setStyleSheet("QTreeView::item { padding: 3px 4px; }")
    header = tree.header()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in enumerate(WIDTHS):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return tree


def open_duplicates(parent: QWidget | None, db: Workspace, runner: TaskRunner, undo: UndoStack) -> DuplicatesDialog:
    """Show the duplicates review (non-modal); the search starts at once on the worker."""
    dialog = DuplicatesDialog(db, runner, undo, Formatter.load(db), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
