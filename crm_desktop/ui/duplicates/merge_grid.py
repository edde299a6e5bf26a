"""The field grid of the merge dialog: one column per contact, one row per field, a radio button per value."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from crm_desktop.services.merge import MergeCandidate, MergeField, MergePreview
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import make_muted

VOCABULARIES = frozenset({"lifecycle_stage", "lead_status"})  # stored values shown as their labels
COMBINED = "combined"  # the pick for notes joined from every contact (the preview's default when they differ)
EMPTY = "—"
MAX_TEXT = 48
Pick = uuid.UUID | str
SINGULAR = {"deals": "deal", "cases": "case", "activities": "activity", "tasks": "task", "purchases": "purchase",
            "subscriptions": "subscription", "referrals": "referral", "channels": "more contact detail",
            "feedback": "feedback answer"}  # fmt: skip
PLURAL = {"channels": "more contact details", "feedback": "feedback answers"}
KEPT_CARD = "QFrame#sidePanel { border: 2px solid palette(highlight); }"


def link_text(links: Mapping[str, int], points: int) -> str:
    """'3 deals, 2 cases, 14 activities, 230 points' (only what there is), or 'No linked records'."""
    parts = [_count(n, name) for name, n in links.items() if n]
    if points:
        parts.append(f"{points:,} point{'s' * (abs(points) != 1)}")
    if not parts:
        return "No linked records"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _count(n: int, name: str) -> str:
    return f"{n:,} {SINGULAR.get(name, name) if n == 1 else PLURAL.get(name, name)}"


def moving_links(preview: MergePreview, survivor_id: uuid.UUID) -> tuple[dict[str, int], int]:
    """What moves to the survivor: the other contacts' linked records summed, and their points balance."""
    totals: dict[str, int] = {}
    points = 0
    for contact in preview.contacts:
        if contact.id == survivor_id:
            continue
        for name, n in contact.links.items():
            totals[name] = totals.get(name, 0) + n
        points += contact.points_balance
    return totals, points


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1] + "…"


def _shown(field: MergeField, text: str) -> str:
    if not text:
        return EMPTY
    return label(text) if field.name in VOCABULARIES else _short(text)


class MergeGrid(QWidget):
    """Built from a preview; `picks` holds the user's choices, which survive a rebuild for another survivor."""

    def __init__(self, preview: MergePreview, fmt: Formatter, picks: Mapping[str, Pick], parent: QWidget) -> None:
        super().__init__(parent)
        self.preview = preview
        self.survivor_buttons: dict[uuid.UUID, QRadioButton] = {}
        self.field_buttons: dict[str, dict[Pick, QRadioButton]] = {}
        self.survivor_group = QButtonGroup(self)
        self._groups: list[QButtonGroup] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnMinimumWidth(0, 130)
        for column, contact in enumerate(preview.contacts, start=1):
            grid.addWidget(self._card(contact, fmt), 0, column)
            grid.setColumnStretch(column, 1)
        differing = [f for f in preview.fields if f.differs]
        same = [f for f in preview.fields if not f.differs and any(o.text for o in f.options)]
        row = 1
        if differing:
            row = self._section("Choose the value to keep", grid, row)
            for field in differing:
                row = self._choice_row(field, picks.get(field.name), grid, row)
        if same:
            row = self._section("The same, or filled in only once", grid, row)
            for field in same:
                row = self._plain_row(field, grid, row)
        grid.setRowStretch(row, 1)

    def _card(self, contact: MergeCandidate, fmt: Formatter) -> QFrame:
        card = QFrame(self)
        card.setObjectName("sidePanel")
        name = QLabel(contact.display_name, card)
        name.setObjectName("sectionTitle")
        meta = make_muted(QLabel(f"{label(contact.lifecycle_stage)} · added {fmt.date(contact.created_at)}", card))
        links = make_muted(QLabel(link_text(contact.links, contact.points_balance), card))
        links.setWordWrap(True)
        keep = QRadioButton("Keep this contact", card)
        keep.setChecked(contact.id == self.preview.survivor_id)
        if keep.isChecked():
            card.setStyleSheet(KEPT_CARD)
        self.survivor_group.addButton(keep)
        self.survivor_buttons[contact.id] = keep
        layout = QVBoxLayout(card)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        for widget in (name, meta, links):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addSpacing(4)
        layout.addWidget(keep)
        return card

    def _section(self, title: str, grid: QGridLayout, row: int) -> int:
        heading = QLabel(title, self)
        heading.setObjectName("sectionTitle")
        heading.setContentsMargins(0, 10, 0, 2)
        grid.addWidget(heading, row, 0, 1, len(self.preview.contacts) + 1)
        return row + 1

    def _choice_row(self, field: MergeField, pick: Pick | None, grid: QGridLayout, row: int) -> int:
        group = QButtonGroup(self)
        self._groups.append(group)
        buttons: dict[Pick, QRadioButton] = {}
        grid.addWidget(make_muted(QLabel(field.label, self)), row, 0)
        for column, option in enumerate(field.options, start=1):
            button = QRadioButton(_shown(field, option.text), self)
            button.setToolTip(option.text)
            group.addButton(button)
            buttons[option.contact_id] = button
            grid.addWidget(button, row, column)
        row += 1
        if field.default_contact_id is None:  # the default joins every contact's value (notes)
            combined = QRadioButton("Keep all of them, one after the other", self)
            combined.setToolTip(str(field.default_value or ""))
            group.addButton(combined)
            buttons[COMBINED] = combined
            grid.addWidget(combined, row, 1, 1, len(field.options))
            row += 1
        default: Pick = field.default_contact_id or COMBINED
        buttons.get(pick or default, buttons[default]).setChecked(True)
        self.field_buttons[field.name] = buttons
        return row

    def _plain_row(self, field: MergeField, grid: QGridLayout, row: int) -> int:
        grid.addWidget(make_muted(QLabel(field.label, self)), row, 0)
        for column, option in enumerate(field.options, start=1):
            value = QLabel(_shown(field, option.text), self)
            value.setToolTip(option.text)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if not option.text:
                make_muted(value)
            grid.addWidget(value, row, column)
        return row + 1

    def picked(self) -> dict[str, Pick]:
        """Each choosable field's checked value: a contact id, or COMBINED."""
        result: dict[str, Pick] = {}
        for name, buttons in self.field_buttons.items():
            for key, button in buttons.items():
                if button.isChecked():
                    result[name] = key
        return result
