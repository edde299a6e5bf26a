"""Business settings as people type them: checked, normalised, stored all-or-nothing, and undoable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import undo
from crm_desktop.services.settings import (
    clean_setting,
    currency_codes,
    display_phone,
    get_setting,
    read_settings,
    set_setting,
    update_settings,
)
from crm_desktop.store import Database

PNG_START = b"\x89PNG\r\n\x1a\n" + bytes(24)  # the check reads the signature only


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("business_name", "  Atelier Brontë  ", "Atelier Brontë"),
        ("business_address", "  12 Rue de la Paix  \n75002 Paris\n\n", "12 Rue de la Paix\n75002 Paris"),
        ("business_email", " Hello@Bronte.example ", "Hello@bronte.example"),
        ("business_email", "", ""),
        ("business_phone", "020 7946 0958", "+442079460958"),
        ("business_phone", "+49 30 901820", "+4930901820"),
        ("currency", "usd", "USD"),
        ("locale", "de-DE", "de_DE"),
        ("timezone", "Europe/Berlin", "Europe/Berlin"),
        ("default_region", "de", "DE"),
        ("paper_size", "letter", "Letter"),
        ("points_expiry_days", 0, 0),
        (
            "case_sla_hours",
            {"low": 72, "normal": 24, "high": 8, "urgent": 1},
            {"low": 72, "normal": 24, "high": 8, "urgent": 1},
        ),
        (
            "onboarding_checklist",
            [{"title": "  Ship   welcome pack ", "due_days": 2}],
            [{"title": "Ship welcome pack", "due_days": 2}],
        ),
        ("onboarding_checklist", [], []),
    ],
)
def test_values_are_normalised_the_way_the_app_reads_them(key: str, typed: object, stored: object) -> None:
    assert clean_setting(key, typed, region="GB") == stored


@pytest.mark.parametrize(
    ("key", "typed", "says"),
    [
        ("business_name", "   ", "Business name is required"),
        ("business_email", "not-an-email", "not a valid email address"),
        ("business_phone", "12", "not a valid phone number"),
        ("currency", "XYZ", "not a currency in use today"),
        ("currency", "DEM", "not a currency in use today"),
        ("currency", "euro", "three-letter code"),
        ("locale", "xx_YY", "language and country"),
        ("timezone", "Mars/Olympus_Mons", "not a time zone"),
        ("default_region", "ZZ", "Choose the country"),
        ("paper_size", "A5", "A4 or Letter"),
        ("quote_validity_days", 0, "at least 1"),
        ("churn_inactivity_days", True, "whole number"),
        ("case_sla_hours", {"low": 72, "normal": 24, "high": 8}, "Urgent priority"),
        ("onboarding_checklist", [{"title": " ", "due_days": 1}], "task 1 needs a title"),
        ("onboarding_checklist", [{"title": "Call", "due_days": -1}], "0 to 3650"),
        ("business_logo", "/nowhere/logo.png", "cannot be read"),
        ("business_logo", "/nowhere/logo.gif", "PNG or JPEG"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(key: str, typed: object, says: str) -> None:
    with pytest.raises(ValidationError, match=says) as caught:
        clean_setting(key, typed, region="GB")
    assert caught.value.field == key


def test_a_logo_must_really_be_a_picture(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    with pytest.raises(ValidationError, match="is not a PNG or JPEG"):
        clean_setting("business_logo", str(fake), region="GB")
    real = tmp_path / "real.png"
    real.write_bytes(PNG_START)
    assert clean_setting("business_logo", str(real), region="GB") == str(real.resolve())
    assert clean_setting("business_logo", "  ", region="GB") == ""


def test_update_writes_only_what_changed_and_reads_phones_with_the_new_region(session: Session) -> None:
    written = update_settings(
        session=session,
        values={
            "business_name": "Kaffee Łódź",
            "default_region": "DE",
            "business_phone": "030 901820",
            "paper_size": "A4",
        },
    )
    assert written == {"business_name": "Kaffee Łódź", "default_region": "DE", "business_phone": "+4930901820"}
    assert get_setting(session=session, key="business_phone") == "+4930901820"
    assert display_phone("+4930901820", region="DE") == "030 901820"
    assert read_settings(session=session, keys=("business_name", "currency")) == {
        "business_name": "Kaffee Łódź",
        "currency": "EUR",
    }


def test_one_bad_value_stores_nothing(session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        update_settings(session=session, values={"business_name": "New name", "business_email": "broken@"})
    assert caught.value.field == "business_email"
    assert get_setting(session=session, key="business_name") == "My Business"


def test_undo_of_a_settings_change_brings_back_the_old_values(workspace: Database) -> None:
    with workspace.session() as s:
        set_setting(session=s, key="currency", value="GBP")
    _, changes = undo.perform(
        workspace,
        "Change business settings",
        lambda s: update_settings(session=s, values={"currency": "USD", "locale": "en_US"}),
    )
    with workspace.read_session() as s:
        assert read_settings(session=s, keys=("currency", "locale")) == {"currency": "USD", "locale": "en_US"}
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert read_settings(session=s, keys=("currency", "locale")) == {"currency": "GBP", "locale": "en_GB"}


def test_the_currency_list_holds_todays_currencies_only() -> None:
    assert {"EUR", "GBP", "USD", "JPY", "CHF"} <= currency_codes()
    assert "DEM" not in currency_codes() and "FRF" not in currency_codes()
