"""The contacts list service: every filter, every sort, paging, hostile search text and the organizations list."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from crm_desktop.domain import Campaign
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.activities import log_activity
from crm_desktop.services.cases import open_case, set_case_status
from crm_desktop.services.contact_choices import filter_choices, tags_in_use
from crm_desktop.services.contact_list import (
    NO_OWNER,
    SORT_KEYS,
    ContactFilter,
    contact_ids,
    count_contacts,
    first_page,
    list_contacts,
)
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact, update_contact
from crm_desktop.services.deals import board, create_deal, win_deal
from crm_desktop.services.organization_list import (
    SORT_KEYS as ORG_SORT_KEYS,
)
from crm_desktop.services.organization_list import (
    count_organization_rows,
    list_organization_rows,
    organization_deals,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization, delete_organization
from crm_desktop.services.users import create_user
from tests.unit.services import T0
from tests.unit.services.test_contacts import HOSTILE


@pytest.fixture
def book(session: Session) -> dict[str, Any]:
    """Six people with every field the filters and sorts look at, plus deals, cases and activities."""
    acme = create_organization(session=session, data=OrganizationInput(name="Acme", domain="acme.com", city="Bonn"))
    zeta = create_organization(session=session, data=OrganizationInput(name="Zeta Ltd", industry="Retail"))
    olga = create_user(session=session, name="Olga Owner")
    bert = create_user(session=session, name="Bert Boss")
    fair = Campaign(name="Spring fair")
    session.add(fair)
    session.flush()
    specs: list[dict[str, Any]] = [
        dict(given_name="Ada", family_name="Lovelace", email="ada@acme.com", organization_id=acme.id,
             tags=["VIP", "espresso"], owner_id=olga.id, source="website", campaign_id=fair.id),
        dict(given_name="Bob", email="bob@zeta.io", organization_id=zeta.id, phone="020 7946 0001",
             owner_id=bert.id, tags=["café"], source="referral"),
        dict(given_name="Cy", lifecycle_stage="customer", lead_status="qualified", phone="020 7946 0002",
             tags=["vip-gold"]),
        dict(email="dee@example.com", lead_status=None, owner_id=olga.id, notes="met at the fair",
             lifecycle_stage="subscriber"),
        dict(given_name="Eve", family_name="Johnson", organization_id=acme.id, lifecycle_stage="churned",
             lead_status="unqualified", tags=["vip"]),
        dict(given_name="Bob", family_name="Andersen", email="bob2@zeta.io", lead_status="contacted"),
    ]  # fmt: skip
    people = [
        create_contact(session=session, data=ContactInput(**spec), at=T0 + timedelta(days=i))
        for i, spec in enumerate(specs)
    ]
    stages = {c.name: c.stage_id for c in board(session=session)}
    create_deal(session=session, title="Beans", contact_id=people[0].id, organization_id=acme.id,
                stage_id=stages["Proposal"], value_cents=50_000)  # fmt: skip
    grinder = create_deal(session=session, title="Grinder", contact_id=people[1].id, organization_id=zeta.id,
                          stage_id=stages["Proposal"], value_cents=9_900)  # fmt: skip
    win_deal(session=session, deal_id=grinder.id)
    case = open_case(session=session, subject="Leaky valve", contact_id=people[2].id)
    closed = open_case(session=session, subject="Old issue", contact_id=people[3].id)
    set_case_status(session=session, case_id=closed.id, status="closed")
    log_activity(session=session, kind="call", subject="Hello", contact_id=people[4].id, occurred_at=T0)
    return {"people": people, "acme": acme, "zeta": zeta, "olga": olga, "bert": bert, "fair": fair, "case": case}


def names(session: Session, f: ContactFilter, **kw: Any) -> list[str]:
    rows = list_contacts(session=session, filter=f, **kw)
    assert count_contacts(session=session, filter=f) == len(rows)
    return [r.display_name for r in rows]


def ids(session: Session, f: ContactFilter) -> set[uuid.UUID]:
    return {r.id for r in list_contacts(session=session, filter=f)}


# --- filters ----------------------------------------------------------------------------------------------


def test_no_filter_lists_live_contacts_by_name(session: Session, book: dict[str, Any]) -> None:
    expected = ["Ada Lovelace", "Bob", "Bob Andersen", "Cy", "Eve Johnson", "dee@example.com"]  # binary order
    assert names(session, ContactFilter()) == expected


def test_each_filter_narrows_to_exactly_the_matching_contacts(session: Session, book: dict[str, Any]) -> None:
    p = book["people"]
    cases: list[tuple[ContactFilter, list[Any]]] = [
        (ContactFilter(lifecycle_stages=("customer", "churned")), [p[1], p[2], p[4]]),  # Bob won a deal
        (ContactFilter(lead_statuses=("open",)), [p[0], p[1]]),
        (ContactFilter(lead_statuses=("qualified", "contacted")), [p[2], p[5]]),
        (ContactFilter(tag="vip"), [p[0], p[4]]),  # exact tag, any case: not "vip-gold"
        (ContactFilter(tag="café"), [p[1]]),
        (ContactFilter(tag="Café"), [p[1]]),
        (ContactFilter(owner_id=book["olga"].id), [p[0], p[3]]),
        (ContactFilter(owner_id=NO_OWNER), [p[2], p[4], p[5]]),
        (ContactFilter(source="referral"), [p[1]]),
        (ContactFilter(campaign_id=book["fair"].id), [p[0]]),
        (ContactFilter(organization_id=book["acme"].id), [p[0], p[4]]),
        (ContactFilter(has_open_deal=True), [p[0]]),  # the won deal does not count
        (ContactFilter(has_open_deal=False), [p[1], p[2], p[3], p[4], p[5]]),
        (ContactFilter(has_open_case=True), [p[2]]),  # the closed case does not count
        (ContactFilter(has_open_case=False), [p[0], p[1], p[3], p[4], p[5]]),
        (ContactFilter(tag="vip", owner_id=book["olga"].id, has_open_deal=True), [p[0]]),
        (ContactFilter(tag="vip", lifecycle_stages=("lead",)), []),
    ]
    for f, expected in cases:
        assert ids(session, f) == {c.id for c in expected}, f
        assert count_contacts(session=session, filter=f) == len(expected), f


def test_trash_is_hidden_included_or_alone(session: Session, book: dict[str, Any]) -> None:
    p = book["people"]
    delete_contact(session=session, contact_id=p[1].id)
    assert p[1].id not in ids(session, ContactFilter())
    assert ids(session, ContactFilter(trash="only")) == {p[1].id}
    assert ids(session, ContactFilter(trash="include")) == {c.id for c in p}
    assert ids(session, ContactFilter(trash="only", search="zeta")) == {p[1].id}  # LIKE: the index has no Trash
    assert ids(session, ContactFilter(trash="include", search="bob")) == {p[1].id, p[5].id}
    rows = list_contacts(session=session, filter=ContactFilter(trash="include"))
    assert [r.deleted for r in rows if r.id == p[1].id] == [True]


def test_search_uses_the_index_and_short_words_match_name_starts(session: Session, book: dict[str, Any]) -> None:
    p = book["people"]
    assert ids(session, ContactFilter(search="love")) == {p[0].id}
    assert ids(session, ContactFilter(search="acme")) == {p[0].id, p[4].id}  # organization
    assert ids(session, ContactFilter(search="fair")) == {p[3].id}  # notes
    assert ids(session, ContactFilter(search="7946 0002")) == {p[2].id}
    assert ids(session, ContactFilter(search="bo")) == {p[1].id, p[5].id}  # first letters, any case
    assert ids(session, ContactFilter(search="AN")) == {p[5].id}  # ...of the family name too
    assert ids(session, ContactFilter(search="de")) == {p[3].id}  # ...or the email
    assert ids(session, ContactFilter(search="ve")) == set()  # not inside a word: "Eve" needs "eve"
    assert ids(session, ContactFilter(search="bob zeta")) == {p[1].id, p[5].id}
    assert ids(session, ContactFilter(search="bob an")) == {p[5].id}  # mixed: the index's rules (short = inside)


@pytest.mark.parametrize("trash", ["hide", "include", "only"])
def test_hostile_search_text_never_raises(session: Session, book: dict[str, Any], trash: str) -> None:
    delete_contact(session=session, contact_id=book["people"][0].id)
    for search in [*HOSTILE, 'a"b OR', "-x", "🙂" * 250, "x\x00y", "  "]:
        f = ContactFilter(search=search, trash=trash)
        rows = list_contacts(session=session, filter=f)
        assert count_contacts(session=session, filter=f) == len(rows), search
        assert first_page(session=session, filter=f).total == len(rows), search
        if search in ("%", "_", "*", "\\"):
            assert rows == [], search


def test_unknown_filter_values_are_refused(session: Session) -> None:
    for f, field in [
        (ContactFilter(lifecycle_stages=("vip",)), "lifecycle_stage"),
        (ContactFilter(lead_statuses=("won",)), "lead_status"),
        (ContactFilter(trash="bin"), "trash"),
    ]:
        with pytest.raises(ValidationError) as err:
            list_contacts(session=session, filter=f)
        assert err.value.field == field
    with pytest.raises(ValidationError):
        list_contacts(session=session, sort_key="last_activity_at")  # shown, but too slow to sort 100k by


# --- sorting and paging -----------------------------------------------------------------------------------

RANKED = {
    "lifecycle_stage": ["subscriber", "lead", "opportunity", "customer", "churned", "other"],
    "lead_status": ["open", "contacted", "qualified", "unqualified"],
}


def _key(row: Any, sort: str) -> Any:
    value = getattr(row, sort)
    if sort in RANKED:
        return RANKED[sort].index(value) if value is not None else None
    if sort == "tags":
        return None if not value else str(value)
    return value


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_orders_rows_with_blanks_last_and_ties_by_name_then_id(
    session: Session, book: dict[str, Any], descending: bool
) -> None:
    for sort in SORT_KEYS:
        rows = list_contacts(session=session, sort_key=sort, descending=descending)
        assert len(rows) == len(book["people"]), sort
        present = [r for r in rows if _key(r, sort) is not None]
        assert rows[len(present) :] == [r for r in rows if _key(r, sort) is None], sort
        if sort == "tags":
            continue  # the JSON text orders by first tag; only blanks-last is promised
        keys = [(_key(r, sort), r.display_name, r.id) for r in present]
        assert keys == sorted(keys, reverse=descending), sort


def test_stages_sort_in_funnel_order(session: Session, book: dict[str, Any]) -> None:
    rows = list_contacts(session=session, sort_key="lifecycle_stage")
    assert [r.lifecycle_stage for r in rows] == ["subscriber", "lead", "opportunity", "customer", "customer", "churned"]


def test_paging_walks_every_sort_once_and_first_page_counts_all(session: Session, book: dict[str, Any]) -> None:
    for sort in SORT_KEYS:
        everything = list_contacts(session=session, sort_key=sort)
        pages = [list_contacts(session=session, sort_key=sort, offset=o, limit=4) for o in (0, 4, 8)]
        assert [r for page in pages for r in page] == everything, sort
        page = first_page(session=session, sort_key=sort, limit=4)
        assert (page.rows, page.total) == (everything[:4], 6), sort
    assert first_page(session=session, filter=ContactFilter(search="nobody")).total == 0
    assert first_page(session=session, limit=0).total == 6


def test_rows_carry_joined_names_times_and_last_activity(session: Session, book: dict[str, Any]) -> None:
    rows = {r.id: r for r in list_contacts(session=session)}
    ada, eve = rows[book["people"][0].id], rows[book["people"][4].id]
    assert (ada.organization_name, ada.owner_name, ada.campaign_name, ada.source) == (
        "Acme", "Olga Owner", "Spring fair", "website")  # fmt: skip
    assert ada.created_at == T0 and ada.created_at.tzinfo is not None and ada.last_activity_at is None
    assert eve.last_activity_at == T0
    delete_organization(session=session, organization_id=book["acme"].id)
    assert next(r for r in list_contacts(session=session) if r.id == ada.id).organization_name is None


def test_contact_ids_returns_every_match_for_bulk_actions(session: Session, book: dict[str, Any]) -> None:
    f = ContactFilter(tag="vip")
    assert set(contact_ids(session=session, filter=f)) == ids(session, f)
    assert len(contact_ids(session=session)) == 6


def test_filter_json_round_trip_and_damaged_values_are_dropped(book: dict[str, Any]) -> None:
    full = ContactFilter(search="ada", lifecycle_stages=("lead",), lead_statuses=("open", "qualified"), tag="vip",
                         owner_id=NO_OWNER, source="web", campaign_id=book["fair"].id, has_open_deal=False,
                         has_open_case=True, trash="include")  # fmt: skip
    assert ContactFilter.from_json(full.to_json()) == full
    damaged = {"search": 5, "lifecycle_stages": ["lead", "vip"], "owner_id": "not a uuid", "trash": "bin",
               "has_open_deal": "yes", "unknown": 1}  # fmt: skip
    assert ContactFilter.from_json(damaged) == ContactFilter(lifecycle_stages=("lead",))
    assert replace(full, search="").is_empty() is False and ContactFilter(search="x").is_empty()


def test_filter_choices_and_tags_in_use(session: Session, book: dict[str, Any]) -> None:
    choices = filter_choices(session=session)
    assert [name for _id, name in choices.owners if name != "Root"][:2] == ["Bert Boss", "Olga Owner"]
    assert choices.sources == ["referral", "website"]
    assert [name for _id, name in choices.campaigns] == ["Spring fair"]
    assert tags_in_use(session=session)[0] == ("VIP", 2)  # "VIP" and "vip" are one tag
    assert {t for t, _n in tags_in_use(session=session)} == {"VIP", "espresso", "café", "vip-gold"}


# --- organizations ----------------------------------------------------------------------------------------


def test_organizations_rows_figures_search_and_sorts(session: Session, book: dict[str, Any]) -> None:
    rows = {r.name: r for r in list_organization_rows(session=session)}
    acme, zeta = rows["Acme"], rows["Zeta Ltd"]
    assert (acme.domain, acme.city, acme.contact_count, acme.open_deals, acme.open_deal_value_cents) == (
        "acme.com", "Bonn", 2, 1, 50_000)  # fmt: skip
    assert (zeta.industry, zeta.contact_count, zeta.open_deals, zeta.open_deal_value_cents) == ("Retail", 1, 0, 0)
    assert [r.name for r in list_organization_rows(session=session, search="acme.c")] == ["Acme"]
    assert count_organization_rows(session=session, search="bonn") == 1
    assert count_organization_rows(session=session, search='"%_\x00') == 0
    for key in ORG_SORT_KEYS:
        for descending in (False, True):
            got = list_organization_rows(session=session, sort_key=key, descending=descending)
            assert len(got) == 2, key
    by_value = list_organization_rows(session=session, sort_key="open_deal_value_cents", descending=True)
    assert [r.name for r in by_value] == ["Acme", "Zeta Ltd"]
    deals = organization_deals(session=session, organization_id=book["zeta"].id)
    assert [(d.title, d.status, d.contact_name) for d in deals] == [("Grinder", "won", "Bob")]
    with pytest.raises(ValidationError):
        list_organization_rows(session=session, sort_key="size")


@pytest.mark.parametrize(
    "search", ["acme", "zeta.io", "bob", "020 7946", "Lovelace acme", "nobody-matches", "bo", "A", "bo an"]
)
@pytest.mark.parametrize("extra", [ContactFilter(), ContactFilter(lead_statuses=("open", "contacted"))])
def test_searches_matching_most_contacts_give_the_same_answer(
    session: Session, book: dict[str, Any], monkeypatch: pytest.MonkeyPatch, search: str, extra: ContactFilter
) -> None:
    """Broad searches walk the list and ask the index row by row; the rows and the total must not change."""
    from crm_desktop.store import fts

    f = replace(extra, search=search)
    sparse = first_page(session=session, filter=f, limit=3)
    sparse_all = [r.id for r in list_contacts(session=session, filter=f)]
    monkeypatch.setattr(fts, "DENSE_SHARE", 0.0)
    dense = first_page(session=session, filter=f, limit=3)
    assert [r.id for r in dense.rows] == [r.id for r in sparse.rows]
    assert dense.total == sparse.total == count_contacts(session=session, filter=f)
    assert [r.id for r in list_contacts(session=session, filter=f)] == sparse_all


@pytest.mark.parametrize(
    "search", ["acme", "bo", "A", "Twin", "bo an", "?", "nobody-matches", "Twin S", "Ada lo", "acme ?"]
)
@pytest.mark.parametrize("walk_share", [0.0, 1.1])  # always walk the name index / always sort the matches
@pytest.mark.parametrize("descending", [False, True])
def test_plain_searches_page_from_the_search_table_in_the_list_order(
    session: Session,
    book: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    search: str,
    walk_share: float,
    descending: bool,
) -> None:
    """Typing in the box pages from the search table; the rows, their order (ties by id), every page and
    the total equal the general query's, and trashed or renamed contacts are seen as they are now."""
    from crm_desktop.services import contact_list
    from crm_desktop.store import fts

    twins = [
        create_contact(session=session, data=ContactInput(given_name="Twin", family_name="Same")) for _ in range(3)
    ]
    delete_contact(session=session, contact_id=twins[2].id)
    renamed = create_contact(session=session, data=ContactInput(given_name="Old", family_name="Name"))
    update_contact(session=session, contact_id=renamed.id, changes={"given_name": "Twin", "family_name": "Same"})
    f = ContactFilter(search=search)

    def pages() -> tuple[list[uuid.UUID], list[uuid.UUID], int]:
        first = first_page(session=session, filter=f, limit=2, descending=descending)
        paged = [r.id for o in range(0, 12, 2) for r in list_contacts(
            session=session, filter=f, limit=2, offset=o, descending=descending)]  # fmt: skip
        return [r.id for r in first.rows], paged, first.total

    monkeypatch.setattr(fts, "WALK_SHARE", walk_share)
    fast = pages()
    monkeypatch.setattr(contact_list, "_plain_name_search", lambda *_: False)
    general = pages()
    assert fast == general
    assert general[2] == count_contacts(session=session, filter=f)
    if search == "Twin":
        assert set(general[1]) == {twins[0].id, twins[1].id, renamed.id}
    if search in ("Twin S", "Ada lo"):  # a word anywhere and another word's start, from two indexes
        names = {r.display_name for r in list_contacts(session=session, filter=f)}
        assert names == ({"Twin Same"} if search == "Twin S" else {"Ada Lovelace"})
