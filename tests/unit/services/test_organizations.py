"""Organizations: validation, derived domains, Trash, and the table with contact and deal figures."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.deals import create_deal, delete_deal, lose_deal
from crm_desktop.services.deals import list_lost_reasons as lost_reasons
from crm_desktop.services.organizations import (
    ORGANIZATION_SORT_KEYS,
    OrganizationInput,
    count_organizations,
    create_organization,
    delete_organization,
    domain_of,
    get_organization,
    list_organizations,
    restore_organization,
    update_organization,
)
from tests.unit.services import T0, changes_since, journaled_fields, mark


def new(session: Session, **fields: object) -> object:
    return create_organization(session=session, data=OrganizationInput(**fields))  # type: ignore[arg-type]


def test_create_derives_the_domain_from_the_website(session: Session) -> None:
    org = create_organization(
        session=session,
        data=OrganizationInput(name=" Acme ", website="www.Acme.com/about", tags=["a", "A"]),
        at=T0,
    )
    assert (org.name, org.website, org.domain, org.tags) == (
        "Acme",
        "https://www.Acme.com/about",
        "acme.com",
        ["a"],
    )
    assert org.created_at == T0
    explicit = create_organization(
        session=session, data=OrganizationInput(name="B", website="https://b.example.org", domain="B.com")
    )
    assert explicit.domain == "b.com"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "A", "website": "not a site"}, "website"),
        ({"name": "A", "website": "localhost"}, "website"),
        ({"name": "A", "domain": "nodots"}, "domain"),
        ({"name": "A", "phone": "123"}, "phone"),
        ({"name": "A", "country": "GBR"}, "country"),
        ({"name": "A", "owner_id": uuid.uuid4()}, "owner_id"),
        ({"name": "A", "custom": {"x": 1}}, "custom"),
        ({"name": "x" * 301}, "name"),
    ],
)
def test_invalid_input_is_refused_with_field(session: Session, fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        new(session, **fields)
    assert err.value.field == field


def test_create_journals_each_set_field(session: Session) -> None:
    before = mark(session)
    org = create_organization(session=session, data=OrganizationInput(name="Acme", phone="020 7946 0958"))
    changes = changes_since(session, before)
    assert sorted(f for _, _, f in changes) == sorted(journaled_fields(org))
    assert {(t, r) for t, r, _ in changes} == {("organization", org.id.hex)}
    assert org.phone == "+442079460958"


def test_update_journals_only_changed_fields_and_rederives_the_domain(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme", website="acme.com"))
    before = mark(session)
    update_organization(session=session, organization_id=org.id, changes={"name": "Acme Inc", "city": None})
    assert changes_since(session, before) == [
        ("organization", org.id.hex, "name"),
        ("organization", org.id.hex, "updated_at"),
    ]
    update_organization(session=session, organization_id=org.id, changes={"website": "https://acme.io"})
    assert org.domain == "acme.io"
    update_organization(session=session, organization_id=org.id, changes={"domain": "acme-group.com"})
    update_organization(session=session, organization_id=org.id, changes={"website": "acme.net"})
    assert org.domain == "acme-group.com"  # chosen on purpose: kept
    with pytest.raises(ValidationError) as err:
        update_organization(session=session, organization_id=org.id, changes={"name": ""})
    assert err.value.field == "name" and org.name == "Acme Inc"
    with pytest.raises(ValidationError):
        update_organization(session=session, organization_id=org.id, changes={"revenue": 1})


def test_delete_and_restore(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    delete_organization(session=session, organization_id=org.id)
    with pytest.raises(NotFound):
        get_organization(session=session, organization_id=org.id)
    with pytest.raises(NotFound):
        update_organization(session=session, organization_id=org.id, changes={"name": "B"})
    assert [r.id for r in list_organizations(session=session, deleted=True)] == [org.id]
    assert count_organizations(session=session) == 0
    restore_organization(session=session, organization_id=org.id)
    assert get_organization(session=session, organization_id=org.id).deleted_at is None
    assert count_organizations(session=session, deleted=True) == 0


def test_domain_of() -> None:
    assert domain_of("https://WWW.Example.co.uk:8080/x?y") == "example.co.uk"
    assert domain_of("shop.example.com") == "shop.example.com"
    assert domain_of(None) is None and domain_of("") is None


@pytest.fixture
def orgs(session: Session) -> list[uuid.UUID]:
    specs = [
        dict(name="Acme", industry="Retail", city="Leeds", phone="020 7946 0100", website="acme.com"),
        dict(name="Beta 100% Ltd", industry="Food", city=None, domain="beta_co.uk"),
        dict(name="Cobalt", industry=None, city="York"),
        dict(name="acme_two", city="Bath"),
    ]
    ids = [create_organization(session=session, data=OrganizationInput(**s)).id for s in specs]  # type: ignore[arg-type]
    for i, org_id in enumerate([ids[0], ids[0], ids[0], ids[1]]):
        create_contact(session=session, data=ContactInput(given_name=f"P{i}", organization_id=org_id))
    gone = create_contact(session=session, data=ContactInput(given_name="Gone", organization_id=ids[1]))
    delete_contact(session=session, contact_id=gone.id)
    create_deal(session=session, title="A1", organization_id=ids[0], value_cents=1000)
    create_deal(session=session, title="A2", organization_id=ids[0], value_cents=2500)
    create_deal(session=session, title="A3 dollars", organization_id=ids[0], value_cents=9999, currency="USD")
    lost = create_deal(session=session, title="A4", organization_id=ids[0], value_cents=7000)
    lose_deal(session=session, deal_id=lost.id, reason_id=lost_reasons(session=session)[0].id)
    binned = create_deal(session=session, title="C1", organization_id=ids[2], value_cents=500)
    delete_deal(session=session, deal_id=binned.id)
    create_deal(session=session, title="B1", organization_id=ids[1], value_cents=400, at=T0)
    return ids


def test_rows_count_live_contacts_and_open_deals_in_the_business_currency(
    session: Session, orgs: list[uuid.UUID]
) -> None:
    rows = {r.id: r for r in list_organizations(session=session)}
    acme, beta, cobalt = rows[orgs[0]], rows[orgs[1]], rows[orgs[2]]
    assert (acme.contact_count, acme.open_deals, acme.open_deal_value_cents, acme.currency) == (
        3,
        3,
        3500,
        "EUR",
    )
    assert (beta.contact_count, beta.open_deals, beta.open_deal_value_cents) == (1, 1, 400)
    assert (cobalt.contact_count, cobalt.open_deals, cobalt.open_deal_value_cents) == (0, 0, 0)
    assert acme.phone == "+442079460100" and acme.industry == "Retail"


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_orders_rows(session: Session, orgs: list[uuid.UUID], descending: bool) -> None:
    for sort in ORGANIZATION_SORT_KEYS:
        rows = list_organizations(session=session, sort=sort, descending=descending)
        present = [r for r in rows if getattr(r, sort) is not None]
        assert rows[len(present) :] == [r for r in rows if getattr(r, sort) is None], sort
        keys = [(getattr(r, sort), r.id) for r in present]
        assert keys == sorted(keys, reverse=descending), sort


SEARCHES_ORGANIZATIONS: list[tuple[str, list[int]]] = [
    ("acme", [0, 3]),
    ("ACME.COM", [0]),
    ("%", [1]),
    ("_", [1, 3]),
    ("beta_co", [1]),
    ("100%", [1]),
    ("obal", [2]),
    ('"', []),
    ("*", []),
    ("AND", []),
    ("-", []),
    ("😀", []),
    ("x" * 500, []),
    ("\\", []),
]


def test_search_is_a_literal_substring_of_name_or_domain(session: Session, orgs: list[uuid.UUID]) -> None:
    for search, expected in SEARCHES_ORGANIZATIONS:
        found = {r.id for r in list_organizations(session=session, search=search)}
        assert found == {orgs[i] for i in expected}, search
        assert count_organizations(session=session, search=search) == len(expected), search


def test_paging_and_bad_arguments(session: Session, orgs: list[uuid.UUID]) -> None:
    everything = list_organizations(session=session, sort="city")
    pages = [list_organizations(session=session, sort="city", offset=o, limit=3) for o in (0, 3)]
    assert pages[0] + pages[1] == everything and len(everything) == 4
    with pytest.raises(ValidationError):
        list_organizations(session=session, sort="revenue")
    with pytest.raises(ValidationError):
        list_organizations(session=session, offset=-1)


def test_delete_and_restore_journal(session: Session) -> None:
    org = create_organization(session=session, data=OrganizationInput(name="Acme"))
    before = mark(session)
    delete_organization(session=session, organization_id=org.id)
    restore_organization(session=session, organization_id=org.id)
    fields = [f for _, _, f in changes_since(session, before)]
    assert sorted(fields) == ["deleted_at", "deleted_at", "updated_at", "updated_at"]
