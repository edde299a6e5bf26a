"""`crm-desktop import deals|organizations|purchases` as a user runs it, on HubSpot- and Pipedrive-style exports,
then `report conversion --json` on the imported history."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crm_desktop import cli

# A HubSpot deals export: stage labels of HubSpot's default pipeline, "Close Date" that is the expected close
# of an open deal, associated companies and contacts by name (no e-mail).
HUBSPOT = """\
Deal ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner,Associated Company (Primary),\
Associated Contact (Primary),Closed Lost Reason
101,Roaster upgrade,Appointment Scheduled,Sales Pipeline,1500,2030-01-31 00:00,2025-01-10 09:12,,Acme Ltd,Ann Lee,
102,Café chain,Closed Won,Sales Pipeline,5000,2025-02-20 17:00,2025-01-15 10:00,,Beta,Bob Brown,
103,Hotel breakfast,Closed Lost,Sales Pipeline,2000,2025-03-01 12:00,2025-02-01 08:00,,Gamma,Cara Diaz,Price
104,Office coffee,Contract Sent,Sales Pipeline,800,2025-04-30 00:00,2025-02-10 14:00,,Delta,Dan Eno,
105,Bakery beans,Closed Won,Sales Pipeline,1200.5,2025-03-10 11:00,2025-03-01 09:00,,Delta,Dan Eno,
"""
# A Pipedrive deals export: "Deal - …" and "Person - …" columns, separate won and lost times, a deleted deal.
PIPEDRIVE = """\
Deal - ID;Deal - Title;Deal - Value;Deal - Currency;Deal - Organization;Deal - Contact person;Person - Email;\
Deal - Pipeline;Deal - Stage;Deal - Status;Deal - Deal created;Deal - Won time;Deal - Lost time;Deal - Lost reason;\
Deal - Expected close date
1;Acme roaster;1500;EUR;Acme Ltd;Ann Lee;ann@acme.example;Pipeline;Proposal Made;Won;2025-01-10 09:15:00;\
2025-02-01 10:00:00;;;
2;Beta beans;900;EUR;Beta;Bob B;bob@beta.example;Pipeline;Negotiations Started;Lost;2025-01-20 11:00:00;;\
2025-02-15 15:00:00;Too expensive;
3;Gamma grinder;300;EUR;Gamma;;;Pipeline;Qualified;Open;2025-02-01 08:00:00;;;;2025-04-30
4;Old junk;100;EUR;Gamma;;;Pipeline;Qualified;Deleted;2025-02-01 08:00:00;;;;
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def conversion(capsys: pytest.CaptureFixture[str], db: Path, start: str, end: str) -> dict[str, object]:
    code, out, err = run(capsys, "--db", str(db), "report", "conversion", "--from", start, "--to", end, "--json")
    assert code == 0, err
    return json.loads(out)["conversion"]


def test_hubspot_export_with_stage_map_then_conversion_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, csv = tmp_path / "crm.sqlite", tmp_path / "hubspot-deals.csv"
    csv.write_text(HUBSPOT, encoding="utf-8")
    code, out, err = run(
        capsys, "--db", str(db), "import", "deals", str(csv), "--map", "title=Deal Name",
        "--stage-map", "Appointment Scheduled=Qualification", "--stage-map", "Contract Sent=Proposal",
    )  # fmt: skip
    assert code == 0, err
    assert "Deal Stage → stage" in out and "Create Date → created" in out and "Close Date → closed" in out
    assert "Associated Contact (Primary) → contact_name" in out and "Deal ID →" not in out
    assert "5 rows read: 5 deals created, 0 skipped, 0 failed (2 open, 2 won, 1 lost, 4 new contacts, 2 purchases, " \
           "4 new organizations)." in out  # fmt: skip
    assert rows(db, "SELECT expected_close FROM deal WHERE title = 'Roaster upgrade'") == [("2030-01-31",)]
    # Q1 2025: won Café chain (Jan 15 → Feb 20: 36 days) and Bakery beans (Mar 1 → Mar 10: 9 days), lost Hotel
    # breakfast. Furthest stages: Qualification (Roaster), Proposal (Office), Lost column → first (Hotel),
    # two wins → reached 5, 3, 3, 2.
    figures = conversion(capsys, db, "2025-01-01", "2025-03-31")
    assert (figures["deals_won"], figures["deals_lost"]) == (2, 1)
    assert figures["win_rate"] == pytest.approx(2 / 3)
    assert figures["sales_cycle_days"] == {"mean": 22.5, "median": 22.5}
    assert figures["won_value_cents"] == 620_050
    assert [(s["stage"], s["reached"]) for s in figures["deal_funnel"]] == [  # type: ignore[attr-defined]
        ("Qualification", 5), ("Needs analysis", 3), ("Proposal", 3), ("Negotiation", 2)]  # fmt: skip
    assert figures["leads_converted"] == 2  # Bob and Dan (Dan's second deal found him by name)


