"""Importing a deal history from CSV, then reading it back through the DESIGN §8 conversion analytics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from crm_desktop.analytics.churn import compute_churn
from crm_desktop.analytics.conversion import compute_conversion
from crm_desktop.domain import (
    Contact,
    Deal,
    DealStageChange,
    LeadStatusChange,
    LifecycleChange,
    LostReason,
    Organization,
    Pipeline,
    Purchase,
    Stage,
    Task,
)
from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services.channels import add_channel
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.importing.deal_writer import run_deal_import
from crm_desktop.services.importing.deals import DealPlan
from crm_desktop.services.importing.tables import read_table
from crm_desktop.services.settings import set_setting
from crm_desktop.store import Database

BERLIN = ZoneInfo("Europe/Berlin")
HEADER = "Deal Name,Organization,Contact Email,Stage,Status,Value,Currency,Created,Closed,Lost Reason,Source\n"
# Twelve deals created over six months in the default pipeline (Qualification, Needs analysis, Proposal,
# Negotiation). Furthest open stage reached (index): D1 0, D2 won, D3 2, D4 won, D5 1, D6 0, D7 won,
# D8 1, D9 3, D10 won, D11 lost from the Lost column (0), D12 won.
HISTORY = (
    HEADER
    + """\
D1 Roastery supply,Acme Ltd,ann@acme.example,Qualification,Open,500,EUR,2025-01-06,,,Website
D2 Espresso machines,Acme Ltd,Ann@Acme.example,Negotiation,Won,"1,000.00",EUR,2025-01-10,2025-02-09,,Website
D3 Beta café beans,Beta GmbH,bob@beta.example,Proposal,Lost,800,,2025-01-20,2025-03-01,Price,Referral
D4 Gamma office coffee,Gamma,carol@gamma.example,Proposal,won,"2.500,50",EUR,03/02/2025,13/02/2025,,Fair
D5 Delta subscription,Delta,dan@delta.example,Needs analysis,open,300,,2025-02-15,,,
D6 Epsilon tasting,Epsilon,eve@eps.example,Qualification,lost,150,,2025-02-20,2025-03-05,Went with a cheaper roaster,
D7 Zeta wholesale,Zeta,zoe@zeta.example,Closed Won,,€ 4 000,,2025-03-01,2025-03-21,,
D8 Eta grinder,Eta,,Needs analysis,Lost,600,,2025-03-10,2025-04-10,Budget,
D9 Theta cafés,Theta,tom@theta.example,Negotiation,Open,1200,,2025-04-02,,,
D10 Iota bakery,Iota,ivy@iota.example,Proposal,Closed Won,700,,2025-04-15 10:30,2025-06-14 16:45,,
D11 Kappa hotel,Kappa,kim@kappa.example,Closed Lost,,450,,2025-05-05,2025-05-20,timing,
D12 Lambda chain,Lambda,lee@lambda.example,Negotiation,WON,3000,,2025-06-01,2025-06-06,,
"""
)


def write_csv(tmp_path: Path, content: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def berlin_workspace(db: Database) -> Database:
    with db.session() as session:
        set_setting(session=session, key="timezone", value="Europe/Berlin")
    return db


def deal(session: Session, title: str) -> Deal:
    return session.exec(select(Deal).where(Deal.title == title)).one()


def stage_name(session: Session, stage_id: object) -> str | None:
    stage = session.get(Stage, stage_id) if stage_id is not None else None
    return stage.name if stage else None


def history(session: Session, deal_id: object) -> list[tuple[str | None, str | None, date]]:
    rows = session.exec(
        select(DealStageChange).where(DealStageChange.deal_id == deal_id).order_by(col(DealStageChange.at))
    ).all()
    return [(stage_name(session, r.from_stage_id), stage_name(session, r.to_stage_id), r.at.astimezone(BERLIN).date())
            for r in rows]  # fmt: skip


def table_counts(db: Database) -> dict[str, int]:
    tables = ("deal", "deal_stage_change", "contact", "organization", "purchase", "lifecycle_change", "change",
              "pipeline", "stage", "task")  # fmt: skip
    with db.read_session() as session:
        conn = session.connection()
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def test_imported_history_gives_the_conversion_figures_computed_by_hand(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    db = berlin_workspace(fresh_workspace)
    report = run_deal_import(db, read_table(write_csv(tmp_path, HISTORY)), DealPlan())
    assert (report.total, report.created, report.skipped, report.failed) == (12, 12, 0, [])
    assert report.counts == {"open": 3, "won": 5, "lost": 4, "new contacts": 10, "purchases": 5}
    assert report.organizations_created == 11 and report.notes == []  # 13/02/2025 shows the file is day first
    with db.read_session() as session:
        h1 = compute_conversion(session=session, start=date(2025, 1, 1), end=date(2025, 6, 30))
        q1 = compute_conversion(session=session, start=date(2025, 1, 1), end=date(2025, 3, 31))
        churn = compute_churn(session=session, start=date(2025, 1, 1), end=date(2025, 6, 30))
    # Closed in H1: won D2, D4, D7, D10, D12; lost D3, D6, D8, D11 → win rate 5 / 9.
    assert (h1.deals_won, h1.deals_lost) == (5, 4)
    assert h1.win_rate == pytest.approx(5 / 9)
    # Won value 1,000.00 + 2,500.50 + 4,000 + 700 + 3,000 = 11,200.50 → average 2,240.10.
    assert (h1.won_value_cents, h1.avg_won_value_cents) == (1_120_050, 224_010)
    # Cycles in days: D2 Jan 10 → Feb 9 = 30, D4 Feb 3 → Feb 13 = 10 (03/02 read day first), D7 Mar 1 → Mar 21
    # = 20, D10 Apr 15 → Jun 14 = 60, D12 Jun 1 → Jun 6 = 5: mean 125 / 5 = 25, median 20.
    assert (h1.sales_cycle_days.mean, h1.sales_cycle_days.median) == (25.0, 20.0)
    # Furthest stage index: 0 ×3 (D1, D6, D11), 1 ×2 (D5, D8), 2 ×1 (D3), last ×6 (five won + D9)
    # → reached Qualification 12, Needs analysis 9, Proposal 7, Negotiation 6.
    assert [(s.stage, s.reached) for s in h1.deal_funnel] == [
        ("Qualification", 12), ("Needs analysis", 9), ("Proposal", 7), ("Negotiation", 6)]  # fmt: skip
    assert [s.conversion_from_previous for s in h1.deal_funnel] == [None, 0.75, pytest.approx(7 / 9),
                                                                    pytest.approx(6 / 7)]  # fmt: skip
    # Ten contacts were created (ann twice, D8 has none), back-dated to their first deal, as qualified leads;
    # ann, carol, zoe, ivy and lee became customers by June 30.
    assert (h1.leads_created, h1.leads_converted, h1.lead_conversion_rate) == (10, 5, 0.5)
    assert [(s.status, s.reached) for s in h1.lead_status_funnel] == [
        ("open", 10), ("contacted", 10), ("qualified", 10), ("unqualified", 0)]  # fmt: skip
    by_source = {row.source: (row.leads, row.customers, row.won_value_cents) for row in h1.by_source}
    assert by_source == {"Website": (1, 1, 100_000), "Referral": (1, 0, 0), "Fair": (1, 1, 250_050),
                         "unknown": (7, 3, 770_000)}  # fmt: skip
    # Q1: won D2, D4, D7 and lost D3, D6 (D8 was lost in April); deals created D1–D8.
    assert (q1.deals_won, q1.deals_lost, q1.win_rate) == (3, 2, 0.6)
    assert (q1.sales_cycle_days.mean, q1.sales_cycle_days.median) == (20.0, 20.0)
    assert [s.reached for s in q1.deal_funnel] == [8, 6, 4, 3]
    assert churn.new == 5  # each won deal's purchase made its contact a customer on the day it was won


def test_a_won_and_a_lost_deal_carry_their_back_dated_ledgers(fresh_workspace: Database, tmp_path: Path) -> None:
    db = berlin_workspace(fresh_workspace)
    run_deal_import(db, read_table(write_csv(tmp_path, HISTORY)), DealPlan())
    with db.read_session() as session:
        won = deal(session, "D2 Espresso machines")
        assert (won.status, stage_name(session, won.stage_id), won.value_cents, won.currency) == (
            "won", "Won", 100_000, "EUR")  # fmt: skip
        assert won.created_at.astimezone(BERLIN) == datetime(2025, 1, 10, 12, tzinfo=BERLIN)  # a date: noon
        assert won.won_at is not None and won.won_at.astimezone(BERLIN).date() == date(2025, 2, 9)
        assert history(session, won.id) == [
            (None, "Negotiation", date(2025, 1, 10)), ("Negotiation", "Won", date(2025, 2, 9))]  # fmt: skip
        purchase = session.exec(select(Purchase).where(Purchase.deal_id == won.id)).one()
        assert (purchase.contact_id, purchase.amount_cents, purchase.occurred_at) == (
            won.contact_id, 100_000, won.won_at)  # fmt: skip
        ann = session.get(Contact, won.contact_id)
        assert ann is not None and (ann.email, ann.lifecycle_stage, ann.lead_status) == (
            "ann@acme.example", "customer", "qualified")  # fmt: skip
        org = session.get(Organization, won.organization_id)
        assert org is not None and org.name == "Acme Ltd" and ann.organization_id == org.id
        moves = session.exec(
            select(LifecycleChange).where(LifecycleChange.contact_id == ann.id).order_by(col(LifecycleChange.at),
                                                                                       col(LifecycleChange.id))
        ).all()  # fmt: skip
        assert [(m.from_stage, m.to_stage, m.at.astimezone(BERLIN).date()) for m in moves] == [
            (None, "lead", date(2025, 1, 6)), ("lead", "opportunity", date(2025, 1, 6)),
            ("opportunity", "customer", date(2025, 2, 9))]  # fmt: skip
        assert session.exec(select(LeadStatusChange).where(LeadStatusChange.contact_id == ann.id)).one().to_status == (
            "qualified")  # fmt: skip
        lost = deal(session, "D3 Beta café beans")
        reason = session.get(LostReason, lost.lost_reason_id)
        assert reason is not None and reason.name == "Price" and lost.lost_note is None
        assert history(session, lost.id) == [
            (None, "Proposal", date(2025, 1, 20)), ("Proposal", "Lost", date(2025, 3, 1))]  # fmt: skip
        other = deal(session, "D6 Epsilon tasting")
        reason = session.get(LostReason, other.lost_reason_id)
        assert reason is not None and reason.name == "Other" and other.lost_note == "Went with a cheaper roaster"
        from_lost_column = deal(session, "D11 Kappa hotel")
        assert history(session, from_lost_column.id)[0][1] == "Qualification"
        assert session.get(LostReason, from_lost_column.lost_reason_id).name == "Timing"  # type: ignore[union-attr]
        assert deal(session, "D8 Eta grinder").contact_id is None
        assert deal(session, "D7 Zeta wholesale").value_cents == 400_000
        assert session.exec(select(Task)).all() == []  # wins this old need no onboarding any more


def test_a_recent_win_gets_onboarding_tasks_and_points_only_when_asked(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()
    created, won = today - timedelta(days=9), today - timedelta(days=2)
    csv = HEADER + f"Fresh win,New Co,new@newco.example,Proposal,won,250,,{created},{won},,\n"
    report = run_deal_import(fresh_workspace, read_table(write_csv(tmp_path, csv)), DealPlan(award_points=True))
    assert report.counts["onboarding tasks"] == 3
    with fresh_workspace.read_session() as session:
        won = deal(session, "Fresh win")
        tasks = session.exec(select(Task).where(Task.deal_id == won.id).order_by(col(Task.due_at))).all()
        assert [t.title for t in tasks] == ["Send welcome email", "Kickoff call", "Check-in after 14 days"]
        assert won.won_at is not None and tasks[0].due_at == won.won_at + timedelta(days=1)
        points = session.connection().execute(text("SELECT sum(delta) FROM points_entry")).scalar_one()
        assert points == 250


def test_bad_rows_are_reported_with_their_reason_and_good_rows_go_in(fresh_workspace: Database, tmp_path: Path) -> None:
    csv = (
        HEADER
        + """\
