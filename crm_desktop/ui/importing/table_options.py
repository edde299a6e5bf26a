"""The options of a deal, organization or purchase import: date order, stages, duplicates, points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.importing.stage_names import FileStage
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.importing.values import DateOrder, detect_date_order
from crm_desktop.ui.importing.table_kinds import (
    CREATE_MISSING,
    DAY_FIRST,
    MATCH_STAGES,
    MONTH_FIRST,
    TableChoices,
    TableKind,
    gui_words,
)
from crm_desktop.ui.style import make_muted

AUTO = ""  # the date-order combo's "as detected" entry
DATE_CHOICES = ((AUTO, "As detected"), ("dmy", f"{DAY_FIRST} (31/12/2025)"), ("mdy", f"{MONTH_FIRST} (12/31/2025)"))


def detected_order_text(source: SourceTable, columns: Sequence[int], region: str, *, day_first: bool) -> str:
    """What the dates of `columns` say about their order, in one sentence (as the import will read them)."""
    if not columns:
        return "No date column is imported."
    texts = (row[c] for row in source.rows for c in columns)
    try:
        reading = detect_date_order(texts, fallback="dmy" if day_first else "mdy")
    except ValueError as exc:
        return f"Detected: {gui_words(str(exc))}."
    order = DAY_FIRST if reading.order == "dmy" else MONTH_FIRST
    if reading.guessed:
        return (
            f"Detected: dates such as {reading.ambiguous_example} read either way; they will be read "
            f"{order.lower()}, as usual in {region}."
        )
    return f"Detected: {order.lower()}."


class TableOptions(QGroupBox):
    """Public widgets (`date_order`, `detected`, `create_missing`, `match_stages`, `stage_summary`, `on_match`,
    `award_points`) for tests; `stage_map` holds the stage names matched by hand."""

    def __init__(self, kind: TableKind, parent: QWidget | None = None) -> None:
        super().__init__("Options", parent)
        self.kind = kind
        form = QFormLayout(self)
        self.date_order = QComboBox(self)
        for value, text in DATE_CHOICES:
            self.date_order.addItem(text, value)
        self.detected = make_muted(QLabel(self))
        self.detected.setWordWrap(True)
        if kind.date_fields:
            dates = QHBoxLayout()
            dates.addWidget(self.date_order)
            dates.addWidget(self.detected, 1)
            form.addRow("Dates:", dates)
        else:  # kept (hidden) so every kind has the same public widgets
            self.date_order.hide()
            self.detected.hide()
        self.create_missing = QCheckBox(CREATE_MISSING, self)
        self.create_missing.setToolTip(
            "Pipelines and stages the file names but this workspace lacks are added; without this, such rows are "
            "not imported."
        )
        self.stage_map: dict[str, str] = {}  # the file's stage name → ours, as matched in the stage dialog
        self.stage_summary = make_muted(QLabel(self))
        self.stage_summary.setWordWrap(True)
        self.match_stages = QPushButton(MATCH_STAGES, self)
        self.match_stages.setToolTip("Choose which stage of this workspace each stage name of the file goes to")
        if kind.create_missing:
            form.addRow("Pipelines:", self.create_missing)
            stages = QHBoxLayout()
            stages.addWidget(self.match_stages)
            stages.addWidget(self.stage_summary, 1)
            form.addRow("Stages:", stages)
        else:
            for widget in (self.create_missing, self.match_stages, self.stage_summary):
                widget.hide()
        self.on_match_group = QButtonGroup(self)
        self.on_match: dict[str, QRadioButton] = {}
        choices = QHBoxLayout()
        choices.setSpacing(16)
        for value, text in kind.on_match:
            button = QRadioButton(text, self)
            self.on_match[value] = button
            self.on_match_group.addButton(button)
            choices.addWidget(button)
        choices.addStretch(1)
        self.on_match[kind.on_match[0][0]].setChecked(True)
        match_box = QVBoxLayout()
        match_box.setSpacing(2)
        match_box.addLayout(choices)
        match_box.addWidget(make_muted(QLabel(kind.match_hint, self)))
        form.addRow(kind.match_question, match_box)
        self.award_points = QCheckBox("Award points for the imported purchases", self)
        self.award_points.setToolTip("Off by default: points for old purchases would mostly have expired.")
        if kind.award_points:
            form.addRow("Loyalty:", self.award_points)
        else:
            self.award_points.hide()

    def chosen_date_format(self) -> DateOrder | None:
        """dmy or mdy when chosen by hand; None to read the order from the file."""
        value = str(self.date_order.currentData() or "")
        return "dmy" if value == "dmy" else "mdy" if value == "mdy" else None

    def choices(self) -> TableChoices:
        """Everything picked here, for the kind's plan."""
        on_match = next((key for key, button in self.on_match.items() if button.isChecked()), self.kind.on_match[0][0])
        return TableChoices(
            on_match=on_match,
            date_format=self.chosen_date_format() if self.kind.date_fields else None,
            create_missing=self.kind.create_missing and self.create_missing.isChecked(),
            award_points=self.kind.award_points and self.award_points.isChecked(),
            stage_map=dict(self.stage_map) if self.kind.create_missing else {},
        )


def stage_summary_text(stages: Sequence[FileStage], stage_map: Mapping[str, str]) -> str:
    """One sentence on the file's stage names: how many are known, and which are not matched yet."""
    if not stages:
        return "No stage column: open deals go to the pipeline's first stage."
    left = [s for s in stages if not s.reading and s.name not in stage_map]
    names = f"{len(stages):,} stage name{'s' * (len(stages) != 1)}"
    if not left:
        by_hand = sum(1 for s in stages if s.name in stage_map)
        return f"{names}, all matched" + (f" ({by_hand:,} by hand)." if by_hand else ".")
    shown = ", ".join(f"“{s.name}”" for s in left[:3]) + (" …" if len(left) > 3 else "")
    return f"{names}; {len(left):,} not known here: {shown}."
