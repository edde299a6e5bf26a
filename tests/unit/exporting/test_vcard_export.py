"""vCard 4.0: every field a card carries, escaping that round-trips, 75-octet folding and CRLF line ends."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject

from crm_desktop.services.contacts import update_contact
from crm_desktop.services.exporting import export_contacts_vcard
from crm_desktop.services.exporting.vcard_export import escape, fold
from crm_desktop.store import Database
from tests.unit.exporting.builders import NOTE, add_people


@pytest.fixture
def cards(empty_db: Database, tmp_path: Path) -> tuple[bytes, dict[str, vobject.base.Component]]:
    people = add_people(empty_db)
    with empty_db.session() as s:
        long_note = "Ünïcödé " * 30 + "€ end"
        update_contact(session=s, contact_id=people.bo, changes={"notes": long_note})
    out = tmp_path / "contacts.vcf"
    with empty_db.read_session() as s:
        assert export_contacts_vcard(session=s, out=out) == 2
    raw = out.read_bytes()
    parsed = {c.fn.value: c for c in vobject.readComponents(raw.decode("utf-8"))}
    return raw, parsed


def test_lines_end_in_crlf_and_fold_at_75_octets(cards: tuple[bytes, dict[str, vobject.base.Component]]) -> None:
    raw, _ = cards
    assert raw.endswith(b"END:VCARD\r\n")
    physical = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(physical), "no bare LF anywhere"
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical), "the long note was folded"
    for line in physical:
        line.decode("utf-8")  # never cut inside a multi-byte character


def test_every_field_round_trips(cards: tuple[bytes, dict[str, vobject.base.Component]]) -> None:
    _, parsed = cards
    zoe = parsed["Zoë Müller-Łukasik"]
    assert zoe.version.value == "4.0"
    assert zoe.uid.value.startswith("urn:uuid:") and len(zoe.uid.value) == len("urn:uuid:") + 36
    assert (zoe.n.value.family, zoe.n.value.given) == ("Müller-Łukasik", "Zoë")
    assert zoe.org.value == ["Rösterei Nord; GmbH"] and zoe.title.value == "Head, Buying"
    emails = [(e.value, e.params.get("TYPE"), e.params.get("PREF")) for e in zoe.contents["email"]]
    assert emails == [
        ("zoe.mueller@example.com", None, ["1"]),
        ("zoe@private.example", ["home"], None),
        ("buying@roesterei.example", ["work"], None),
    ]
    phones = [(t.value, t.params.get("TYPE")) for t in zoe.contents["tel"]]
    assert phones == [("tel:+49301234567", None), ("tel:+491709876543", ["work", "cell"])]
    address = zoe.adr.value
    assert (address.street, address.city, address.code, address.country) == (
        "Hauptstraße 5", "Berlin", "10115", "Germany",
    )  # fmt: skip
    assert zoe.bday.value == "19850412"
    assert zoe.note.value == NOTE
    assert zoe.categories.value == ["vip", "=cmd", "wholesale"]
    assert zoe.url.value == "https://zoe.example"
    assert zoe.contents["x-socialprofile"][0].value == "@zoe_beans"
    assert len(zoe.rev.value) == 16 and zoe.rev.value.endswith("Z")
    bo = parsed["Bo Li"]
    assert bo.note.value.endswith("€ end") and "email" not in bo.contents and "adr" not in bo.contents


def test_escape_and_fold_rules() -> None:
    assert escape("a,b;c\\d\r\ne\rf\ng") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert fold("x" * 75) == "x" * 75
    folded = fold("NOTE:" + "é" * 80)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "NOTE:" + "é" * 80


def test_selected_contacts_only(empty_db: Database, tmp_path: Path) -> None:
    people = add_people(empty_db)
    out = tmp_path / "one.vcf"
    with empty_db.read_session() as s:
        assert export_contacts_vcard(session=s, out=out, contact_ids=[people.bo, people.trashed]) == 1
    assert out.read_text(encoding="utf-8").count("BEGIN:VCARD") == 1