Good one,Acme,a@acme.example,Proposal,open,100,,2025-01-05,,,
Unknown status,Acme,,Proposal,maybe,100,,2025-01-05,,,
Bad value,Acme,,Proposal,open,12abc,,2025-01-05,,,
Backwards,Acme,,Proposal,won,100,,2025-03-05,2025-01-05,,
No close date,Acme,,Proposal,lost,100,,2025-03-05,,,
,Acme,,Proposal,open,100,,2025-03-05,,,
Unknown stage,Acme,,Demo booked,open,100,,2025-03-05,,,
Future,Acme,,Proposal,open,100,,2999-01-01,,,
Bad currency,Acme,,Proposal,open,100,EURO,2025-01-05,,,
Conflicting,Acme,,Lost,won,100,,2025-01-05,2025-01-09,,
Bad email,Acme,not-an-address,Proposal,open,100,,2025-01-05,,,
Gone,Acme,,Proposal,Deleted,100,,2025-01-05,,,
"""
    )
    report = run_deal_import(fresh_workspace, read_table(write_csv(tmp_path, csv)), DealPlan())
    assert (report.created, report.skipped) == (2, 1)
    failed = dict(report.failed)
    assert sorted(failed) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert failed[3] == "status 'maybe' is not open, won or lost"
    assert failed[4] == "Value: '12abc' is not an amount"
    assert failed[5] == "it was closed on 2025-01-05, before it was created on 2025-03-05"
    assert "a lost deal needs the day it was lost" in failed[6]
    assert failed[7] == "Title is required"
    assert "the pipeline 'Sales' has no stage called 'Demo booked'" in failed[8] and "--create-missing" in failed[8]
    assert failed[9] == "Created date 2999-01-01 is in the future"
    assert "'EURO' is not a currency code" in failed[10]
    assert failed[11] == "the status is won but the stage 'Lost' is the lost stage"
    warnings = dict(report.warnings)
    assert "not-an-address" in warnings[12] and "left out" in warnings[12]
    assert "deleted" in warnings[13]
    with fresh_workspace.read_session() as session:
        assert sorted(d.title for d in session.exec(select(Deal))) == ["Bad email", "Good one"]


def test_dry_run_and_cancel_leave_the_database_unchanged(fresh_workspace: Database, tmp_path: Path) -> None:
    source = read_table(write_csv(tmp_path, HISTORY))
    before = table_counts(fresh_workspace)
    report = run_deal_import(fresh_workspace, source, DealPlan(), dry_run=True)
    assert report.dry_run and (report.created, report.counts["purchases"]) == (12, 5)
    assert "(dry run: nothing was written)" in report.summary()
    assert table_counts(fresh_workspace) == before
    with pytest.raises(Cancelled):
        run_deal_import(fresh_workspace, source, DealPlan(), should_cancel=lambda: True)
    assert table_counts(fresh_workspace) == before


def test_a_second_import_of_the_same_file_skips_what_is_there(fresh_workspace: Database, tmp_path: Path) -> None:
    source = read_table(write_csv(tmp_path, HISTORY))
    run_deal_import(fresh_workspace, source, DealPlan())
    again = run_deal_import(fresh_workspace, source, DealPlan())
    assert (again.created, again.skipped) == (0, 12)
    assert "already there" in again.warnings[0][1]
    forced = run_deal_import(fresh_workspace, source, DealPlan(on_match="create"))
    assert forced.created == 12 and forced.counts.get("new contacts", 0) == 0  # the contacts now exist


def test_existing_contacts_and_organizations_are_found_and_moved_forward(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    with fresh_workspace.session() as session:
        contact = create_contact(session=session, data=ContactInput(display_name="Maria Keller",
                                                                    email="maria@home.example"))  # fmt: skip
        add_channel(session=session, contact_id=contact.id, kind="email", value="Maria@Work.Example", label="work")
        contact_id = contact.id
        session.add(Organization(name="Keller & Söhne"))
    csv = HEADER + "Beans,KELLER  & söhne,maria@work.example,Proposal,won,90,,2025-01-05,2025-01-20,,\n"
    report = run_deal_import(fresh_workspace, read_table(write_csv(tmp_path, csv)), DealPlan())
    assert report.created == 1 and report.organizations_created == 0 and "new contacts" not in report.counts
    with fresh_workspace.read_session() as session:
        won = deal(session, "Beans")
        assert won.contact_id == contact_id
        org = session.get(Organization, won.organization_id)
        assert org is not None and org.name == "Keller & Söhne"
        maria = session.get(Contact, contact_id)
        assert maria is not None and maria.lifecycle_stage == "customer"
        moves = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == contact_id,
                                                           LifecycleChange.from_stage.is_not(None))).all()  # type: ignore[union-attr]  # fmt: skip
        assert sorted((m.to_stage, m.at.date()) for m in moves) == [
            ("customer", date(2025, 1, 20)), ("opportunity", date(2025, 1, 5))]  # fmt: skip


def test_create_missing_adds_the_pipeline_and_the_stage(fresh_workspace: Database, tmp_path: Path) -> None:
    csv = ("Title,Pipeline,Stage,Status,Created\n"
           "A,Wholesale,Proposal,open,2025-01-05\n"
           "B,Sales Pipeline,Demo booked,open,2025-01-05\n")  # fmt: skip
    source = read_table(write_csv(tmp_path, csv))
    refused = run_deal_import(fresh_workspace, source, DealPlan())
    assert refused.created == 0 and "there is no pipeline called 'Wholesale'" in dict(refused.failed)[2]
    report = run_deal_import(fresh_workspace, source, DealPlan(create_missing=True))
    assert report.created == 2 and report.counts["new pipelines"] == 1 and report.counts["new stages"] == 1
    with fresh_workspace.read_session() as session:
        wholesale = session.exec(select(Pipeline).where(Pipeline.name == "Wholesale")).one()
        assert deal(session, "A").pipeline_id == wholesale.id
        sales = session.exec(select(Stage).join(Pipeline, col(Pipeline.id) == col(Stage.pipeline_id))
                             .where(Pipeline.name == "Sales").order_by(col(Stage.position))).all()  # fmt: skip
        assert [s.name for s in sales] == ["Qualification", "Needs analysis", "Proposal", "Negotiation",
                                           "Demo booked", "Won", "Lost"]  # fmt: skip
        assert stage_name(session, deal(session, "B").stage_id) == "Demo booked"


def test_ambiguous_dates_are_read_by_region_and_noted_and_mixed_orders_refused(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    ambiguous = "Title,Created\nA,03/04/2025\n"
    source = read_table(write_csv(tmp_path, ambiguous))
    report = run_deal_import(fresh_workspace, source, DealPlan(), dry_run=True)
    assert len(report.notes) == 1 and "03/04/2025" in report.notes[0] and "--date-format mdy" in report.notes[0]
    run_deal_import(fresh_workspace, source, DealPlan(date_format="mdy"))
    with fresh_workspace.read_session() as session:
        assert deal(session, "A").created_at.date() == date(2025, 3, 4)
    mixed = read_table(write_csv(tmp_path, "Title,Created\nA,25/03/2025\nB,03/25/2025\n", "mixed.csv"))
    with pytest.raises(ValidationError, match="mixes day/month dates"):
        run_deal_import(fresh_workspace, mixed, DealPlan())
    told = run_deal_import(fresh_workspace, mixed, DealPlan(date_format="dmy", on_match="create"))
    assert told.created == 1 and "not a day/month/year date" in told.failed[0][1]


def test_unknown_stages_are_summed_up_in_a_note_and_probabilities_read(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    csv = ("Title,Stage,Probability,Created\n"
           "A,Demo booked,0.2,2025-01-05\nB,Demo booked,35%,2025-01-05\nC,Trial,40,2025-01-05\n"
           "D,Proposal,0.2,2025-01-05\nE,Proposal,250,2025-01-05\n")  # fmt: skip
    report = run_deal_import(fresh_workspace, read_table(write_csv(tmp_path, csv)), DealPlan())
    assert report.created == 2 and [n for n, _ in report.failed] == [2, 3, 4]
    assert report.notes == [
        "Rows named what this workspace does not have: stage 'Demo booked' (2 rows), stage 'Trial' (1 row). "
        "Map stage names with --stage-map 'NAME=STAGE', or import with --create-missing to add them."]  # fmt: skip
    assert "'250' is not a percentage" in dict(report.warnings)[6]
    with fresh_workspace.read_session() as session:
        assert deal(session, "D").probability == 20 and deal(session, "E").probability is None
    mapped = run_deal_import(fresh_workspace, read_table(write_csv(tmp_path, csv)),
                             DealPlan(stage_map={"demo BOOKED": "Needs analysis", "Trial": "Negotiation"}))  # fmt: skip
    assert mapped.created == 3 and mapped.skipped == 2 and mapped.notes == []
    with fresh_workspace.read_session() as session:
        assert (stage_name(session, deal(session, "A").stage_id), deal(session, "A").probability) == (
            "Needs analysis", 20)  # fmt: skip
        assert deal(session, "B").probability == 35
