"""`crm-desktop import contacts|organizations|deals|purchases FILE …` and `import all FILE.jsonl` (DESIGN §7, §12).

The file is read (and its columns recognised) before the database is opened, so a file that is no table or
vCard at all costs one line on stderr (exit 1) and touches nothing. The summary goes to stdout: counts, then
one line per failed row (up to a limit), then warnings and notes about the whole file.
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
DATE_FORMATS = ("dmy", "mdy")  # as crm_desktop.services.importing.values.DATE_ORDERS
TABLE_KINDS = ("organizations", "deals", "purchases")


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
    _add_table_parsers(kinds)
    workspace = kinds.add_parser("all", help="import a whole-workspace archive written by `export all`")
    workspace.add_argument("file", type=Path, metavar="FILE.jsonl")
    workspace.add_argument("--format", choices=("jsonl",), default="jsonl", help="the archive format (JSON Lines)")


def _table_fields(kind: str) -> tuple[str, ...]:
    """The field names `--map` accepts for an organizations, deals or purchases import."""
    if kind == "deals":
        from crm_desktop.services.importing.deals import DEAL_FIELDS as fields
    elif kind == "purchases":
        from crm_desktop.services.importing.purchases_csv import PURCHASE_FIELDS as fields
    else:
        from crm_desktop.services.importing.organizations_csv import ORGANIZATION_FIELDS as fields
    return tuple(f.key for f in fields)


def _table_map(kind: str) -> Any:
    """The `--map` type of a table import: FIELD=COLUMN (or COLUMN=FIELD), FIELD one of the kind's fields."""

    def parse(text: str) -> tuple[str, str]:
        keys = (*_table_fields(kind), "ignore")
        left, sep, right = text.partition("=")
        if sep and left.strip() in keys and right.strip():
            return right.strip(), left.strip()
        head, sep, tail = text.rpartition("=")
        if sep and tail.strip() in keys and head.strip():
            return head.strip(), tail.strip()
        raise argparse.ArgumentTypeError(f'{text!r} is not FIELD=COLUMN (e.g. "title=Deal Name"); fields: '
                                         f"{', '.join(keys)}")  # fmt: skip

    return parse


def _stage_pair(text: str) -> tuple[str, str]:
    name, sep, stage = text.partition("=")
    if not sep or not name.strip() or not stage.strip():
        raise argparse.ArgumentTypeError(f'{text!r} is not NAME=STAGE (e.g. "Contract Sent=Proposal")')
    return name.strip(), stage.strip()


def _add_table_parsers(kinds: Any) -> None:
    """`import organizations|deals|purchases FILE.csv` with their options."""
    helps = {
        "organizations": "import organizations from a CSV file",
        "deals": "import deals (open, won and lost, with their dates) from a CSV file, e.g. a Pipedrive or "
        "HubSpot export",
        "purchases": "import purchases (a sales history) from a CSV file",
    }
    for kind in TABLE_KINDS:
        parser = kinds.add_parser(kind, help=helps[kind])
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--format", choices=("csv",), default="csv", help="the file format (CSV)")
        parser.add_argument("--map", dest="maps", action="append", type=_table_map(kind), default=[],
                            metavar="FIELD=COLUMN", help="map a column by hand (ignore=COLUMN skips one); "
                            "repeatable; the other columns are recognised from their names")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
        if kind == "organizations":
            parser.add_argument("--on-match", choices=ON_MATCH_CHOICES, default="update",
                                help="what to do with an organization that already exists (same external "
                                "reference or name; default: update)")  # fmt: skip
            continue
        parser.add_argument("--date-format", choices=DATE_FORMATS,
                            help="how numeric dates such as 03/04/2025 read: dmy (day first) or mdy (month "
                            "first); default: detected from the file, else the business region's")  # fmt: skip
        parser.add_argument("--on-match", choices=("skip", "create"), default="skip",
                            help="a record already in the workspace (a deal of the same title created the same "
                            "day; a purchase of the same customer, day and amount): skip it (default) or "
                            "import it again")  # fmt: skip
        parser.add_argument("--award-points", action="store_true",
                            help="award loyalty points for the imported purchases (default: none)")  # fmt: skip
        if kind == "deals":
            parser.add_argument("--create-missing", action="store_true",
                                help="create pipelines and stages the file names but the workspace lacks "
                                "(default: such rows fail)")  # fmt: skip
            parser.add_argument("--stage-map", dest="stage_map", action="append", type=_stage_pair, default=[],
                                metavar="NAME=STAGE", help="read the file's stage NAME as our STAGE (e.g. "
                                "\"Contract Sent=Proposal\"); repeatable")  # fmt: skip


