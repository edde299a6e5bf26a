"""The contacts filter bar: one drop-down chip per filter, each saying what it keeps, and Clear.

Choices (owners, sources, campaigns, tags) are read when a menu opens, so opening the tab costs nothing.
The bar holds a `ContactFilter` without search text; the tab adds the search box's text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton, QWidget

from crm_desktop.services.contact_choices import FilterChoices, filter_choices, tags_in_use
from crm_desktop.services.contact_list import NO_OWNER, ContactFilter
from crm_desktop.services.vocab import LeadStatus, LifecycleStage
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.flow import FlowLayout
from crm_desktop.ui.labels import label, marker

TAG_MENU_LIMIT = 40
CHIP_STYLE = """
QToolButton#filterChip {
    padding: 3px 9px; border: 1px solid palette(mid); border-radius: 12px; background: palette(base);
}
QToolButton#filterChip:hover { border-color: palette(highlight); }
QToolButton#filterChip[active="true"] {
    border: 2px solid palette(highlight); padding: 2px 8px; color: palette(highlight);
}
QToolButton#filterChip::menu-indicator { image: none; width: 0; }
QToolButton#clearFilters { padding: 3px 9px; border: 1px solid transparent; color: palette(link); }
QToolButton#clearFilters:disabled { color: palette(mid); }
"""
YES_NO = ((None, "Any"), (True, "With"), (False, "Without"))
TRASH = (("hide", "Hide the Trash"), ("include", "Include the Trash"), ("only", "Only the Trash"))


class FilterChip(QToolButton):
    """A rounded drop-down button: its text names the filter, and what it is set to when set."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.setAccessibleName(f"{title} filter")
        self.show_choice(None)

    def show_choice(self, text: str | None) -> None:
        """Show the chosen value (None: not filtering)."""
        self.setProperty("active", bool(text))
        self.style().unpolish(self)
        self.style().polish(self)  # before the text: the size hint must be measured in the active font
        self.setText(f"{self.title}: {text} ▾" if text else f"{self.title} ▾")
        self.setToolTip(f"{self.title}: {text}" if text else f"Filter by {self.title.lower()}")
        self.updateGeometry()


