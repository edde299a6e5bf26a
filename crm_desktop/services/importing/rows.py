"""CSV rows read through a column mapping into `ContactRecord`s (text only; validation comes later).

Handles the ways exports pack several values into one cell: Google's " ::: " between values and its
"* " mark on the primary one, "a@x.com; b@y.com" lists, and tags separated by ";" or ",".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing.fields import FIELD_BY_KEY, IGNORE, ColumnMapping, ContactRecord
from crm_desktop.services.importing.tables import SourceTable

_GOOGLE_SEPARATOR = " ::: "
_LIST_SPLIT = re.compile(r"\s*[;,]\s*")
_SYSTEM_GROUPS = frozenset({"mycontacts", "starred", "imported on"})
_FORMULA_GUARD = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # an apostrophe spreadsheet exports put before formulas


def check_mapping(table: SourceTable, mapping: Sequence[ColumnMapping]) -> None:
    """Every mapped column must exist and name a known field."""
    width = len(table.headers)
    for item in mapping:
        if item.field != IGNORE and item.field not in FIELD_BY_KEY:
            raise ValidationError(f"{item.field!r} is not a contact field one can import into", field="mapping")
        for column in (item.column, item.label_column):
            if column is not None and not 0 <= column < width:
                raise ValidationError(f"column {column + 1} does not exist in {table.name}", field="mapping")


def records_from_table(table: SourceTable, mapping: Sequence[ColumnMapping]) -> Iterator[ContactRecord]:
    """One record per data row, numbered as the spreadsheet shows it (the header is row 1)."""
    check_mapping(table, mapping)
    active = [m for m in mapping if m.field != IGNORE]
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        yield record_from_row(number, row, active)


def split_values(cell: str) -> list[str]:
    """A cell holding several values: Google's " ::: " or, for e-mail lists, ";" and ","."""
    if _GOOGLE_SEPARATOR.strip() in cell:
        return [part.strip() for part in cell.split(":::") if part.strip()]
    return [cell]


def _labels(row: list[str], item: ColumnMapping, count: int) -> list[str | None]:
    if item.label_column is None:
        return [item.label] * count
    parts = [_clean_label(p) for p in row[item.label_column].split(":::")]
    parts += [parts[-1] if parts else None] * (count - len(parts))
    return [p or item.label for p in parts[:count]]


def _clean_label(text: str) -> str | None:
    label = text.strip().lstrip("*").strip().lower()
    return label or None


def record_from_row(number: int, row: list[str], mapping: Sequence[ColumnMapping]) -> ContactRecord:
    """The record one row gives under `mapping` (ignored columns already left out)."""
    record = ContactRecord(number)
    addresses: dict[str, dict[str, str]] = {}
    for item in mapping:
        cell = row[item.column]
        cell = (cell[1:] if cell.startswith(_FORMULA_GUARD) else cell).strip()
        if not cell:
            continue
        key = item.field
        if key in ("email", "phone", "website"):
            values = split_values(cell)
            if key == "email" and len(values) == 1 and cell.count("@") > 1:
                values = [v for v in _LIST_SPLIT.split(cell) if v]
            target = {"email": record.emails, "phone": record.phones, "website": record.websites}[key]
            target.extend(zip(values, _labels(row, item, len(values)), strict=True))
        elif key == "notes":
            record.notes.append(cell)
        elif key == "tags":
            record.tags.extend(_tags(cell))
        elif FIELD_BY_KEY[key].address:
            addresses.setdefault(item.group, {}).setdefault(key, cell)
        else:
            record.values.setdefault(key, cell)
    for block in addresses.values():  # the first block (in mapping order) that holds a street or city
        if "street" in block or "city" in block or "postal_code" in block:
            record.values.update(block)
            break
    else:
        if addresses:
            record.values.update(next(iter(addresses.values())))
    return record


def _tags(cell: str) -> list[str]:
    separator = ":::" if ":::" in cell else ";" if ";" in cell else ","
    parts = cell.split(separator)
    tags = []
    for part in parts:
        tag = part.strip().lstrip("*").strip()
        if tag and tag.casefold() not in _SYSTEM_GROUPS and not tag.casefold().startswith("imported on"):
            tags.append(tag)
    return tags
