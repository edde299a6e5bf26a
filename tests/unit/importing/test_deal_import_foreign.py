"""Deal histories exported by other CRMs and by hand, imported and read back through the DESIGN §8 analytics.

Each file is small and its figures were worked out by hand: win rate over deals closed in the period,
sales cycle (days from creation to won) and the default pipeline's stage funnel (Qualification, Needs
analysis, Proposal, Negotiation), where a won deal reached every stage.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from crm_desktop.analytics.conversion import compute_conversion
from crm_desktop.domain import Deal, Pipeline
from crm_desktop.services.importing.deal_writer import guess_deal_columns, run_deal_import
from crm_desktop.services.importing.deals import DEAL_FIELDS, DealPlan
from crm_desktop.services.importing.table_import import TableReport, guess_columns
from crm_desktop.services.importing.tables import read_table
from crm_desktop.store import Database

START, END = date(2024, 1, 1), date(2026, 6, 30)


def imported(db: Database, tmp_path: Path, text: str, plan: DealPlan | None = None) -> TableReport:
    path = tmp_path / "deals.csv"
    path.write_bytes(text.encode("utf-8"))
    return run_deal_import(db, read_table(path), plan or DealPlan())


def figures(db: Database) -> tuple[int, int, float, float, float, list[int]]:
    """(won, lost, win rate, mean cycle, median cycle, funnel reached) over the whole test period."""
    with db.session() as session:
        c = compute_conversion(session=session, start=START, end=END)
    cycle = c.sales_cycle_days
    return (c.deals_won, c.deals_lost, round(c.win_rate, 4), round(cycle.mean, 4), cycle.median,
            [s.reached for s in c.deal_funnel])  # fmt: skip


# Pipedrive: its own default pipeline is called "Pipeline" and its stages are Qualified, Contact Made, Demo
# Scheduled, Proposal Made, Negotiations Started; a won or lost deal keeps the stage it was in.
PIPEDRIVE = """\
"Deal - ID","Deal - Title","Deal - Value","Deal - Currency","Deal - Pipeline","Deal - Stage","Deal - Status",\
"Deal - Deal created","Deal - Won time","Deal - Lost time","Deal - Lost reason","Deal - Owner","Person - Email"
1,Acme roaster,1500,EUR,Pipeline,Proposal Made,Won,2025-01-10 09:15:00,2025-02-01 10:00:00,,,Ann Owner,a@acme.example
2,Beta beans,900,EUR,Pipeline,Negotiations Started,Lost,2025-01-20 11:00:00,,2025-02-15 15:00:00,Too expensive,\
Ann Owner,b@beta.example
3,Gamma grinder,300,EUR,Pipeline,Qualified,Open,2025-02-01 08:00:00,,,,Ann Owner,
4,Delta cups,120,EUR,Pipeline,Contact Made,Open,2025-03-03 14:00:00,,,,Ann Owner,d@delta.example
5,Eps machines,4200,EUR,Pipeline,Demo Scheduled,Won,2025-03-10 10:00:00,2025-05-19 16:30:00,,,Ann Owner,e@eps.example
6,Old junk,100,EUR,Pipeline,Qualified,Deleted,2025-02-01 08:00:00,,,,Ann Owner,
7,Zeta lost early,50,EUR,Pipeline,Qualified,Lost,2025-04-01 09:00:00,,2025-04-03 09:00:00,No budget,Ann Owner,
"""


def test_a_pipedrive_export_imports_without_options(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, PIPEDRIVE)
    assert (report.created, report.skipped, report.failed) == (6, 1, [])
    # won: Acme (22 days), Eps (70); lost: Beta (from Negotiation), Zeta (from Qualification).
    # Reached: everyone Qualification; Acme, Eps, Beta, Delta (Contact Made = Needs analysis); then Acme, Eps, Beta.
    assert figures(workspace) == (2, 2, 0.5, 46.0, 46.0, [6, 4, 3, 3])
    notes = " ".join(report.notes)
    assert "no pipeline called 'Pipeline'" in notes and "default pipeline 'Sales'" in notes
    assert "Demo Scheduled → Needs analysis" in notes and "Proposal Made → Proposal" in notes
    assert "No team member is called 'Ann Owner' (6 rows)" in notes
    assert not any("team member" in w for _, w in report.warnings)  # one note, not a warning per row


def test_with_create_missing_the_funnel_follows_the_new_pipeline(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, PIPEDRIVE, DealPlan(create_missing=True))
    assert report.counts["new pipelines"] == 1 and report.created == 6
    with workspace.session() as session:
        names = {p.name for p in session.exec(select(Pipeline))}
        assert names == {"Sales", "Pipeline"}
    # No deal of the period is in the default pipeline: the funnel reads the imported one, not zeros.
    assert figures(workspace) == (2, 2, 0.5, 46.0, 46.0, [6, 4, 3, 3])


def test_a_file_naming_several_unknown_pipelines_still_refuses_them(workspace: Database, tmp_path: Path) -> None:
    text = (
        "Title,Pipeline,Status,Created\nA,Partners,open,2025-01-05\nB,Resellers,open,2025-01-06\nC,,open,2025-01-07\n"
    )
    report = imported(workspace, tmp_path, text)
    assert report.created == 1 and [n for n, _ in report.failed] == [2, 3]
    assert "no pipeline called 'Partners'" in report.failed[0][1]


# HubSpot: default pipeline stages; a lost deal only says "Closed Lost"; Close Date of an open deal is expected.
HUBSPOT = """\
Record ID,Deal Name,Deal Stage,Pipeline,Amount,Amount in company currency,Close Date,Create Date,Is Closed Won
9001,Roaster upgrade,Appointment Scheduled,Sales Pipeline,1500,1500,2027-01-31 00:00,2025-01-10 09:12,false
9002,Café chain,Closed Won,Sales Pipeline,5000,5000,2025-02-20 17:00,2025-01-15 10:00,true
9003,Hotel breakfast,Closed Lost,Sales Pipeline,2000,2000,2025-03-01 12:00,2025-02-01 08:00,false
9004,Office coffee,Contract Sent,Sales Pipeline,800,800,2025-04-30 00:00,2025-02-10 14:00,false
9005,Bakery beans,Closed Won,Sales Pipeline,1200.5,1200.5,2025-03-10 11:00,2025-03-01 09:00,true
9006,Tea house,Presentation Scheduled,Sales Pipeline,700,700,2026-12-15 00:00,2025-05-05 10:00,false
9007,Juice bar,Qualified To Buy,Sales Pipeline,300,300,2026-12-20 00:00,2025-06-01 12:00,false
"""


def test_a_hubspot_export_reads_its_stage_names(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, HUBSPOT)
    assert report.created == 7 and report.failed == []
    # Furthest: Roaster 0, Café won, Hotel lost from the Lost column (0), Office 3, Bakery won, Tea 2, Juice 1.
    assert figures(workspace) == (2, 1, 0.6667, 22.5, 22.5, [7, 5, 4, 3])
    with workspace.session() as session:
        assert session.exec(select(Deal.expected_close).where(Deal.title == "Tea house")).one() == date(2026, 12, 15)


# Salesforce report: "Closed" (1/0) comes before "Close Date", US dates and dollars, stage names of its own,
# and the footer Salesforce writes under every report.
SALESFORCE = """\
"Opportunity Name","Account Name","Stage","Amount","Closed","Won","Created Date","Close Date","Opportunity Owner"
"Acme - 200 Widgets","Acme","Closed Won","$12,500.00","1","1","1/6/2025","2/14/2025","Jane Doe"
"Burlington Generator","Burlington","Closed Won","$235,000.00","1","1","2/3/2025","3/31/2025","Jane Doe"
"Dickenson Generators","Dickenson plc","Closed Lost","$15,000.00","1","0","2/10/2025","4/2/2025","Jane Doe"
"Edge Installation","Edge","Negotiation/Review","$50,000.00","0","0","3/3/2025","12/31/2026","Jane Doe"
"Express Logistics","Express","Proposal/Price Quote","$120,000.00","0","0","3/14/2025","11/30/2026","Jane Doe"
"GenePoint Lab","GenePoint","Id. Decision Makers","$30,000.00","0","0","4/1/2025","1/15/2027","Jane Doe"
"Pyramid Emergency","Pyramid","Prospecting","$100,000.00","0","0","5/5/2025","3/31/2027","Jane Doe"
"United Oil","United Oil","Closed Won","$270,000.00","1","1","5/12/2025","6/30/2025","Jane Doe"