class FilterBar(QWidget):
    """Stage, lead status, tag, owner, source, campaign, open deal, open case, Trash — and Clear."""

    filter_changed = Signal(object)  # ContactFilter (without search text)

    def __init__(self, db: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.filter = ContactFilter()
        self._choices: FilterChoices | None = None
        self._tags: list[tuple[str, int]] | None = None
        self.setStyleSheet(CHIP_STYLE)
        self.stage = self._chip("Stage", self._fill_stage)
        self.status = self._chip("Lead status", self._fill_status)
        self.tag = self._chip("Tag", self._fill_tag)
        self.owner = self._chip("Owner", self._fill_owner)
        self.source = self._chip("Source", self._fill_source)
        self.campaign = self._chip("Campaign", self._fill_campaign)
        self.deal = self._chip("Open deal", lambda m: self._fill_yes_no(m, "has_open_deal", "an open deal"))
        self.case = self._chip("Open case", lambda m: self._fill_yes_no(m, "has_open_case", "an open case"))
        self.trash = self._chip("Trash", self._fill_trash)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear filters")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setToolTip("Show every contact again (the search text stays)")
        self.clear_button.clicked.connect(self.clear)
        layout = FlowLayout(self)
        for chip in self.chips:
            layout.addWidget(chip)
        layout.addWidget(self.clear_button)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._show()

    @property
    def chips(self) -> list[FilterChip]:
        return [self.stage, self.status, self.tag, self.owner, self.source, self.campaign, self.deal, self.case,
                self.trash]  # fmt: skip

    # --- public API -----------------------------------------------------------------------------
    def set_filter(self, new: ContactFilter, *, notify: bool = False) -> None:
        """Show `new` on the chips (its search text is ignored); `notify` announces it too."""
        self.filter = replace(new, search="")
        self._show()
        if notify:
            self.filter_changed.emit(self.filter)

    def clear(self) -> None:
        self.set_filter(ContactFilter(), notify=True)

    def reset_choices(self) -> None:
        """Forget cached owners, sources, campaigns and tags (the data changed)."""
        self._choices, self._tags = None, None

    def menu_for(self, chip: FilterChip) -> QMenu:
        """The chip's menu, filled with the current choices (what opening it shows)."""
        menu = chip.menu()
        menu.aboutToShow.emit()
        return menu

    def action_for(self, chip: FilterChip, data: Any) -> Any:
        """The menu entry of `chip` that chooses `data` (for tests and keyboard helpers)."""
        for action in self.menu_for(chip).actions():
            if not action.isSeparator() and action.data() == data and action.isEnabled():
                return action
        raise KeyError(f"{chip.title}: no choice {data!r}")

    # --- menus ----------------------------------------------------------------------------------
    def _chip(self, title: str, fill: Callable[[QMenu], None]) -> FilterChip:
        chip = FilterChip(title, self)
        menu = chip.menu()
        menu.aboutToShow.connect(lambda: (menu.clear(), fill(menu)))
        return chip

    def _choose(self, **changes: Any) -> None:
        self.set_filter(replace(self.filter, **changes), notify=True)

    def _add(
        self, menu: QMenu, text: str, data: Any, checked: bool, pick: Callable[[], None], icon: Any = None
    ) -> None:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(checked)
        action.setData(data)
        if icon is not None:
            action.setIcon(icon)
        action.triggered.connect(lambda _on=False: pick())

    def _fill_many(self, menu: QMenu, field: str, values: Sequence[str], what: str) -> None:
        chosen: tuple[str, ...] = getattr(self.filter, field)
        self._add(menu, f"Any {what}", None, not chosen, lambda: self._choose(**{field: ()}))
        menu.addSeparator()
        for value in values:
            toggled = tuple(v for v in values if (v in chosen) != (v == value))
            self._add(menu, label(value), value, value in chosen, lambda t=toggled: self._choose(**{field: t}),
                      marker(value))  # fmt: skip

    def _fill_stage(self, menu: QMenu) -> None:
        self._fill_many(menu, "lifecycle_stages", [s.value for s in LifecycleStage], "stage")

    def _fill_status(self, menu: QMenu) -> None:
        self._fill_many(menu, "lead_statuses", [s.value for s in LeadStatus], "lead status")

    def _fill_one(self, menu: QMenu, field: str, any_text: str, options: Sequence[tuple[Any, str]]) -> None:
        current = getattr(self.filter, field)
        self._add(menu, any_text, None, current is None, lambda: self._choose(**{field: None}))
        menu.addSeparator()
        for value, text in options:
            self._add(menu, text, value, current == value, lambda v=value: self._choose(**{field: v}))
        if not options:
            menu.addAction("(none yet)").setEnabled(False)

    def _fill_tag(self, menu: QMenu) -> None:
        if self._tags is None:
            with self._db.read_session() as session:
                self._tags = tags_in_use(session=session, limit=TAG_MENU_LIMIT)
        options = [(tag, f"{tag}  ({count})") for tag, count in self._tags]
        if self.filter.tag and all(t.casefold() != self.filter.tag.casefold() for t, _ in self._tags):
            options.insert(0, (self.filter.tag, self.filter.tag))
        self._fill_one(menu, "tag", "Any tag", options)

    def _fill_owner(self, menu: QMenu) -> None:
        owners = [(NO_OWNER, "Nobody (unassigned)"), *self.choices().owners]
        self._fill_one(menu, "owner_id", "Anyone", owners)

    def _fill_source(self, menu: QMenu) -> None:
        self._fill_one(menu, "source", "Any source", [(s, label(s)) for s in self.choices().sources])

    def _fill_campaign(self, menu: QMenu) -> None:
        self._fill_one(menu, "campaign_id", "Any campaign", self.choices().campaigns)

    def _fill_yes_no(self, menu: QMenu, field: str, what: str) -> None:
        current = getattr(self.filter, field)
        for value, text in YES_NO:
            caption = text if value is None else f"{text} {what}"
            self._add(menu, caption, value, current == value, lambda v=value: self._choose(**{field: v}))

    def _fill_trash(self, menu: QMenu) -> None:
        for value, text in TRASH:
            self._add(menu, text, value, self.filter.trash == value, lambda v=value: self._choose(trash=v))

    # --- chip texts -----------------------------------------------------------------------------
    def choices(self) -> FilterChoices:
        if self._choices is None:
            with self._db.read_session() as session:
                self._choices = filter_choices(session=session)
        return self._choices

    def _name(self, options: Sequence[tuple[uuid.UUID, str]], value: uuid.UUID | None) -> str | None:
        if value is None:
            return None
        if value == NO_OWNER:
            return "Nobody"
        return next((name for key, name in options if key == value), "(deleted)")

    def _show(self) -> None:
        f = self.filter
        self.stage.show_choice(_many(f.lifecycle_stages))
        self.status.show_choice(_many(f.lead_statuses))
        self.tag.show_choice(f.tag)
        needs_names = f.owner_id is not None or f.campaign_id is not None
        choices = self.choices() if needs_names else None
        self.owner.show_choice(self._name(choices.owners if choices else [], f.owner_id))
        self.source.show_choice(label(f.source) if f.source else None)
        self.campaign.show_choice(self._name(choices.campaigns if choices else [], f.campaign_id))
        self.deal.show_choice(None if f.has_open_deal is None else ("yes" if f.has_open_deal else "no"))
        self.case.show_choice(None if f.has_open_case is None else ("yes" if f.has_open_case else "no"))
        self.trash.show_choice(None if f.trash == "hide" else dict(TRASH)[f.trash].split()[0].lower())
        self.clear_button.setEnabled(not f.is_empty())


def _many(values: Sequence[str]) -> str | None:
    if not values:
        return None
    return label(values[0]) if len(values) == 1 else f"{label(values[0])} +{len(values) - 1}"