def cmd_import(args: argparse.Namespace) -> int:
    """Run `import contacts|organizations|deals|purchases` or `import all`."""
    if args.kind == "all":
        return _import_workspace(args)
    if args.kind in TABLE_KINDS:
        return _import_table(args)
    return _import_contacts(args)


def _import_table(args: argparse.Namespace) -> int:
    """Organizations, deals or purchases from a CSV file: columns recognised (or mapped), then one transaction."""
    from crm_desktop.cli import _open, _progress_printer
    from crm_desktop.services.importing import table_import as t
    from crm_desktop.services.importing.tables import read_table

    source = read_table(args.file)
    run: Any
    if args.kind == "deals":
        from crm_desktop.services.importing.deal_writer import run_deal_import as run
        from crm_desktop.services.importing.deals import DEAL_FIELDS as fields
        from crm_desktop.services.importing.deals import DealPlan
    elif args.kind == "purchases":
        from crm_desktop.services.importing.purchases_csv import PURCHASE_FIELDS as fields
        from crm_desktop.services.importing.purchases_csv import PurchasePlan
        from crm_desktop.services.importing.purchases_csv import run_purchase_import as run
    else:
        from crm_desktop.services.importing.organizations_csv import ORGANIZATION_FIELDS as fields
        from crm_desktop.services.importing.organizations_csv import OrganizationPlan
        from crm_desktop.services.importing.organizations_csv import run_organization_import as run
    if args.kind == "deals":
        from crm_desktop.services.importing.deal_writer import guess_deal_columns

        mapping = guess_deal_columns(source)
    else:
        mapping = t.guess_columns(source.headers, fields)
    if args.maps:
        mapping = t.override_columns(source.headers, mapping, args.maps, fields)
    print(f"{source.name}: {_count(len(source.rows), 'row')}, {source.encoding}, {_delimiter(source.delimiter)}; "
          f"columns: {t.describe_columns(source.headers, mapping) or 'none recognised'}")  # fmt: skip
    t.check_columns(source, mapping, fields)
    plan: Any
    if args.kind == "deals":
        plan = DealPlan(
            mapping=mapping, date_format=args.date_format, create_missing=args.create_missing,
            stage_map=dict(args.stage_map), on_match=args.on_match, award_points=args.award_points,
        )  # fmt: skip
    elif args.kind == "purchases":
        plan = PurchasePlan(mapping=mapping, date_format=args.date_format, on_match=args.on_match,
                            award_points=args.award_points)  # fmt: skip
    else:
        plan = OrganizationPlan(mapping=mapping, on_match=args.on_match)
    db = _open(args)
    try:
        report = run(db, source, plan, dry_run=args.dry_run, progress=_progress_printer("import"))
    finally:
        db.close()
    print_report(report)
    return 0


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
        print(f"{source.name}: {_count(len(source.rows), 'row')}, {source.encoding}, {_delimiter(source.delimiter)}; "
              f"{layout}: {describe_mapping(source.headers, mapping) or 'none recognised'}")  # fmt: skip
    elif args.preset or args.maps:
        raise ValidationError("--preset and --map apply to CSV files; a vCard names its own fields")
    else:
        print(f"{source.name}: {_count(len(source.records), 'vCard')}, {source.encoding}")
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
    for note in getattr(report, "notes", ()):
        print(f"Note: {_one_line(note)}", file=stream)


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


def _count(number: int, noun: str) -> str:
    """ "1 row", "2,400 rows"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
