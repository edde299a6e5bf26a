"""Recognising export formats from their header, and guessing columns of unknown files."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.contact_csv import CONTACT_CSV_COLUMNS
from crm_desktop.services.importing import (
    ColumnMapping,
    detect_preset,
    guess_field,
    guess_mapping,
    preset_named,
    read_table,
    suggest_mapping,
)
from crm_desktop.services.importing.presets import override_mapping


def fields_of(headers: list[str], mapping: list[ColumnMapping]) -> dict[str, str]:
    return {headers[m.column]: m.field for m in mapping}


@pytest.mark.parametrize(
    ("name", "preset", "label"),
    [
        ("google_old.csv", "google", "Google Contacts"),
        ("google_new.csv", "google", "Google Contacts"),
        ("outlook.csv", "outlook", "Microsoft Outlook"),
        ("thunderbird.csv", "thunderbird", "Mozilla Thunderbird"),
        ("crm_export.csv", "crm", "CRM Desktop"),
        ("german.csv", None, None),
        ("bad_rows.csv", None, None),
    ],
)
def test_presets_are_detected_from_the_header(fixtures: Path, name: str, preset: str | None, label: str | None) -> None:
    found = detect_preset(read_table(fixtures / name).headers)
    assert (found.name if found else None) == preset
    assert (found.label if found else None) == label


def test_google_old_and_new_styles_map_their_own_columns(fixtures: Path) -> None:
    old = read_table(fixtures / "google_old.csv").headers
    _, mapping = suggest_mapping(old)
    fields = fields_of(old, mapping)
    assert fields["Given Name"] == "given_name" and fields["Family Name"] == "family_name"
    assert fields["Organization 1 - Name"] == "organization" and fields["Organization 1 - Title"] == "title"
    assert fields["E-mail 1 - Value"] == fields["E-mail 2 - Value"] == "email"
    email = next(m for m in mapping if old[m.column] == "E-mail 1 - Value")
    assert email.label_column is not None and old[email.label_column] == "E-mail 1 - Type"
    new = read_table(fixtures / "google_new.csv").headers
    _, mapping = suggest_mapping(new)
    fields = fields_of(new, mapping)
    assert fields["First Name"] == "given_name" and fields["Organization Name"] == "organization"
    email = next(m for m in mapping if new[m.column] == "E-mail 1 - Value")
    assert email.label_column is not None and new[email.label_column] == "E-mail 1 - Label"


def test_outlook_title_is_the_salutation_not_the_job(fixtures: Path) -> None:
    headers = read_table(fixtures / "outlook.csv").headers
    preset, mapping = suggest_mapping(headers)
    fields = fields_of(headers, mapping)
    assert preset is not None and preset.name == "outlook"
    assert "Title" not in fields
    assert fields["Job Title"] == "title"
    labels = {headers[m.column]: m.label for m in mapping if m.field == "phone"}
    assert labels["Business Phone"] == "work" and labels["Mobile Phone"] == "mobile"
    groups = {headers[m.column]: m.group for m in mapping if m.field == "city"}
    assert groups == {"Business City": "work", "Home City": "home"}
    order = [headers[m.column] for m in mapping if m.field == "email"]
    assert order == ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"]


def test_own_export_maps_every_column_and_extra_channels() -> None:
    headers = [*CONTACT_CSV_COLUMNS, "email_2", "phone_2", "email_3"]
    preset, mapping = suggest_mapping(headers)
    assert preset is not None and preset.name == "crm"
    fields = fields_of(headers, mapping)
    assert "created_at" not in fields and "updated_at" not in fields
    assert [headers[m.column] for m in mapping if m.field == "email"] == ["email", "email_2", "email_3"]
    assert fields["id"] == "id" and fields["lifecycle_stage"] == "lifecycle_stage"


def test_preset_named_overrides_detection_and_unknown_names_are_refused() -> None:
    headers = ["First Name", "Last Name", "Primary Email"]
    assert preset_named("thunderbird", headers).name == "thunderbird"
    assert preset_named("google", ["Given Name", "Family Name"]).mapping(["Given Name", "Family Name"])
    with pytest.raises(ValidationError, match="unknown preset"):
        preset_named("lotus", headers)


@pytest.mark.parametrize(
    ("header", "field", "label"),
    [
        ("E-Mail", "email", None),
        ("E-Mail-Adresse (privat)", "email", "home"),
        ("Email Address 2", "email", None),
        ("Courriel", "email", None),
        ("Firma", "organization", None),
        ("Société", "organization", None),
        ("Telefon", "phone", None),
        ("Telefon geschäftlich", "phone", "work"),
        ("Mobiltelefon", "phone", "mobile"),
        ("Handy", "phone", "mobile"),
        ("Work phone 2", "phone", "work"),
        ("Fax", "phone", "fax"),
        ("Vorname", "given_name", None),
        ("Prénom", "given_name", None),
        ("Nachname", "family_name", None),
        ("Surname", "family_name", None),
        ("Full Name", "display_name", None),
        ("Straße", "street", None),
        ("PLZ", "postal_code", None),
        ("Zip Code", "postal_code", None),
        ("Ort", "city", None),
        ("Business City", "city", "work"),
        ("Land", "country", None),
        ("Geburtstag", "birthday", None),
        ("Job Title", "title", None),
        ("Adress", "street", None),  # a typo still finds its field
        ("Kundennummer", "external_ref", None),
        ("Tags", "tags", None),
    ],
)
def test_guess_field_understands_common_headers(header: str, field: str, label: str | None) -> None:
    assert guess_field(header) == (field, label)


@pytest.mark.parametrize("header", ["Hausnummer", "Hotel", "Favourite colour", "", "###"])
def test_guess_field_leaves_unknown_headers_alone(header: str) -> None:
    assert guess_field(header) is None


def test_guess_mapping_takes_single_fields_once_and_every_phone(fixtures: Path) -> None:
    headers = ["Name", "Email", "E-Mail 2", "Telefon", "Handy", "Firma", "Company", "Unbekannt"]
    mapping = guess_mapping(headers)
    fields = [(headers[m.column], m.field, m.label) for m in mapping]
    assert fields == [
        ("Name", "display_name", None), ("Email", "email", None), ("E-Mail 2", "email", None),
        ("Telefon", "phone", None), ("Handy", "phone", "mobile"), ("Firma", "organization", None),
    ]  # fmt: skip


def test_override_mapping_puts_hand_mapped_columns_first_and_can_ignore() -> None:
    headers = ["Name", "Email", "Work Email", "Notes"]
    guessed = guess_mapping(headers)
    mapping = override_mapping(headers, guessed, [("work email", "email", "work"), ("Notes", "ignore", None)])
    assert [(headers[m.column], m.field, m.label) for m in mapping] == [
        ("Work Email", "email", "work"), ("Name", "display_name", None), ("Email", "email", None),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="no column called 'Phone'"):
        override_mapping(headers, guessed, [("Phone", "phone", None)])
    with pytest.raises(ValidationError, match="not a contact field"):
        override_mapping(headers, guessed, [("Notes", "shoe_size", None)])


def test_a_german_outlook_export_is_guessed_with_its_address_blocks() -> None:
    headers = [
        "Anrede", "Vorname", "Nachname", "Firma", "Position", "Straße geschäftlich", "Ort geschäftlich",
        "Postleitzahl geschäftlich", "Land/Region geschäftlich", "Straße privat", "Ort privat",
        "Telefon geschäftlich", "Mobiltelefon", "E-Mail-Adresse", "E-Mail 2: Adresse", "Geburtstag", "Notizen",
    ]  # fmt: skip
    mapping = guess_mapping(headers)
    got = {headers[m.column]: (m.field, m.label, m.group) for m in mapping}
    assert got["Straße geschäftlich"] == ("street", None, "work")
    assert got["Ort privat"] == ("city", None, "home")
    assert got["Land/Region geschäftlich"] == ("country", None, "work")
    assert got["Telefon geschäftlich"] == ("phone", "work", "")
    assert got["E-Mail 2: Adresse"] == ("email", None, "")
    assert got["Position"] == ("title", None, "")
    assert "Anrede" not in got


def test_the_command_line_offers_the_same_choices_as_the_services() -> None:
    from crm_desktop.cli import importing as cli_importing
    from crm_desktop.services.importing import ON_MATCH_CHOICES, PRESET_NAMES, PRESETS

    assert cli_importing.ON_MATCH_CHOICES == ON_MATCH_CHOICES
    assert cli_importing.PRESET_NAMES == PRESET_NAMES
    assert {p.name for p in PRESETS} == set(PRESET_NAMES)


def test_a_header_that_nearly_matches_a_preset_keeps_the_columns_the_preset_does_not_know() -> None:
    headers = ["First name", "Last name", "Email", "Phone", "Mobile", "Company", "Birthday", "Title"]
    preset, mapping = suggest_mapping(headers)
    assert preset is not None and preset.name == "outlook"  # "First Name", "Last Name" and "Company"
    assert fields_of(headers, mapping) == {
        "First name": "given_name",
        "Last name": "family_name",
        "Email": "email",
        "Phone": "phone",
        "Mobile": "phone",
        "Company": "organization",
        "Birthday": "birthday",
    }  # Outlook's "Title" is Mr./Ms. and stays out, as the preset says
    assert [m.label for m in mapping if m.field == "phone"] == [None, "mobile"]
