"""Writing imported deals as the app would have recorded them, back-dated, so DESIGN §8 reads them right.

Each deal gets `created_at` = its created date and a stage-ledger row into the open stage it reached (the
stage column), at that date: the funnel then counts it for that stage and every one before it, as the
contract says of deals without further history. A won deal also enters the Won stage at its close date
(`won_at`), records the purchase (so churn and loyalty see the customer) and makes its contact a customer
at that date; a lost deal enters the Lost stage at its close date with its reason. Onboarding tasks are
created only for wins of the last 30 days: older customers were onboarded long ago. Loyalty points for
the purchases are awarded only when asked (`award_points`). Everything goes in through `bulk_insert`,
in the caller's transaction; a deal already in the workspace (same title, created the same day) is
skipped unless `on_match="create"`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.analytics.periods import business_zone
from crm_desktop.domain import Deal, DealStageChange, PointsEntry, Purchase, Task, utcnow, uuid7
from crm_desktop.domain.enums import PointsReason
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services._common import acting_user_id
from crm_desktop.services.importing.deal_context import LOST, WON, PipelineBook, name_key
from crm_desktop.services.importing.deal_status import FLAG_DATES, footer_rows, is_flag_word
from crm_desktop.services.importing.deals import (
    DATE_FIELDS,
    DEAL_FIELDS,
    CleanDeal,
    DealLookups,
    DealPlan,
    SkipRow,
    clean_deal,
)
from crm_desktop.services.importing.links import CUSTOMER, LEAD, OPPORTUNITY, Linker, chained_id
from crm_desktop.services.importing.matching import key_filters, sql_lower_variants
from crm_desktop.services.importing.runner import CHECK_EVERY, ImportPlan, lookups_for
from crm_desktop.services.importing.table_import import (
    Progress,
    TableReport,
    check_cancel,
    check_columns,
    file_date_reading,
    guess_columns,
    rows_of,
    run_in_transaction,
)
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database
from crm_desktop.store.bulk import bulk_insert

RECENT_WIN_DAYS = 30  # won deals closed this recently get the onboarding checklist's tasks


def deal_mapping(source: SourceTable, plan: DealPlan) -> dict[str, int]:
    """The plan's mapping, or the one guessed from the header names (and refined by the cells)."""
    return dict(plan.mapping) if plan.mapping is not None else guess_deal_columns(source)


def guess_deal_columns(source: SourceTable) -> dict[str, int]:
    """The columns guessed from the header names; a "Closed" or "Won" column holding dates, not yes/no,
    feeds the date field (close date, won time) when no other column does."""
    mapping = guess_columns(source.headers, DEAL_FIELDS)
    for flag, date_key in FLAG_DATES.items():
        column = mapping.get(flag)
        if column is None or date_key in mapping:
            continue
        cells = [row[column].strip() for row in source.rows[:200] if row[column].strip()]
        if cells and not any(is_flag_word(cell) for cell in cells):
            del mapping[flag]
            mapping[date_key] = column
    return dict(sorted(mapping.items(), key=lambda item: item[1]))


def deal_lookups(
    session: Session, source: SourceTable, plan: DealPlan, mapping: dict[str, int], report: TableReport
) -> DealLookups:
    """Pipelines, names, currency, time zone, and the date order of this file (a guess is noted in the report)."""
    region = (plan.region or get_setting(session=session, key="default_region")).upper()
    columns = [mapping[key] for key in (*DATE_FIELDS, *FLAG_DATES) if key in mapping]
    reading = file_date_reading(source, columns, date_format=plan.date_format, region=region, report=report)
    base = lookups_for(session, ImportPlan(region=region))
    book = PipelineBook(session, create_missing=plan.create_missing)
    if "pipeline" in mapping:
        book.adopt_single({row[mapping["pipeline"]].strip() for row in source.rows})
    return DealLookups(
        book=book, reading=reading, zone=business_zone(session),
        currency=str(get_setting(session=session, key="currency")), now=utcnow(), users=base.users,
        campaigns=base.campaigns, acting_user=acting_user_id(session),
        stage_map={name_key(k): v for k, v in plan.stage_map.items()},
    )  # fmt: skip


