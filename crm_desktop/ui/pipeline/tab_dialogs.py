"""The Pipeline tab's dialogs: the deal editor, a deal's quote, pipelines and stages, and the product catalog.

Each opens without blocking and is kept on the tab (public, for tests); they load on first use, not at start-up.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner

if TYPE_CHECKING:
    from crm_desktop.ui.pipeline.deal_editor import DealEditor
    from crm_desktop.ui.pipeline.product_catalog import ProductCatalog
    from crm_desktop.ui.pipeline.quote_preview import QuotePreviewDialog
    from crm_desktop.ui.pipeline.stage_editor import PipelineSettingsDialog


@dataclass
class PipelineDialogs:
    """Opens the tab's dialogs over its workspace; the last one of each kind stays reachable."""

    parent: QWidget
    runner: TaskRunner
    hub: EventHub
    undo: UndoStack
    fmt: Formatter
    deal_editor: DealEditor | None = None
    quote: QuotePreviewDialog | None = None
    settings: PipelineSettingsDialog | None = None
    catalog: ProductCatalog | None = None

    def edit_deal(
        self, deal_id: uuid.UUID | None, *, pipeline_id: uuid.UUID | None = None, stage_id: uuid.UUID | None = None
    ) -> DealEditor:
        """A deal's editor (None: a new deal in this pipeline, in `stage_id` when given)."""
        from crm_desktop.ui.pipeline.deal_editor import DealEditor

        editor = DealEditor(
            self.undo.db, self.hub, self.fmt, self.undo, deal_id, self.parent, pipeline_id=pipeline_id,
            stage_id=stage_id,
        )  # fmt: skip
        self.deal_editor = editor
        editor.open()
        return editor

    def print_quote(self, deal_id: uuid.UUID) -> QuotePreviewDialog:
        """The deal's quote, made on the worker and shown to print or save."""
        from crm_desktop.ui.pipeline.quote_preview import open_quote_preview

        self.quote = open_quote_preview(self.parent, self.runner, deal_id)
        return self.quote

    def pipelines(self, pipeline_id: uuid.UUID | None) -> PipelineSettingsDialog:
        """Pipelines, their stages and the lost reasons."""
        from crm_desktop.ui.pipeline.stage_editor import PipelineSettingsDialog

        dialog = PipelineSettingsDialog(self.undo.db, self.hub, self.undo, self.parent, pipeline_id=pipeline_id)
        self.settings = dialog
        dialog.open()
        return dialog

    def products(self) -> ProductCatalog:
        """The product catalog (name, SKU, price, vendor, stock) deal lines are picked from."""
        from crm_desktop.ui.pipeline.product_catalog import ProductCatalog

        dialog = ProductCatalog(self.undo.db, self.fmt, self.undo, self.parent)
        self.catalog = dialog
        dialog.open()
        return dialog


def settings_button(
    parent: QWidget, dialogs: PipelineDialogs, pipeline_id: Callable[[], uuid.UUID | None]
) -> QToolButton:
    """A "Set up ▾" button: pipelines and stages, and the product catalog."""
    button = QToolButton(parent)
    button.setText("Set up")
    button.setToolTip("Pipelines, stages, lost reasons and the product catalog")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.addAction("Pipelines and stages…", lambda: dialogs.pipelines(pipeline_id()))
    menu.addAction("Product catalog…", dialogs.products)
    button.setMenu(menu)
    return button
