"""Business Settings dialog: edits land in the database as one undoable step, bad input is refused in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from crm_desktop.services.settings import read_settings
from crm_desktop.ui.settings_dialog import SettingsDialog, open_settings_dialog
from crm_desktop.ui.undo_stack import UndoStack

KEYS = ("business_name", "currency", "locale", "onboarding_checklist", "business_email", "business_phone")


def _stored(db: Any, keys: tuple[str, ...] = KEYS) -> dict[str, Any]:
    with db.read_session() as session:
        return read_settings(session=session, keys=keys)


@pytest.fixture
def owner(qtbot: Any) -> QWidget:
    """The dialog's parent window (the dialog deletes itself on close; the owner outlives it)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _dialog(qtbot: Any, db: Any, owner: QWidget, stack: UndoStack | None = None) -> tuple[SettingsDialog, UndoStack]:
    stack = stack or UndoStack(db, owner)
    dialog = open_settings_dialog(owner, db, stack)
    qtbot.waitExposed(dialog)
    return dialog, stack


def _choose(combo: Any, code: str) -> None:
    combo.setCurrentIndex(combo.findData(code))


def test_ok_stores_the_changes_in_one_undo_step_and_the_window_reformats(qtbot: Any, window: Any, db: Any) -> None:
    before = _stored(db)
    assert before["currency"] == "EUR" and "€" in window.pipeline.count.text()
    dialog = open_settings_dialog(window, db, window.undo_stack)
    qtbot.waitExposed(dialog)
    assert open_settings_dialog(window, db, window.undo_stack) is dialog, "a second open raises the first"
    dialog.business.name.clear()
    qtbot.keyClicks(dialog.business.name, "Atelier Bronte")
    dialog.tabs.setCurrentWidget(dialog.region)
    _choose(dialog.region.currency, "USD")
    _choose(dialog.region.locale, "en_US")
    assert dialog.region.sample.text().startswith("$1,234,567.89")
    dialog.tabs.setCurrentWidget(dialog.sales)
    table = dialog.sales.checklist
    table.setCurrentCell(0, 0)
    qtbot.mouseClick(dialog.sales.remove_task_button, Qt.MouseButton.LeftButton)  # "Send welcome email" goes
    qtbot.mouseClick(dialog.sales.add_task_button, Qt.MouseButton.LeftButton)
    row = table.rowCount() - 1
    table.item(row, 0).setText("Ship the welcome pack")
    table.item(row, 1).setData(Qt.ItemDataRole.EditRole, 5)
    assert dialog.apply_button.isEnabled()
    steps = window.undo_stack.count()

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert _stored(db) == {
        **before,
        "business_name": "Atelier Bronte",
        "currency": "USD",
        "locale": "en_US",
        "onboarding_checklist": [
            {"title": "Kickoff call", "due_days": 3},
            {"title": "Check-in after 14 days", "due_days": 14},
            {"title": "Ship the welcome pack", "due_days": 5},
        ],
    }
    assert window.undo_stack.count() == steps + 1
    assert window.undo_stack.undoText() == "Change business settings"
    qtbot.waitUntil(lambda: window.fmt.currency == "USD" and window.fmt.locale == "en_US")
    assert window.windowTitle().startswith("Atelier Bronte")
    assert window.contacts.fmt.currency == "USD"
    qtbot.waitUntil(lambda: "$" in window.pipeline.count.text())  # the board's total re-formats

    window.action_map["undo"].trigger()
    assert _stored(db) == before
    qtbot.waitUntil(lambda: window.fmt.currency == "EUR" and "€" in window.pipeline.count.text())
    assert window.windowTitle().startswith(str(before["business_name"]))