class DealWriter:
    """Collects the rows of the imported deals, their ledgers, purchases and tasks; writes them at the end."""

    def __init__(self, session: Session, *, plan: DealPlan, report: TableReport, lookups: DealLookups) -> None:
        self.session, self.plan, self.report, self.lookups = session, plan, report, lookups
        self.now, self.user = lookups.now, lookups.acting_user
        self.linker = Linker(session, report=report, now=self.now, user=self.user)
        self.existing: set[tuple[str, date]] = set()
        self.rows: dict[type[Any], list[dict[str, Any]]] = {m: [] for m in (Deal, DealStageChange, Purchase,
                                                                              PointsEntry, Task)}  # fmt: skip
        self.checklist: list[dict[str, Any]] = list(get_setting(session=session, key="onboarding_checklist"))
        self.points_per_unit = int(get_setting(session=session, key="points_per_currency_unit"))
        self.points_expiry = int(get_setting(session=session, key="points_expiry_days"))

    def prepare(self, deals: Sequence[CleanDeal]) -> None:
        """Look up the contacts, organizations and same-titled deals the rows may match."""
        self.linker.prepare(
            emails=[d.email for d in deals if d.email],
            names=[d.contact_name for d in deals if d.contact_name and not d.email],
            organizations=[d.organization for d in deals if d.organization],
        )
        if self.plan.on_match == "create":
            return
        title = func.lower(col(Deal.title))
        for condition in key_filters(self.session, title, sql_lower_variants({d.title.casefold() for d in deals})):
            stmt = select(Deal.title, Deal.created_at).where(condition, col(Deal.deleted_at).is_(None))
            for name, created in self.session.exec(stmt).all():
                self.existing.add((name.casefold(), created.astimezone(self.lookups.zone).date()))

    def add(self, deal: CleanDeal) -> None:
        """One deal with its stage history, and for a win its purchase, points and recent onboarding tasks."""
        created_day = deal.created_at.astimezone(self.lookups.zone).date()
        if (deal.title.casefold(), created_day) in self.existing:
            deal.warnings.clear()
            self.report.skipped += 1
            self.report.warnings.append((deal.number, f"a deal {deal.title!r} created on {created_day} is already "
                                         "there; skipped (import with --on-match create to add it again)"))  # fmt: skip
            return
        link = self.linker
        org_id = link.organization(deal.organization, deal.created_at)
        contact_id = link.contact(
            email=deal.email, name=deal.contact_name, at=deal.created_at, organization_id=org_id,
            values={"owner_id": deal.owner_id, "source": deal.source}, warnings=deal.warnings,
        )  # fmt: skip
        org_id = org_id or link.organization_of(contact_id)
        deal_id = uuid7()
        closed = deal.closed_at
        self.rows[Deal].append({
            "id": deal_id, "created_at": deal.created_at, "updated_at": self.now, "title": deal.title,
            "contact_id": contact_id, "organization_id": org_id, "pipeline_id": deal.pipeline_id,
            "stage_id": deal.stage_id, "value_cents": deal.value_cents, "currency": deal.currency,
            "expected_close": deal.expected_close, "probability": deal.probability, "owner_id": deal.owner_id,
            "status": deal.status, "stage_entered_at": closed or deal.created_at,
            "won_at": closed if deal.status == WON else None, "lost_at": closed if deal.status == LOST else None,
            "lost_reason_id": deal.lost_reason_id, "lost_note": deal.lost_note, "source": deal.source,
            "campaign_id": deal.campaign_id, "notes": deal.notes,
        })  # fmt: skip
        self._stage_change(deal_id, None, deal.open_stage_id, deal.created_at)
        link.move(contact_id, LEAD, deal.created_at)
        link.move(contact_id, OPPORTUNITY, deal.created_at)
        if closed is not None:
            self._stage_change(deal_id, deal.open_stage_id, deal.stage_id, closed)
        if deal.status == WON:
            self._won(deal, deal_id, contact_id, org_id)
        self.report.created += 1
        self.report.count(deal.status)

    def _stage_change(
        self, deal_id: uuid.UUID, from_stage: uuid.UUID | None, to_stage: uuid.UUID, at: datetime
    ) -> None:
        step = 0 if from_stage is None else 1
        self.rows[DealStageChange].append({
            "id": chained_id(self.now, step), "deal_id": deal_id, "from_stage_id": from_stage,
            "to_stage_id": to_stage, "at": at,
            "user_id": self.user, "created_at": self.now, "updated_at": self.now,
        })  # fmt: skip

    def _won(self, deal: CleanDeal, deal_id: uuid.UUID, contact_id: uuid.UUID | None, org_id: uuid.UUID | None) -> None:
        at = deal.closed_at
        assert at is not None
        if contact_id is None:
            deal.warnings.append("won without a contact: no purchase recorded (add a contact e-mail or name column)")
            return
        self.linker.move(contact_id, CUSTOMER, at)
        if deal.value_cents <= 0:
            deal.warnings.append("won without a value: no purchase recorded")
            return
        purchase_id = uuid7()
        self.rows[Purchase].append({
            "id": purchase_id, "contact_id": contact_id, "occurred_at": at, "amount_cents": deal.value_cents,
            "currency": deal.currency, "channel": "deal", "deal_id": deal_id, "note": deal.title,
            "created_at": self.now, "updated_at": self.now,
        })  # fmt: skip
        self.report.count("purchases")
        points = deal.value_cents // 100 * self.points_per_unit
        if self.plan.award_points and points > 0:
            expires = at + timedelta(days=self.points_expiry) if self.points_expiry > 0 else None
            self.rows[PointsEntry].append({
                "id": uuid7(), "contact_id": contact_id, "delta": points, "reason": PointsReason.PURCHASE.value,
                "purchase_id": purchase_id, "at": at, "expires_at": expires, "created_at": self.now,
                "updated_at": self.now,
            })  # fmt: skip
        if self.now - at <= timedelta(days=RECENT_WIN_DAYS):
            for item in self.checklist:
                self.rows[Task].append({
                    "id": uuid7(), "title": str(item["title"])[:300],
                    "due_at": at + timedelta(days=int(item.get("due_days", 0))), "contact_id": contact_id,
                    "organization_id": org_id, "deal_id": deal_id, "assignee_id": deal.owner_id or self.user,
                    "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                self.report.count("onboarding tasks")

    def write(self) -> None:
        """Contacts and organizations first, then deals, their ledger, purchases, points and tasks."""
        self.linker.write()
        for model, rows in self.rows.items():
            bulk_insert(self.session, model, rows)


def import_deals(
    *,
    session: Session,
    source: SourceTable,
    plan: DealPlan,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> TableReport:
    """Import deals into the caller's transaction; bad rows are reported and left out, good rows go in."""
    report_progress = progress or (lambda _fraction, _message: None)
    mapping = deal_mapping(source, plan)
    check_columns(source, mapping, DEAL_FIELDS)
    rows = rows_of(source, mapping)
    report = TableReport(total=len(rows), what="deal", counts={"open": 0, "won": 0, "lost": 0})
    lookups = deal_lookups(session, source, plan, mapping, report)
    cleaned: list[CleanDeal] = []
    footer = footer_rows(rows) if len(mapping) > 1 else set()
    for index, row in enumerate(rows):
        if index % CHECK_EVERY == 0:
            check_cancel(should_cancel)
            report_progress(0.6 * index / max(len(rows), 1), f"Checking row {row.number}")
        if row.number in footer:
            report.skipped += 1
            report.warnings.append((row.number, f"{row.get('title')[:60]!r} is a footer line of the report; left out"))
            continue
        try:
            cleaned.append(clean_deal(row, lookups))
        except SkipRow as skip:
            report.skipped += 1
            report.warnings.append((row.number, str(skip)))
        except ValidationError as exc:
            report.failed.append((row.number, str(exc)))
    check_cancel(should_cancel)
    report_progress(0.6, "Matching contacts and organizations")
    writer = DealWriter(session, plan=plan, report=report, lookups=lookups)
    writer.prepare(cleaned)
    for deal in cleaned:
        writer.add(deal)
        report.warnings.extend((deal.number, w) for w in deal.warnings)
    check_cancel(should_cancel)
    report_progress(0.8, "Saving")
    writer.write()
    check_cancel(should_cancel)
    for key, n in lookups.book.created.items():
        report.count(key, n)
    book = lookups.book
    notes = (book.adopted_note(), book.read_as_note(), book.unknown_note(), lookups.owners_note())
    report.notes.extend(note for note in notes if note)
    report.in_file_order()
    report_progress(1.0, "Import finished")
    return report


def run_deal_import(
    db: Database,
    source: SourceTable,
    plan: DealPlan,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    initiator: object | None = None,
) -> TableReport:
    """Import deals from a read CSV table in one transaction; a dry run reports and writes nothing."""
    return run_in_transaction(
        db,
        lambda session: import_deals(
            session=session, source=source, plan=plan, progress=progress, should_cancel=should_cancel
        ),
        size=len(source.rows),
        dry_run=dry_run,
        initiator=initiator,
    )
