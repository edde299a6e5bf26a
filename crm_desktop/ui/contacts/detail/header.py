"""The top of a person's card: avatar with initials, name, job and organization, status chips, how to reach them."""

from __future__ import annotations

import zlib

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from crm_desktop.services.users import initials
from crm_desktop.ui.labels import label, marker
from crm_desktop.ui.style import make_muted

AVATAR_COLOURS = ("#2563eb", "#0891b2", "#059669", "#ca8a04", "#ea580c", "#dc2626", "#db2777", "#7c3aed", "#4f46e5")


class Avatar(QWidget):
    """A coloured circle with the initials; the colour is stable per name."""

    def __init__(self, diameter: int = 56, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._diameter = diameter
        self.name = ""
        self.setFixedSize(diameter, diameter)

    def set_name(self, name: str) -> None:
        self.name = name
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._diameter, self._diameter)

    def paintEvent(self, event: QPaintEvent) -> None:
        colour = QColor(AVATAR_COLOURS[zlib.crc32(self.name.encode()) % len(AVATAR_COLOURS)])
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(0.5, 0.5, self._diameter - 1, self._diameter - 1))
        font = QFont(self.font())
        font.setPixelSize(round(self._diameter * 0.38))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, initials(self.name))
        painter.end()


class Chip(QFrame):
    """A small rounded label with an optional coloured dot: a status at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusChip")
        self.dot = QLabel(self)
        self.text = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 9, 1)
        layout.setSpacing(3)
        layout.addWidget(self.dot)
        layout.addWidget(self.text)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def show_value(self, text: str, value: str | None = None, *, warn: bool = False) -> None:
        self.setProperty("warn", warn)
        self.style().unpolish(self)
        self.style().polish(self)
        icon = marker(value) if value else None
        self.dot.setVisible(icon is not None)
        if icon is not None:
            self.dot.setPixmap(icon.pixmap(12, 12))
        self.text.setText(text)
        self.setVisible(bool(text))


class ContactHeader(QWidget):
    """Name, role and status chips over the tabs; `show_person` repaints it from the saved values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.avatar = Avatar(56, self)
        self.name = QLabel(self)
        self.name.setObjectName("detailName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() + 5)
        font.setWeight(QFont.Weight.DemiBold)
        self.name.setFont(font)
        self.role = make_muted(QLabel(self))
        self.reach = make_muted(QLabel(self))
        self.reach.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for text_label in (self.name, self.role, self.reach):
            text_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stage = Chip(self)
        self.status = Chip(self)
        self.dnc = Chip(self)
        self.owner = make_muted(QLabel(self))
        chips = QHBoxLayout()
        chips.setContentsMargins(0, 4, 0, 0)
        chips.setSpacing(6)
        for chip in (self.stage, self.status, self.dnc):
            chips.addWidget(chip)
        chips.addStretch(1)
        chips.addWidget(self.owner)
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.name)
        text.addWidget(self.role)
        text.addWidget(self.reach)
        text.addLayout(chips)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 16, 18, 10)
        row.setSpacing(14)
        row.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def show_person(
        self,
        *,
        name: str,
        title: str | None,
        organization: str | None,
        email: str | None,
        phone: str | None,
        stage: str | None,
        lead_status: str | None,
        do_not_contact: bool,
        owner: str | None,
    ) -> None:
        self.avatar.set_name(name)
        self.name.setText(name)
        self.name.setToolTip(name)
        role = " at ".join(x for x in (title, organization) if x)
        self.role.setText(role)
        self.role.setVisible(bool(role))
        reach = "   ·   ".join(x for x in (email, phone) if x)
        self.reach.setText(reach)
        self.reach.setVisible(bool(reach))
        self.stage.show_value(label(stage), stage)
        self.status.show_value(f"Lead: {label(lead_status)}" if lead_status else "", lead_status)
        self.dnc.show_value("Do not contact" if do_not_contact else "", None, warn=True)
        self.owner.setText(f"Owner: {owner}" if owner else "")
