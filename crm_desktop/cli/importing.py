"""`crm-desktop import contacts FILE …` and `crm-desktop import all FILE.jsonl` (DESIGN §7, §12).

The file is read before the database is opened, so a file that is no table or vCard at all costs one
line on stderr (exit 1) and touches nothing. The summary goes to stdout: counts, then one line per
failed row (up to a limit), then warnings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm_desktop.services.importing import ImportReport

MAX_FAILED_LINES = 50
MAX_WARNING_LINES = 20
# The same choices as crm_desktop.services.importing (a test keeps them equal); spelled out here so that
# building the parser does not load the importers for every command.
ON_MATCH_CHOICES = ("update", "skip", "create")
PRESET_NAMES = ("google", "outlook", "thunderbird", "crm")
MATCH_KEYS = ("id", "external_ref", "email", "phone")  # as crm_desktop.services.importing.matching.MATCH_KEYS


def _map_spec(text: str) -> tuple[str, str, str | None]:
    """ "FIELD=COLUMN" as DESIGN §12 has it (FIELD may end in ":label"; "ignore=COLUMN" skips a column).

    The other order ("COLUMN=FIELD") is accepted too when only its right side names a field.
    Returns (column, field, label).
    """
    from crm_desktop.services.importing import FIELD_BY_KEY, IGNORE

    def as_field(part: str) -> tuple[str, str | None] | None:
        field, _, label = part.strip().partition(":")
        return (field, label.strip() or None) if field in FIELD_BY_KEY or field == IGNORE else None

    left, sep, right = text.partition("=")
    if sep and left.strip() and right.strip() and (found := as_field(left)):
        return right.strip(), found[0], found[1]
    head, sep, tail = text.rpartition("=")
    if sep and head.strip() and tail.strip() and (found := as_field(tail)):
        return head.strip(), found[0], found[1]
    choices = ", ".join([*FIELD_BY_KEY, IGNORE])
    raise argparse.ArgumentTypeError(f'{text!r} is not FIELD=COLUMN (e.g. "email=E-Mail"); fields: {choices}')


def _match_keys(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in keys if k not in MATCH_KEYS]
    if not keys or unknown:
        raise argparse.ArgumentTypeError(f"use a comma list of {', '.join(MATCH_KEYS)} (e.g. email,phone)")
    return keys


def _region(text: str) -> str:
    if len(text) != 2 or not text.isalpha():
        raise argparse.ArgumentTypeError("use a two-letter country code such as GB, DE or US")
    return text.upper()


def add_parsers(commands: Any) -> None:
    """Add `import contacts` and `import all` to the command line's sub-parsers."""
    parser = commands.add_parser("import", help="import contacts (CSV, vCard) or a whole workspace (JSON Lines)")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    contacts = kinds.add_parser("contacts", help="import contacts from a CSV or vCard file")
    contacts.add_argument("file", type=Path, metavar="FILE")
    contacts.add_argument("--format", choices=("csv", "vcard"), help="default: from the file name and content")
    contacts.add_argument("--preset", choices=PRESET_NAMES, help="CSV column layout (default: detected)")
    contacts.add_argument("--map", dest="maps", action="append", type=_map_spec, default=[], metavar="FIELD=COLUMN",
                          help="map a CSV column by hand: FIELD=COLUMN (FIELD may end in :label, e.g. "
                          "\"phone:mobile=Handy\"; ignore=COLUMN skips a column); repeatable")  # fmt: skip
    contacts.add_argument("--on-match", choices=ON_MATCH_CHOICES, default="update",
                          help="what to do with a contact that already exists (default: update)")  # fmt: skip
    contacts.add_argument("--region", type=_region, metavar="CC",
                          help="country of numbers written without +code (default: business setting)")  # fmt: skip
    contacts.add_argument("--match-by", type=_match_keys, default=MATCH_KEYS, metavar="KEY,…",
                          help="what finds an existing contact, tried in this order: id, external_ref, email, "
                          "phone (default: all four)")  # fmt: skip
    contacts.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    workspace = kinds.add_parser("all", help="import a whole-workspace archive written by `export all`")
    workspace.add_argument("file", type=Path, metavar="FILE.jsonl")
    workspace.add_argument("--format", choices=("jsonl",), default="jsonl", help="the archive format (JSON Lines)")


def cmd_import(args: argparse.Namespace) -> int:
    """Run `import contacts` or `import all`."""
    if args.kind == "all":
        return _import_workspace(args)
    return _import_contacts(args)


def _import_contacts(args: argparse.Namespace) -> int:
    from crm_desktop.cli import _open, _progress_printer
    from crm_desktop.services.errors import ValidationError
    from crm_desktop.services.importing import ImportPlan, SourceTable, read_source, run_import, suggest_mapping
    from crm_desktop.services.importing.presets import describe_mapping, override_mapping

    source = read_source(args.file, format=args.format)
    mapping = None
    if isinstance(source, SourceTable):
        preset, suggested = suggest_mapping(source.headers, args.preset)
        mapping = override_mapping(source.headers, suggested, args.maps) if args.maps else suggested
        layout = f"{preset.label} columns" if preset and not args.maps else "columns"
        print(f"{source.name}: {len(source.rows):,} rows, {source.encoding}, {_delimiter(source.delimiter)}; "
              f"{layout}: {describe_mapping(source.headers, mapping) or 'none recognised'}")  # fmt: skip
    elif args.preset or args.maps:
        raise ValidationError("--preset and --map apply to CSV files; a vCard names its own fields")
    else:
        print(f"{source.name}: {len(source.records):,} vCards, {source.encoding}")
    plan = ImportPlan(mapping=mapping, on_match=args.on_match, region=args.region, match_by=args.match_by)
    db = _open(args)
    try:
        report = run_import(db, source, plan, dry_run=args.dry_run, progress=_progress_printer("import"))
    finally:
        db.close()
    print_report(report)
    return 0


def _delimiter(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(delimiter, repr(delimiter)) + " separated"


def print_report(report: ImportReport, out: Any = None) -> None:
    """The summary, failed rows and warnings, each list cut at a readable length."""
    stream = out or sys.stdout
    print(report.summary(), file=stream)
    for title, items, limit in (("Failed", report.failed, MAX_FAILED_LINES),
                                ("Warnings", report.warnings, MAX_WARNING_LINES)):  # fmt: skip
        if not items:
            continue
        print(f"{title}:", file=stream)
        for number, reason in items[:limit]:
            print(f"  {report.unit} {number}: {_one_line(reason)}", file=stream)
        if len(items) > limit:
            print(f"  … and {len(items) - limit:,} more", file=stream)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _import_workspace(args: argparse.Namespace) -> int:
    from crm_desktop.cli import _open, _progress_printer
    from crm_desktop.services.errors import ValidationError

    path: Path = args.file
    if not path.is_file():
        raise ValidationError(f"{path} does not exist or is not a file")
    try:
        from crm_desktop.services.exporting.workspace_jsonl import import_workspace
    except ImportError:
        raise ValidationError("importing a whole workspace is not available in this version") from None
    db = _open(args)
    try:
        counts = import_workspace(db=db, path=path, progress=_progress_printer("import"))
    finally:
        db.close()
    written = ", ".join(f"{name.replace('_', ' ')}: {n:,}" for name, n in counts.items() if n) or "nothing new"
    print(f"Imported {path.name} into {db.location}: {written}")
    return 0
