"""The "Views" drop-down of the contacts list: apply a saved view, save the current one, delete one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QToolButton, QWidget

from crm_desktop.services.errors import CRMError
from crm_desktop.services.saved_views import SavedView, delete_view, list_views, save_view
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.undo_stack import UndoStack

T = TypeVar("T")


class ViewsButton(QToolButton):
    """Saved views, shared by everyone using this database; `view_applied` carries the chosen one."""

    view_applied = Signal(object)  # SavedView

    def __init__(
        self,
        db: Workspace,
        current: Callable[[str], SavedView],
        undo: UndoStack | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._current, self._undo = db, current, undo
        self.setText("Views ▾")
        self.setObjectName("filterChip")
        self.setToolTip("Saved views: a filter, sort and set of columns you can come back to")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self._fill)
        self.active_name: str | None = None
        self.save_dialog: QInputDialog | None = None
        self.message_box: QMessageBox | None = None

    def views(self) -> list[SavedView]:
        with self._db.read_session() as session:
            return list_views(session=session)

    def apply(self, view: SavedView) -> None:
        """Restore a saved view (the tab listens to `view_applied`)."""
        self.active_name = view.name
        self.setText(f"View: {view.name} ▾")
        self.view_applied.emit(view)

    def forget_active(self) -> None:
        """The user changed the filter or sort: no saved view is shown any more."""
        if self.active_name is not None:
            self.active_name = None
            self.setText("Views ▾")

    def ask_save(self) -> QInputDialog:
        """Ask for a name (non-blocking), then save the current filter, sort and columns under it."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save View")
        dialog.setLabelText("Name of this view:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(self.active_name or "")
        dialog.textValueSelected.connect(self.save_as)
        self.save_dialog = dialog
        dialog.open()
        return dialog

    def save_as(self, name: str) -> SavedView | None:
        """Save the current view under `name` (replacing one with that name); None when refused."""
        view = self._current(name)
        saved = self._write(f"Save view “{name.strip()}”", lambda s: save_view(session=s, view=view))
        if saved is not None:
            self.active_name = saved.name
            self.setText(f"View: {saved.name} ▾")
        return saved

    def delete(self, name: str) -> None:
        deleted = self._write(f"Delete view “{name}”", lambda s: delete_view(session=s, name=name) or True)
        if deleted and self.active_name == name:
            self.forget_active()

    def _write(self, label: str, action: Callable[[Any], T]) -> T | None:
        try:
            if self._undo is not None:
                return self._undo.perform(label, action, initiator=self)
            with self._db.session(initiator=self) as session:
                return action(session)
        except CRMError as exc:
            self.message_box = error_box(self.window(), exc)
            self.message_box.open()
            return None

    def _fill(self) -> None:
        menu = self.menu()
        menu.clear()
        views = self.views()
        for view in views:
            action = menu.addAction(view.name)
            action.setCheckable(True)
            action.setChecked(view.name == self.active_name)
            action.setData(view.name)
            action.triggered.connect(lambda _on=False, v=view: self.apply(v))
        if not views:
            menu.addAction("No saved views yet").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Save Current View…").triggered.connect(lambda: self.ask_save())
        delete = menu.addMenu("Delete View")
        delete.setEnabled(bool(views))
        for view in views:
            delete.addAction(view.name).triggered.connect(lambda _on=False, n=view.name: self.delete(n))
