"""The `quote` command: `crm-desktop quote DEAL_ID --out QUOTE.pdf` writes a deal's quote as the app prints it.

Registered by crm_desktop.cli: `add_parsers(commands)` adds the sub-command, `COMMANDS` maps it to its handler.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _deal_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a deal id (a UUID, as shown by the app)") from None


def add_parsers(commands: Any) -> None:
    """Add `quote` to the command line's sub-parsers."""
    quote = commands.add_parser("quote", help="write a deal's quote as a PDF")
    quote.add_argument("deal_id", type=_deal_id, metavar="DEAL_ID")
    quote.add_argument("--out", type=Path, metavar="FILE.pdf", help="default: 'Quote Q-… – Customer.pdf' here")


def cmd_quote(args: argparse.Namespace) -> int:
    """`quote DEAL_ID [--out FILE.pdf]`: the quote in the business's settings, dated today."""
    from crm_desktop.cli import _open  # imported late: crm_desktop.cli imports this module
    from crm_desktop.services.quotes import default_quote_filename, quote_data, write_quote_pdf

    db = _open(args)
    try:
        out = args.out
        if out is None:
            with db.read_session() as session:
                out = Path.cwd() / default_quote_filename(quote_data(session=session, deal_id=args.deal_id))
        data = write_quote_pdf(db=db, deal_id=args.deal_id, out=out)
    finally:
        db.close()
    print(f"Quote {data.number} for {data.title!r} written to {out}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"quote": cmd_quote}

__all__ = ["COMMANDS", "add_parsers", "cmd_quote"]
