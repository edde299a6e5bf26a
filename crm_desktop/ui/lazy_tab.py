"""A tab page that builds its view the first time it is shown, so start-up pays only for the visible tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crm_desktop.ui.formatting import Formatter


class LazyTab(QWidget):
    """Holds `build(page)`'s widget once needed (shown, or asked for through `view`); passes the tab calls on."""

    def __init__(self, build: Callable[[QWidget], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build: Callable[[QWidget], Any] | None = build
        self.content: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self.content is not None

    def view(self) -> Any:
        """The tab's view, built (and loaded) now if it was not yet."""
        if self.content is None:
            assert self._build is not None
            build, self._build = self._build, None  # the builder may hold the window: let it go
            self.content = build(self)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.content)
            self.content.refresh()
        return self.content

    def showEvent(self, event: QShowEvent) -> None:
        self.view()
        super().showEvent(event)

    # The main window's tab calls: a view not built yet has nothing to refresh; it loads when built.
    def refresh(self) -> None:
        if self.content is not None:
            self.content.refresh()

    def mark_stale(self) -> None:
        if self.content is not None:
            stale = getattr(self.content, "mark_stale", None)
            (stale or self.content.refresh)()

    def set_formatter(self, fmt: Formatter) -> None:
        if self.content is not None:
            self.content.set_formatter(fmt)

    def focus_search(self) -> None:
        self.view().focus_search()
