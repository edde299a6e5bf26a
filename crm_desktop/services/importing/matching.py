"""Finding the live contact an imported record is: by its CRM Desktop id, external reference, e-mail, phone.

Lookups go by the values the file holds, through the indexes (e-mails compare in lower case, which no
index holds: one pass over the e-mail index), and contacts created earlier in the same import are
remembered, so a file listing someone twice creates them once. Organizations are found by name, ignoring case.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, Organization
from crm_desktop.services.importing.cleaning import CleanContact

CHUNK = 2_000  # values per IN (...) list: few statements, far below every database's limit


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Lists of at most `size` items (SQL parameter lists stay small)."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def key_filters(session: Session, column: Any, keys: Iterable[str]) -> list[Any]:
    """Conditions that together select the rows whose `column` is one of `keys` (none for no keys).

    On SQLite the keys travel as one JSON array: one statement, no parameter limit, and a lookup on a computed
    column such as lower(email) scans the table once instead of once per chunk. Elsewhere, IN lists of CHUNK.
    """
    ordered = sorted(set(keys))
    if not ordered:
        return []
    if session.get_bind().dialect.name == "sqlite":
        values = func.json_each(json.dumps(ordered)).table_valued("value")
        return [column.in_(select(values.c.value))]
    return [column.in_(batch) for batch in chunks(ordered)]


def name_key(name: str) -> str:
    """How organization names compare: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def sql_lower_variants(texts: Iterable[str]) -> set[str]:
    """What SQL lower() may give for these texts: SQLite lowers ASCII letters only, other databases all."""
    variants: set[str] = set()
    for text in texts:
        variants.add(text.lower())
        if not text.isascii():
            variants.add(text.casefold())
            variants.add("".join(ch.lower() if ch.isascii() else ch for ch in text))
    return variants


MATCH_KEYS: tuple[str, ...] = ("id", "external_ref", "email", "phone")  # in the order they are tried


