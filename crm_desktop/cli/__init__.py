"""Command line (DESIGN §12): `crm-desktop [--db PATH|URL] [COMMAND]`; no command opens the window.

Exit status 0 on success, 1 on a user error (one line on stderr), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

from crm_desktop import __version__
from crm_desktop.cli import exporting, importing, quotes
from crm_desktop.logging_setup import configure_logging
from crm_desktop.services.errors import CRMError

log = logging.getLogger("crm_desktop.cli")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm-desktop",
        description="Offline-first desktop CRM for small businesses. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL (default: $CRM_DESKTOP_DB or "
                        "crm.sqlite in the user data folder)")  # fmt: skip
    parser.add_argument("--allow-synced-folder", action="store_true",
                        help="open a database inside a cloud-synced folder or network share anyway")  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="fill the database with a realistic demo business")
    demo.add_argument("--size", choices=("small", "large", "huge"), default="small")
    demo.add_argument("--seed", type=int, default=7, help="same seed, same business (default 7)")

    report = commands.add_parser("report", help="conversion and churn reports as PDF and/or JSON")
    report.add_argument("kind", choices=("conversion", "churn", "summary"))
    report.add_argument("--from", dest="start", type=_iso_date, required=True, metavar="DATE")
    report.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="DATE")
    report.add_argument("--out", type=Path, metavar="FILE.pdf", help="write the PDF report here")
    report.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    report.add_argument("--inactivity-days", type=_positive_int, metavar="N",
                        help="days without a purchase before a customer counts as churned")  # fmt: skip

    commands.add_parser("check", help="check integrity, search index, schema and references")
    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("out", nargs="?", type=Path, metavar="OUT")
    restore = commands.add_parser("restore", help="replace the database with a backup (a safety copy is kept)")
    restore.add_argument("file", type=Path, metavar="FILE")
    importing.add_parsers(commands)
    exporting.add_parsers(commands)
    quotes.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        if args.start > args.end:
            parser.error(f"--from {args.start} is after --to {args.end}")
        if not args.out and not args.json:
            parser.error("report needs --out FILE.pdf, --json, or both")
        if args.out and args.kind != "summary":
            parser.error("PDF output is available for `report summary` (it covers conversion and churn)")
    configure_logging()
    if args.command is None:
        from crm_desktop.ui.app import run_app  # Qt is loaded only when the window opens

        return run_app(args.db, allow_synced_folder=args.allow_synced_folder)
    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except CRMError as exc:
        log.warning("%s failed: %s", args.command, exc)
        print(f"crm-desktop: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crm-desktop: interrupted; nothing was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends: stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from crm_desktop.services.workspace import open_workspace

    return open_workspace(args.db, allow_synced_folder=args.allow_synced_folder)


def _progress_printer(label: str) -> Callable[[float, str], None] | None:
    """A one-line progress bar on a terminal; nothing when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        filled = int(max(0.0, min(1.0, fraction)) * 30)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {message[:40]:<40}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_demo(args: argparse.Namespace) -> int:
    from crm_desktop.services import demo

    db = _open(args)
    try:
        summary = demo.populate(db=db, size=args.size, seed=args.seed, progress=_progress_printer("demo"))
    finally:
        db.close()
    counts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in asdict(summary).items() if n)
    print(f"Demo business written to {db.location}: {counts}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from crm_desktop.services import reporting

    db = _open(args)
    try:
        if args.out:
            out = reporting.write_summary_pdf(
                db=db, start=args.start, end=args.end, out=args.out, inactivity_days=args.inactivity_days,
                progress=_progress_printer("report"),
            )  # fmt: skip
            print(f"Report written to {out}", file=sys.stderr)
        if args.json:
            with db.read_session() as session:
                data = reporting.report_json(
                    session=session, kind=args.kind, start=args.start, end=args.end,
                    inactivity_days=args.inactivity_days,
                )  # fmt: skip
            print(json.dumps(data, indent=2, ensure_ascii=False))
    finally:
        db.close()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from crm_desktop.services.maintenance import check_workspace

    db = _open(args)
    try:
        problems = check_workspace(db=db)
    finally:
        db.close()
    if problems:
        for line in problems:
            print(line)
        print(f"crm-desktop: {len(problems)} problem(s) found in {db.location}", file=sys.stderr)
        return 1
    print(f"{db.location}: ok (integrity, foreign keys, search index, schema, references)")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from crm_desktop.services.maintenance import backup_workspace

    db = _open(args)
    try:
        out = backup_workspace(db=db, out=args.out)
    finally:
        db.close()
    print(f"Backup written to {out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from crm_desktop.services.errors import StorageError
    from crm_desktop.services.maintenance import restore_workspace
    from crm_desktop.services.workspace import default_location

    location = args.db or str(default_location())
    if "://" in location:
        raise StorageError("restore works on database files; use the server's own tools for a server database")
    safety = restore_workspace(db_path=Path(location), source=args.file)
    kept = f" (the previous database was kept as {safety})" if safety else ""
    print(f"Restored {location} from {args.file}{kept}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": cmd_demo, "report": cmd_report, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
    "import": importing.cmd_import, "export": exporting.cmd_export, "privacy": exporting.cmd_privacy,
    "quote": quotes.cmd_quote,
}  # fmt: skip
