"""The pipeline's filter bar: search text, owner, expected-close range with quick presets, and Clear.

It holds one `DealFilter` and emits it whole on every change, so the board and the forecast panel ask
the services for exactly what the bar shows. The pipeline itself is chosen elsewhere (the tab's pipeline
combo): a filter given to `set_filter` keeps its pipeline_id, and the bar never changes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QStyle, QToolButton, QWidget

from crm_desktop.services.deal_filter import NO_OWNER, DealFilter
from crm_desktop.services.users import list_users
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.widgets import SearchBox

NO_DATE = QDate(1900, 1, 1)  # the date edits' "no date" value, shown as "Any"
DATE_DEBOUNCE_MS = 250  # typing a date changes it digit by digit: announce it once typing pauses
ANY, MONTH, QUARTER, NEXT_90, CUSTOM = "any", "month", "quarter", "next90", "custom"
PRESETS = ((ANY, "Any time"), (MONTH, "This month"), (QUARTER, "This quarter"), (NEXT_90, "Next 90 days"),
           (CUSTOM, "Custom range"))  # fmt: skip


def preset_range(preset: str, today: date) -> tuple[date | None, date | None]:
    """The inclusive dates a preset stands for: the calendar month or quarter of today, or today + 89 days."""
    if preset == MONTH:
        first = today.replace(day=1)
        return first, _month_end(first)
    if preset == QUARTER:
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return first, _month_end(_add_months(first, 2))
    if preset == NEXT_90:
        return today, today + timedelta(days=89)
    return None, None


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _add_months(first, 1) - timedelta(days=1)


class ClearableDateEdit(QDateEdit):
    """A date edit that can hold "no date" (shown as "Any"), with a clear button and a calendar popup."""

    def __init__(self, placeholder: str, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.setCalendarPopup(True)
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(placeholder)
        self.setDate(NO_DATE)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton)
        self.clear_action = self.lineEdit().addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.clear_action.setToolTip("No date")
        self.clear_action.triggered.connect(lambda: self.set_value(None))
        self.dateChanged.connect(lambda _d: self.clear_action.setVisible(not self.is_empty()))
        self.clear_action.setVisible(False)

    def is_empty(self) -> bool:
        return self.date() == NO_DATE

    def fit_width(self) -> None:
        """Wide enough for the longest date of the display format, the clear button and the arrow."""
        longest = QDate(2000, 12, 28).toString(self.displayFormat())
        text = max(longest, self.specialValueText(), key=self.fontMetrics().horizontalAdvance)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(text) + 2 * self.fontMetrics().height() + 40)

    def value(self) -> date | None:
        """The chosen date, or None for "no date"."""
        return None if self.is_empty() else self.date().toPython()

    def set_value(self, value: date | None) -> None:
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Open the calendar at today's month rather than at the "no date" placeholder of 1900."""
        super().mousePressEvent(event)
        if self.is_empty():
            today = self._today()
            self.calendarWidget().setCurrentPage(today.year, today.month)


