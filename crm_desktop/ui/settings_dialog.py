"""Business Settings…: edit the shared settings (business, region, sales, customers) in one dialog of four tabs.

OK and Apply store every changed setting as ONE step of the window's undo stack (Edit → Undo takes the whole
change back); Cancel stores nothing. Values are checked by `services.settings` as the user leaves a field and
again on OK; a refusal shows in red under the field and keeps what was typed. The commit's change notice
("setting") makes the main window reload its Formatter, so money and dates re-format everywhere.
Entry point: `open_settings_dialog(parent, db, undo_stack)`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.errors import CRMError, ValidationError
from crm_desktop.services.settings import clean_setting, display_phone, read_settings, update_settings
from crm_desktop.services.vocab import CasePriority
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.labels import label
from crm_desktop.ui.settings_pages import BusinessPage, RegionPage, SettingsPage, spin_box, text_box
from crm_desktop.ui.style import hint_label, plain_buttons
from crm_desktop.ui.undo_stack import UndoStack

UNDO_LABEL = "Change business settings"


class SettingsDialog(QDialog):
    """Four tabs of settings; pages, buttons and hints are public so tests can drive them."""

    def __init__(self, db: Workspace, undo_stack: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.setWindowTitle("Business Settings")
        self.setMinimumWidth(620)
        self.message_box: QMessageBox | None = None
        self.written: dict[str, Any] = {}  # what the last OK/Apply stored, for the caller and tests
        self._initial: dict[str, Any] = {}
        self._loading = False

        self.business = BusinessPage(self)
        self.region = RegionPage(self)
        self.sales = SalesPage(self)
        self.customers = CustomersPage(self)
        self.pages: tuple[SettingsPage, ...] = (self.business, self.region, self.sales, self.customers)
        self.tabs = QTabWidget(self)
        for page, title in zip(self.pages, ("Business", "Region", "Sales", "Customers && loyalty"), strict=True):
            self.tabs.addTab(page, title)
        self.form_hint = hint_label(self)  # a refusal that names no field on the pages

        buttons = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(buttons.Ok | buttons.Cancel | buttons.Apply, self)
        self.ok_button: QPushButton = self.buttons.button(buttons.Ok)
        self.cancel_button: QPushButton = self.buttons.button(buttons.Cancel)
        self.apply_button: QPushButton = self.buttons.button(buttons.Apply)
        plain_buttons(self.buttons)
        for button in (self.ok_button, self.cancel_button, self.apply_button):
            button.setAutoDefault(False)  # Enter in a field or table cell must not close the dialog
        self.buttons.accepted.connect(self.accept_changes)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 12)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.form_hint)
        layout.addWidget(self.buttons)
        for page in self.pages:
            page.edited.connect(self._edited)
            page.left.connect(self.check_field)
        self.load()

    # --- reading ---------------------------------------------------------------------------------
    def load(self) -> None:
        """Show the stored settings (a phone as people write it); what is shown becomes the baseline."""
        with self.db.read_session() as session:
            values = read_settings(session=session)
        values["business_phone"] = display_phone(str(values["business_phone"]), region=str(values["default_region"]))
        self._loading = True
        try:
            for page in self.pages:
                page.load(values)
        finally:
            self._loading = False
        self._initial = self.current_values()
        for key in self._initial:
            self._clear_hint(key)
        self._update_buttons()

    def current_values(self) -> dict[str, Any]:
        """Every setting the dialog shows, as currently typed."""
        values: dict[str, Any] = {}
        for page in self.pages:
            values.update(page.values())
        return values

    def changes(self) -> dict[str, Any]:
        """Only the settings the user changed since the dialog opened (or since Apply)."""
        return {key: value for key, value in self.current_values().items() if value != self._initial.get(key)}

    # --- writing ---------------------------------------------------------------------------------
    def apply(self) -> bool:
        """Store the changed settings as one undo step; False (and a hint, text kept) when one is refused."""
        self._clear_hint(None)
        for key in self._initial:
            self._clear_hint(key)
        changed = self.changes()
        if not changed:
            return True
        try:
            self.written = self.undo_stack.perform(
                UNDO_LABEL, lambda session: update_settings(session=session, values=changed), initiator=self
            )
        except ValidationError as exc:
            self.show_hint(exc.field, str(exc))
            return False
        except CRMError as exc:
            self.message_box = error_box(self, exc)
            self.message_box.open()
            return False
        self.load()
        return True

    def accept_changes(self) -> None:
        """OK: store and close; a refused value keeps the dialog open on its tab."""
        if self.apply():
            self.accept()

    # --- inline checks ---------------------------------------------------------------------------
    def check_field(self, key: str) -> bool:
        """Check one field as the user leaves it (nothing is stored); True when it is acceptable."""
        value = self.current_values().get(key)
        if key not in self._initial or value == self._initial[key]:
            self._clear_hint(key)
            return True
        try:
            clean_setting(key, value, region=self._region())
        except ValidationError as exc:
            self.show_hint(key, str(exc), focus=False)
            return False
        self._clear_hint(key)
        return True

    def show_hint(self, key: str | None, text: str, *, focus: bool = True) -> None:
        """Say what is wrong under the field (switching to its tab); the field keeps what was typed."""
        page = self._page_of(key)
        if page is None or key is None:
            self.form_hint.setText(text)
            self.form_hint.show()
            return
        hint = page.hints[key]
        hint.setText(text)
        hint.show()
        if focus:
            self.tabs.setCurrentWidget(page)
            page.fields[key].setFocus(Qt.FocusReason.OtherFocusReason)

    def hint_text(self, key: str) -> str:
        """The refusal shown under a field ('' when none), for tests and screen readers."""
        page = self._page_of(key)
        hint = page.hints[key] if page is not None else self.form_hint
        return hint.text() if not hint.isHidden() else ""

    def _region(self) -> str:
        """The phone region to read the business phone with: the one chosen, if it is valid, else the stored one."""
        typed = self.region.values()["default_region"]
        try:
            return str(clean_setting("default_region", typed, region=""))
        except ValidationError:
            return str(self._initial.get("default_region", "GB"))

    def _page_of(self, key: str | None) -> SettingsPage | None:
        return next((page for page in self.pages if key in page.hints), None)

    def _clear_hint(self, key: str | None) -> None:
        page = self._page_of(key)
        hint = page.hints[key] if page is not None and key is not None else self.form_hint
        hint.hide()
        hint.clear()

    def _edited(self, key: str) -> None:
        if self._loading:
            return
        self._clear_hint(key)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(bool(self.changes()))


def open_settings_dialog(parent: QWidget | None, db: Workspace, undo_stack: UndoStack) -> SettingsDialog:
    """Show the Business Settings dialog (window-modal, not blocking); an open one is raised instead of a second."""
    if parent is not None:
        for dialog in parent.findChildren(SettingsDialog):
            if dialog.isVisible():
                dialog.raise_()
                dialog.activateWindow()
                return dialog
    dialog = SettingsDialog(db, undo_stack, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# --- the Sales and Customers pages (Business and Region are in settings_pages) ---------------------


class ChecklistTable(QTableWidget):
    """The onboarding checklist: a task title and how many days after the win it is due."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Task", "Days after the win"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegateForColumn(1, _DaysDelegate(self))
        self.setMinimumHeight(150)

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.setRowCount(0)
        for item in items:
            self.add_item(str(item.get("title", "")), int(item.get("due_days", 0)))

    def add_item(self, title: str, days: int) -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(title))
        cell = QTableWidgetItem()
        cell.setData(Qt.ItemDataRole.EditRole, days)
        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(row, 1, cell)
        return row

    def items(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.rowCount()):
            title, days = self.item(row, 0), self.item(row, 1)
            rows.append({
                "title": title.text() if title else "",
                "due_days": int(days.data(Qt.ItemDataRole.EditRole) or 0) if days else 0,
            })  # fmt: skip
        return rows