def test_an_invalid_email_is_refused_with_the_text_kept_and_nothing_stored(
    qtbot: Any, empty_db: Any, owner: QWidget
) -> None:
    before = _stored(empty_db)
    dialog, stack = _dialog(qtbot, empty_db, owner)
    dialog.business.name.setText("Kaffee Łódź")
    dialog.tabs.setCurrentWidget(dialog.customers)
    dialog.business.email.setText("orders@")
    dialog.business.email.editingFinished.emit()  # leaving the field checks it at once
    assert "not a valid email address" in dialog.hint_text("business_email")

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is dialog.business, "the dialog shows the refused field"
    assert dialog.business.email.text() == "orders@"
    assert "not a valid email address" in dialog.hint_text("business_email")
    assert _stored(empty_db) == before and stack.count() == 0, "one bad value stores none"

    dialog.business.email.setText("orders@kaffee.example")
    assert dialog.hint_text("business_email") == "", "typing again clears the complaint"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    stored = _stored(empty_db)
    assert (stored["business_name"], stored["business_email"]) == ("Kaffee Łódź", "orders@kaffee.example")


def test_cancel_writes_nothing(qtbot: Any, empty_db: Any, owner: QWidget) -> None:
    before = _stored(empty_db, keys=("business_name", "onboarding_checklist", "case_sla_hours", "timezone"))
    dialog, stack = _dialog(qtbot, empty_db, owner)
    dialog.business.name.setText("Never saved")
    qtbot.mouseClick(dialog.sales.add_task_button, Qt.MouseButton.LeftButton)
    dialog.customers.sla["urgent"].setValue(2)
    dialog.region.timezone.setEditText("Europe/Berlin")
    assert dialog.changes().keys() == {"business_name", "onboarding_checklist", "case_sla_hours", "timezone"}

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert _stored(empty_db, keys=tuple(before)) == before
    assert stack.count() == 0


def test_apply_normalises_the_phone_with_the_region_and_keeps_the_dialog_open(
    qtbot: Any, empty_db: Any, owner: QWidget
) -> None:
    dialog, stack = _dialog(qtbot, empty_db, owner)
    assert not dialog.apply_button.isEnabled(), "nothing to apply yet"
    dialog.region.default_region.setEditText("de")  # a typed code is understood as well as a picked name
    dialog.business.phone.setText("030 901820")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and stack.count() == 1
    assert _stored(empty_db, keys=("business_phone", "default_region")) == {
        "business_phone": "+4930901820",
        "default_region": "DE",
    }
    assert dialog.business.phone.text() == "030 901820", "shown as people write it"
    assert dialog.region.default_region.currentData() == "DE"
    assert not dialog.apply_button.isEnabled()

    dialog.business.phone.setText("12")
    dialog.business.phone.editingFinished.emit()
    assert "not a valid phone number" in dialog.hint_text("business_phone")
    assert dialog.business.phone.text() == "12"


def test_a_logo_is_previewed_checked_and_stored(qtbot: Any, empty_db: Any, owner: QWidget, tmp_path: Path) -> None:
    dialog, _stack = _dialog(qtbot, empty_db, owner)
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    dialog.business.set_logo(str(fake))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not a PNG or JPEG" in dialog.hint_text("business_logo")

    logo = tmp_path / "logo.png"
    picture = QImage(120, 40, QImage.Format.Format_RGB32)
    picture.fill(QColor("#2563eb"))
    assert picture.save(str(logo))
    dialog.business.set_logo(str(logo))
    assert not dialog.business.logo_preview.pixmap().isNull()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert _stored(empty_db, keys=("business_logo",)) == {"business_logo": str(logo.resolve())}

    again, _stack = _dialog(qtbot, empty_db, owner, _stack)
    assert again.business.logo.text() == str(logo.resolve())
    qtbot.mouseClick(again.business.clear_logo_button, Qt.MouseButton.LeftButton)
    assert again.business.logo_preview.isHidden()
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert _stored(empty_db, keys=("business_logo",)) == {"business_logo": ""}


def test_screenshots_of_every_tab(qtbot: Any, empty_db: Any, owner: QWidget, tmp_path: Path) -> None:
    """Each tab renders (offscreen) at a usual size; the pictures are kept for a person to look at."""
    dialog, _stack = _dialog(qtbot, empty_db, owner)
    dialog.resize(680, 560)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        picture = dialog.grab()
        assert not picture.isNull() and picture.width() >= 600
        assert picture.save(str(tmp_path / f"settings_tab{index}.png"))
