"""Step 2 of a deal, organization or purchase import: which field each column fills, and the options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWizardPage

from crm_desktop.services.importing import ColumnMapping
from crm_desktop.services.importing.formats import day_first_for
from crm_desktop.services.importing.stage_names import FileStage, file_stages, stage_names
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.ui.importing.mapping_table import MappingTable
from crm_desktop.ui.importing.stage_match_dialog import StageMatchDialog
from crm_desktop.ui.importing.table_kinds import TableKind
from crm_desktop.ui.importing.table_options import TableOptions, detected_order_text, stage_summary_text
from crm_desktop.ui.style import make_muted

if TYPE_CHECKING:
    from crm_desktop.ui.importing.table_wizard import TableImportWizard


class TableMappingPage(QWizardPage):
    """Public widgets: `columns` (a MappingTable over the kind's fields), `options`, `summary`; `plan()`."""

    def __init__(self, wizard: TableImportWizard, kind: TableKind, *, region: str) -> None:
        super().__init__(wizard)
        self._wizard, self.kind, self.region = wizard, kind, region
        self._shown: SourceTable | None = None
        self._detected_for: tuple[int, ...] | None = None
        self.setTitle("Match the columns")
        self.setSubTitle(
            f"Check which field of the {kind.plural} each column fills. Columns set to “Don't import” are left out."
        )
        self.detected = QLabel(self)
        self.detected.setObjectName("sectionTitle")
        self.hide_empty = QCheckBox("Hide empty columns", self)
        self.hide_empty.setChecked(True)
        self.columns = MappingTable(self, fields=[(f.key, f.label) for f in kind.fields], unique=True)
        self.summary = make_muted(QLabel(self))
        self.summary.setWordWrap(True)
        self.options = TableOptions(kind, self)
        bar = QHBoxLayout()
        bar.addWidget(self.detected)
        bar.addStretch(1)
        bar.addWidget(self.hide_empty)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.columns, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.options)
        self.stages: list[FileStage] = []  # the file's stage names and how they are read (deals)
        self._stages_for: tuple[int | None, int | None] | None = None
        self.hide_empty.toggled.connect(self.columns.set_hide_empty)
        self.columns.mapping_changed.connect(self._on_mapping_changed)
        self.options.match_stages.clicked.connect(self.open_stage_match)

    # --- QWizardPage -------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        source = self._wizard.source
        if source is None or source is self._shown:
            return  # coming back from the dry run keeps the user's choices
        self._shown, self._detected_for, self._stages_for = source, None, None
        self.options.stage_map = {}
        self.guess()

    def isComplete(self) -> bool:
        return self._wizard.source is not None and self.kind.missing(self.mapping()) is None

    # --- public ------------------------------------------------------------------------------------------
    def guess(self) -> None:
        """Start the mapping again from the column names."""
        source = self._wizard.source
        if source is None:
            return
        guessed = self.kind.guess_columns(source)
        self.detected.setText(
            f"{len(guessed):,} of {len(source.headers):,} column{'s' * (len(source.headers) != 1)} recognised"
        )
        self.columns.load(source, [ColumnMapping(column, key) for key, column in guessed.items()])

    def mapping(self) -> dict[str, int]:
        """Field → column, as chosen in the table."""
        return {m.field: m.column for m in self.columns.mapping()}

    def plan(self) -> Any:
        """The kind's plan (DealPlan, OrganizationPlan, PurchasePlan) for what is chosen on this page."""
        return self.kind.make_plan(self.mapping(), self.options.choices())

    def open_stage_match(self) -> StageMatchDialog:
        """Match stage names…: the dialog (window-modal, opened with open()); OK keeps what was chosen."""
        with self._wizard.db.read_session() as session:
            choices = stage_names(session=session)
        dialog = StageMatchDialog(self.stages, choices, self.options.stage_map, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._set_stage_map(dialog.chosen()))
        dialog.open()
        return dialog

    # --- private -----------------------------------------------------------------------------------------
    def _on_mapping_changed(self) -> None:
        source = self._wizard.source
        if source is None:
            return
        mapping = self.mapping()
        missing = self.kind.missing(mapping)
        rows = f"{len(source.rows):,} row{'s' * (len(source.rows) != 1)}"
        if missing:
            text = missing
        else:
            text = f"{len(mapping):,} field{'s' * (len(mapping) != 1)} will be imported from {rows}."
            empty = self.columns.empty_count()
            if self.hide_empty.isChecked() and empty:
                text += f" {empty:,} empty column{' is' if empty == 1 else 's are'} hidden."
        self.summary.setText(text)
        self._show_detected_order(source, mapping)
        self._show_stages(source, mapping)
        self.completeChanged.emit()

    def _show_detected_order(self, source: SourceTable, mapping: dict[str, int]) -> None:
        """The order the mapped date columns show (read again only when those columns change)."""
        if not self.kind.date_fields:
            return
        columns = tuple(sorted(mapping[key] for key in self.kind.date_fields if key in mapping))
        if columns == self._detected_for:
            return
        self._detected_for = columns
        day_first = day_first_for(self.region)
        self.options.detected.setText(detected_order_text(source, columns, self.region, day_first=day_first))

    def _show_stages(self, source: SourceTable, mapping: dict[str, int]) -> None:
        """The file's stage names and how they are read (again only when the stage or pipeline column changes)."""
        if not self.kind.create_missing:
            return
        columns = (mapping.get("stage"), mapping.get("pipeline"))
        if columns == self._stages_for:
            return
        self._stages_for = columns
        with self._wizard.db.read_session() as session:
            self.stages = file_stages(session=session, source=source, mapping=mapping)
        self.options.match_stages.setEnabled(bool(self.stages))
        self._set_stage_map({k: v for k, v in self.options.stage_map.items() if any(s.name == k for s in self.stages)})

    def _set_stage_map(self, stage_map: dict[str, str]) -> None:
        self.options.stage_map = stage_map
        self.options.stage_summary.setText(stage_summary_text(self.stages, stage_map))
