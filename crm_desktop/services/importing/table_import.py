"""What the organization, deal and purchase CSV imports share: fields with header synonyms, the mapping
(guessed, then overridden by hand), rows read through it, the report, and the one-transaction runner.

A mapping here is simply field → column index: each of these fields is fed by one column. The CSV file
itself is read by `tables.read_table` (encodings, separators, quoted multi-line cells), and the run reuses
the contacts runner's dry-run and Cancel machinery, so every kind of import behaves the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlmodel import Session

from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services.importing import formats
from crm_desktop.services.importing.guess import normalize
from crm_desktop.services.importing.report import ImportReport
from crm_desktop.services.importing.runner import BULK_FROM, DryRun
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.importing.values import DateOrder, DateReading, detect_date_order
from crm_desktop.store import Database

IGNORE = "ignore"
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")  # the apostrophe spreadsheet exports put before formulas
_PREFIXES = (
    "deal",
    "deals",
    "opportunity",
    "organization",
    "organisation",
    "company",
    "person",
    "contact",
    "order",
    "purchase",
)
Progress = Callable[[float, str], None]
Mapping_ = dict[str, int]


@dataclass(frozen=True)
class TableField:
    """A field a column can feed, with the header words (any language, any CRM's export) that name it."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class TableRow:
    """One data row under a mapping: field → cell text (blank cells left out), numbered as a spreadsheet shows it."""

    number: int
    values: dict[str, str]
    filled: int = 0  # cells of the whole row that hold something, mapped or not (a footer line fills one)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class TableReport(ImportReport):
    """An import report for one kind of record, with extra counts ("won": 5) and notes about the whole file."""

    what: str = "record"
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def summary(self) -> str:
        """One sentence: rows read, records created/updated/skipped/failed, then the extra counts."""
        noun = f"{self.what}{'s' * (self.created != 1)}"
        parts = [f"{self.created:,} {noun} created"]
        if self.updated or self.unchanged:
            parts.append(f"{self.updated:,} updated")
        if self.unchanged:
            parts.append(f"{self.unchanged:,} unchanged")
        parts += [f"{self.skipped:,} skipped", f"{self.failed_count:,} failed"]
        text = f"{self.total:,} {self.unit}{'s' * (self.total != 1)} read: {', '.join(parts)}"
        extra = [f"{n:,} {key.removesuffix('s') if n == 1 else key}" for key, n in self.counts.items() if n]
        if self.organizations_created and self.what != "organization":
            extra.append(f"{self.organizations_created:,} new organization{'s' * (self.organizations_created != 1)}")
        if extra:
            text += f" ({', '.join(extra)})"
        if self.dry_run:
            text += " (dry run: nothing was written)"
        return text + "."


def _phrase(text: str) -> str:
    return normalize(text).replace(" ", "")


def _lookup(fields: Sequence[TableField]) -> dict[str, tuple[str, int]]:
    """Header phrase → (field, rank): the field's own name ranks 0, its label 1, then its synonyms in order."""
    table: dict[str, tuple[str, int]] = {}
    for spec in fields:
        for rank, phrase in enumerate((spec.key.replace("_", " "), spec.label, *spec.synonyms)):
            table.setdefault(_phrase(phrase), (spec.key, rank))
    return table


def _candidates(header: str) -> list[str]:
    """The header as written, then without an export's record prefix ("Deal - Title" → "title")."""
    words = normalize(header).split()
    found = ["".join(words)]
    if len(words) > 1 and words[0] in _PREFIXES:
        found.append("".join(words[1:]))
    return found


def guess_columns(headers: Sequence[str], fields: Sequence[TableField]) -> Mapping_:
    """Field → column from the header names: exact synonyms first (for every column), then close spellings.

    When several columns name the same field, the closer name wins ("Amount" over "Expected Revenue",
    "Deal Name" over "Name"), then the column further left.
    """
    lookup = _lookup(fields)
    mapping: Mapping_ = {}
    taken: set[int] = set()
    hits: list[tuple[int, int, str]] = []  # (rank, column, field)
    for column, header in enumerate(headers):
        found = next((lookup[c] for c in _candidates(header) if c in lookup), None)
        if found is not None:
            hits.append((found[1], column, found[0]))
    for _rank, column, key in sorted(hits):
        if key not in mapping and column not in taken:
            mapping[key] = column
            taken.add(column)
    taken.update(column for _rank, column, _key in hits)  # a column named for a field taken elsewhere stays out
    choices = list(lookup)
    for column, header in enumerate(headers):
        if column in taken:
            continue
        for candidate in _candidates(header):
            best = process.extractOne(candidate, choices, scorer=fuzz.ratio, score_cutoff=88) if candidate else None
            if best is not None and lookup[best[0]][0] not in mapping:
                mapping[lookup[best[0]][0]] = column
                break
    return dict(sorted(mapping.items(), key=lambda item: item[1]))


def override_columns(
    headers: Sequence[str],
    mapping: Mapping[str, int],
    overrides: Iterable[tuple[str, str]],
    fields: Sequence[TableField],
) -> Mapping_:
    """`mapping` with columns mapped by hand: (column header, field key or "ignore"); unknown names raise."""
    keys = {f.key for f in fields}
    by_name = {" ".join(h.split()).casefold(): i for i, h in reversed(list(enumerate(headers)))}
    result = dict(mapping)
    for header, key in overrides:
        column = by_name.get(" ".join(header.split()).casefold())
        if column is None:
            raise ValidationError(
                f"there is no column called {header!r} (the columns are: {', '.join(headers)[:300]})", field="mapping"
            )
        if key != IGNORE and key not in keys:
            raise ValidationError(f"{key!r} is not a field here; choose one of {', '.join(sorted(keys))}")
        result = {k: c for k, c in result.items() if c != column and k != key}
        if key != IGNORE:
            result[key] = column
    return dict(sorted(result.items(), key=lambda item: item[1]))


def describe_columns(headers: Sequence[str], mapping: Mapping[str, int]) -> str:
    """ "Deal Name → title, Amount → value": what a mapping does, for a terminal or a log."""
    return ", ".join(f"{headers[column]} → {key}" for key, column in mapping.items())


def check_columns(table: SourceTable, mapping: Mapping[str, int], fields: Sequence[TableField]) -> None:
    """Every mapped column exists, names a known field, and the required fields are mapped."""
    keys = {f.key: f for f in fields}
    for key, column in mapping.items():
        if key not in keys:
            raise ValidationError(f"{key!r} is not a field here; choose one of {', '.join(keys)}", field="mapping")
        if not 0 <= column < len(table.headers):
            raise ValidationError(f"column {column + 1} does not exist in {table.name}", field="mapping")
    missing = [f.label for f in fields if f.required and f.key not in mapping]
    if missing:
        raise ValidationError(
            f"No column of {table.name} was recognised as {' or '.join(missing)} "
            f"(the columns are: {', '.join(table.headers)[:200]}); map one with --map",
            field="mapping",
        )


def rows_of(table: SourceTable, mapping: Mapping[str, int]) -> list[TableRow]:
    """Every data row through the mapping; cells are trimmed and a formula guard apostrophe is dropped."""
    rows = []
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        values = {}
        for key, column in mapping.items():
            cell = cells[column]
            cell = (cell[1:] if cell.startswith(_FORMULA_GUARD) else cell).strip()
            if cell:
                values[key] = cell
        rows.append(TableRow(number, values, sum(1 for cell in cells if cell.strip())))
    return rows


def file_date_reading(
    source: SourceTable, columns: Iterable[int], *, date_format: DateOrder | None, region: str, report: TableReport
) -> DateReading:
    """How the file's dates read: as told, else detected from its date columns (a guess is noted in the report)."""
    if date_format is not None:
        return DateReading(date_format)
    wanted = list(columns)
    texts = (row[c] for row in source.rows for c in wanted)
    try:
        reading = detect_date_order(texts, fallback="dmy" if formats.day_first_for(region) else "mdy")
    except ValueError as exc:
        raise ValidationError(f"{source.name}: {exc}", field="date_format") from None
    note = reading.note(region)
    if note:
        report.notes.append(note)
    return reading


def check_cancel(should_cancel: Callable[[], bool] | None) -> None:
    """Raise Cancelled when the user asked to stop (the transaction then rolls back)."""
    if should_cancel is not None and should_cancel():
        raise Cancelled("Import cancelled; nothing was imported")


def run_in_transaction(
    db: Database,
    work: Callable[[Session], TableReport],
    *,
    size: int,
    dry_run: bool = False,
    initiator: object | None = None,
) -> TableReport:
    """Run `work` in one transaction (a bulk session for large files): a dry run or any error writes nothing."""
    open_session = db.bulk_session if size >= BULK_FROM and not dry_run else db.session
    try:
        with open_session(initiator=initiator) as session:
            report = work(session)
            if dry_run:
                report.dry_run = True
                raise DryRun(report)
    except DryRun as done:
        assert isinstance(done.report, TableReport)
        return done.report
    return report
