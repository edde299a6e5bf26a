"""The `export` and `privacy` commands (DESIGN §7, §12): contacts as CSV or vCard, the workspace as JSON Lines,
everything about one person as JSON or PDF, and erasing a person for good.

Registered by crm_desktop.cli: `add_parsers(commands)` adds the sub-commands, `COMMANDS` maps them to handlers.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

USAGE_ERROR = 2
CONTACT_FORMATS = {".csv": "csv", ".vcf": "vcard", ".vcard": "vcard"}


def _contact_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a contact id (a UUID, as shown by the app)") from None


def _contact_ids(text: str) -> list[uuid.UUID]:
    return [_contact_id(part) for part in text.split(",") if part.strip()]


def add_parsers(commands: Any) -> None:
    """Add `export` and `privacy` to the command line's sub-parsers."""
    export = commands.add_parser("export", help="export contacts (CSV, vCard) or the whole workspace (JSON Lines)")
    export.add_argument("kind", choices=("contacts", "all"), help="contacts, or all for the whole workspace")
    export.add_argument("out", type=Path, metavar="OUT", help="the file to write")
    export.add_argument("--format", choices=("csv", "vcard", "jsonl"),
                        help="default: from OUT's extension (.csv, .vcf); jsonl for `all`")  # fmt: skip
    export.add_argument("--ids", type=_contact_ids, metavar="ID,ID,…", help="only these contacts (default: all)")

    privacy = commands.add_parser("privacy", help="data-subject requests: export or erase one person's data")
    actions = privacy.add_subparsers(dest="privacy_action", metavar="ACTION", required=True)
    subject = actions.add_parser("export", help="everything held about one contact, as JSON or PDF")
    subject.add_argument("contact_id", type=_contact_id, metavar="CONTACT_ID")
    subject.add_argument("out", type=Path, metavar="OUT", help="a .json or .pdf file")
    erase = actions.add_parser("erase", help="anonymize one contact everywhere, for good (cannot be undone)")
    erase.add_argument("contact_id", type=_contact_id, metavar="CONTACT_ID")
    erase.add_argument("--yes", action="store_true", help="confirm: erasing cannot be undone")


def _usage(message: str) -> int:
    print(f"crm-desktop: {message}", file=sys.stderr)
    return USAGE_ERROR


def _helpers() -> tuple[Callable[[argparse.Namespace], Any], Callable[[str], Any]]:
    from crm_desktop.cli import _open, _progress_printer  # imported late: crm_desktop.cli imports this module

    return _open, _progress_printer


def _contact_format(args: argparse.Namespace) -> str | None:
    if args.format:
        return str(args.format)
    return CONTACT_FORMATS.get(args.out.suffix.lower())


def cmd_export(args: argparse.Namespace) -> int:
    """`export contacts OUT [--format csv|vcard] [--ids …]` and `export all OUT.jsonl`."""
    from crm_desktop.services import exporting

    fmt = None
    if args.kind == "all":
        if args.format not in (None, "jsonl"):
            return _usage("`export all` writes a JSON Lines archive (--format jsonl)")
        if args.ids:
            return _usage("--ids selects contacts; `export all` always exports the whole workspace")
    else:
        fmt = _contact_format(args)
        if fmt not in ("csv", "vcard"):
            return _usage("choose --format csv or --format vcard for contacts (or name OUT *.csv or *.vcf)")
    open_db, progress = _helpers()
    db = open_db(args)
    try:
        if args.kind == "all":
            counts = exporting.export_workspace(db=db, path=args.out, progress=progress("export"))
            print(f"Exported {sum(counts.values()):,} records to {args.out}")
            return 0
        writer = exporting.export_contacts_csv if fmt == "csv" else exporting.export_contacts_vcard
        with db.read_session() as session:
            written = writer(session=session, out=args.out, contact_ids=args.ids, progress=progress("export"))
    finally:
        db.close()
    print(f"Exported {written:,} contact{'s' if written != 1 else ''} to {args.out}")
    return 0


def cmd_privacy(args: argparse.Namespace) -> int:
    """`privacy export CONTACT_ID OUT(.json|.pdf)` and `privacy erase CONTACT_ID --yes`."""
    from crm_desktop.services import privacy

    if args.privacy_action == "export" and args.out.suffix.lower() not in (".json", ".pdf"):
        return _usage("name the output file *.json or *.pdf")
    if args.privacy_action == "erase" and not args.yes:
        return _usage("erasing a contact cannot be undone; add --yes to confirm")
    open_db, _progress = _helpers()
    db = open_db(args)
    try:
        if args.privacy_action == "export":
            write = (
                privacy.write_contact_data_pdf if args.out.suffix.lower() == ".pdf" else privacy.write_contact_data_json
            )
            with db.read_session() as session:
                out = write(session=session, contact_id=args.contact_id, out=args.out)
            print(f"Personal data of contact {args.contact_id} written to {out}")
            return 0
        summary = privacy.erase_contact_for_good(db=db, contact_id=args.contact_id)
    finally:
        db.close()
    print(
        f"Erased contact {args.contact_id}: {summary.contacts} contact record(s) and {summary.records} related "
        f"record(s) anonymized, {summary.journal_values} old value(s) removed from the history. "
        "Backups made before now still hold the old data until they are rotated away."
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"export": cmd_export, "privacy": cmd_privacy}

__all__ = ["COMMANDS", "add_parsers", "cmd_export", "cmd_privacy"]
