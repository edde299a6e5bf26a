"""Access requests: everything held about one person (merged duplicates too), as JSON and as a readable PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm_desktop.domain.errors import NotFound
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.merge import merge_contacts
from crm_desktop.services.privacy import contact_data, write_contact_data_json, write_contact_data_pdf
from crm_desktop.store import Database
from tests.unit.exporting.builders import NOTE, People, add_people


@pytest.fixture
def people(empty_db: Database) -> People:
    """The hand-made contacts, plus an old duplicate of Zoë merged into her."""
    people = add_people(empty_db)
    with empty_db.session() as s:
        old = create_contact(session=s, data=ContactInput(given_name="Zoe", family_name="Mueller",
                                                          email="zoe.old@example.com"))  # fmt: skip
        merge_contacts(session=s, survivor_id=people.zoe, merged_ids=[old.id])
    return people


def test_everything_about_the_person(empty_db: Database, people: People) -> None:
    with empty_db.read_session() as s:
        data = contact_data(session=s, contact_id=people.zoe)
    contact = data["contact"]
    assert contact["id"] == str(people.zoe) and contact["display_name"] == "Zoë Müller-Łukasik"
    assert contact["notes"] == NOTE and contact["organization"] == "Rösterei Nord; GmbH"
    assert contact["campaign"] == "Spring fair" and contact["birthday"] == "1985-04-12"
    assert data["consent"] == {
        "marketing_consent": True, "consent_at": "2026-03-02T09:30:00+00:00", "consent_how": "Signed at the fair",
        "do_not_contact": False,
    }  # fmt: skip
    assert [m["email"] for m in data["merged_contacts"]] == ["zoe.old@example.com"]
    values = {c["value"] for c in data["channels"]}
    assert {"zoe@private.example", "+491709876543", "@zoe_beans", "zoe.old@example.com"} <= values
    assert [(d["title"], d["stage"]) for d in data["deals"]] == [
        ("Zoë Müller-Łukasik – espresso machine", "Qualification")
    ]
    assert data["deals"][0]["value_cents"] == 129_900 and data["deal_stage_changes"][0]["to_stage"] == "Qualification"
    assert [c["subject"] for c in data["cases"]] == ["Grinder broken"]
    assert [e["kind"] for e in data["case_events"]] == ["opened", "comment"]
    assert [a["subject"] for a in data["activities"]] == ["Call with Zoë"]
    assert [t["title"] for t in data["tasks"]] == ["Send Zoë the price list"]
    assert [(p["amount_cents"], p["note"]) for p in data["purchases"]] == [(4_990, "for Zoë")]
    assert data["points_balance"] == sum(p["delta"] for p in data["points"]) > 0
    assert [f["comment"] for f in data["feedback"]] == ["Zoë: lovely beans"]
    assert {h["to_stage"] for h in data["lifecycle_history"]} >= {"lead", "customer"}
    assert len(data["lead_status_history"]) >= 2, "the merged duplicate's history is included"
    changed = {(c["table"], c["field"]) for c in data["changes"]}
    assert {("contact", "display_name"), ("contact_channel", "value"), ("activity", "body"), ("deal", "title"),
            ("support_case", "subject"), ("purchase", "amount_cents"), ("feedback", "comment")} <= changed  # fmt: skip
    assert any(c["value"] == "zoe.old@example.com" for c in data["changes"]), "journal of the merged duplicate"
    assert all(c["by"] for c in data["changes"]) and data["changes"] == sorted(
        data["changes"], key=lambda c: c["clock"]
    )
    json.dumps(data)  # plain JSON values only


def test_other_people_are_not_included(empty_db: Database, people: People) -> None:
    with empty_db.read_session() as s:
        data = contact_data(session=s, contact_id=people.bo)
    assert data["deals"] == [] and data["activities"] == [] and data["merged_contacts"] == []
    assert "Zoë" not in json.dumps(data, ensure_ascii=False)
    with empty_db.read_session() as s, pytest.raises(NotFound):
        contact_data(session=s, contact_id=people.organization)


def test_json_file(empty_db: Database, people: People, tmp_path: Path) -> None:
    with empty_db.read_session() as s:
        out = write_contact_data_json(session=s, contact_id=people.zoe, out=tmp_path / "zoe.json")
        data = contact_data(session=s, contact_id=people.zoe)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written.pop("generated_at") and data.pop("generated_at")
    assert written == data


def test_pdf_is_readable_and_complete(empty_db: Database, people: People, tmp_path: Path) -> None:
    with empty_db.read_session() as s:
        out = write_contact_data_pdf(session=s, contact_id=people.zoe, out=tmp_path / "zoe.pdf")
    pages = [page.extract_text() for page in PdfReader(out).pages]
    text = "\n".join(pages)
    flat = " ".join(text.split())
    expected = (
        "Personal data we hold about Zoë Müller-Łukasik", "zoe.mueller@example.com", "Allergic to hazelnuts",
        "Rösterei Nord; GmbH", "Call with Zoë", "Grinder broken", "Signed at the fair", "@zoe_beans", "€1,299.00",
        "History of changes", "Duplicates merged into this contact", "zoe.old@example.com",
    )  # fmt: skip
    for phrase in expected:
        assert phrase in flat, phrase
    assert f"Page 1 of {len(pages)}" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    if shutil.which("pdftoppm"):  # a picture of page 1, to look at when the layout changes
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")], check=True
        )
        assert (tmp_path / "page-1.png").stat().st_size > 10_000
