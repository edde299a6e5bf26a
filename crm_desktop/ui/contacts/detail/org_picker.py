"""Pick an organization by typing part of its name: a type-ahead over SQL, not a combo of ten thousand rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from crm_desktop.services.channels import Choice
from crm_desktop.ui.record_picker import Pick, RecordPicker


class OrganizationPicker(RecordPicker):
    """Holds the chosen organization's id; typed text that matches no organization stays, flagged by `resolved`."""

    def __init__(self, search: Callable[[str], list[Choice]], parent: QWidget | None = None) -> None:
        picks: Callable[[str], list[Pick]] = lambda text: [Pick(c.id, c.name) for c in search(text)]  # noqa: E731
        super().__init__(picks, "Type to find an organization", parent)

    def set_choice(self, choice: Choice | Pick | None) -> None:  # type: ignore[override]
        """Show a stored organization (or none) without counting it as an edit."""
        super().set_choice(Pick(choice.id, choice.name) if choice is not None else None)
