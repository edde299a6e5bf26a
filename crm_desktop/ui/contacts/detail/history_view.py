"""The History tab: each change as "what, by whom, when" with its fields underneath ("old → new")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QWidget

from crm_desktop.services.contacts import format_phone
from crm_desktop.services.history import FieldChange, HistoryEntry
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import label
from crm_desktop.ui.style import muted_text

VOCABULARY_FIELDS = frozenset({"lifecycle_stage", "lead_status", "status", "priority", "kind"})
LONGEST = 160
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2


def show_value(change: FieldChange, value: Any, fmt: Formatter) -> str:
    """A stored value as a person reads it (dates in the business's format, phones national, Yes/No)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, datetime):
        return fmt.moment(value)
    if isinstance(value, date):
        return fmt.date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if change.kind == "phone":
        return format_phone(str(value), fmt.region)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    text = " ".join(str(value).split())
    if change.field in VOCABULARY_FIELDS:
        text = label(text)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def headline(entry: HistoryEntry) -> str:
    """'Contact edited', 'Email (work) added', 'Moved to Trash'..."""
    if entry.table == "contact_channel":
        verb = {"created": "added", "changed": "changed", "trashed": "removed", "restored": "restored"}[entry.action]
        return f"{entry.record} {verb}"
    return {
        "created": f"{entry.record} created",
        "changed": f"{entry.record} edited",
        "trashed": "Moved to Trash",
        "restored": "Restored from Trash",
    }[entry.action]


class HistoryView(QTreeWidget):
    """Newest change first; each one expanded to the fields it set."""

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.entries: list[HistoryEntry] = []
        self.setObjectName("historyTree")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self.setUniformRowHeights(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(0, 150)
        self.verticalScrollBar().setObjectName("slimScrollBar")

    def show_entries(self, entries: Sequence[HistoryEntry]) -> None:
        self.entries = list(entries)
        self.clear()
        quiet_colour = muted_text(self.palette())
        quiet = QBrush(quiet_colour)
        for number, entry in enumerate(self.entries):
            if number:
                gap = QTreeWidgetItem(self)
                gap.setFlags(Qt.ItemFlag.NoItemFlags)
                gap.setSizeHint(0, QSize(1, 10))
            who = entry.user_name or "Someone"
            when = self.fmt.moment(entry.at)
            top = QTreeWidgetItem(self)
            top.setData(0, TEXT_ROLE, f"{headline(entry)} · {who} · {when}")
            top.setData(0, ENTRY_ROLE, entry)
            top.setFirstColumnSpanned(True)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            title = QLabel(
                f"<b>{escape(headline(entry))}</b>&nbsp;&nbsp;"
                f"<span style='color:{quiet_colour.name()}'>{escape(who)} · {escape(when)}</span>"
            )
            title.setContentsMargins(0, 0, 0, 2)
            self.setItemWidget(top, 0, title)
            top.setSizeHint(0, title.sizeHint())
            for change in entry.changes:
                now = show_value(change, change.value, self.fmt)
                if entry.action == "changed" and change.previous not in (None, "", []):
                    text = f"{show_value(change, change.previous, self.fmt)}  →  {now}"
                else:
                    text = now
                child = QTreeWidgetItem(top, [change.label, text])
                child.setForeground(0, quiet)
                child.setToolTip(1, text)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setExpanded(True)
        if not self.entries:
            empty = QTreeWidgetItem(self, ["No changes recorded yet."])
            empty.setFirstColumnSpanned(True)
            empty.setForeground(0, quiet)

    def lines(self) -> list[str]:
        """Every line as shown ("headline" or "label: value"), for tests and copy-paste."""
        out: list[str] = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if not top.flags() & Qt.ItemFlag.ItemIsEnabled:
                continue  # the gap between two entries
            out.append(str(top.data(0, TEXT_ROLE) or top.text(0)))
            out.extend(f"{top.child(j).text(0)}: {top.child(j).text(1)}" for j in range(top.childCount()))
        return out
