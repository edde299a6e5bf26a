"""Purchases from a CSV file (DESIGN §7): a shop's or a spreadsheet's sales history, so churn, cohorts and
loyalty see every customer from their first purchase on.

Each row is one purchase of a contact found by e-mail (primary or extra channel), else by an exact name
that only one contact has; unknown customers are created, back-dated to their first purchase, and become
customers at that date. Amounts and dates read as in the deal import (money in minor units, dates in
the business time zone). A purchase already recorded (same contact, same day, same amount) is skipped
unless `on_match="create"`. Loyalty points are awarded only when asked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal

from sqlmodel import Session, col, select

from crm_desktop.analytics.periods import business_zone
from crm_desktop.domain import Organization, PointsEntry, Purchase, utcnow, uuid7
from crm_desktop.domain.enums import PointsReason
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id
from crm_desktop.services.importing.cleaning import scrub
from crm_desktop.services.importing.emails import clean_email
from crm_desktop.services.importing.links import CUSTOMER, Linker
from crm_desktop.services.importing.matching import chunks
from crm_desktop.services.importing.runner import CHECK_EVERY
from crm_desktop.services.importing.table_import import (
    Progress,
    TableField,
    TableReport,
    TableRow,
    check_cancel,
    check_columns,
    file_date_reading,
    guess_columns,
    rows_of,
    run_in_transaction,
)
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.importing.values import (
    DateOrder,
    DateReading,
    currency_code,
    minor_units,
    parse_amount,
    parse_moment,
)
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database
from crm_desktop.store.bulk import bulk_insert

PurchaseOnMatch = Literal["skip", "create"]
PURCHASE_FIELDS: tuple[TableField, ...] = (
    TableField("contact_email", "Customer e-mail", ("email", "e mail", "email address", "customer email",
                                                    "contact email", "buyer email", "billing email", "e mail adresse",
                                                    "courriel")),
    TableField("contact_name", "Customer name", ("customer", "customer name", "contact", "contact name",
                                                 "billing name", "buyer", "buyer name", "client", "client name",
                                                 "kunde", "kundenname")),
    TableField("organization", "Organization", ("company", "company name", "billing company", "organisation",
                                                "firma")),
    TableField("amount", "Amount", ("total", "amount paid", "order total", "grand total", "total amount", "value",
                                    "revenue", "sales", "price", "betrag", "summe", "gesamt", "montant", "importe",
                                    "total price"), required=True),
    TableField("currency", "Currency", ("currency code", "wahrung", "devise", "moneda")),
    TableField("date", "Date", ("purchase date", "order date", "occurred at", "paid at", "created at", "created",
                                "processed at", "invoice date", "sale date", "transaction date", "datum",
                                "bestelldatum", "rechnungsdatum", "date de commande", "fecha"), required=True),
    TableField("channel", "Channel", ("sales channel", "source", "store", "shop", "kanal", "canal")),
    TableField("reference", "Reference", ("order", "order id", "order number", "order no", "invoice",
                                          "invoice number", "receipt", "transaction id", "bestellnummer",
                                          "rechnungsnummer")),
    TableField("note", "Note", ("notes", "description", "product", "item", "items", "lineitem name",
                                "product name", "artikel", "produkt")),
)  # fmt: skip


@dataclass(frozen=True)
class PurchasePlan:
    """How to import purchases: mapping (field → column; None = guessed), date order, duplicates, points."""

    mapping: Mapping[str, int] | None = None
    date_format: DateOrder | None = None
    on_match: PurchaseOnMatch = "skip"
    award_points: bool = False
    region: str | None = None


@dataclass
class CleanPurchase:
    """A validated row: the purchase with its customer still named by e-mail or name."""

    number: int
    at: datetime
    amount_cents: int
    currency: str
    email: str | None
    name: str | None
    organization: str | None = None
    channel: str | None = None
    note: str | None = None
    warnings: list[str] = field(default_factory=list)


def clean_purchase(row: TableRow, *, reading: DateReading, zone: tzinfo, currency: str, now: datetime) -> CleanPurchase:
    """The purchase a row describes; ValidationError with the reason when it cannot be one."""
    warnings: list[str] = []
    email = None
    if row.get("contact_email"):
        try:
            email = clean_email(row.get("contact_email"))
        except ValidationError as exc:
            warnings.append(f"customer e-mail left out: {exc}")
    name = scrub(row.get("contact_name"))[:400] or None
    if email is None and name is None:
        raise ValidationError("no customer: a purchase needs the customer's e-mail or name")
    try:
        at, has_time = parse_moment(row.get("date"), order=reading.order, zone=zone)
    except ValueError as exc:
        raise ValidationError(f"Date: {exc}", field="date") from None
    if at > now:
        if has_time or at - now >= timedelta(hours=12):
            raise ValidationError(f"Date {at.date()} is in the future", field="date")
        at = now
    named = row.get("currency")
    code = currency_code(named) if named else None
    if named and code is None:
        raise ValidationError(f"currency {named[:20]!r} is not a currency code such as EUR, GBP or USD")
    try:
        amount, written = parse_amount(row.get("amount"), default_currency=currency)
    except ValueError as exc:
        raise ValidationError(f"Amount: {exc} (refunds are not imported)", field="amount") from None
    code = code or written or currency
    cents = minor_units(amount, code)
    if cents <= 0:
        raise ValidationError("Amount must be more than zero", field="amount")
    reference, note = scrub(row.get("reference")), scrub(row.get("note"), multiline=True)
    text = " · ".join(part for part in (reference, note) if part) or None
    return CleanPurchase(
        row.number, at, cents, code, email, name,
        organization=v.clean_text(scrub(row.get("organization")), field="name", model=Organization),
        channel=(scrub(row.get("channel")) or None) and scrub(row.get("channel"))[:40],
        note=text, warnings=warnings,
    )  # fmt: skip


class PurchaseWriter:
    """Links each purchase to its customer, skips those already recorded, and writes them together."""

    def __init__(self, session: Session, *, plan: PurchasePlan, report: TableReport, zone: tzinfo) -> None:
        self.session, self.plan, self.report, self.zone = session, plan, report, zone
        self.now, self.user = utcnow(), acting_user_id(session)
        self.linker = Linker(session, report=report, now=self.now, user=self.user)
        self.recorded: set[tuple[uuid.UUID, date, int]] = set()
        self.rows: list[dict[str, Any]] = []
        self.points: list[dict[str, Any]] = []
        self.points_per_unit = int(get_setting(session=session, key="points_per_currency_unit"))
        self.points_expiry = int(get_setting(session=session, key="points_expiry_days"))

    def prepare(self, purchases: list[CleanPurchase]) -> None:
        """Look up the customers the rows name and, for duplicates, the purchases they already have."""
        self.linker.prepare(
            emails=[p.email for p in purchases if p.email],
            names=[p.name for p in purchases if p.name and not p.email],
            organizations=[p.organization for p in purchases if p.organization],
        )
        if self.plan.on_match == "create":
            return
        for batch in chunks(sorted(self.linker.existing)):
            stmt = select(Purchase.contact_id, Purchase.occurred_at, Purchase.amount_cents).where(
                col(Purchase.contact_id).in_(batch), col(Purchase.deleted_at).is_(None)
            )
            for contact_id, at, amount in self.session.exec(stmt).all():
                self.recorded.add((contact_id, at.astimezone(self.zone).date(), amount))

    def add(self, purchase: CleanPurchase) -> None:
        """One purchase (or a skip, when it is already recorded)."""
        org_id = self.linker.organization(purchase.organization, purchase.at)
        contact_id = self.linker.contact(
            email=purchase.email, name=purchase.name, at=purchase.at, organization_id=org_id, values={},
            warnings=purchase.warnings,
        )  # fmt: skip
        if contact_id is None:
            self.report.failed.append((purchase.number, "the customer could not be told apart; add an e-mail"))
            return
        key = (contact_id, purchase.at.astimezone(self.zone).date(), purchase.amount_cents)
        if key in self.recorded:
            self.report.skipped += 1
            purchase.warnings.append("this purchase is already recorded (same customer, day and amount); skipped")
            return
        purchase_id = uuid7()
        self.rows.append({
            "id": purchase_id, "contact_id": contact_id, "occurred_at": purchase.at,
            "amount_cents": purchase.amount_cents, "currency": purchase.currency, "channel": purchase.channel,
            "note": purchase.note, "created_at": self.now, "updated_at": self.now,
        })  # fmt: skip
        self.linker.move(contact_id, CUSTOMER, purchase.at)
        points = purchase.amount_cents // 100 * self.points_per_unit
        if self.plan.award_points and points > 0:
            expires = purchase.at + timedelta(days=self.points_expiry) if self.points_expiry > 0 else None
            self.points.append({
                "id": uuid7(), "contact_id": contact_id, "delta": points, "reason": PointsReason.PURCHASE.value,
                "purchase_id": purchase_id, "at": purchase.at, "expires_at": expires, "created_at": self.now,
                "updated_at": self.now,
            })  # fmt: skip
        self.report.created += 1

    def write(self) -> None:
        """Customers first, then the purchases and their points."""
        self.linker.write()
        bulk_insert(self.session, Purchase, self.rows)
        bulk_insert(self.session, PointsEntry, self.points)


def import_purchases(
    *,
    session: Session,
    source: SourceTable,
    plan: PurchasePlan,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> TableReport:
    """Import purchases into the caller's transaction; bad rows are reported and left out."""
    report_progress = progress or (lambda _fraction, _message: None)
    mapping = dict(plan.mapping) if plan.mapping is not None else guess_columns(source.headers, PURCHASE_FIELDS)
    check_columns(source, mapping, PURCHASE_FIELDS)
    if "contact_email" not in mapping and "contact_name" not in mapping:
        raise ValidationError(
            f"No column of {source.name} names the customer (an e-mail or a name); map one with --map"
        )
    rows = rows_of(source, mapping)
    report = TableReport(total=len(rows), what="purchase")
    region = (plan.region or get_setting(session=session, key="default_region")).upper()
    reading = file_date_reading(source, [mapping["date"]], date_format=plan.date_format, region=region, report=report)
    zone, currency, now = business_zone(session), str(get_setting(session=session, key="currency")), utcnow()
    cleaned: list[CleanPurchase] = []
    for index, row in enumerate(rows):
        if index % CHECK_EVERY == 0:
            check_cancel(should_cancel)
            report_progress(0.6 * index / max(len(rows), 1), f"Checking row {row.number}")
        try:
            cleaned.append(clean_purchase(row, reading=reading, zone=zone, currency=currency, now=now))
        except ValidationError as exc:
            report.failed.append((row.number, str(exc)))
    writer = PurchaseWriter(session, plan=plan, report=report, zone=zone)
    writer.prepare(cleaned)
    report_progress(0.7, "Matching customers")
    for purchase in cleaned:
        writer.add(purchase)
        report.warnings.extend((purchase.number, w) for w in purchase.warnings)
    check_cancel(should_cancel)
    report_progress(0.8, "Saving")
    writer.write()
    check_cancel(should_cancel)
    report.in_file_order()
    report_progress(1.0, "Import finished")
    return report


def run_purchase_import(
    db: Database,
    source: SourceTable,
    plan: PurchasePlan,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    initiator: object | None = None,
) -> TableReport:
    """Import purchases from a read CSV table in one transaction; a dry run writes nothing."""
    return run_in_transaction(
        db,
        lambda session: import_purchases(
            session=session, source=source, plan=plan, progress=progress, should_cancel=should_cancel
        ),
        size=len(source.rows),
        dry_run=dry_run,
        initiator=initiator,
    )
