"""How an import report is shown and saved: count tiles, the per-row problem list, and a CSV of the problems."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from crm_desktop.services.errors import ValidationError
from crm_desktop.services.exporting.csv_export import safe_cell
from crm_desktop.services.importing import ImportReport
from crm_desktop.ui.style import error_text, make_muted

NOT_IMPORTED, WARNING = "Not imported", "Imported, with a note"


def problems(report: ImportReport) -> list[tuple[int, str, str]]:
    """(row or card number, outcome, reason) for every failed record and every warning, in file order."""
    rows = [(n, NOT_IMPORTED, reason) for n, reason in report.failed]
    rows += [(n, WARNING, reason) for n, reason in report.warnings]
    return sorted(rows, key=lambda item: (item[0], item[1] != NOT_IMPORTED))


def write_problems_csv(report: ImportReport, path: str | Path) -> Path:
    """Save the problem list as CSV (UTF-8 with BOM, so spreadsheets open it); spreadsheet formulas are defused."""
    file = Path(path)
    unit = report.unit.capitalize()
    try:
        with file.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([unit, "Outcome", "Reason"])
            for number, outcome, reason in problems(report):
                writer.writerow([number, outcome, safe_cell(reason)])
    except OSError as exc:
        raise ValidationError(f"The report could not be saved to {file}: {exc.strerror or exc}", field="path") from None
    return file


class CountTiles(QWidget):
    """A row of large numbers with captions: created, updated, unchanged, skipped, not imported."""

    KEYS = ("created", "updated", "unchanged", "skipped", "failed")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.numbers: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(0)
        for column, key in enumerate(self.KEYS):
            number = QLabel("–", self)
            font = number.font()
            font.setPointSizeF(font.pointSizeF() * 1.9)
            font.setBold(True)
            number.setFont(font)
            caption = make_muted(QLabel(self))
            for label in (number, caption):
                label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(number, 0, column)
            grid.addWidget(caption, 1, column)
            self.numbers[key], self.captions[key] = number, caption
        grid.setColumnStretch(len(self.KEYS), 1)

    def show_report(self, report: ImportReport | None, *, dry_run: bool) -> None:
        """The report's counts, or dashes while it runs."""
        verbs = {
            "created": "will be created" if dry_run else "created",
            "updated": "will be updated" if dry_run else "updated",
            "unchanged": "already up to date",
            "skipped": "will be skipped" if dry_run else "skipped",
            "failed": "cannot be imported" if dry_run else "not imported",
        }
        counts = {}
        if report is not None:
            counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                      "skipped": report.skipped, "failed": report.failed_count}  # fmt: skip
        for key in self.KEYS:
            value = counts.get(key)
            self.numbers[key].setText("–" if value is None else f"{value:,}")
            self.captions[key].setText(verbs[key])
            palette = self.numbers[key].palette()
            if key == "failed" and value:
                palette.setColor(self.numbers[key].foregroundRole(), error_text(palette))
            else:
                palette = self.palette()
            self.numbers[key].setPalette(palette)


def problems_table(parent: QWidget | None = None) -> QTableWidget:
    """An empty, read-only table for the problem list."""
    table = QTableWidget(0, 3, parent)
    table.setHorizontalHeaderLabels(["Row", "Outcome", "Reason"])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    header.resizeSection(0, 70)
    header.resizeSection(1, 170)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


def fill_problems(table: QTableWidget, report: ImportReport | None, limit: int = 5000) -> None:
    """Show the report's problems (the first `limit`; the saved CSV has them all)."""
    rows = problems(report)[:limit] if report is not None else []
    table.setHorizontalHeaderItem(0, QTableWidgetItem(report.unit.capitalize() if report else "Row"))
    table.setRowCount(len(rows))
    colour = error_text(table.palette())
    for row, (number, outcome, reason) in enumerate(rows):
        cells = (QTableWidgetItem(str(number)), QTableWidgetItem(outcome), QTableWidgetItem(reason))
        cells[2].setToolTip(reason)
        if outcome == NOT_IMPORTED:
            cells[1].setForeground(colour)
        for column, cell in enumerate(cells):
            table.setItem(row, column, cell)