"Grand Totals (8 records)"

"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."
"Confidential Information - Do Not Distribute"
"Generated By:  Jane Doe  11/20/2026 10:15 AM"
"Acme Inc."
"""


def test_a_salesforce_report_with_yes_no_columns_and_a_footer(workspace: Database, tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text(SALESFORCE, encoding="utf-8")
    mapping = guess_deal_columns(read_table(path))
    assert (mapping["is_closed"], mapping["won"], mapping["closed"]) == (4, 5, 7)
    report = imported(workspace, tmp_path, SALESFORCE)
    assert (report.created, report.skipped, report.failed) == (8, 5, [])
    assert any("footer line" in w for _, w in report.warnings)
    # Won: Acme (Jan 6 → Feb 14: 39 days), Burlington (Feb 3 → Mar 31: 56), United (May 12 → Jun 30: 49).
    assert figures(workspace) == (3, 1, 0.75, 48.0, 49.0, [8, 6, 5, 4])
    with workspace.session() as session:
        cents = session.exec(select(Deal.value_cents).where(Deal.title == "Acme - 200 Widgets")).one()
        assert cents == 1_250_000


def test_yes_no_columns_alone_give_the_status(workspace: Database, tmp_path: Path) -> None:
    text = ("Name,Stage,Won,Closed,Created,Close Date\n"
            "A,Custom step,1,1,2025-01-01,2025-01-11\nB,Custom step,0,1,2025-01-02,2025-01-20\n"
            "C,Proposal,0,0,2025-01-03,2026-12-01\nD,Proposal,Pending,,2025-01-04,\n")  # fmt: skip
    report = imported(workspace, tmp_path, text)
    # A won with a stage we do not know (imported: a win counts for every stage); B lost in an unknown stage
    # is refused, since where it stopped matters for the funnel.
    assert report.created == 3 and [n for n, _ in report.failed] == [3]
    assert "has no stage called 'Custom step'" in report.failed[0][1]
    assert figures(workspace) == (1, 0, 1.0, 10.0, 10.0, [3, 3, 3, 1])


# Zoho: "Created Time", "Reason For Loss", "Expected Revenue" before "Amount", a Closed-Lost variant.
ZOHO = """\
Deal Name,Expected Revenue,Amount,Closing Date,Stage,Created Time,Reason For Loss,Contact Name
Benton deal,25000,25000,2025-02-14,Closed Won,2025-01-02 09:30:00,,John Butt
Chanay order,0,18000,2025-03-20,Closed-Lost to Competition,2025-02-01 10:00:00,Competitor,Jo Darakjy
Chemel expansion,36000,40000,2026-12-31,Negotiation/Review,2025-03-05 11:00:00,,Art Venere
Feltz printing,7000,7000,2025-04-30,Closed Won,2025-04-01 08:00:00,,Lenna Paprocki
"""


def test_a_zoho_export_reads_created_time_and_prefers_amount(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, ZOHO)
    assert report.created == 4 and report.failed == []
    assert not any("no created date" in w for _, w in report.warnings)
    # Benton Jan 2 → Feb 14: 43 days; Feltz Apr 1 → Apr 30: 29.
    assert figures(workspace) == (2, 1, 0.6667, 36.0, 36.0, [4, 3, 3, 3])
    with workspace.session() as session:
        assert session.exec(select(Deal.value_cents).where(Deal.title == "Chemel expansion")).one() == 4_000_000


def test_header_guesses_prefer_the_closer_name() -> None:
    headers = ["Name", "Expected Revenue", "Deal Name", "Amount", "Created Time"]
    assert guess_columns(headers, DEAL_FIELDS) == {"value": 3, "title": 2, "created": 4}


# Odoo: no status column; a lost opportunity is archived (Active = False), a won one sits in the Won stage.
ODOO = """\
"Created on","Opportunity","Customer","Email","Expected Revenue","Stage","Closed Date","Lost Reason","Active"
"2025-01-15 10:00:00","Office Design","Azure","b@azure.example","24000.00","Won","2025-02-20 16:00:00","","True"
"2025-02-01 10:00:00","12 Tables","Deco Addict","d@deco.example","40000.00","Proposition","","","True"
"2025-03-01 10:00:00","20 Desks","Gemini","e@gem.example","60000.00","Qualified","2025-04-15 11:00:00","Pricey","False"
"2025-05-01 10:00:00","Furnitures","Wood","w@wood.example","3500.00","Proposition","2025-06-01 10:00:00","","False"
"2025-04-01 12:00:00","Distributor","Lumber Inc","l@lumber.example","19800.00","Won","2025-05-05 09:00:00","","True"
"""


def test_an_odoo_export_finds_lost_deals_by_active_false(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, ODOO)
    assert report.created == 5 and report.failed == [] and report.counts["lost"] == 2
    # Won: Office Jan 15 → Feb 20 (36), Distributor Apr 1 → May 5 (34). Lost: Desks from Qualification,
    # Furnitures from Proposal; 12 Tables open in Proposal.
    assert figures(workspace) == (2, 2, 0.5, 35.0, 35.0, [5, 4, 4, 2])
    assert report.counts.get("purchases") == 2


def test_a_lost_reason_with_a_close_date_means_lost(workspace: Database, tmp_path: Path) -> None:
    text = "Title,Created,Closed Date,Lost Reason\nA,2025-01-01,2025-01-15,Price\nB,2025-01-01,2026-12-01,\n"
    report = imported(workspace, tmp_path, text)
    assert report.counts["lost"] == 1 and report.counts["open"] == 1


# A hand-made German sheet saved by Excel: BOM, semicolons, CRLF, decimal commas, German stage and status
# words, a blank line, trailing empty columns and a note over two lines.
EXCEL_DE = (
    "\ufeffTitel;Firma;E-Mail;Phase;Status;Betrag;Erstellt am;Abgeschlossen am;Notizen;;\r\n"
    'Kaffeemaschinen;Müller GmbH;m@example.de;Angebot;gewonnen;1.234,50 €;03.02.2025;14.03.2025 14:05;"Messe\r\n'
    'Angebot geschickt";;\r\n'
    "Bohnen Abo;Schmidt KG;s@example.de;Verhandlung;verloren;12.000 €;10.02.2025;31.03.2025;;;\r\n"
    ";;;;;;;;;;\r\n"
    "Röstkurs;;w@example.de;Bedarfsanalyse;offen;950,00;01.03.2025;;;;\r\n"
    "Hotel Seeblick;Seeblick;k@example.de;Gewonnen;;8.750,00 €;02.05.2025;30.05.2025;;;\r\n"
)


def test_a_german_excel_sheet(workspace: Database, tmp_path: Path) -> None:
    report = imported(workspace, tmp_path, EXCEL_DE)
    assert report.created == 4 and report.failed == []
    # Won: Kaffeemaschinen Feb 3 → Mar 14 (39), Seeblick May 2 → May 30 (28); lost from Verhandlung.
    assert figures(workspace) == (2, 1, 0.6667, 33.5, 33.5, [4, 4, 3, 3])
    with workspace.session() as session:
        deals = {d.title: d for d in session.exec(select(Deal))}
    assert deals["Kaffeemaschinen"].value_cents == 123_450 and "Angebot geschickt" in (
        deals["Kaffeemaschinen"].notes or ""
    )


def test_a_closed_column_of_dates_is_the_close_date(workspace: Database, tmp_path: Path) -> None:
    text = ("name,amount,status,created,closed\n"
            "M1,1000,won,2024-11-05,2025-01-15\nM2,500,lost,2024-12-01,2025-01-10\nM3,200,open,2025-01-03,\n"
            "M4,2500.00,Won,2025-01-20T10:00:00Z,2025-02-03T09:00:00Z\n")  # fmt: skip
    path = tmp_path / "plain.csv"
    path.write_text(text, encoding="utf-8")
    assert guess_deal_columns(read_table(path))["closed"] == 4
    imported(workspace, tmp_path, text)
    assert figures(workspace) == (2, 1, 0.6667, 42.5, 42.5, [4, 2, 2, 2])


def test_won_and_lost_columns_holding_dates(workspace: Database, tmp_path: Path) -> None:
    text = "Deal,Created,Won,Lost\nA,2025-01-01,2025-01-31,\nB,2025-01-05,,2025-02-01\nC,2025-01-07,,\n"
    report = imported(workspace, tmp_path, text)
    assert (report.counts["won"], report.counts["lost"], report.counts["open"]) == (1, 1, 1)
    assert figures(workspace)[:5] == (1, 1, 0.5, 30.0, 30.0)


@pytest.mark.parametrize(("word", "status"), [("Sold", "won"), ("cancelled", "lost"), ("On hold", "open")])
def test_more_status_words(workspace: Database, tmp_path: Path, word: str, status: str) -> None:
    report = imported(workspace, tmp_path, f"Title,Status,Created,Closed\nA,{word},2025-01-01,2025-01-09\n")
    assert report.counts[status] == 1 and report.failed == []
