"""Importing organizations and purchases from CSV: matching, bad rows, dry run, and what churn then sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select

from crm_desktop.analytics.churn import compute_churn
from crm_desktop.domain import Contact, LifecycleChange, Organization, Purchase
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.importing.organizations_csv import OrganizationPlan, run_organization_import
from crm_desktop.services.importing.purchases_csv import PurchasePlan, run_purchase_import
from crm_desktop.services.importing.tables import read_table
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.store import Database

COMPANIES = """\
Organization - Name,Organization - Website,Industry,Employees,Organization - Address,City,Country,Tags,Notes,\
Organization - ID
Acme Ltd,www.acme.example,Coffee,11-50,1 Bean Street,Leeds,UK,wholesale;vip,Pays on time,A-1
Beta GmbH,not a website,Hotels,,,Berlin,Deutschland,,,B-2
,nameless.example,,,,,,,,C-3
Gamma,,,,,,Atlantis,,,
ACME LTD,,,,,,,roaster,Second note,
"""


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def org(db: Database, name: str) -> Organization:
    with db.read_session() as session:
        found = session.exec(select(Organization).where(Organization.name == name)).one()
        session.expunge(found)
        return found


def test_organizations_are_created_with_checked_values_and_bad_rows_reported(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    source = read_table(write(tmp_path, "companies.csv", COMPANIES))
    report = run_organization_import(fresh_workspace, source, OrganizationPlan())
    assert (report.total, report.created, report.updated, report.failed) == (
        5,
        3,
        1,
        [(4, "no name: an organization needs one")],
    )
    warnings = dict(report.warnings)
    assert "web address left out" in warnings[3] and "'Atlantis' is not a country" in warnings[5]
    acme = org(fresh_workspace, "Acme Ltd")
    assert (acme.website, acme.domain, acme.industry, acme.size, acme.street, acme.city, acme.country) == (
        "https://www.acme.example",
        "acme.example",
        "Coffee",
        "11-50",
        "1 Bean Street",
        "Leeds",
        "GB",
    )
    assert acme.tags == ["wholesale", "vip", "roaster"] and acme.notes == "Pays on time\n\nSecond note"
    assert acme.external_ref == "A-1"
    beta = org(fresh_workspace, "Beta GmbH")
    assert (beta.website, beta.country, beta.external_ref) == (None, "DE", "B-2")
    assert "3 organizations created, 1 updated" in report.summary()


def test_organizations_match_by_reference_then_name_and_obey_on_match(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    with fresh_workspace.session() as session:
        create_organization(session=session, data=OrganizationInput(name="Old Acme name", external_ref="A-1"))
        create_organization(session=session, data=OrganizationInput(name="Gamma", industry="Tea"))
    source = read_table(write(tmp_path, "companies.csv", COMPANIES))
    skipped = run_organization_import(fresh_workspace, source, OrganizationPlan(on_match="skip"))
    assert (skipped.created, skipped.skipped) == (1, 3)  # Beta is new; A-1, Gamma and ACME LTD (= A-1's row) skip
    report = run_organization_import(fresh_workspace, source, OrganizationPlan(on_match="update"), dry_run=True)
    assert report.dry_run and report.created == 0 and report.updated == 2 and report.unchanged == 2
    acme = org(fresh_workspace, "Old Acme name")
    assert acme.city is None  # the dry run wrote nothing
    run_organization_import(fresh_workspace, source, OrganizationPlan(on_match="update"))
    acme = org(fresh_workspace, "Old Acme name")
    assert (acme.city, acme.industry) == ("Leeds", "Coffee")
    assert org(fresh_workspace, "Gamma").industry == "Tea"
    again = run_organization_import(fresh_workspace, source, OrganizationPlan(on_match="create"))
    assert again.created == 4


SALES = """\
Order,Email,Billing Name,Total,Currency,Paid at,Lineitem name
#1,ann@acme.example,Ann Lee,"1.234,50",EUR,14/01/2025,Espresso beans
#2,ann@acme.example,Ann Lee,20,EUR,15/03/2025,Filters
#3,new@shop.example,Neil New,€ 45,,2025-02-01 10:00,Grinder
#4,,Maria Keller,30,,02/02/2025,
#5,,,30,,02/02/2025,No customer
#6,ann@acme.example,,-15,,03/02/2025,Refund
#7,ann@acme.example,,12,,31/02/2025,Bad day
"""


def test_purchases_link_customers_create_the_unknown_and_churn_sees_them(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    with fresh_workspace.session() as session:
        ann = create_contact(session=session, data=ContactInput(display_name="Ann Lee", email="Ann@Acme.example"))
        maria = create_contact(session=session, data=ContactInput(display_name="Maria Keller"))
        ann_id, maria_id = ann.id, maria.id
    source = read_table(write(tmp_path, "orders.csv", SALES))
    report = run_purchase_import(fresh_workspace, source, PurchasePlan())
    assert (report.created, report.skipped) == (4, 0)
    failed = dict(report.failed)
    assert failed[6] == "no customer: a purchase needs the customer's e-mail or name"
    assert "negative" in failed[7] and "refunds are not imported" in failed[7]
    assert "'31/02/2025' is not a valid date" in failed[8]
    assert report.counts == {"new contacts": 1}
    with fresh_workspace.read_session() as session:
        amounts = session.exec(select(Purchase.contact_id, Purchase.amount_cents, Purchase.note)
                               .order_by(col(Purchase.occurred_at))).all()  # fmt: skip
        neil = session.exec(select(Contact).where(Contact.display_name == "Neil New")).one()
        assert [(c, a) for c, a, _ in amounts] == [(ann_id, 123_450), (neil.id, 4_500), (maria_id, 3_000),
                                                    (ann_id, 2_000)]  # fmt: skip
        assert amounts[0][2] == "#1 · Espresso beans"
        assert neil.created_at.date() == date(2025, 2, 1) and neil.lifecycle_stage == "customer"
        neil_moves = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == neil.id)).all()
        assert [(m.from_stage, m.to_stage, m.at.date()) for m in neil_moves] == [(None, "customer", date(2025, 2, 1))]
        assert session.get(Contact, ann_id).lifecycle_stage == "customer"  # type: ignore[union-attr]
        churn = compute_churn(session=session, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert churn.new == 3  # Ann, Neil and Maria made their first purchase in the quarter
    again = run_purchase_import(fresh_workspace, source, PurchasePlan())
    assert (again.created, again.skipped) == (0, 4) and "already recorded" in again.warnings[0][1]


def test_purchase_dry_run_and_points(fresh_workspace: Database, tmp_path: Path) -> None:
    source = read_table(write(tmp_path, "orders.csv", SALES))
    with fresh_workspace.read_session() as session:
        before = session.connection().execute(text("SELECT count(*) FROM change")).scalar_one()
    report = run_purchase_import(fresh_workspace, source, PurchasePlan(), dry_run=True)
    assert report.dry_run and report.created == 4
    with fresh_workspace.read_session() as session:
        assert session.connection().execute(text("SELECT count(*) FROM change")).scalar_one() == before
    run_purchase_import(fresh_workspace, source, PurchasePlan(award_points=True))
    with fresh_workspace.read_session() as session:
        points = session.connection().execute(text("SELECT sum(delta) FROM points_entry")).scalar_one()
    assert points == 1234 + 20 + 45 + 30  # one point per whole euro
