"""Step 2 of the import wizard: the column mapping (or, for vCards, what the cards hold) and the options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm_desktop.services.importing import (
    CardFile,
    ContactRecord,
    ImportPlan,
    Source,
    SourceTable,
    detect_preset,
    guess_mapping,
    suggest_mapping,
)
from crm_desktop.ui.importing.mapping_table import MappingTable
from crm_desktop.ui.importing.options import ImportOptions
from crm_desktop.ui.style import make_muted

if TYPE_CHECKING:
    from crm_desktop.ui.importing.wizard import ImportWizard

GUESS = ""  # the preset combo's entry for "no known format: guess from the column names"
PRESET_CHOICES = (
    ("google", "Google Contacts"),
    ("outlook", "Microsoft Outlook"),
    ("thunderbird", "Mozilla Thunderbird"),
    ("crm", "CRM Desktop export"),
    (GUESS, "Other: guess from the column names"),
)
CARDS_SHOWN = 500


class MappingPage(QWizardPage):
    """Public widgets: `preset`, `columns` (a MappingTable), `cards`, `options`; `plan()` is what the user chose."""

    def __init__(self, wizard: ImportWizard, *, region: str, locale: str) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._shown: Source | None = None
        self.setTitle("Match the columns")
        self.setSubTitle("Check which contact field each column fills. Columns set to “Don't import” are left out.")
        self.detected = QLabel(self)
        self.detected.setObjectName("sectionTitle")
        self.preset = QComboBox(self)
        for name, text in PRESET_CHOICES:
            self.preset.addItem(text, name)
        self.hide_empty = QCheckBox("Hide empty columns", self)
        self.hide_empty.setChecked(True)
        self.columns = MappingTable(self)
        self.cards = _cards_table(self)
        self.summary = make_muted(QLabel(self))
        self.options = ImportOptions(region, locale, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._table_panel())
        self.stack.addWidget(self.cards)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.options)
        self.preset.activated.connect(lambda _index: self.set_preset(self.preset.currentData()))
        self.hide_empty.toggled.connect(self.columns.set_hide_empty)
        self.columns.mapping_changed.connect(self._on_mapping_changed)

    def _table_panel(self) -> QWidget:
        panel = QWidget(self)
        bar = QHBoxLayout()
        bar.addWidget(self.detected)
        bar.addStretch(1)
        bar.addWidget(QLabel("Format:", panel))
        bar.addWidget(self.preset)
        bar.addSpacing(12)
        bar.addWidget(self.hide_empty)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.columns, 1)
        return panel

    # --- QWizardPage -------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        source = self._wizard.source
        if source is None or source is self._shown:
            return  # coming back from the dry run keeps the user's choices
        self._shown = source
        if isinstance(source, CardFile):
            self._show_cards(source)
        else:
            self._show_table(source)

    def isComplete(self) -> bool:
        source = self._wizard.source
        if isinstance(source, SourceTable):
            return self.columns.mapped_count() > 0
        return isinstance(source, CardFile) and any(r.error is None for r in source.records)

    # --- public ------------------------------------------------------------------------------------------
    def set_preset(self, name: str | None) -> None:
        """Start the mapping again from a known format ("google", "outlook", …) or from a guess (None or "")."""
        source = self._wizard.source
        if not isinstance(source, SourceTable):
            return
        self.preset.setCurrentIndex(max(self.preset.findData(name or GUESS), 0))
        mapping = suggest_mapping(source.headers, preset=name)[1] if name else guess_mapping(source.headers)
        self.columns.load(source, mapping)

    def plan(self) -> ImportPlan:
        """The import as chosen on this page."""
        mapping = self.columns.mapping() if isinstance(self._wizard.source, SourceTable) else None
        return ImportPlan(
            mapping=mapping,
            on_match=self.options.chosen_on_match(),
            region=self.options.chosen_region() or None,
            tags=self.options.chosen_tags(),
        )

    # --- private -----------------------------------------------------------------------------------------
    def _show_table(self, source: SourceTable) -> None:
        self.stack.setCurrentIndex(0)
        preset = detect_preset(source.headers)
        self.detected.setText(f"Detected: {preset.label}" if preset else "Format not recognised: columns guessed")
        self.set_preset(preset.name if preset else None)

    def _show_cards(self, source: CardFile) -> None:
        self.stack.setCurrentIndex(1)
        records = source.records
        broken = [r for r in records if r.error]
        companies = sum(1 for r in records if r.is_organization and not r.error)
        people = len(records) - len(broken) - companies
        parts = [f"{people:,} {'person' if people == 1 else 'people'}"]
        if companies:
            parts.append(f"{companies:,} organization{'s' * (companies != 1)}")
        text = f"{source.name}: {len(records):,} card{'s' * (len(records) != 1)} — {', '.join(parts)}"
        if broken:
            text += f"; {len(broken):,} cannot be read and will be reported"
        self.summary.setText(text + ".")
        self.cards.setRowCount(min(len(records), CARDS_SHOWN))
        for row, record in enumerate(records[:CARDS_SHOWN]):
            for column, value in enumerate(_card_cells(record)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.cards.setItem(row, column, item)
        self.completeChanged.emit()

    def _on_mapping_changed(self) -> None:
        source = self._wizard.source
        if isinstance(source, SourceTable):
            mapped = self.columns.mapped_count(with_values=True)
            rows = f"{len(source.rows):,} row{'s' * (len(source.rows) != 1)}"
            text = f"{mapped:,} column{'s' * (mapped != 1)} with values will be imported from {rows}."
            if not self.columns.mapped_count():
                text = "Choose at least one column to import."
            elif self.hide_empty.isChecked() and (empty := self.columns.empty_count()):
                text += f" {empty:,} empty column{' is' if empty == 1 else 's are'} hidden."
            self.summary.setText(text)
        self.completeChanged.emit()


def _cards_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, 6, parent)
    table.setHorizontalHeaderLabels(["Card", "Name", "E-mail", "Phone", "Organization", "Problem"])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    for column, width in enumerate((60, 180, 200, 140, 160)):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
    return table


def _card_cells(record: ContactRecord) -> list[str]:
    values = record.values
    name = values.get("display_name") or " ".join(
        part for part in (values.get("given_name"), values.get("family_name")) if part
    )
    if record.is_organization:
        name = values.get("organization") or name
    return [
        str(record.number),
        name,
        record.emails[0][0] if record.emails else "",
        record.phones[0][0] if record.phones else "",
        "" if record.is_organization else values.get("organization", ""),
        record.error or "",
    ]
