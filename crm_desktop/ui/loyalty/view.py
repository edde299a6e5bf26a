"""The Loyalty tab: the members table with a side panel of tiers and rewards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from crm_desktop.services.loyalty import list_rewards, list_tiers
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.event_hub import LOYALTY, SETTINGS, EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import marker
from crm_desktop.ui.loyalty.model import MembersModel
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.table_tab import TableTab


class LoyaltyPanel(QFrame):
    """What members can reach and redeem: tiers by lifetime points, rewards by points cost."""

    def __init__(self, db: Workspace, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self._db, self.fmt = db, fmt
        self.tiers = QGridLayout()
        self.rewards = QGridLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        for title, grid in (("Tiers", self.tiers), ("Rewards", self.rewards)):
            heading = QLabel(title, self)
            heading.setObjectName("sectionTitle")
            layout.addWidget(heading)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(1, 1)
            layout.addLayout(grid)
            layout.addSpacing(12)
        layout.addStretch(1)

    def reload(self) -> None:
        with self._db.read_session() as session:
            tiers = [(t.name, t.min_points) for t in list_tiers(session=session)]
            rewards = [(r.name, r.points_cost, r.description) for r in list_rewards(session=session)]
        _clear(self.tiers)
        for row, (name, min_points) in enumerate(tiers):
            icon = QLabel(self)
            dot = marker(name.casefold())
            if dot is not None:
                icon.setPixmap(dot.pixmap(16, 16))
            self.tiers.addWidget(icon, row, 0)
            self.tiers.addWidget(QLabel(name, self), row, 1)
            self.tiers.addWidget(_right(make_muted(QLabel(f"from {self.fmt.number(min_points)} pts", self))), row, 2)
        _clear(self.rewards)
        for row, (name, cost, description) in enumerate(rewards):
            label = QLabel(name, self)
            label.setWordWrap(True)
            label.setToolTip(description or "")
            self.rewards.addWidget(label, row, 0, 1, 2)
            self.rewards.addWidget(_right(make_muted(QLabel(f"{self.fmt.number(cost)} pts", self))), row, 2)
        self.tier_names = [name for name, _ in tiers]
        self.reward_names = [name for name, _, _ in rewards]


class LoyaltyTab(TableTab):
    """Members (contacts with points or purchases), biggest balances first."""

    WATCHES = LOYALTY | SETTINGS
    NOUN = ("member", "members")

    def __init__(self, db: Workspace, hub: EventHub, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(MembersModel(db, fmt), hub, fmt, parent=parent, placeholder="Search members")
        self.model: MembersModel
        self.panel = LoyaltyPanel(db, fmt, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.table)
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([980, 260])
        self.panel.setMinimumWidth(230)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        super().refresh()
        self.panel.reload()

    def set_formatter(self, fmt: Formatter) -> None:
        self.panel.fmt = fmt
        super().set_formatter(fmt)


def _right(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _clear(grid: QGridLayout) -> None:
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
