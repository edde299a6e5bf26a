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


def _map_spec(text: str) -> tuple[str, str, str | None]:
    """ "Header=field" or "Header=field:label" (split at the last "=": headers may contain one)."""
    header, sep, target = text.rpartition("=")
    if not sep or not header.strip() or not target.strip():
        raise argparse.ArgumentTypeError(f'{text!r} is not HEADER=FIELD (e.g. "E-Mail=email")')
    from crm_desktop.services.importing import FIELD_BY_KEY, IGNORE

    field, _, label = target.strip().partition(":")
    if field != IGNORE and field not in FIELD_BY_KEY:
        choices = ", ".join([*FIELD_BY_KEY, IGNORE])
        raise argparse.ArgumentTypeError(f"{field!r} is not a contact field; choose one of {choices}")
    return header.strip(), field, label.strip() or None


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
    contacts.add_argument("--map", dest="maps", action="append", type=_map_spec, default=[], metavar="HEADER=FIELD",
                          help="map a CSV column by hand (FIELD may end in :label, e.g. \"Handy=phone:mobile\"; "
                          "FIELD ignore skips the column); repeatable")  # fmt: skip
    contacts.add_argument("--on-match", choices=ON_MATCH_CHOICES, default="update",
                          help="what to do with a contact that already exists (default: update)")  # fmt: skip
    contacts.add_argument("--region", type=_region, metavar="CC",
                          help="country of numbers written without +code (default: business setting)")  # fmt: skip
    contacts.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    workspace = kinds.add_parser("all", help="import a whole-workspace archive written by `export all`")
    workspace.add_argument("file", type=Path, metavar="FILE.jsonl")


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
    plan = ImportPlan(mapping=mapping, on_match=args.on_match, region=args.region)
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