class SalesPage(SettingsPage):
    """Quotes, and the tasks a won deal starts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote_validity_days = spin_box(self, 1, 3650, " days")
        self.quote_terms = text_box(self, lines=3)
        self.checklist = ChecklistTable(self)
        self.add_task_button = QPushButton("Add task", self)
        self.remove_task_button = QPushButton("Remove", self)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_task_button)
        buttons.addWidget(self.remove_task_button)
        buttons.addStretch(1)
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.checklist, 1)
        row.addLayout(buttons)
        self.add_row("quote_validity_days", "Quotes &valid for", self.quote_validity_days)
        self.add_row("quote_terms", "Quote &terms", self.quote_terms, note="Printed at the foot of every quote.")
        note = "Winning a deal turns each line into a task for the deal's owner, due that many days after the win."
        self.add_row("onboarding_checklist", "&Onboarding", holder, field=self.checklist, note=note, stretch=True)
        self.add_task_button.clicked.connect(self.add_task)
        self.remove_task_button.clicked.connect(self.remove_task)
        self.checklist.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def add_task(self) -> None:
        """A new line, ready for its title to be typed."""
        row = self.checklist.add_item("New task", 1)
        self.checklist.setCurrentCell(row, 0)
        self.checklist.editItem(self.checklist.item(row, 0))
        self.edited.emit("onboarding_checklist")

    def remove_task(self) -> None:
        row = self.checklist.currentRow()
        if row >= 0:
            self.checklist.removeRow(row)
            self.edited.emit("onboarding_checklist")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_task_button.setEnabled(bool(self.checklist.selectedItems()))

    def load(self, values: dict[str, Any]) -> None:
        self.quote_validity_days.setValue(int(values["quote_validity_days"]))
        self.quote_terms.setPlainText(str(values["quote_terms"]))
        self.checklist.set_items(list(values["onboarding_checklist"]))
        self._update_buttons()

    def values(self) -> dict[str, Any]:
        return {
            "quote_validity_days": self.quote_validity_days.value(),
            "quote_terms": self.quote_terms.toPlainText(),
            "onboarding_checklist": self.checklist.items(),
        }


class CustomersPage(SettingsPage):
    """When a customer counts as lost, how loyalty points work, and how fast cases must be answered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.churn_inactivity_days = spin_box(self, 1, 3650, " days")
        self.points_per_currency_unit = spin_box(self, 0, 10_000, "")
        self.points_expiry_days = spin_box(self, 0, 36_500, " days")
        self.points_expiry_days.setSpecialValueText("Never")
        self.sla = {priority.value: spin_box(self, 1, 8760, " hours") for priority in CasePriority}
        sla_box = QWidget(self)
        sla_form = QFormLayout(sla_box)
        sla_form.setContentsMargins(0, 0, 0, 0)
        for priority, spin in self.sla.items():
            sla_form.addRow(label(priority), spin)
        churn_note = "A customer with no purchase for this long counts as churned."
        self.add_row("churn_inactivity_days", "&Churn after", self.churn_inactivity_days, note=churn_note)
        points_note = "Points a customer earns for each whole unit of money spent (0 turns earning off)."
        self.add_row("points_per_currency_unit", "&Points per unit", self.points_per_currency_unit, note=points_note)
        self.add_row("points_expiry_days", "Points &expire after", self.points_expiry_days)
        self.add_row("case_sla_hours", "Answer cases &within", sla_box, field=self.sla[CasePriority.NORMAL.value])
        for spin in self.sla.values():
            spin.valueChanged.connect(lambda _value: self.edited.emit("case_sla_hours"))
        self.box.addStretch(1)

    def load(self, values: dict[str, Any]) -> None:
        for key in ("churn_inactivity_days", "points_per_currency_unit", "points_expiry_days"):
            getattr(self, key).setValue(int(values[key]))
        hours = values["case_sla_hours"]
        for priority, spin in self.sla.items():
            spin.setValue(int(hours.get(priority, spin.minimum())) if isinstance(hours, dict) else spin.minimum())

    def values(self) -> dict[str, Any]:
        return {
            "churn_inactivity_days": self.churn_inactivity_days.value(),
            "points_per_currency_unit": self.points_per_currency_unit.value(),
            "points_expiry_days": self.points_expiry_days.value(),
            "case_sla_hours": {priority: spin.value() for priority, spin in self.sla.items()},
        }


class _DaysDelegate(QStyledItemDelegate):
    """Edits the days column with a spin box from 0 to ten years."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        return spin_box(parent, 0, 3650, "")
