"""Running a contacts import: read records, validate each, match, write, all in one transaction.

Bad records are reported with their row or card number and skipped; good ones arrive. Cancel or any
error rolls the whole import back, and a dry run computes the same report and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlmodel import Session, col, select

from crm_desktop.domain import Campaign, User, utcnow
from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services.importing import formats
from crm_desktop.services.importing.apply import ImportWriter
from crm_desktop.services.importing.cleaning import CleanContact, Lookups, clean_record
from crm_desktop.services.importing.fields import ON_MATCH_CHOICES, ColumnMapping, ContactRecord, OnMatch
from crm_desktop.services.importing.matching import MATCH_KEYS
from crm_desktop.services.importing.presets import suggest_mapping
from crm_desktop.services.importing.report import ImportReport
from crm_desktop.services.importing.rows import records_from_table
from crm_desktop.services.importing.tables import SourceTable, decode_bytes, read_bytes, read_table
from crm_desktop.services.importing.vcards import CardFile, looks_like_vcard, read_vcards
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database

Source = SourceTable | CardFile
Progress = Callable[[float, str], None]
Format = Literal["csv", "vcard"]
CHECK_EVERY = 250  # records between progress reports and Cancel checks
BULK_FROM = 2_000  # records from which an import writes through a bulk session


@dataclass(frozen=True)
class ImportPlan:
    """How to import: the column mapping (CSV; None = detected preset or guess) and what to do on a match."""

    mapping: Sequence[ColumnMapping] | None = None
    on_match: OnMatch = "update"
    region: str | None = None  # phone region for numbers without a country code; None = the business setting
    tags: tuple[str, ...] = ()  # added to every imported contact, e.g. ("Imported 2026-05-01",)
    source: str | None = None  # Contact.source for records that name none
    match_by: tuple[str, ...] = MATCH_KEYS  # which keys find an existing contact (id, external_ref, email, phone)


def read_source(path: str | Path, *, format: Format | None = None) -> Source:
    """A CSV table or a vCard file, by the format given or else by its extension and content."""
    file = Path(path)
    if format is None:
        suffix = file.suffix.lower()
        if suffix in (".vcf", ".vcard"):
            format = "vcard"
        elif suffix in (".csv", ".tsv"):
            format = "csv"
        else:
            text, _ = decode_bytes(read_bytes(file), name=file.name)
            format = "vcard" if looks_like_vcard(text) else "csv"
    if format == "vcard":
        return read_vcards(file)
    if format == "csv":
        return read_table(file)
    raise ValidationError(f"unknown import format {format!r}; choose csv or vcard", field="format")


def records_of(source: Source, plan: ImportPlan) -> list[ContactRecord]:
    """The records a source gives under the plan (CSV rows through the mapping, vCards as they are)."""
    if isinstance(source, CardFile):
        return list(source.records)
    mapping = plan.mapping if plan.mapping is not None else suggest_mapping(source.headers)[1]
    if not mapping:
        raise ValidationError(
            f"None of the columns of {source.name} could be recognised ({', '.join(source.headers[:6])}); "
            "map them to contact fields first",
            field="mapping",
        )
    return list(records_from_table(source, mapping))


def lookups_for(session: Session, plan: ImportPlan) -> Lookups:
    """Region, date order and the team members and campaigns an import can name (small tables)."""
    region = (plan.region or get_setting(session=session, key="default_region")).upper()
    users: dict[str, uuid.UUID] = {}
    for user in session.exec(select(User).where(col(User.deleted_at).is_(None))).all():
        users.setdefault(user.name.casefold(), user.id)
        if user.email:
            users.setdefault(user.email.casefold(), user.id)
    live_campaigns = select(Campaign).where(col(Campaign.deleted_at).is_(None))
    campaigns = {c.name.casefold(): c.id for c in session.exec(live_campaigns)}
    return Lookups(
        region=region, day_first=formats.day_first_for(region), users=users, campaigns=campaigns,
        tags=tuple(plan.tags), source=plan.source,
    )  # fmt: skip


def import_contacts(
    *,
    session: Session,
    source: Source,
    plan: ImportPlan,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import into the caller's transaction (a larger unit of work); `run_import` is the usual entry point."""
    if plan.on_match not in ON_MATCH_CHOICES:
        raise ValidationError(f"on match must be one of {', '.join(ON_MATCH_CHOICES)}", field="on_match")
    report_progress = progress or (lambda _fraction, _message: None)
    cancelled = should_cancel or (lambda: False)
    records = records_of(source, plan)
    report = ImportReport(total=len(records), unit="card" if isinstance(source, CardFile) else "row")
    lookups = lookups_for(session, plan)
    cleaned: list[CleanContact] = []
    for index, record in enumerate(records):
        if index % CHECK_EVERY == 0:
            _check(cancelled)
            report_progress(0.6 * index / max(len(records), 1), f"Checking {report.unit} {record.number}")
        try:
            clean = clean_record(record, lookups)
        except ValidationError as exc:
            report.failed.append((record.number, str(exc)))
            continue
        cleaned.append(clean)
    _check(cancelled)
    report_progress(0.6, "Matching existing contacts")
    writer = ImportWriter(session, on_match=plan.on_match, now=utcnow(), report=report, match_by=plan.match_by)
    writer.prepare(cleaned)
    for index, clean in enumerate(cleaned):
        if index % CHECK_EVERY == 0:
            _check(cancelled)
            report_progress(0.65 + 0.15 * index / max(len(cleaned), 1), "Matching existing contacts")
        writer.add(clean)
        report.warnings.extend((clean.number, w) for w in clean.warnings)
    _check(cancelled)
    report_progress(0.8, "Saving")
    writer.write()
    _check(cancelled)
    report.in_file_order()
    report_progress(1.0, "Import finished")
    return report


class DryRun(Exception):
    """Raised to roll back a dry run's transaction, carrying its report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def run_import(
    db: Database,
    source: Source,
    plan: ImportPlan,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    initiator: object | None = None,
) -> ImportReport:
    """Import contacts from a read source in one transaction; a dry run reports without writing anything.

    Large files run in a bulk session (a rollback journal instead of WAL when nothing else has the database
    open, which writes each new page once); the transaction and its all-or-nothing promise are the same.
    """
    size = len(source.records) if isinstance(source, CardFile) else len(source.rows)
    open_session = db.bulk_session if size >= BULK_FROM and not dry_run else db.session
    try:
        with open_session(initiator=initiator) as session:
            report = import_contacts(
                session=session, source=source, plan=plan, progress=progress, should_cancel=should_cancel
            )
            if dry_run:
                report.dry_run = True
                raise DryRun(report)
    except DryRun as done:
        return done.report
    return report


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise Cancelled("Import cancelled; nothing was imported")
