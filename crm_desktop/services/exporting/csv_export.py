"""Contacts to CSV in this app's own columns (services/contact_csv.py), ready for Excel and for re-import.

UTF-8 with a byte order mark (so Excel reads accents right), comma separated, multi-line notes quoted.
Organization, owner and campaign are written by name; tags joined with TAG_SEPARATOR; extra emails and
phones become email_2, email_3, … and phone_2, … columns right after the primary one. Cells a spreadsheet
would run as a formula (starting with =, +, -, @ and not a number) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from crm_desktop.domain.enums import ChannelKind
from crm_desktop.services.contact_csv import CONTACT_CSV_COLUMNS, TAG_SEPARATOR
from crm_desktop.services.exporting._contacts import (
    ContactPage,
    ContactRow,
    count_contacts,
    iter_contact_pages,
    max_channels,
)
from crm_desktop.services.exporting._files import Progress, ShouldCancel, atomic_text, check_cancel, never, quiet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[\d\s().,/-]*\d[\d\s().,/-]*")


def csv_header(extra_emails: int, extra_phones: int) -> list[str]:
    """The header row: the app's columns with email_2… after email and phone_2… after phone."""
    header: list[str] = []
    for name in CONTACT_CSV_COLUMNS:
        header.append(name)
        if name == "email":
            header += [f"email_{n}" for n in range(2, extra_emails + 2)]
        elif name == "phone":
            header += [f"phone_{n}" for n in range(2, extra_phones + 2)]
    return header


def export_contacts_csv(
    *,
    session: Session,
    out: Path,
    contact_ids: Sequence[uuid.UUID] | None = None,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Write live contacts (all, or these ids in this order) to `out`; returns how many were written."""
    report, cancelled = progress or quiet, should_cancel or never
    report(0.0, "Counting contacts…")
    total = count_contacts(session, contact_ids)
    header = csv_header(
        max_channels(session, contact_ids, ChannelKind.EMAIL), max_channels(session, contact_ids, ChannelKind.PHONE)
    )
    written = 0
    with atomic_text(out, encoding="utf-8-sig") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        for page in iter_contact_pages(session, contact_ids):
            check_cancel(cancelled, "The contacts export")
            for contact in page.contacts:
                cells = contact_cells(contact, page)
                writer.writerow([safe_cell(cells.get(name)) for name in header])
            written += len(page.contacts)
            report(written / total if total else 1.0, f"{written:,} of {total:,} contacts written")
    report(1.0, f"{written:,} contacts exported")
    return written


def contact_cells(contact: ContactRow, page: ContactPage) -> dict[str, Any]:
    """One contact's values by CSV column name (extra email and phone columns included)."""
    cells: dict[str, Any] = dict(contact._mapping)
    cells["organization"] = page.organizations.get(contact.organization_id) if contact.organization_id else None
    cells["owner"] = page.owners.get(contact.owner_id) if contact.owner_id else None
    cells["campaign"] = page.campaigns.get(contact.campaign_id) if contact.campaign_id else None
    cells["tags"] = TAG_SEPARATOR.join(contact.tags or [])
    for kind in (ChannelKind.EMAIL, ChannelKind.PHONE):
        values = all_values(contact, page, kind)
        for n, value in enumerate(values, start=1):
            cells[kind.value if n == 1 else f"{kind.value}_{n}"] = value
    return cells


def all_values(contact: ContactRow, page: ContactPage, kind: ChannelKind) -> list[str]:
    """The primary email (or phone) first, then the extra channels of that kind, without repeats."""
    primary = contact.email if kind == ChannelKind.EMAIL else contact.phone
    values = [primary] if primary else []
    seen = {v.casefold() for v in values}
    for channel in page.channels_of(contact, kind):
        if channel.value and channel.value.casefold() not in seen:
            seen.add(channel.value.casefold())
            values.append(channel.value)
    return values


def safe_cell(value: Any) -> str:
    """Text for one cell: ISO dates, true/false, and no formula a spreadsheet would execute."""
    if type(value) is str and not value.startswith(FORMULA_START):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text
