"""This app's own CSV and vCard exports import back: into the same workspace nothing changes, into a new one
every contact arrives with its names, organization, channels, tags and notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from crm_desktop.domain import Contact, ContactChannel, Organization
from crm_desktop.services.exporting.csv_export import export_contacts_csv
from crm_desktop.services.exporting.vcard_export import export_contacts_vcard
from crm_desktop.services.importing import ImportPlan, read_source, run_import
from crm_desktop.store import Database


def snapshot(db: Database, kinds: tuple[str, ...] = ("email", "phone", "url")) -> dict[str, tuple[object, ...]]:
    with db.read_session() as session:
        orgs = {o.id: o.name for o in session.exec(select(Organization))}
        result = {}
        for c in session.exec(select(Contact)):
            channels = session.exec(select(ContactChannel.kind, ContactChannel.value).where(
                ContactChannel.contact_id == c.id, col(ContactChannel.kind).in_(kinds))).all()  # fmt: skip
            result[c.display_name] = (
                c.given_name, c.family_name, c.title, orgs.get(c.organization_id), c.email, c.phone, c.city,
                c.country, c.birthday, tuple(c.tags), c.notes, frozenset(channels),
            )  # fmt: skip
        return result


@pytest.mark.parametrize("kind", ["csv", "vcard"])
def test_own_export_imports_back(fresh_workspace: Database, fixtures: Path, tmp_path: Path, kind: str) -> None:
    for name in ("google_old.csv", "bad_rows.csv", "outlook.csv", "v21_outlook.vcf"):
        run_import(fresh_workspace, read_source(fixtures / name), ImportPlan())
    out = tmp_path / f"export.{'csv' if kind == 'csv' else 'vcf'}"
    export = export_contacts_csv if kind == "csv" else export_contacts_vcard
    with fresh_workspace.read_session() as session:
        written = export(session=session, out=out)
    kinds = ("email", "phone") if kind == "csv" else ("email", "phone", "url")  # the CSV has no web addresses
    before = snapshot(fresh_workspace, kinds)
    assert written == len(before) == 9

    again = run_import(fresh_workspace, read_source(out), ImportPlan())
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, written, [])
    assert snapshot(fresh_workspace, kinds) == before

    from crm_desktop.services.workspace import open_workspace

    other = open_workspace(tmp_path / "other.sqlite")
    try:
        report = run_import(other, read_source(out), ImportPlan())
        assert (report.created, report.failed) == (written, [])
        assert snapshot(other, kinds) == before
    finally:
        other.close()
