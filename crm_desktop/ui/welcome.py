"""First start: offer a realistic demo business to explore, or an empty workspace."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from crm_desktop.ui.resources import app_icon
from crm_desktop.ui.style import make_muted


class WelcomeDialog(QDialog):
    """Two public buttons: `demo_button` (accepts) and `empty_button` (rejects)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to CRM Desktop")
        self.setMinimumWidth(460)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(56, 56))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel("Welcome to CRM Desktop", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        body = make_muted(
            QLabel(
                "This database is empty. Load a demo business — a specialty coffee roaster with contacts, "
                "deals, support cases and loyalty members — to look around, or start with your own data.",
                self,
            )
        )
        body.setWordWrap(True)
        self.demo_button = QPushButton("Load demo business", self)
        self.demo_button.setDefault(True)
        self.empty_button = QPushButton("Start empty", self)
        self.demo_button.clicked.connect(self.accept)
        self.empty_button.clicked.connect(self.reject)

        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(title)
        text.addWidget(body)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(logo)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 16)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addLayout(buttons)
