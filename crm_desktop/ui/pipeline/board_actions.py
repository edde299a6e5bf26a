"""What the Pipeline tab does with its cards: find the target, move it (drag, menu, keyboard), and show the
tab's own writes in place instead of reloading the board."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView

from crm_desktop.services.deals import DealCard
from crm_desktop.ui.pipeline.deal_moves import CardActions, DealMoves, DropZone, Target
from crm_desktop.ui.pipeline.delegate import StageColumnWidget
from crm_desktop.ui.pipeline.model import move_card
from crm_desktop.ui.table_model import ROW_ROLE

if TYPE_CHECKING:
    from crm_desktop.ui.pipeline.deal_table import DealTableModel


class BoardActions:
    """Mixed into `PipelineTab`: the card actions, over the columns and table the tab builds."""

    columns: list[StageColumnWidget]
    table: QTableView
    table_model: DealTableModel
    moves: DealMoves
    actions: CardActions
    menu: QMenu | None
    summary: dict[str, int]
    won_zone: DropZone
    lost_zone: DropZone
    _table_stale: bool
    _loading: bool

    if TYPE_CHECKING:  # what the tab itself provides

        @property
        def list_mode(self) -> bool: ...
        def refresh(self) -> None: ...
        def _reload_table(self) -> None: ...
        def _update_count(self) -> None: ...

    def card_menu_extras(self, menu: QMenu, target: Target) -> None:
        """More entries for a card's context menu (the tab adds "Print quote…")."""

    def _single_selection(self, widget: StageColumnWidget, current: QModelIndex) -> None:
        """One selected card on the whole board, so the keyboard and menu actions have one target."""
        if current.isValid():
            for other in self.columns:
                if other is not widget:
                    other.list.clearSelection()

    def find(self, deal_id: uuid.UUID) -> tuple[StageColumnWidget, DealCard] | None:
        """The column and card of a deal on the board."""
        for widget in self.columns:
            card = widget.model.card(deal_id)
            if card is not None:
                return widget, card
        return None

    def current(self) -> Target | None:
        """The selected card (board) or row (list) the actions apply to."""
        if self.list_mode:
            row = self.table.currentIndex().data(ROW_ROLE) if self.table.currentIndex().isValid() else None
            return Target(row.id, row.title, row.stage_id) if row is not None else None
        for widget in self.columns:
            card = widget.selected_card()
            if card is not None:
                return Target(card.id, card.title, card.stage_id)
        return None

    def _with(self, deal_id: uuid.UUID, act: Any) -> None:
        found = self.find(deal_id)
        if found is not None:
            act(Target(found[1].id, found[1].title, found[0].stage_id))

    def _with_current(self, act: Any) -> None:
        target = self.current()
        if target is not None:
            act(target)

    def _move(self, target: Target, widget: StageColumnWidget) -> None:
        self.moves.move(target, widget.stage_id, widget.model.column.name)

    def step(self, delta: int) -> None:
        """Ctrl+Left / Ctrl+Right: the selected deal to the previous / next open stage."""
        target = self.current()
        stages = [w.stage_id for w in self.columns]
        if target is None or target.stage_id not in stages:
            return
        position = stages.index(target.stage_id) + delta
        if 0 <= position < len(self.columns):
            self._move(target, self.columns[position])

    def _walk(self, widget: StageColumnWidget, delta: int) -> None:
        """Left / Right: the keyboard focus goes to the neighbouring stage's first card."""
        position = self.columns.index(widget) + delta
        if 0 <= position < len(self.columns) and self.columns[position].model.rowCount():
            neighbour = self.columns[position]
            neighbour.list.setCurrentIndex(neighbour.model.index(0, 0))
            neighbour.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_menu(self, view: QAbstractItemView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid():
            return
        view.setCurrentIndex(index)
        target = self.current()
        if target is None:
            return
        stages = [(w.stage_id, w.model.column.name) for w in self.columns]
        self.menu = self.actions.menu(self, stages, target.stage_id)  # type: ignore[arg-type]
        self.card_menu_extras(self.menu, target)
        self.menu.triggered.connect(lambda action: self._menu_move(target, action))
        self.menu.popup(view.viewport().mapToGlobal(pos))

    def _menu_move(self, target: Target, action: QAction) -> None:
        if action.objectName() == "moveTo":
            self.moves.move(target, action.data(), action.text())

    # --- updating in place after this tab's own writes ---------------------------------------------
    def _place(self, deal_id: uuid.UUID, stage_id: uuid.UUID, probability: int | None) -> None:
        """A move was saved: the card goes from its column to the new one in place; both headers update."""
        found, target = self.find(deal_id), next((w for w in self.columns if w.stage_id == stage_id), None)
        if found is None or target is None:
            self.refresh()
            return
        move_card(found[0].model, target.model, deal_id, probability)
        for widget in (found[0], target):
            widget.update_header()
        if not self.list_mode:
            target.select(deal_id, focus=True)
        self._after_local_write()

    def _remove(self, deal_id: uuid.UUID, outcome: str) -> None:
        """Won, lost or deleted: the card leaves the board."""
        found = self.find(deal_id)
        if found is not None:
            found[0].model.take(deal_id)
            found[0].update_header()
        key = {"won": "won_count", "lost": "lost_count"}.get(outcome)
        if key is not None:
            self.summary[key] = self.summary.get(key, 0) + 1
        self._after_local_write()

    def _after_local_write(self) -> None:
        self._table_stale = True
        if self.list_mode:
            self._reload_table()
        self._update_count()
        if self._loading:
            self.refresh()  # a load that started before this write would show the old stage: load again

    def _arm_zones(self, armed: bool) -> None:
        for zone in (self.won_zone, self.lost_zone):
            zone.set_armed(armed)