class DealFilterBar(QWidget):
    """Search, owner, expected close (preset or from–to) and Clear; emits `filter_changed(DealFilter)`."""

    filter_changed = Signal(object)  # DealFilter

    def __init__(
        self,
        db: Workspace | None = None,
        fmt: Formatter | None = None,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        zone = (fmt or Formatter()).zone
        self.today = today or (lambda: datetime.now(zone).date())
        self._filter = DealFilter()
        self.search = SearchBox("Search deals by title, organization or contact", self)
        self.search.setMinimumWidth(220)
        self.owner = QComboBox(self)
        self.owner.setAccessibleName("Owner")
        self.owner.setToolTip("Show the deals of one owner")
        self.owner.setMinimumContentsLength(12)
        self.owner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset = QComboBox(self)
        self.preset.setAccessibleName("Expected close")
        self.preset.setToolTip("Show the deals expected to close in this period (deals without a date are hidden)")
        for key, text in PRESETS:
            self.preset.addItem(text, key)
        self.close_from = ClearableDateEdit("From: any", self.today, self)
        self.close_from.setAccessibleName("Expected close from")
        self.close_to = ClearableDateEdit("To: any", self.today, self)
        self.close_to.setAccessibleName("Expected close to")
        if fmt is not None:
            locale = QLocale(fmt.locale)
            for edit in (self.close_from, self.close_to):
                edit.setLocale(locale)
                edit.setDisplayFormat(locale.dateFormat(QLocale.FormatType.ShortFormat))
        for edit in (self.close_from, self.close_to):
            edit.fit_width()
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setToolTip("Show every open deal of the pipeline again")
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DEBOUNCE_MS)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.owner)
        layout.addSpacing(6)
        layout.addWidget(make_muted(QLabel("Expected close", self)))
        layout.addWidget(self.preset)
        layout.addWidget(self.close_from)
        layout.addWidget(make_muted(QLabel("–", self)))
        layout.addWidget(self.close_to)
        layout.addWidget(self.clear_button)

        self.set_owners([])
        self.search.search_changed.connect(lambda text: self._change(text=text))
        self.owner.activated.connect(lambda _i: self._change(owner_id=self.owner.currentData()))
        self.preset.activated.connect(lambda _i: self._apply_preset(self.preset.currentData()))
        self.close_from.dateChanged.connect(lambda _d: self._dates_edited(self.close_from))
        self.close_to.dateChanged.connect(lambda _d: self._dates_edited(self.close_to))
        self._date_timer.timeout.connect(
            lambda: self._change(close_from=self.close_from.value(), close_to=self.close_to.value())
        )
        self.clear_button.clicked.connect(self.clear)
        self.reload_owners()
        self._show()

    # --- public API -----------------------------------------------------------------------------
    @property
    def filter(self) -> DealFilter:
        return self._filter

    def set_filter(self, new: DealFilter, *, notify: bool = False) -> None:
        """Show `new` on the controls (its pipeline is kept as given); `notify` announces it too."""
        self._filter = new
        self._show()
        if notify:
            self.filter_changed.emit(new)

    def clear(self) -> None:
        """Back to every open deal of the pipeline (the pipeline stays)."""
        self.set_filter(DealFilter(pipeline_id=self._filter.pipeline_id), notify=True)

    def set_owners(self, owners: Sequence[tuple[uuid.UUID, str]]) -> None:
        """The team members to offer, as (id, name); the current choice survives when still offered."""
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("Any owner", None)
        self.owner.addItem("No owner", NO_OWNER)
        for user_id, name in owners:
            self.owner.addItem(name, user_id)
        self.owner.blockSignals(False)
        self._show_owner()

    def reload_owners(self) -> None:
        """Read the active team members (a handful of rows) from the workspace, if the bar has one."""
        if self._db is None:
            return
        with self._db.read_session() as session:
            self.set_owners([(u.id, u.name) for u in list_users(session=session)])

    def choose_owner(self, owner_id: uuid.UUID | None) -> None:
        """Pick an owner as a user would (the filter is announced)."""
        self.owner.setCurrentIndex(max(0, self._owner_index(owner_id)))
        self.owner.activated.emit(self.owner.currentIndex())

    def choose_preset(self, preset: str) -> None:
        """Pick a quick range as a user would (the filter is announced)."""
        self.preset.setCurrentIndex(max(0, self.preset.findData(preset)))
        self.preset.activated.emit(self.preset.currentIndex())

    # --- changes --------------------------------------------------------------------------------
    def _change(self, **changes: object) -> None:
        new = replace(self._filter, **changes)  # type: ignore[arg-type]
        if new != self._filter:
            self.set_filter(new, notify=True)

    def _apply_preset(self, preset: str) -> None:
        if preset == CUSTOM:  # keep the dates; the user edits them next
            return
        start, end = preset_range(preset, self.today())
        self._date_timer.stop()
        self._change(close_from=start, close_to=end)

    def _dates_edited(self, edited: ClearableDateEdit) -> None:
        """Keep the range forwards (moving the other end along), show "Custom", announce after a pause."""
        start, end = self.close_from.value(), self.close_to.value()
        if start is not None and end is not None and end < start:
            other = self.close_to if edited is self.close_from else self.close_from
            other.blockSignals(True)
            other.set_value(edited.value())
            other.blockSignals(False)
            other.clear_action.setVisible(True)
        self._show_preset(self.close_from.value(), self.close_to.value())
        self.clear_button.setEnabled(True)
        self._date_timer.start()

    # --- showing --------------------------------------------------------------------------------
    def _show(self) -> None:
        f = self._filter
        self._date_timer.stop()
        if self.search.text().strip() != f.text:
            self.search.blockSignals(True)
            self.search.setText(f.text)
            self.search.blockSignals(False)
            self.search.debounce.stop()
        self._show_owner()
        for edit, value in ((self.close_from, f.close_from), (self.close_to, f.close_to)):
            edit.blockSignals(True)
            edit.set_value(value)
            edit.blockSignals(False)
            edit.clear_action.setVisible(value is not None)
        self._show_preset(f.close_from, f.close_to)
        self.clear_button.setEnabled(not f.is_empty())

    def _show_owner(self) -> None:
        wanted = self._filter.owner_id
        index = self._owner_index(wanted)
        if index < 0 and wanted is not None:  # an owner no longer offered (inactive): still shown
            self.owner.addItem("Another owner", wanted)
            index = self.owner.count() - 1
        self.owner.setCurrentIndex(max(0, index))

    def _owner_index(self, owner_id: uuid.UUID | None) -> int:
        """The combo row holding `owner_id` (compared by value: findData compares Python objects by identity)."""
        return next((i for i in range(self.owner.count()) if self.owner.itemData(i) == owner_id), -1)

    def _show_preset(self, start: date | None, end: date | None) -> None:
        today = self.today()
        key = next((k for k, _t in PRESETS if k != CUSTOM and preset_range(k, today) == (start, end)), CUSTOM)
        self.preset.setCurrentIndex(self.preset.findData(key))
