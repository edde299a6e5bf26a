"""Contacts: validation, lifecycle and lead-status ledgers, Trash, and the SQL-paged table."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from crm_desktop.domain import Contact, CustomFieldDef, LeadStatusChange, LifecycleChange
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services._validate import clean_tags
from crm_desktop.services.contact_list import SORT_KEYS, ContactFilter, count_contacts, list_contacts
from crm_desktop.services.contacts import (
    ContactInput,
    create_contact,
    delete_contact,
    format_phone,
    get_contact,
    restore_contact,
    set_lead_status,
    set_lifecycle_stage,
    update_contact,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization, delete_organization
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import create_user
from tests.unit.services import T0, changes_since, fields_changed, journaled_fields, ledger_count, mark

HOSTILE = [
    '"',
    "*",
    "AND",
    "-",
    "a\"b'c",
    "NEAR(x",
    "😀",
    "x" * 500,
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "\x00",
    "OR",
]


TRASH = ContactFilter(trash="only")


def new(session: Session, **fields: object) -> Contact:
    return create_contact(session=session, data=ContactInput(**fields))


# --- create -----------------------------------------------------------------------------------------------


def test_create_derives_display_name_and_writes_first_ledger_rows(session: Session) -> None:
    contact = create_contact(session=session, data=ContactInput(given_name=" Ada ", family_name="Lovelace"), at=T0)
    assert contact.display_name == "Ada Lovelace" and contact.given_name == "Ada"
    assert contact.created_at == T0 and contact.lifecycle_stage == "lead" and contact.lead_status == "open"
    stages = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == contact.id)).all()
    statuses = session.exec(select(LeadStatusChange).where(LeadStatusChange.contact_id == contact.id)).all()
    assert [(s.from_stage, s.to_stage, s.at) for s in stages] == [(None, "lead", T0)]
    assert [(s.from_status, s.to_status, s.at) for s in statuses] == [(None, "open", T0)]
    assert stages[0].user_id is not None


def test_email_alone_names_the_contact_and_is_normalized(session: Session) -> None:
    contact = new(session, email="  Ada@Example.COM ")
    assert contact.email == "Ada@example.com"
    assert contact.display_name == "Ada@example.com"


def test_a_name_or_an_email_is_required(session: Session) -> None:
    with pytest.raises(ValidationError, match="name or an email") as err:
        new(session, title="CEO", given_name="   ")
    assert err.value.field == "given_name"


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com", "a@@b.com"])
def test_invalid_email_is_rejected_with_field(session: Session, email: str) -> None:
    with pytest.raises(ValidationError) as err:
        new(session, given_name="X", email=email)
    assert err.value.field == "email"


def test_phone_is_stored_as_e164_using_the_default_region(session: Session) -> None:
    assert new(session, given_name="A", phone="020 7946 0958").phone == "+442079460958"
    set_setting(session=session, key="default_region", value="DE")
    assert new(session, given_name="B", phone="030 901820").phone == "+4930901820"
    assert new(session, given_name="C", phone="+1 202-555-0143").phone == "+12025550143"


@pytest.mark.parametrize("phone", ["12", "abc", "+44 12", "020 7946 09580000"])
def test_invalid_phone_is_rejected_with_field(session: Session, phone: str) -> None:
    with pytest.raises(ValidationError, match="phone number") as err:
        new(session, given_name="X", phone=phone)
    assert err.value.field == "phone"


def test_organization_must_exist_and_be_live(session: Session) -> None:
    with pytest.raises(ValidationError) as err:
        new(session, given_name="X", organization_id=uuid.uuid4())
    assert err.value.field == "organization_id"
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    assert new(session, given_name="Y", organization_id=org.id).organization_id == org.id
    delete_organization(session=session, organization_id=org.id)
    with pytest.raises(ValidationError):
        new(session, given_name="Z", organization_id=org.id)


def test_owner_and_campaign_must_exist(session: Session) -> None:
    for field in ("owner_id", "campaign_id"):
        with pytest.raises(ValidationError) as err:
            new(session, given_name="X", **{field: uuid.uuid4()})
        assert err.value.field == field


def test_tags_are_trimmed_and_deduplicated(session: Session) -> None:
    contact = new(session, given_name="X", tags=[" vip ", "VIP", "", "  new   lead ", "vip", "Newsletter"])
    assert contact.tags == ["vip", "new lead", "Newsletter"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lifecycle_stage": "prospect"}, "lifecycle_stage"),
        ({"lead_status": "hot"}, "lead_status"),
        ({"country": "Germany"}, "country"),
        ({"title": "x" * 201}, "title"),
        ({"birthday": date.today() + timedelta(days=2)}, "birthday"),
        ({"custom": {"shoe_size": 42}}, "custom"),
    ],
)
def test_vocabularies_and_limits_are_checked(session: Session, fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        new(session, given_name="X", **fields)
    assert err.value.field == field


def test_country_is_upper_cased_and_no_lead_status_means_no_status_ledger(session: Session) -> None:
    contact = new(session, given_name="X", country="de", lead_status=None, lifecycle_stage="customer")
    assert contact.country == "DE"
    assert ledger_count(session, "lead_status_change", contact_id=contact.id) == 0
    assert ledger_count(session, "lifecycle_change", contact_id=contact.id, to_stage="customer") == 1


def test_declared_custom_fields_are_accepted(session: Session) -> None:
    session.add(CustomFieldDef(entity="contact", key="shoe_size", label="Shoe size", field_type="number"))
    session.add(CustomFieldDef(entity="contact", key="tier", label="Tier", field_type="choice", choices=["a", "b"]))
    assert new(session, given_name="X", custom={"shoe_size": 42, "tier": "a"}).custom == {
        "shoe_size": 42,
        "tier": "a",
    }
    with pytest.raises(ValidationError, match="Tier"):
        new(session, given_name="Y", custom={"tier": "c"})


def test_consent_records_when(session: Session) -> None:
    contact = create_contact(session=session, data=ContactInput(email="a@b.com", marketing_consent=True), at=T0)
    assert contact.consent_at == T0
    update_contact(session=session, contact_id=contact.id, changes={"marketing_consent": False})
    assert contact.consent_at is None


def test_naive_times_are_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        create_contact(session=session, data=ContactInput(given_name="X"), at=datetime(2024, 1, 1))


def test_create_journals_one_change_per_set_field_plus_its_ledger_rows(session: Session) -> None:
    before = mark(session)
    contact = new(session, given_name="Ada", email="ada@example.com", phone="020 7946 0958", tags=["vip"])
    changes = changes_since(session, before)
    contact_fields = [f for t, r, f in changes if t == "contact"]
    assert sorted(contact_fields) == sorted(journaled_fields(contact))
    assert all(r == contact.id.hex for t, r, _ in changes if t == "contact")
    assert {t for t, _, _ in changes} == {"contact", "lifecycle_change", "lead_status_change"}
    lifecycle = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == contact.id)).one()
    assert sorted(f for t, _, f in changes if t == "lifecycle_change") == sorted(journaled_fields(lifecycle))


# --- update -----------------------------------------------------------------------------------------------


def test_update_title_journals_exactly_title_and_updated_at(session: Session) -> None:
    contact = new(session, given_name="Ada", email="ada@example.com")
    before = mark(session)
    update_contact(session=session, contact_id=contact.id, changes={"title": "Countess"})
    assert changes_since(session, before) == [
        ("contact", contact.id.hex, "title"),
        ("contact", contact.id.hex, "updated_at"),
    ]
    assert get_contact(session=session, contact_id=contact.id).title == "Countess"


def test_update_with_unchanged_values_writes_nothing(session: Session) -> None:
    contact = new(session, given_name="Ada", tags=["a"])
    before = mark(session)
    update_contact(session=session, contact_id=contact.id, changes={"given_name": "Ada", "tags": ["a", "A"]})
    assert changes_since(session, before) == []


def test_update_validates_like_create_and_leaves_the_contact_untouched(session: Session) -> None:
    contact = new(session, given_name="Ada", email="ada@example.com")
    for changes, field in (
        ({"email": "nope"}, "email"),
        ({"phone": "1"}, "phone"),
        ({"colour": "red"}, "colour"),
    ):
        with pytest.raises(ValidationError) as err:
            update_contact(session=session, contact_id=contact.id, changes={"title": "X", **changes})
        assert err.value.field == field
    assert contact.title is None and contact.email == "ada@example.com"
    with pytest.raises(ValidationError) as err:
        update_contact(session=session, contact_id=contact.id, changes={"birthday": "not a date"})
    assert err.value.field == "birthday"


def test_removing_name_and_email_is_refused(session: Session) -> None:
    contact = new(session, given_name="Ada", email="ada@example.com")
    with pytest.raises(ValidationError, match="name or an email"):
        update_contact(session=session, contact_id=contact.id, changes={"given_name": "", "email": None})


def test_derived_display_name_follows_name_edits_but_a_chosen_one_stays(session: Session) -> None:
    derived = new(session, given_name="Ada", family_name="Byron")
    update_contact(session=session, contact_id=derived.id, changes={"family_name": "Lovelace"})
    assert derived.display_name == "Ada Lovelace"
    chosen = new(session, given_name="Augusta", display_name="The Countess")
    update_contact(session=session, contact_id=chosen.id, changes={"given_name": "Ada"})
    assert chosen.display_name == "The Countess"
    update_contact(session=session, contact_id=chosen.id, changes={"display_name": ""})
    assert chosen.display_name == "Ada"


def test_update_of_other_fields_does_not_revalidate_legacy_values(session: Session) -> None:
    legacy = Contact(display_name="Imported", phone="0000 not a number", email="weird@@")
    session.add(legacy)
    session.flush()
    update_contact(session=session, contact_id=legacy.id, changes={"title": "Buyer"})
    assert legacy.phone == "0000 not a number" and legacy.title == "Buyer"


def test_update_lifecycle_and_lead_status_write_ledger_rows(session: Session) -> None:
    contact = new(session, given_name="Ada")
    before = mark(session)
    update_contact(session=session, contact_id=contact.id, changes={"lifecycle_stage": "opportunity"})
    update_contact(session=session, contact_id=contact.id, changes={"lead_status": "qualified"})
    tables = [t for t, _, _ in changes_since(session, before)]
    assert "lifecycle_change" in tables and "lead_status_change" in tables
    assert ledger_count(session, "lifecycle_change", contact_id=contact.id, from_stage="lead") == 1
    assert ledger_count(session, "lead_status_change", contact_id=contact.id, to_status="qualified") == 1
    update_contact(session=session, contact_id=contact.id, changes={"lead_status": None})
    assert contact.lead_status is None
    assert ledger_count(session, "lead_status_change", contact_id=contact.id) == 2


def test_set_lead_status_writes_one_row_and_is_a_no_op_when_unchanged(session: Session) -> None:
    contact = new(session, given_name="Ada")
    at = T0 + timedelta(days=3)
    set_lead_status(session=session, contact_id=contact.id, status="contacted", at=at)
    row = session.exec(select(LeadStatusChange).where(LeadStatusChange.to_status == "contacted")).one()
    assert (row.contact_id, row.from_status, row.at) == (contact.id, "open", at)
    before = mark(session)
    set_lead_status(session=session, contact_id=contact.id, status="contacted")
    assert changes_since(session, before) == []
    with pytest.raises(ValidationError) as err:
        set_lead_status(session=session, contact_id=contact.id, status="warm")
    assert err.value.field == "lead_status"


def test_set_lifecycle_stage_writes_one_row_and_is_a_no_op_when_unchanged(session: Session) -> None:
    contact = new(session, given_name="Ada")
    before = mark(session)
    set_lifecycle_stage(session=session, contact_id=contact.id, stage="customer", at=T0)
    changed = {(t, f) for t, _, f in changes_since(session, before)}
    assert ("contact", "lifecycle_stage") in changed and ("lifecycle_change", "to_stage") in changed
    before = mark(session)
    set_lifecycle_stage(session=session, contact_id=contact.id, stage="customer")
    assert changes_since(session, before) == []
    with pytest.raises(ValidationError):
        set_lifecycle_stage(session=session, contact_id=contact.id, stage="vip")
    with pytest.raises(NotFound):
        set_lifecycle_stage(session=session, contact_id=uuid.uuid4(), stage="customer")


# --- trash ------------------------------------------------------------------------------------------------


def test_delete_is_a_tombstone_and_restore_brings_it_back(session: Session) -> None:
    contact = new(session, given_name="Ada", email="ada@example.com")
    before = mark(session)
    delete_contact(session=session, contact_id=contact.id)
    assert set(fields_changed(session, before, "contact", contact.id)) == {"deleted_at", "updated_at"}
    assert session.get(Contact, contact.id) is not None
    with pytest.raises(NotFound):
        get_contact(session=session, contact_id=contact.id)
    with pytest.raises(NotFound):
        delete_contact(session=session, contact_id=contact.id)
    assert get_contact(session=session, contact_id=contact.id, include_deleted=True).deleted_at is not None
    assert count_contacts(session=session, filter=ContactFilter(search="Ada")) == 0
    assert [r.id for r in list_contacts(session=session, filter=TRASH)] == [contact.id]
    trashed_ada = ContactFilter(search="ada@", trash="only")
    assert [r.id for r in list_contacts(session=session, filter=trashed_ada)] == [contact.id]
    restore_contact(session=session, contact_id=contact.id)
    assert count_contacts(session=session, filter=ContactFilter(search="Ada")) == 1
    assert list_contacts(session=session, filter=TRASH) == []
    assert restore_contact(session=session, contact_id=contact.id).deleted_at is None
    with pytest.raises(NotFound):
        restore_contact(session=session, contact_id=uuid.uuid4())


def test_trash_survives_a_new_session(workspace: object) -> None:
    with workspace.session() as s:  # type: ignore[attr-defined]
        contact_id = new(s, given_name="Gone").id
        delete_contact(session=s, contact_id=contact_id)
    with workspace.session() as s:  # type: ignore[attr-defined]
        assert count_contacts(session=s) == 0 and count_contacts(session=s, filter=TRASH) == 1


# --- table ------------------------------------------------------------------------------------------------


@pytest.fixture
def people(session: Session) -> list[Contact]:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    zeta = create_organization(session=session, data=OrganizationInput(name="Zeta Ltd"))
    owner = create_user(session=session, name="Olga Owner")
    specs = [
        dict(
            given_name="Ada",
            family_name="Lovelace",
            email="ada@acme.com",
            organization_id=acme.id,
            tags=["vip"],
        ),
        dict(
            given_name="Bob",
            email="bob@zeta.io",
            organization_id=zeta.id,
            phone="020 7946 0001",
            owner_id=owner.id,
        ),
        dict(given_name="Cy", lifecycle_stage="customer", lead_status="qualified", phone="020 7946 0002"),
        dict(email="dee@example.com", lead_status=None, owner_id=owner.id, notes="met at the fair"),
        dict(given_name="Eve", family_name="Johnson", organization_id=acme.id, lifecycle_stage="churned"),
        dict(given_name="Bob", family_name="", email="bob2@zeta.io"),
    ]
    return [
        create_contact(session=session, data=ContactInput(**spec), at=T0 + timedelta(days=i))  # type: ignore[arg-type]
        for i, spec in enumerate(specs)
    ]


FUNNEL = {  # stages and statuses sort in this order, not the alphabet's
    "lifecycle_stage": ["subscriber", "lead", "opportunity", "customer", "churned", "other"],
    "lead_status": ["open", "contacted", "qualified", "unqualified"],
}


def _sort_value(row: Any, sort: str) -> Any:
    """What a row is ordered by for `sort`; None for a blank (listed last)."""
    value = getattr(row, sort)
    if sort in FUNNEL:
        return FUNNEL[sort].index(value) if value is not None else None
    if sort == "tags":
        return None if not value else str(value)
    return value


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_orders_rows_with_blanks_last_and_ties_by_name_then_id(
    session: Session, people: list[Contact], descending: bool
) -> None:
    for sort in SORT_KEYS:
        rows = list_contacts(session=session, sort_key=sort, descending=descending)
        assert len(rows) == len(people)
        present = [r for r in rows if _sort_value(r, sort) is not None]
        assert rows[len(present) :] == [r for r in rows if _sort_value(r, sort) is None], sort
        if sort == "tags":
            continue  # the JSON text orders by first tag; only blanks-last is promised
        keys = [(_sort_value(r, sort), r.display_name, r.id) for r in present]
        assert keys == sorted(keys, reverse=descending), sort


def test_rows_carry_joined_names_and_tags(session: Session, people: list[Contact]) -> None:
    rows = {r.id: r for r in list_contacts(session=session)}
    ada, bob = rows[people[0].id], rows[people[1].id]
    assert (ada.organization_name, ada.tags, ada.created_at) == ("Acme", ["vip"], T0)
    assert (bob.owner_name, bob.phone) == ("Olga Owner", "+442079460001")


def test_paging_walks_the_whole_list_once(session: Session, people: list[Contact]) -> None:
    everything = list_contacts(session=session, sort_key="organization_name")
    pages = [list_contacts(session=session, sort_key="organization_name", offset=o, limit=2) for o in (0, 2, 4, 6)]
    assert [r for page in pages for r in page] == everything
    assert pages[-1] == [] and list_contacts(session=session, limit=0) == []
    assert count_contacts(session=session) == len(people)


SEARCHES_CONTACTS: list[tuple[str, list[int]]] = [
    ("ada", [0]),
    ("son", [4]),
    ("zeta", [1, 5]),
    ("acme", [0, 4]),
    ("vip", [0]),
    ("fair", [3]),
    ("bob zeta", [1, 5]),
    ("Bo", [1, 5]),
    ("7946 0002", [2]),
    ("nobody", []),
]


def test_search_matches_names_emails_phones_organizations_tags_notes(session: Session, people: list[Contact]) -> None:
    for search, expected in SEARCHES_CONTACTS:
        f = ContactFilter(search=search)
        found = {r.id for r in list_contacts(session=session, filter=f)}
        assert found == {people[i].id for i in expected}, search
        assert count_contacts(session=session, filter=f) == len(expected), search


@pytest.mark.parametrize("deleted", [False, True])
def test_hostile_search_text_never_raises(session: Session, people: list[Contact], deleted: bool) -> None:
    if deleted:  # the Trash is searched without the index: it must be just as safe
        for contact in people[:2]:
            delete_contact(session=session, contact_id=contact.id)
    for search in HOSTILE:
        f = ContactFilter(search=search, trash="only" if deleted else "hide")
        rows = list_contacts(session=session, filter=f)
        assert count_contacts(session=session, filter=f) == len(rows), search
        if search in ("%", "_", "*", "\\"):
            assert rows == [], search


def test_deleted_organizations_are_not_shown_on_contacts(session: Session, people: list[Contact]) -> None:
    delete_organization(session=session, organization_id=people[0].organization_id)  # type: ignore[arg-type]
    row = next(r for r in list_contacts(session=session) if r.id == people[0].id)
    assert row.organization_name is None


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"sort_key": "age"}, "sort"), ({"offset": -1}, "offset"), ({"limit": -5}, "limit")]
)
def test_bad_list_arguments_are_refused(session: Session, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        list_contacts(session=session, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_format_phone_is_national_at_home_and_international_abroad() -> None:
    assert format_phone("+442079460958", "GB") == "020 7946 0958"
    assert format_phone("+442079460958", "DE") == "+44 20 7946 0958"
    assert format_phone("+4930901820", "de") == "030 901820"
    assert format_phone(None, "GB") == "" and format_phone("", "GB") == ""
    assert format_phone("call reception", "GB") == "call reception"


def test_created_at_keeps_historic_times(session: Session) -> None:
    old = datetime(2019, 5, 4, 3, 2, 1, tzinfo=UTC)
    contact = create_contact(session=session, data=ContactInput(given_name="Old"), at=old)
    assert contact.created_at == old == contact.updated_at
    assert list_contacts(session=session, sort_key="created_at")[0].created_at == old


@given(st.lists(st.text(max_size=12), max_size=12))
def test_cleaned_tags_are_stable_trimmed_and_unique_ignoring_case(raw: list[str]) -> None:
    tags = clean_tags(raw)
    assert clean_tags(tags) == tags
    assert len({t.casefold() for t in tags}) == len(tags)
    assert all(t and t == " ".join(t.split()) for t in tags)


def test_restore_journals_deleted_at_and_updated_at(session: Session) -> None:
    contact = new(session, given_name="Ada")
    delete_contact(session=session, contact_id=contact.id)
    before = mark(session)
    restore_contact(session=session, contact_id=contact.id)
    assert sorted(fields_changed(session, before, "contact", contact.id)) == ["deleted_at", "updated_at"]
