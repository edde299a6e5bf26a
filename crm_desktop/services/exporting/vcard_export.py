"""Contacts as vCard 4.0 (RFC 6350), one card per contact, for phones, mail programs and other CRMs.

Written by hand because vobject serializes vCard 3.0 only: text escaped (backslash, comma, semicolon,
newline), lines folded at 75 octets without splitting a UTF-8 character, CRLF line ends.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from babel import Locale
from sqlmodel import Session

from crm_desktop.domain.enums import ChannelKind
from crm_desktop.services.exporting._contacts import ContactPage, ContactRow, count_contacts, iter_contact_pages
from crm_desktop.services.exporting._files import Progress, ShouldCancel, atomic_text, check_cancel, never, quiet

CRLF = "\r\n"
MAX_OCTETS = 75
E164 = re.compile(r"\+[1-9]\d{1,14}")
LABEL_TYPES = (
    (("work", "office", "business"), "work"),
    (("home", "private", "personal"), "home"),
)
PHONE_TYPES = (
    (("mobile", "cell"), "cell"),
    (("fax",), "fax"),
    (("pager",), "pager"),
    (("text", "sms"), "text"),
    (("video",), "video"),
)
_ENGLISH = Locale("en")


def export_contacts_vcard(
    *,
    session: Session,
    out: Path,
    contact_ids: Sequence[uuid.UUID] | None = None,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> int:
    """Write live contacts (all, or these ids in this order) as vCard 4.0 to `out`; returns how many."""
    report, cancelled = progress or quiet, should_cancel or never
    report(0.0, "Counting contacts…")
    total = count_contacts(session, contact_ids)
    written = 0
    with atomic_text(out) as fh:
        for page in iter_contact_pages(session, contact_ids):
            check_cancel(cancelled, "The vCard export")
            fh.write("".join(card(contact, page) for contact in page.contacts))
            written += len(page.contacts)
            report(written / total if total else 1.0, f"{written:,} of {total:,} contacts written")
    report(1.0, f"{written:,} contacts exported")
    return written


def card(contact: ContactRow, page: ContactPage) -> str:
    """One contact as a complete vCard 4.0, folded, with CRLF line ends."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{contact.id}", "FN:" + escape(contact.display_name)]
    lines.append("N:" + ";".join(escape(part or "") for part in (contact.family_name, contact.given_name, "", "", "")))
    organization = page.organizations.get(contact.organization_id) if contact.organization_id else None
    if organization:
        lines.append("ORG:" + escape(organization))
    if contact.title:
        lines.append("TITLE:" + escape(contact.title))
    lines += _emails(contact, page.channels_of(contact, ChannelKind.EMAIL))
    lines += _phones(contact, page.channels_of(contact, ChannelKind.PHONE))
    address = (contact.street, contact.city, contact.region, contact.postal_code, _country(contact.country))
    if any(address):
        lines.append("ADR:;;" + ";".join(escape(part or "") for part in address))
    if contact.birthday:
        lines.append(f"BDAY:{contact.birthday:%Y%m%d}")
    if contact.notes:
        lines.append("NOTE:" + escape(contact.notes))
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(escape(tag) for tag in contact.tags))
    for channel in page.channels_of(contact, ChannelKind.URL):
        lines.append("URL" + _types(channel.label, ()) + ":" + escape(channel.value))
    for channel in page.channels_of(contact, ChannelKind.SOCIAL):
        service = re.sub(r"[^a-z0-9-]", "", (channel.label or "").lower())
        lines.append("X-SOCIALPROFILE" + (f";TYPE={service}" if service else "") + ":" + escape(channel.value))
    lines.append(f"REV:{contact.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return "".join(fold(line) + CRLF for line in lines)


def _emails(contact: ContactRow, channels: Iterable[Any]) -> list[str]:
    lines = [f"EMAIL;PREF=1:{escape(contact.email)}"] if contact.email else []
    seen = {contact.email.casefold()} if contact.email else set()
    for channel in channels:
        if channel.value.casefold() not in seen:
            seen.add(channel.value.casefold())
            lines.append("EMAIL" + _types(channel.label, ()) + ":" + escape(channel.value))
    return lines


def _phones(contact: ContactRow, channels: Iterable[Any]) -> list[str]:
    lines = [_tel(contact.phone, ";PREF=1")] if contact.phone else []
    seen = {contact.phone} if contact.phone else set()
    for channel in channels:
        if channel.value not in seen:
            seen.add(channel.value)
            lines.append(_tel(channel.value, _types(channel.label, PHONE_TYPES)))
    return lines


def _tel(number: str, params: str) -> str:
    """A TEL line: a tel: URI for E.164 numbers, plain text for anything else."""
    if E164.fullmatch(number):
        return f"TEL;VALUE=uri{params}:tel:{number}"
    return f"TEL;VALUE=text{params}:{escape(number)}"


def _types(label: str | None, extra: Sequence[tuple[tuple[str, ...], str]]) -> str:
    """A TYPE parameter from a channel label ("Work mobile" → ;TYPE=work,cell), or nothing."""
    words = set(re.findall(r"[a-z]+", (label or "").lower()))
    found = [kind for names, kind in (*LABEL_TYPES, *extra) if words & set(names)]
    return ";TYPE=" + ",".join(found) if found else ""


def _country(code: str | None) -> str | None:
    """The country's English name (what address books show); the code itself when babel does not know it."""
    if not code:
        return None
    return _ENGLISH.territories.get(code.upper(), code)


def escape(value: str) -> str:
    """A vCard text value: backslash, comma, semicolon escaped, every kind of line break as \\n."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never inside a UTF-8 character."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # continuation lines start with one space
        current.append(char)
        size += octets
    parts.append("".join(current))
    return (CRLF + " ").join(parts)
