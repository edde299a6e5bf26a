"""Match stage names…: which stage of ours each stage name of a deal file is imported as.

The wizard's counterpart of the command line's `--stage-map NAME=STAGE`. Every name of the file is
listed with its number of deals and how the import reads it (the same name, another CRM's word, Won or
Lost); a name read as nothing is marked, and picking a stage for it is what lets its rows import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.importing.stage_names import FileStage
from crm_desktop.ui.labels import RED
from crm_desktop.ui.style import make_muted

NAME, DEALS, IMPORT_AS = range(3)
UNKNOWN = "Not known: choose a stage"


def reading_text(stage: FileStage) -> str:
    """What the first entry of a row's choices says: how the import reads the name without help."""
    if stage.reading is None:
        return UNKNOWN
    if stage.reading.casefold() == stage.name.casefold():
        return stage.reading
    return f"{stage.reading} (recognised)"


class StageMatchDialog(QDialog):
    """Open with open(); `chosen()` gives the file's name → our stage, for the names matched by hand."""

    def __init__(
        self,
        stages: Sequence[FileStage],
        choices: Sequence[str],
        current: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Match stage names")
        self.stages = list(stages)
        intro = QLabel(
            "How each stage name of the file is imported. A name this workspace does not know needs a stage "
            "here, or “Create missing pipelines and stages” under Options, which adds it to the pipeline.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.stages), 3, self)
        self.table.setHorizontalHeaderLabels(["In the file", "Deals", "Import as"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the keyboard, not the cells
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DEALS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(IMPORT_AS, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        for row, stage in enumerate(self.stages):
            self.table.setItem(row, NAME, QTableWidgetItem(stage.name))
            count = QTableWidgetItem(f"{stage.rows:,}")
            self.table.setItem(row, DEALS, count)
            combo = QComboBox(self.table)
            combo.addItem(reading_text(stage), "")
            for name in choices:
                combo.addItem(name, name)
            chosen = current.get(stage.name)
            if chosen is not None and combo.findData(chosen) > 0:
                combo.setCurrentIndex(combo.findData(chosen))
            combo.currentIndexChanged.connect(lambda _i, row=row: self._mark(row))
            self.table.setCellWidget(row, IMPORT_AS, combo)
            self.combos.append(combo)
            self._mark(row)
        self.summary = make_muted(QLabel(self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(620, min(640, 220 + 34 * len(self.stages)))
        self._summarise()

    def chosen(self) -> dict[str, str]:
        """The file's name → the stage picked for it (names left as the import reads them are not listed)."""
        return {
            stage.name: str(combo.currentData())
            for stage, combo in zip(self.stages, self.combos, strict=True)
            if combo.currentData() and combo.currentData() != stage.reading
        }

    def unknown(self) -> list[str]:
        """The names still read as nothing."""
        pairs = zip(self.stages, self.combos, strict=True)
        return [stage.name for stage, combo in pairs if not stage.reading and not combo.currentData()]

    def _mark(self, row: int) -> None:
        item = self.table.item(row, NAME)
        if item is not None:
            unknown = not self.stages[row].reading and not self.combos[row].currentData()
            item.setForeground(RED if unknown else self.palette().text())
            item.setToolTip("This workspace has no stage of this name" if unknown else "")
        if hasattr(self, "summary"):
            self._summarise()

    def _summarise(self) -> None:
        left = self.unknown()
        self.summary.setText(
            f"{len(left):,} name{'s' * (len(left) != 1)} not matched yet: their open and lost deals are not "
            "imported unless missing stages are created."
            if left
            else "Every stage name is matched."
        )
