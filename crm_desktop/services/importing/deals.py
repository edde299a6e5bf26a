"""Deals from a CSV file (DESIGN §7, issue 4): the fields a column can feed and how one row becomes a deal.

Headers are recognised in plain words and as Pipedrive ("Deal - Title", "Deal - Won time"), HubSpot
("Deal Name", "Amount", "Deal Stage", "Close Date", "Create Date"), Salesforce ("Opportunity Name", "Won",
"Closed"), Zoho ("Created Time", "Reason For Loss") and Odoo ("Expected Revenue", "Created on", "Active")
export them. A row's status is the status column (open, won, lost and the usual synonyms such as "Closed
Won"), else yes/no columns such as Salesforce's Won and Closed, else the kind of its stage, else a won or
lost time, else an archived deal (Odoo's Active = False) or one with a lost reason and a close date is lost.
For an open deal a close date is its expected close (HubSpot writes both in one column). A report's footer
(a line holding only "Grand Totals (12 records)" or a copyright) is left out. Writing is `deal_writer.py`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from crm_desktop.domain import Deal, Organization
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services.importing.cleaning import scrub
from crm_desktop.services.importing.deal_context import LOST, OPEN, WON, PipelineBook, name_key
from crm_desktop.services.importing.deal_status import DELETED, implied_status, read_flags, status_of
from crm_desktop.services.importing.emails import clean_email
from crm_desktop.services.importing.table_import import TableField, TableRow
from crm_desktop.services.importing.values import (
    DateOrder,
    DateReading,
    currency_code,
    minor_units,
    parse_amount,
    parse_moment,
)

DEAL_FIELDS: tuple[TableField, ...] = (
    TableField("title", "Title", ("deal title", "deal name", "opportunity name", "opportunity title", "deal",
                                  "opportunity", "name", "subject", "titel", "nom", "nombre", "bezeichnung"),
               required=True),
    TableField("organization", "Organization", ("organisation", "organization name", "company", "company name",
                                                "account", "account name", "associated company",
                                                "associated company primary", "customer",
                                                "client", "firma", "unternehmen", "entreprise", "empresa")),
    TableField("contact_email", "Contact e-mail", ("email", "e mail", "contact email", "person email",
                                                   "email address", "customer email", "associated contact email",
                                                   "contact e mail", "e mail adresse")),
    TableField("contact_name", "Contact name", ("contact", "contact person", "person", "person name",
                                                "associated contact", "associated contact primary", "customer name",
                                                "ansprechpartner")),
    TableField("pipeline", "Pipeline", ("sales pipeline", "deal pipeline")),
    TableField("stage", "Stage", ("deal stage", "sales stage", "opportunity stage", "pipeline stage", "stage name",
                                  "phase", "stufe", "etape", "etapa")),
    TableField("status", "Status", ("deal status", "status type", "state", "outcome", "result", "won lost")),
    TableField("won", "Won (yes/no)", ("is won", "is closed won", "closed won", "won flag", "gewonnen")),
    TableField("lost", "Lost (yes/no)", ("is lost", "closed lost", "lost flag", "verloren")),
    TableField("is_closed", "Closed (yes/no)", ("closed", "is deal closed", "deal closed", "closed flag")),
    TableField("active", "Active (no = lost)", ("is active", "aktiv", "actif", "activo", "attivo")),
    TableField("value", "Value", ("amount", "deal value", "deal amount", "opportunity amount", "price", "revenue",
                                  "total", "wert", "betrag", "montant", "importe", "valor",
                                  "amount in company currency", "expected revenue")),
    TableField("currency", "Currency", ("deal currency", "currency code", "wahrung", "devise", "moneda")),
    TableField("created", "Created", ("create date", "created at", "created date", "created on", "created time",
                                      "create time", "creation time", "date created", "creation date",
                                      "deal created", "deal created on", "add time", "added", "date added",
                                      "opened", "open date", "erstellt", "erstellt am", "date de creation",
                                      "fecha de creacion", "aangemaakt op")),
    TableField("closed", "Close date", ("close date", "closed date", "closed on", "deal closed on", "close time",
                                        "closed at", "date closed", "closing date", "actual close date",
                                        "abgeschlossen", "abgeschlossen am", "abschlussdatum", "date de cloture",
                                        "fecha de cierre")),
    TableField("won_time", "Won time", ("won date", "won at", "won on", "date won")),
    TableField("lost_time", "Lost time", ("lost date", "lost at", "lost on", "date lost")),
    TableField("expected_close", "Expected close", ("expected close date", "expected closing date",
                                                    "expected closing", "estimated close date",
                                                    "forecast close date", "target close date", "expected close on",
                                                    "projected close date", "erwarteter abschluss")),
    TableField("lost_reason", "Lost reason", ("closed lost reason", "loss reason", "reason for loss", "reason lost",
                                              "lost because", "reason for losing", "verlustgrund")),
    TableField("source", "Source", ("deal source", "lead source", "original source", "source channel", "channel",
                                    "quelle", "herkunft")),
    TableField("campaign", "Campaign", ("deal campaign", "kampagne", "campagne")),
    TableField("owner", "Owner", ("deal owner", "opportunity owner", "user", "assigned to", "sales rep",
                                  "salesperson", "sales person", "responsible", "verantwortlich", "besitzer")),
    TableField("probability", "Probability", ("deal probability", "win probability", "wahrscheinlichkeit")),
    TableField("notes", "Notes", ("note", "description", "comments", "comment", "notizen")),
)  # fmt: skip
DEAL_FIELD_KEYS = tuple(f.key for f in DEAL_FIELDS)
DATE_FIELDS = ("created", "closed", "won_time", "lost_time", "expected_close")

DealOnMatch = Literal["skip", "create"]


@dataclass(frozen=True)
class DealPlan:
    """How to import deals: mapping (field → column; None = guessed), date order, and what may be created."""

    mapping: Mapping[str, int] | None = None
    date_format: DateOrder | None = None  # None: detected from the file, else the business region's order
    create_missing: bool = False  # create pipelines and stages the file names but the workspace lacks
    stage_map: Mapping[str, str] = field(default_factory=dict)  # the file's stage name → a stage of ours
    on_match: DealOnMatch = "skip"  # a deal with the same title created the same day already exists
    award_points: bool = False  # award loyalty points for the purchases of imported won deals
    region: str | None = None  # business region for the date order; None = the setting


class SkipRow(Exception):
    """A row deliberately left out (a deal deleted in the system it was exported from), with the reason."""


@dataclass
class CleanDeal:
    """A validated row: everything a deal needs, with contact and organization still as names."""

    number: int
    title: str
    pipeline_id: uuid.UUID
    open_stage_id: uuid.UUID  # the open stage it entered when created (the last one it reached)
    stage_id: uuid.UUID  # where it is now: that open stage, or the Won or Lost stage
    status: str
    created_at: datetime
    closed_at: datetime | None
    value_cents: int
    currency: str
    expected_close: date | None = None
    probability: int | None = None
    owner_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    source: str | None = None
    notes: str | None = None
    lost_reason_id: uuid.UUID | None = None
    lost_note: str | None = None
    organization: str | None = None
    email: str | None = None
    contact_name: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class DealLookups:
    """What cleaning reads from the workspace once per import."""

    book: PipelineBook
    reading: DateReading
    zone: tzinfo
    currency: str
    now: datetime
    users: Mapping[str, uuid.UUID]
    campaigns: Mapping[str, uuid.UUID]
    acting_user: uuid.UUID | None
    stage_map: Mapping[str, str] = field(default_factory=dict)  # name_key of the file's name → our name
    unknown_owners: Counter[str] = field(default_factory=Counter)  # owner names no team member has → rows

    def owners_note(self) -> str | None:
        """One sentence naming the owners the team lacks (rather than a warning on every row)."""
        if not self.unknown_owners:
            return None
        names = ", ".join(f"{name!r} ({n:,} row{'s' * (n != 1)})" for name, n in self.unknown_owners.most_common(8))
        return f"No team member is called {names}; those deals have no owner."


def clean_deal(row: TableRow, lookups: DealLookups) -> CleanDeal:
    """The deal a row describes; ValidationError with a readable reason, SkipRow for deleted deals."""
    warnings: list[str] = []
    title = v.require_text(scrub(row.get("title")), field="title", model=Deal)
    status = status_of(row.get("status"))
    if status == DELETED:
        raise SkipRow(f"{title!r} is marked deleted in the exported file; left out")
    moments = {key: _moment(row, key, lookups) for key in DATE_FIELDS}
    flags = read_flags(row, moments, order=lookups.reading.order, zone=lookups.zone)
    value_cents, currency = _money(row, lookups, warnings)
    pipeline_name = scrub(row.get("pipeline")) or None
    pipeline = lookups.book.find(pipeline_name) if pipeline_name else lookups.book.default
    if pipeline_name:
        lookups.book.check_pipeline(pipeline_name)
    stage_name = scrub(row.get("stage"))
    stage_name = lookups.stage_map.get(name_key(stage_name), stage_name) if stage_name else ""
    stage_kind = lookups.book.kind_of(pipeline, stage_name) if stage_name else None
    status = status or implied_status(row, flags, stage_kind, moments)
    if stage_kind in (WON, LOST) and stage_kind != status:
        raise ValidationError(f"the status is {status} but the stage {stage_name!r} is the {stage_kind} stage")
    pipe = lookups.book.pipeline(pipeline_name)
    if not pipe.open_stages:
        raise ValidationError(f"the pipeline {pipe.name!r} has no open stage; add one in the pipeline settings")
    placed = stage_kind == OPEN  # the row names the open stage the deal reached
    if stage_name and stage_kind is None:
        if status == WON and not lookups.book.create_missing:
            warnings.append(f"the stage {stage_name!r} is not in the pipeline {pipe.name!r}; a won deal counts "
                            "for every stage anyway")  # fmt: skip
        else:
            lookups.book.refuse_stage(pipe, stage_name)  # raises unless missing stages are created
            placed = True
    created, closed, expected = _dates(status, moments, lookups, warnings)
    open_stage = lookups.book.stage(pipe, stage_name) if placed else pipe.open_stages[0]
    stage = open_stage if status == OPEN else pipe.of_kind(status)
    deal = CleanDeal(
        row.number, title, pipe.id, open_stage.id, stage.id, status, created, closed, value_cents, currency,
        expected_close=expected, warnings=warnings,
    )  # fmt: skip
    _people_fields(deal, row, lookups)
    if status == LOST:
        reason_text = scrub(row.get("lost_reason"))
        deal.lost_reason_id, deal.lost_note = lookups.book.lost_reason(reason_text or None)
    elif row.get("lost_reason"):
        warnings.append(f"a lost reason for a deal that is {status}; left out")
    return deal


def _moment(row: TableRow, key: str, lookups: DealLookups) -> tuple[datetime, bool] | None:
    text = row.get(key)
    if not text:
        return None
    try:
        return parse_moment(text, order=lookups.reading.order, zone=lookups.zone)
    except ValueError as exc:
        label = next(f.label for f in DEAL_FIELDS if f.key == key)
        raise ValidationError(f"{label}: {exc}", field=key) from None


def _money(row: TableRow, lookups: DealLookups, warnings: list[str]) -> tuple[int, str]:
    named = row.get("currency")
    currency = currency_code(named) if named else None
    if named and currency is None:
        raise ValidationError(f"currency {named[:20]!r} is not a currency code such as EUR, GBP or USD")
    if not row.get("value"):
        return 0, currency or lookups.currency
    try:
        amount, written = parse_amount(row.get("value"), default_currency=lookups.currency)
    except ValueError as exc:
        raise ValidationError(f"Value: {exc}", field="value") from None
    if currency and written and written != currency:
        warnings.append(f"the value is written in {written} but the currency column says {currency}; {currency} kept")
    currency = currency or written or lookups.currency
    return minor_units(amount, currency), currency


def _dates(
    status: str, moments: Mapping[str, tuple[datetime, bool] | None], lookups: DealLookups, warnings: list[str]
) -> tuple[datetime, datetime | None, date | None]:
    """(created, closed, expected close) checked against each other and against today."""
    now = lookups.now
    closed_pair = moments["closed"] or (moments["won_time"] if status == WON else None)
    closed_pair = closed_pair or (moments["lost_time"] if status == LOST else None)
    expected_pair = moments["expected_close"]
    closed = None
    if status == OPEN:
        if closed_pair and expected_pair is None:
            expected_pair = closed_pair  # HubSpot's "Close Date" of an open deal is its expected close
    elif closed_pair is not None:
        closed = _not_later_than_now(closed_pair, now, "Closed")
    else:
        raise ValidationError(f"a {status} deal needs the day it was {status}: map a Closed (or {status} time) column")
    if moments["created"]:
        created = _not_later_than_now(moments["created"], now, "Created")
    else:
        created = closed or now
        warnings.append(f"no created date; taken as {'the close date' if closed else 'today'}")
    if closed is not None and closed < created:
        if closed.astimezone(lookups.zone).date() < created.astimezone(lookups.zone).date():
            day = created.astimezone(lookups.zone).date()
            raise ValidationError(f"it was closed on {closed.astimezone(lookups.zone).date()}, before it was "
                                  f"created on {day}")  # fmt: skip
        closed = created  # the same day, one of them without a time
    expected = expected_pair[0].astimezone(lookups.zone).date() if expected_pair else None
    return created, closed, expected


def _not_later_than_now(pair: tuple[datetime, bool], now: datetime, label: str) -> datetime:
    moment, has_time = pair
    if moment <= now:
        return moment
    if not has_time and moment - now < timedelta(hours=12):  # today, taken at noon, and it is still morning
        return now
    if has_time and moment - now < timedelta(minutes=5):  # a clock a little ahead
        return now
    raise ValidationError(f"{label} date {moment.date()} is in the future")


def _people_fields(deal: CleanDeal, row: TableRow, lookups: DealLookups) -> None:
    """Contact, organization, owner, campaign, source, probability and notes of the deal."""
    if row.get("organization"):
        deal.organization = v.clean_text(scrub(row.get("organization")), field="name", model=Organization) or None
    email_text = row.get("contact_email")
    if email_text:
        try:
            deal.email = clean_email(email_text)
        except ValidationError as exc:
            deal.warnings.append(f"contact e-mail left out: {exc}")
    name = scrub(row.get("contact_name"))[:400]
    deal.contact_name = name or None
    owner = scrub(row.get("owner"))
    if owner:
        deal.owner_id = lookups.users.get(owner.casefold())
        if deal.owner_id is None:
            lookups.unknown_owners[owner[:60]] += 1
    else:
        deal.owner_id = lookups.acting_user
    campaign = scrub(row.get("campaign"))
    if campaign:
        deal.campaign_id = lookups.campaigns.get(campaign.casefold())
        if deal.campaign_id is None:
            deal.warnings.append(f"there is no campaign called {campaign[:60]!r}; left out")
    deal.source = v.clean_text(scrub(row.get("source")), field="source", model=Deal)
    deal.notes = v.clean_text(scrub(row.get("notes"), multiline=True), field="notes", model=Deal)
    written = row.get("probability")
    probability = written.replace("%", "").strip()
    if probability:
        try:
            number = float(probability.replace(",", "."))
            if "%" not in written and 0 < number < 1:  # a fraction, as HubSpot writes it (0.2 = 20 %)
                number *= 100
            deal.probability = v.check_int(round(number), field="probability", minimum=0, maximum=100)
        except (ValueError, ValidationError):
            deal.warnings.append(f"probability {probability[:20]!r} is not a percentage from 0 to 100; left out")
