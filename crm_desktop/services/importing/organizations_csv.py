"""Organizations from a CSV file (DESIGN §7): companies matched by external reference, then by name.

A matched organization is updated (file values win, tags and notes add up), skipped, or created again,
as the plan says. A value an organization cannot hold as written (a malformed web address or phone
number, an unknown country or owner) is left out with a warning; a row without a name fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session, col, select

from crm_desktop.domain import Organization, utcnow, uuid7
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing import formats
from crm_desktop.services.importing.cleaning import scrub
from crm_desktop.services.importing.guess import SYNONYMS as CONTACT_SYNONYMS
from crm_desktop.services.importing.matching import chunks, existing_organizations, name_key
from crm_desktop.services.importing.org_cards import update_existing_organization
from crm_desktop.services.importing.runner import CHECK_EVERY, ImportPlan, lookups_for
from crm_desktop.services.importing.table_import import (
    Progress,
    TableField,
    TableReport,
    TableRow,
    check_cancel,
    check_columns,
    guess_columns,
    rows_of,
    run_in_transaction,
)
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.organizations import clean_fields as clean_organization_fields
from crm_desktop.services.organizations import domain_of
from crm_desktop.store import Database
from crm_desktop.store.bulk import bulk_insert

OrgOnMatch = Literal["update", "skip", "create"]
_SHARED = ("website", "phone", "street", "city", "region", "postal_code", "country", "owner", "tags", "notes")
ORGANIZATION_FIELDS: tuple[TableField, ...] = (
    TableField("name", "Name", ("organization", "organisation", "organization name", "organisation name", "company",
                                "company name", "account", "account name", "business name", "firma", "firmenname",
                                "unternehmen", "entreprise", "societe", "raison sociale", "empresa", "bedrijf",
                                "azienda"), required=True),
    TableField("domain", "Domain", ("company domain", "company domain name", "email domain")),
    TableField("industry", "Industry", ("sector", "branche", "industrie", "secteur", "sector industrial", "branch")),
    TableField("size", "Size", ("company size", "employees", "number of employees", "headcount", "mitarbeiter",
                                "mitarbeiterzahl", "effectif")),
    *(TableField(key, key.replace("_", " ").capitalize(), CONTACT_SYNONYMS[key]) for key in _SHARED),
    TableField("external_ref", "External reference", ("id", "external id", "external ref", "reference", "ref",
                                                      "record id", "company id", "organization id", "account id",
                                                      "customer number", "kundennummer")),
)  # fmt: skip
_SOFT = {"website": "web address", "phone": "phone number", "domain": "domain", "country": "country"}


@dataclass(frozen=True)
class OrganizationPlan:
    """How to import organizations: the mapping (field → column; None = guessed) and what to do on a match."""

    mapping: Mapping[str, int] | None = None
    on_match: OrgOnMatch = "update"


def clean_organization(
    session: Session, row: TableRow, users: Mapping[str, uuid.UUID], warnings: list[str]
) -> dict[str, Any]:
    """The organization columns a row gives, checked like the organization dialog checks them."""
    name = scrub(row.get("name"))
    if not name:
        raise ValidationError("no name: an organization needs one")
    values: dict[str, Any] = clean_organization_fields(session, {"name": name}, ["name"])
    for key in ("domain", "industry", "size", "website", "phone", "street", "city", "region", "postal_code",
                "notes", "external_ref"):  # fmt: skip
        text = scrub(row.get(key), multiline=key in ("street", "notes"))
        if not text:
            continue
        try:
            values.update(clean_organization_fields(session, {key: text}, [key]))
        except ValidationError as exc:
            if key not in _SOFT:
                raise
            warnings.append(f"{_SOFT[key]} left out: {exc}")
    country = scrub(row.get("country"))
    if country:
        code = formats.country_code(country)
        if code is None:
            warnings.append(f"{country[:40]!r} is not a country this app knows; left out")
        else:
            values["country"] = code
    if row.get("tags"):
        separator = ";" if ";" in row.get("tags") else ","
        values["tags"] = clean_organization_fields(session, {"tags": row.get("tags").split(separator)}, ["tags"])[
            "tags"
        ]
    owner = scrub(row.get("owner"))
    if owner:
        if owner.casefold() in users:
            values["owner_id"] = users[owner.casefold()]
        else:
            warnings.append(f"there is no team member called {owner[:60]!r}; the owner was left empty")
    if values.get("website") and not values.get("domain"):
        values["domain"] = domain_of(values["website"])
    return values


class OrganizationWriter:
    """Decides create / update / skip for each row; new organizations are written together at the end."""

    def __init__(self, session: Session, *, plan: OrganizationPlan, report: TableReport) -> None:
        self.session, self.plan, self.report = session, plan, report
        self.now = utcnow()
        self.by_name: dict[str, uuid.UUID] = {}
        self.by_ref: dict[str, uuid.UUID] = {}
        self.new: dict[uuid.UUID, dict[str, Any]] = {}

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        """Look up the organizations the rows may match, by external reference and by name."""
        if self.plan.on_match == "create":
            return
        self.by_name = existing_organizations(self.session, [r["name"] for r in rows])
        refs = sorted({r["external_ref"] for r in rows if r.get("external_ref")})
        for batch in chunks(refs):
            stmt = (
                select(Organization.external_ref, Organization.id)
                .where(col(Organization.external_ref).in_(batch), col(Organization.deleted_at).is_(None))
                .order_by(col(Organization.created_at))
            )
            for ref, org_id in self.session.exec(stmt).all():
                self.by_ref.setdefault(str(ref).casefold(), org_id)

    def add(self, values: dict[str, Any]) -> None:
        """Create, update or skip one organization, counting it in the report."""
        ref = (values.get("external_ref") or "").casefold()
        found = (self.by_ref.get(ref) if ref else None) or self.by_name.get(name_key(values["name"]))
        if self.plan.on_match == "create":
            found = None
        elif found is not None:  # later rows may name it by this row's name or reference
            self.by_name.setdefault(name_key(values["name"]), found)
            if ref:
                self.by_ref.setdefault(ref, found)
        if found is None:
            org_id = uuid7()
            self.new[org_id] = {"id": org_id, "created_at": self.now, "updated_at": self.now, **values}
            self.by_name.setdefault(name_key(values["name"]), org_id)
            if ref:
                self.by_ref.setdefault(ref, org_id)
            self.report.created += 1
        elif self.plan.on_match == "skip":
            self.report.skipped += 1
        elif found in self.new:
            pending = self.new[found]
            before = dict(pending)
            for key, value in values.items():
                if key == "tags":
                    pending["tags"] = list(dict.fromkeys([*pending.get("tags", []), *value]))
                elif key == "notes" and pending.get("notes") and value not in pending["notes"]:
                    pending["notes"] = f"{pending['notes']}\n\n{value}"
                elif key not in ("name", "notes") or not pending.get(key):
                    pending[key] = value
            self.report.updated += pending != before
            self.report.unchanged += pending == before
        elif update_existing_organization(self.session, found, values):
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def write(self) -> None:
        """Write the new organizations (journaled, indexed for search)."""
        self.session.flush()
        bulk_insert(self.session, Organization, list(self.new.values()))


def import_organizations(
    *,
    session: Session,
    source: SourceTable,
    plan: OrganizationPlan,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> TableReport:
    """Import organizations into the caller's transaction; bad rows are reported and left out."""
    report_progress = progress or (lambda _fraction, _message: None)
    mapping = dict(plan.mapping) if plan.mapping is not None else guess_columns(source.headers, ORGANIZATION_FIELDS)
    check_columns(source, mapping, ORGANIZATION_FIELDS)
    rows = rows_of(source, mapping)
    report = TableReport(total=len(rows), what="organization")
    users = lookups_for(session, ImportPlan()).users
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(rows):
        if index % CHECK_EVERY == 0:
            check_cancel(should_cancel)
            report_progress(0.6 * index / max(len(rows), 1), f"Checking row {row.number}")
        warnings: list[str] = []
        try:
            cleaned.append((row.number, clean_organization(session, row, users, warnings)))
        except ValidationError as exc:
            report.failed.append((row.number, str(exc)))
            continue
        report.warnings.extend((row.number, w) for w in warnings)
    writer = OrganizationWriter(session, plan=plan, report=report)
    writer.prepare([values for _, values in cleaned])
    for index, (_, values) in enumerate(cleaned):
        if index % CHECK_EVERY == 0:
            check_cancel(should_cancel)
            report_progress(0.6 + 0.2 * index / max(len(cleaned), 1), "Matching organizations")
        writer.add(values)
    report_progress(0.8, "Saving")
    writer.write()
    check_cancel(should_cancel)
    report.organizations_created = len(writer.new)
    report.in_file_order()
    report_progress(1.0, "Import finished")
    return report


def run_organization_import(
    db: Database,
    source: SourceTable,
    plan: OrganizationPlan,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    initiator: object | None = None,
) -> TableReport:
    """Import organizations from a read CSV table in one transaction; a dry run writes nothing."""
    return run_in_transaction(
        db,
        lambda session: import_organizations(
            session=session, source=source, plan=plan, progress=progress, should_cancel=should_cancel
        ),
        size=len(source.rows),
        dry_run=dry_run,
        initiator=initiator,
    )
