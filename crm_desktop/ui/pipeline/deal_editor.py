"""The deal editor: a non-modal dialog for a new or existing deal — its fields, line items, timeline and history.

Save runs `deal_lines.save_deal` through the undo stack, so the fields, the stage (or pipeline) move and every
line change are one step in Edit → Undo. A rejected value is explained beside its field and everything typed stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from crm_desktop.services.channels import organization_choices
from crm_desktop.services.contact_choices import filter_choices
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import get_contact
from crm_desktop.services.deal_lines import deal_history, list_lines, save_deal
from crm_desktop.services.deals import default_pipeline, get_deal, list_lost_reasons, list_pipelines, list_stages
from crm_desktop.services.errors import CRMError, ValidationError
from crm_desktop.services.history import HistoryEntry
from crm_desktop.services.organizations import get_organization
from crm_desktop.services.products import search_products
from crm_desktop.services.timeline import deal_timeline
from crm_desktop.services.users import list_users
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.detail.history_view import HistoryView
from crm_desktop.ui.contacts.detail.timeline_view import TimelineModel, TimelineView
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.deal_editor_form import DealForm
from crm_desktop.ui.pipeline.deal_editor_items import ItemsPanel
from crm_desktop.ui.pipeline.deal_editor_lines import LineRow
from crm_desktop.ui.record_picker import MATCHES, Pick
from crm_desktop.ui.style import plain_buttons
from crm_desktop.ui.undo_stack import UndoStack

WATCHED = frozenset({"deal", "deal_line", "deal_stage_change", "activity", "task"})
MONEY_FIELDS = frozenset({"value_cents", "unit_price_cents"})


@dataclass(frozen=True)
class StageInfo:
    """A stage as the editor offers it."""

    id: uuid.UUID
    name: str
    probability: int
    kind: str


@dataclass
class Loaded:
    """Everything the editor shows, read in one go."""

    deal: Any = None
    lines: list[LineRow] = field(default_factory=list)
    contact: Pick | None = None
    organization: Pick | None = None
    pipelines: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    stages: dict[uuid.UUID, list[StageInfo]] = field(default_factory=dict)
    owners: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    campaigns: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    me: uuid.UUID | None = None
    default_pipeline: uuid.UUID | None = None
    lost_reason: str | None = None


class DealEditor(QDialog):
    """Edit one deal (deal_id None: a new one, optionally in a given pipeline and stage); `saved` gives its id."""

    saved = Signal(object)

    def __init__(
        self,
        db: Workspace,
        hub: EventHub | None,
        fmt: Formatter,
        undo_stack: UndoStack,
        deal_id: uuid.UUID | None,
        parent: QWidget | None = None,
        pipeline_id: uuid.UUID | None = None,
        stage_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.hub, self.fmt, self.undo = db, hub, fmt, undo_stack
        self.deal_id = deal_id
        self.setModal(False)
        self.setObjectName("dealEditor")
        self.resize(1060, 700)
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionTitle")
        self.form = DealForm(fmt, self._search_contacts, self._search_organizations, self)
        self.items = ItemsPanel(fmt, self._search_products, self)
        self.timeline_model = TimelineModel(fmt, self)
        self.timeline = TimelineView(self.timeline_model, self)
        self.history = HistoryView(fmt, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.items, "Items")
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.history, "History")
        self.buttons = plain_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        body = QHBoxLayout()
        body.addWidget(self.form, 0)
        body.addSpacing(12)
        body.addWidget(self.tabs, 1)
        self.form.setMinimumWidth(380)
        self.form.setMaximumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self.loaded = self._load(pipeline_id, stage_id)
        self._show(self.loaded, pipeline_id, stage_id)
        self.form.contact.picked.connect(self._contact_picked)
        self.form.currency_changed.connect(self._currency_changed)
        self.form.pipeline_changed.connect(self._pipeline_changed)
        self.items.changed.connect(self._lines_changed)
        self.items.catalog_requested.connect(self.open_catalog)
        if hub is not None:
            hub.changed.connect(self._on_changed)
        self._original = self.form.values()
        self._original_lines = self.items.model.inputs()
        self.form.title.setFocus()

    # --- reading --------------------------------------------------------------------------------------------

    def _load(self, pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None) -> Loaded:
        """One read of the deal, its lines and the pick lists (all small)."""
        out = Loaded(me=uuid.UUID(hex=self.db.user_id) if self.db.user_id else None)
        with self.db.read_session() as s:
            out.pipelines = [(p.id, p.name) for p in list_pipelines(session=s)]
            out.stages = {
                pid: [StageInfo(x.id, x.name, x.probability, x.kind) for x in list_stages(session=s, pipeline_id=pid)]
                for pid, _name in out.pipelines
            }
            out.default_pipeline = default_pipeline(session=s).id
            out.owners = [(u.id, u.name) for u in list_users(session=s)]
            choices = filter_choices(session=s)
            out.campaigns, out.sources = choices.campaigns, choices.sources
            if self.deal_id is None:
                return out
            deal = get_deal(session=s, deal_id=self.deal_id)
            out.deal = SimpleNamespace(**deal.model_dump())  # a plain copy: the read session expires the row
            out.lines = [
                LineRow(x.description, x.quantity, x.unit_price_cents, x.discount_percent, x.product_id, x.id)
                for x in list_lines(session=s, deal_id=deal.id)
            ]
            if deal.contact_id is not None:
                contact = get_contact(session=s, contact_id=deal.contact_id, include_deleted=True)
                out.contact = Pick(contact.id, contact.display_name)
            if deal.organization_id is not None:
                org = get_organization(session=s, organization_id=deal.organization_id, include_deleted=True)
                out.organization = Pick(org.id, org.name)
            reasons = {r.id: r.name for r in list_lost_reasons(session=s)}
            out.lost_reason = reasons.get(deal.lost_reason_id) if deal.lost_reason_id else None
        return out

    def _show(self, data: Loaded, pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None) -> None:
        self.form.set_choices(pipelines=data.pipelines, owners=data.owners, campaigns=data.campaigns,
                              sources=data.sources)  # fmt: skip
        deal = data.deal
        if deal is None:
            if stage_id is not None and pipeline_id is None:
                pipeline_id = next((p for p, stages in data.stages.items() if stage_id in {s.id for s in stages}), None)
            self.form.select(self.form.pipeline, pipeline_id or data.default_pipeline)
            self._pipeline_changed(self.form.pipeline.currentData(), stage_id)
            self.form.select(self.form.owner, data.me)
            self.form.set_currency(self.fmt.currency)
            self.form.has_close.setChecked(False)
            self.form.expected_close.setEnabled(False)
            self.form.probability.setValue(-1)
            self.form.status.hide()
            self.heading.setText("New deal")
            self.setWindowTitle("New deal")
            for tab in (1, 2):
                self.tabs.setTabEnabled(tab, False)
            return
        self.form.show_deal(deal, data.contact, data.organization)
        stages = data.stages.get(deal.pipeline_id, [])
        if deal.status == "open":
            self.form.pipeline.setToolTip("Choose another pipeline to move the deal there")
            self.form.set_stages([(s.id, s.name, s.probability) for s in stages if s.kind == "open"], deal.stage_id)
            self.form.status.hide()
        else:
            self.form.set_stages(
                [(s.id, s.name, s.probability) for s in stages if s.id == deal.stage_id], deal.stage_id
            )
            self.form.stage.setEnabled(False)
            self.form.pipeline.setEnabled(False)
            self.form.pipeline.setToolTip("A won or lost deal stays in its pipeline")
            when = self.fmt.date(deal.won_at if deal.status == "won" else deal.lost_at)
            reason = f": {data.lost_reason}" if data.lost_reason else ""
            self.form.status.setText(f"{deal.status.capitalize()} on {when}{reason}")
        self.items.set_rows(data.lines, read_only=deal.status == "won")
        self.items.set_currency(deal.currency)
        self._lines_changed()
        self.heading.setText(deal.title)
        self.setWindowTitle(f"Deal — {deal.title}")
        self.timeline_model.set_source(self._timeline_page)
        self.reload_history()

    def _timeline_page(self, before: Any, limit: int) -> list[Any]:
        assert self.deal_id is not None
        with self.db.read_session() as s:
            return deal_timeline(session=s, deal_id=self.deal_id, limit=limit, before=before)

    def reload_history(self) -> None:
        """Show the deal's and its lines' changes, money in the business's format."""
        if self.deal_id is None:
            return
        with self.db.read_session() as s:
            entries = deal_history(session=s, deal_id=self.deal_id)
        self.history.show_entries([self._readable(e) for e in entries])

    def _readable(self, entry: HistoryEntry) -> HistoryEntry:
        currency = self.form.currency.currentText() or self.fmt.currency

        def money(value: Any) -> Any:
            return self.fmt.money(value, currency) if isinstance(value, int) else value

        changes = tuple(
            replace(c, value=money(c.value), previous=money(c.previous)) if c.field in MONEY_FIELDS else c
            for c in entry.changes
        )
        return replace(entry, changes=changes)

    def _search_contacts(self, text: str) -> list[Pick]:
        with self.db.read_session() as s:
            rows = list_contacts(session=s, filter=ContactFilter(search=text), limit=MATCHES)
        return [Pick(r.id, r.display_name, " · ".join(x for x in (r.organization_name, r.email) if x), r) for r in rows]

    def _search_organizations(self, text: str) -> list[Pick]:
        with self.db.read_session() as s:
            return [Pick(c.id, c.name) for c in organization_choices(session=s, search=text, limit=MATCHES)]

    def _search_products(self, text: str) -> list[Pick]:
        with self.db.read_session() as s:
            products = search_products(session=s, search=text, limit=MATCHES)
        picks = []
        for p in products:
            stock = f"{self.fmt.number(p.stock_on_hand)} in stock" if p.stock_on_hand is not None else ""
            detail = " · ".join(
                x for x in (p.sku, self.fmt.money(p.unit_price_cents, p.currency), p.vendor, stock) if x
            )
            picks.append(Pick(p.id, p.name, detail, p))
        return picks

    # --- reacting -------------------------------------------------------------------------------------------

    def _contact_picked(self, pick: Pick) -> None:
        """A contact's organization fills an empty organization field."""
        if self.form.organization.text().strip():
            return
        with self.db.read_session() as s:
            contact = get_contact(session=s, contact_id=pick.id)
            if contact.organization_id is None:
                return
            org = get_organization(session=s, organization_id=contact.organization_id)
            choice = Pick(org.id, org.name)
        self.form.organization.set_choice(choice)

    def _pipeline_changed(self, pipeline_id: Any, stage_id: uuid.UUID | None = None) -> None:
        """Offer the open stages of the chosen pipeline (back in the deal's own one: its current stage)."""
        deal = self.loaded.deal
        if stage_id is None and deal is not None and pipeline_id == deal.pipeline_id:
            stage_id = deal.stage_id
        stages = self.loaded.stages.get(pipeline_id, [])
        self.form.set_stages([(s.id, s.name, s.probability) for s in stages if s.kind == "open"], stage_id)

    def _currency_changed(self, code: str) -> None:
        self.items.set_currency(code)

    def _lines_changed(self) -> None:
        rows = self.items.model.rowCount()
        currency = self.form.currency.currentText().strip().upper() or self.fmt.currency
        self.form.lock_value(self.items.model.total_cents() if rows else None, currency)

    def _on_changed(self, tables: frozenset[str]) -> None:
        """Someone else changed the deal (a task done, a move on the board): refresh its timeline and history."""
        assert self.hub is not None
        if not self.isVisible() or self.deal_id is None or not tables & WATCHED or self.hub.initiator is self:
            return
        self.timeline_model.reload()
        self.reload_history()

    def open_catalog(self) -> None:
        """The product catalog, on top of the editor (non-modal)."""
        from crm_desktop.ui.pipeline.product_catalog import ProductCatalog

        self.catalog = ProductCatalog(self.db, self.fmt, self.undo, self)
        self.catalog.open()

    # --- saving ---------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save fields, stage and lines as one undoable step; on a rejection say why and keep everything."""
        self.form.clear_errors()
        self.items.commit_pending()
        try:
            values = self.form.values()
            read_only = self.items.model.read_only
            lines = None if read_only else self.items.model.inputs()
            deal_id, new = self.deal_id, self.deal_id is None
            changes = values if new else {k: v for k, v in values.items() if self._original.get(k) != v}
            if not new and lines == self._original_lines:
                lines = None
            stage_id = self.form.stage.currentData() if self.form.stage.isEnabled() else None
            if not new and stage_id == self.loaded.deal.stage_id:
                stage_id = None
            pipeline_id = self.form.pipeline.currentData() if self.form.pipeline.isEnabled() else None
            if not new and pipeline_id == self.loaded.deal.pipeline_id:
                pipeline_id = None
            title = values["title"].strip()
            label = f"New deal “{title}”" if new else f"Edit deal “{title}”"
            saved_id = self.undo.perform(
                label,
                lambda s: save_deal(session=s, deal_id=deal_id, changes=changes, lines=lines,
                                    pipeline_id=pipeline_id, stage_id=stage_id).id,
                initiator=self,
            )  # fmt: skip
        except ValidationError as exc:
            if exc.field == "lines":
                self.tabs.setCurrentWidget(self.items)
                self.items.hint.setText(str(exc))
                self.items.hint.show()
            else:
                self.form.show_error(exc.field, str(exc))
            return False
        except CRMError as exc:
            self.form.show_error(None, str(exc))
            return False
        self.deal_id = saved_id
        self.saved.emit(saved_id)
        self.accept()
        return True

    def keyPressEvent(self, event: Any) -> None:
        """Enter inside the notes or the items table belongs to them, not to Save."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.items.table.hasFocus():
            return
        super().keyPressEvent(event)