class Matcher:
    """The contacts a set of records may match, looked up once, plus those this import creates."""

    def __init__(self, session: Session, records: Sequence[CleanContact], match_by: Sequence[str] = MATCH_KEYS) -> None:
        self.match_by = frozenset(match_by)
        self.by_id: dict[uuid.UUID, uuid.UUID] = {}
        self.by_ref: dict[str, uuid.UUID] = {}
        self.by_email: dict[str, uuid.UUID] = {}
        self.by_phone: dict[str, uuid.UUID] = {}
        people = [r for r in records if not r.is_organization]
        ids = {r.contact_id for r in people if r.contact_id}
        refs = {r.fields["external_ref"] for r in people if r.fields.get("external_ref")}
        emails = sql_lower_variants(e for r in people for e, _ in r.emails)
        phones = {p for r in people for p in r.phone_keys}
        live = col(Contact.deleted_at).is_(None)
        for batch in chunks(ids):
            for found in session.exec(select(Contact.id).where(col(Contact.id).in_(batch), live)).all():
                self.by_id[found] = found
        ref, email, phone = col(Contact.external_ref), func.lower(col(Contact.email)), col(Contact.phone)
        self._load(session, ref, key_filters(session, ref, refs), self.by_ref)
        # "email IS NOT NULL" steers SQLite through the e-mail index: one pass, only rows with an address.
        email_filters = [col(Contact.email).is_not(None) & f for f in key_filters(session, email, emails)]
        self._load(session, email, email_filters, self.by_email)
        self._load(session, phone, key_filters(session, phone, phones), self.by_phone)
        self._load_channels(session, emails, "email", self.by_email)
        self._load_channels(session, phones, "phone", self.by_phone)

    @staticmethod
    def _load(session: Session, column: Any, filters: list[Any], into: dict[str, uuid.UUID]) -> None:
        """Live contacts whose `column` passes `filters`, the oldest first (it wins a tie).

        Trashed contacts are left out here rather than in SQL: a `deleted_at IS NULL` test would tempt SQLite
        to walk every live contact through the (deleted_at, created_at) index instead of looking the keys up.
        """
        order = (col(Contact.created_at), col(Contact.id))
        for condition in filters:
            stmt = select(column, Contact.id, Contact.deleted_at).where(condition).order_by(*order)
            for key, contact_id, deleted_at in session.exec(stmt).all():
                if deleted_at is None:
                    into.setdefault(str(key).casefold(), contact_id)

    @staticmethod
    def _load_channels(session: Session, keys: set[str], kind: str, into: dict[str, uuid.UUID]) -> None:
        normalized = col(ContactChannel.normalized)
        for condition in key_filters(session, normalized, keys):
            stmt = (
                select(ContactChannel.normalized, ContactChannel.contact_id)
                .join(Contact, col(Contact.id) == col(ContactChannel.contact_id))
                .where(
                    col(ContactChannel.kind) == kind, condition,
                    col(ContactChannel.deleted_at).is_(None), col(Contact.deleted_at).is_(None),
                )
                .order_by(col(Contact.created_at), col(Contact.id))
            )  # fmt: skip
            for key, contact_id in session.exec(stmt).all():
                into.setdefault(str(key).casefold(), contact_id)

    def find(self, record: CleanContact) -> uuid.UUID | None:
        """The contact this record is, if any (id, then external reference, then e-mails, then phones;
        only the keys in `match_by`)."""
        use = self.match_by
        if "id" in use and record.contact_id and record.contact_id in self.by_id:
            return self.by_id[record.contact_id]
        ref = record.fields.get("external_ref")
        if "external_ref" in use and ref and ref.casefold() in self.by_ref:
            return self.by_ref[ref.casefold()]
        for key in record.email_keys if "email" in use else ():
            if key in self.by_email:
                return self.by_email[key]
        for key in record.phone_keys if "phone" in use else ():
            if key in self.by_phone:
                return self.by_phone[key]
        return None

    def remember(self, record: CleanContact, contact_id: uuid.UUID) -> None:
        """Make later records of the same file find this contact."""
        if record.contact_id:
            self.by_id.setdefault(record.contact_id, contact_id)
        ref = record.fields.get("external_ref")
        if ref:
            self.by_ref.setdefault(ref.casefold(), contact_id)
        for key in record.email_keys:
            self.by_email.setdefault(key, contact_id)
        for key in record.phone_keys:
            self.by_phone.setdefault(key, contact_id)


def existing_organizations(session: Session, names: Iterable[str]) -> dict[str, uuid.UUID]:
    """Live organizations with these names (case ignored), oldest first when two share a name.

    ASCII names are compared with lower() in SQL; SQLite's lower() leaves other letters alone, so names
    with accents are narrowed by a LIKE pattern with a wildcard per accented letter, then compared here.
    """
    originals = sorted({" ".join(n.split()) for n in names if n.strip()})
    wanted = {name_key(n) for n in originals}
    found: dict[str, uuid.UUID] = {}
    lowered = func.lower(col(Organization.name))
    conditions = [lowered.in_(batch) for batch in chunks(sorted(n.lower() for n in originals if n.isascii()))]
    for batch in chunks([n for n in originals if not n.isascii()], 50):
        conditions.append(or_(*(col(Organization.name).ilike(_ascii_pattern(n), escape="\\") for n in batch)))
    for condition in conditions:
        stmt = (
            select(Organization.name, Organization.id)
            .where(condition, col(Organization.deleted_at).is_(None))
            .order_by(col(Organization.created_at), col(Organization.id))
        )
        for name, org_id in session.exec(stmt).all():
            key = name_key(name)
            if key in wanted:
                found.setdefault(key, org_id)
    return found


def _ascii_pattern(name: str) -> str:
    """ "Müller & Söhne" → "M_ller & S_hne": a LIKE pattern matching the name in any letter case."""
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "".join(ch if ch.isascii() else "_" for ch in escaped)