def test_pipedrive_export_is_recognised_without_a_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, csv = tmp_path / "crm.sqlite", tmp_path / "deals-export.csv"
    csv.write_text(PIPEDRIVE, encoding="utf-8")
    stages = ["--stage-map", "Proposal Made=Proposal", "--stage-map", "Negotiations Started=Negotiation",
              "--stage-map", "Qualified=Qualification"]  # fmt: skip
    code, out, err = run(capsys, "--db", str(db), "import", "deals", str(csv), *stages)
    assert code == 0, err  # Pipedrive's default pipeline "Pipeline" is ours when it is the only one named
    assert "no pipeline called 'Pipeline'" in out and "go into the default pipeline 'Sales'" in out
    first = out.splitlines()[0]
    for pair in ("Deal - Title → title", "Deal - Won time → won_time", "Deal - Lost time → lost_time",
                 "Person - Email → contact_email", "Deal - Contact person → contact_name",
                 "Deal - Deal created → created", "Deal - Expected close date → expected_close",
                 "Deal - Lost reason → lost_reason", "Deal - Pipeline → pipeline"):  # fmt: skip
        assert pair in first
    assert "semicolon separated" in first
    assert "4 rows read: 3 deals created, 1 skipped, 0 failed" in out and "marked deleted" in out
    assert rows(db, "SELECT d.lost_note, r.name FROM deal d JOIN lost_reason r ON r.id = d.lost_reason_id") == [
        ("Too expensive", "Other")]  # fmt: skip
    figures = conversion(capsys, db, "2025-01-01", "2025-12-31")
    assert (figures["deals_won"], figures["deals_lost"], figures["win_rate"]) == (1, 1, 0.5)
    assert figures["sales_cycle_days"] == {"mean": 22.0, "median": 22.0}  # Jan 10 → Feb 1
    # Acme won (all stages), Beta lost from Negotiation (all four), Gamma open in Qualification.
    assert [s["reached"] for s in figures["deal_funnel"]] == [3, 2, 2, 2]  # type: ignore[attr-defined]


def test_dry_run_writes_nothing_and_bad_files_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, csv = tmp_path / "crm.sqlite", tmp_path / "deals.csv"
    csv.write_text(HUBSPOT, encoding="utf-8")
    run(capsys, "--db", str(db), "check")
    before = rows(db, "SELECT count(*) FROM change")
    code, out, _ = run(capsys, "--db", str(db), "import", "deals", str(csv), "--dry-run", "--create-missing")
    assert code == 0 and "(dry run: nothing was written)" in out and "5 deals created" in out
    assert rows(db, "SELECT count(*) FROM change") == before and rows(db, "SELECT count(*) FROM deal") == [(0,)]
    other = tmp_path / "other.sqlite"
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    code, out, err = run(capsys, "--db", str(other), "import", "deals", str(picture))
    assert code == 1 and err.startswith("crm-desktop: photo.csv is not a text file") and not other.exists()
    unrelated = tmp_path / "numbers.csv"
    unrelated.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(other), "import", "deals", str(unrelated))
    assert code == 1 and "recognised as Title" in err and not other.exists()
    code, out, err = run(capsys, "--db", str(other), "import", "deals", str(tmp_path / "missing.csv"))
    assert code == 1 and "does not exist" in err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, csv = tmp_path / "crm.sqlite", tmp_path / "deals.csv"
    csv.write_text(HUBSPOT, encoding="utf-8")
    for argv in (["--map", "nonsense"], ["--map", "colour=Deal Name"], ["--date-format", "ymd"],
                 ["--stage-map", "NoEquals"]):  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["--db", str(db), "import", "deals", str(csv), *argv])
        assert exit_info.value.code == 2
    capsys.readouterr()
    code, _, err = run(capsys, "--db", str(db), "import", "deals", str(csv), "--map", "title=No Such Column")
    assert code == 1 and "there is no column called 'No Such Column'" in err


def test_organizations_and_purchases_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "crm.sqlite"
    orgs, sales = tmp_path / "companies.csv", tmp_path / "orders.csv"
    orgs.write_text("Company,Website,City,Country\nAcme Ltd,acme.example,Leeds,United Kingdom\nBeta,,,\n", "utf-8")
    sales.write_text("Order,Email,Billing Name,Total,Currency,Paid at\n#1001,ann@acme.example,Ann Lee,\"1.234,50\",EUR,"
                     "14/03/2025\n#1002,ann@acme.example,Ann Lee,20,EUR,15/03/2025\n", "utf-8")  # fmt: skip
    code, out, err = run(capsys, "--db", str(db), "import", "organizations", str(orgs))
    assert code == 0 and "2 rows read: 2 organizations created" in out, err
    assert rows(db, "SELECT name, domain, country FROM organization WHERE city = 'Leeds'") == [
        ("Acme Ltd", "acme.example", "GB")]  # fmt: skip
    code, out, err = run(capsys, "--db", str(db), "import", "purchases", str(sales), "--map", "amount=Total")
    assert code == 0 and "2 rows read: 2 purchases created" in out and "1 new contact" in out, err
    assert rows(db, "SELECT amount_cents, note FROM purchase ORDER BY occurred_at") == [
        (123_450, "#1001"),
        (2000, "#1002"),
    ]
    assert rows(db, "SELECT display_name, lifecycle_stage FROM contact") == [("Ann Lee", "customer")]
