"""Deal filters on the board: owner, pipeline, text, expected-close range, source — alone, combined, hostile."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from crm_desktop.domain import Deal, Pipeline, Stage
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.board import board, default_pipeline
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_filter import MAX_WORDS, NO_OWNER, DealFilter, deal_conditions, words
from crm_desktop.services.deals import create_deal
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.services.users import create_user
from tests.unit.services import T0
from tests.unit.services.test_board import counted_queries


@pytest.fixture
def seeded(session: Session) -> dict[str, Any]:
    """Seven open deals with known owners, names, dates and sources (and one in another pipeline)."""
    ann = create_user(session=session, name="Ann Able")
    bob = create_user(session=session, name="Bob Baker")
    acme = create_organization(session=session, data=OrganizationInput(name="Acme Roasters"))
    shop = create_organization(session=session, data=OrganizationInput(name="50% Off_Shop"))
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))
    zoe = create_contact(session=session, data=ContactInput(given_name="Zoë", family_name='O\'Neil "☕"'))

    def deal(title: str, **kw: Any) -> Deal:
        return create_deal(session=session, title=title, value_cents=1_000, at=T0, **kw)

    made = {
        "grinder": deal("Grinder", owner_id=ann.id, organization_id=acme.id, expected_close=date(2024, 4, 1)),
        "beans": deal("Beans 500 kg", owner_id=ann.id, contact_id=ada.id, expected_close=date(2024, 4, 30),
                      source="referral"),
        "discount": deal("50% discount", owner_id=bob.id, organization_id=shop.id, expected_close=date(2024, 5, 1)),
        "under": deal("cup_sleeves", owner_id=bob.id, contact_id=zoe.id, source="web"),
        "emoji": deal("Espresso 😀 bar", owner_id=bob.id, expected_close=date(2024, 3, 31)),
        "nobody": deal("Orphan", organization_id=acme.id, expected_close=date(2024, 4, 15)),
    }  # fmt: skip
    made["nobody"].owner_id = None
    session.add(made["nobody"])
    other = Pipeline(name="Wholesale", position=1)
    session.add_all([other, Stage(pipeline_id=other.id, name="Intro", position=0, probability=20)])
    session.flush()
    made["wholesale"] = deal("Wholesale grinder", pipeline_id=other.id, owner_id=ann.id)
    return {"ann": ann, "bob": bob, "other": other, **made}


def titles(session: Session, f: DealFilter | None = None, **kw: Any) -> set[str]:
    return {card.title for column in board(session=session, filter=f, **kw) for card in column.cards}


def test_no_filter_and_an_empty_filter_show_the_whole_pipeline(session: Session, seeded: dict[str, Any]) -> None:
    everything = {"Grinder", "Beans 500 kg", "50% discount", "cup_sleeves", "Espresso 😀 bar", "Orphan"}
    assert titles(session) == everything
    assert titles(session, DealFilter()) == everything
    assert DealFilter().is_empty() and DealFilter(text="  \t").is_empty()
    assert not DealFilter(close_to=date(2024, 1, 1)).is_empty()


def test_owner_and_no_owner(session: Session, seeded: dict[str, Any]) -> None:
    assert titles(session, DealFilter(owner_id=seeded["ann"].id)) == {"Grinder", "Beans 500 kg"}
    assert titles(session, DealFilter(owner_id=seeded["bob"].id)) == {"50% discount", "cup_sleeves", "Espresso 😀 bar"}
    assert titles(session, DealFilter(owner_id=NO_OWNER)) == {"Orphan"}


def test_the_filter_pipeline_is_used_unless_one_is_named(session: Session, seeded: dict[str, Any]) -> None:
    other = DealFilter(pipeline_id=seeded["other"].id)
    assert titles(session, other) == {"Wholesale grinder"}
    assert titles(session, DealFilter(text="grinder"), pipeline_id=seeded["other"].id) == {"Wholesale grinder"}
    sales = default_pipeline(session=session).id
    assert titles(session, other, pipeline_id=sales) == titles(session)  # the explicit pipeline wins


def test_text_looks_in_title_organization_and_contact(session: Session, seeded: dict[str, Any]) -> None:
    assert titles(session, DealFilter(text="acme")) == {"Grinder", "Orphan"}
    assert titles(session, DealFilter(text="LOVELACE")) == {"Beans 500 kg"}
    assert titles(session, DealFilter(text="roasters grind")) == {"Grinder"}  # every word, any field
    assert titles(session, DealFilter(text="acme nowhere")) == set()
    assert titles(session, DealFilter(text="  grinder  grinder ")) == {"Grinder"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", {"50% discount"}),  # % is literal: "500 kg" does not match
        ("%", {"50% discount"}),
        ("_", {"cup_sleeves", "50% discount"}),  # _ is literal: only names holding an underscore
        ("p_s", {"cup_sleeves"}),
        ('"☕"', {"cup_sleeves"}),
        ("O'Neil", {"cup_sleeves"}),
        ("😀", {"Espresso 😀 bar"}),
        ("\\", set()),
        ("' OR 1=1 --", set()),
        ("bar\x00espresso", {"Espresso 😀 bar"}),  # NUL splits words, as a space would
        ('"; DROP TABLE deal; --', set()),
    ],
)
def test_hostile_text_is_taken_literally(
    session: Session, seeded: dict[str, Any], text: str, expected: set[str]
) -> None:
    assert titles(session, DealFilter(text=text)) == expected


def test_very_long_text_is_cut_not_refused(session: Session, seeded: dict[str, Any]) -> None:
    assert titles(session, DealFilter(text="grinder " + "x" * 600)) == set()
    many = " ".join(f"w{i}" for i in range(300))
    assert len(words(many)) == MAX_WORDS
    assert titles(session, DealFilter(text=many)) == set()
    assert titles(session, DealFilter(text="a " * 250)) == titles(session, DealFilter(text="a"))
    assert titles(session, DealFilter(text="😀" * 500)) == set()


def test_close_range_is_inclusive_and_drops_undated_deals(session: Session, seeded: dict[str, Any]) -> None:
    april = DealFilter(close_from=date(2024, 4, 1), close_to=date(2024, 4, 30))
    assert titles(session, april) == {"Grinder", "Beans 500 kg", "Orphan"}
    assert titles(session, DealFilter(close_from=date(2024, 4, 30))) == {"Beans 500 kg", "50% discount"}
    assert titles(session, DealFilter(close_to=date(2024, 3, 31))) == {"Espresso 😀 bar"}
    one_day = DealFilter(close_from=date(2024, 4, 15), close_to=date(2024, 4, 15))
    assert titles(session, one_day) == {"Orphan"}


def test_a_backwards_range_is_refused(session: Session, seeded: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="ends before it starts") as caught:
        board(session=session, filter=DealFilter(close_from=date(2024, 5, 1), close_to=date(2024, 4, 1)))
    assert caught.value.field == "close_to"


def test_source_and_combinations(session: Session, seeded: dict[str, Any]) -> None:
    assert titles(session, DealFilter(source="web")) == {"cup_sleeves"}
    assert titles(session, DealFilter(source=" referral ")) == {"Beans 500 kg"}
    ann_april = DealFilter(owner_id=seeded["ann"].id, close_from=date(2024, 4, 2), close_to=date(2024, 4, 30))
    assert titles(session, ann_april) == {"Beans 500 kg"}
    acme_april = DealFilter(text="acme", close_from=date(2024, 4, 1), close_to=date(2024, 4, 10))
    assert titles(session, acme_april) == {"Grinder"}
    assert titles(session, DealFilter(owner_id=NO_OWNER, text="acme")) == {"Orphan"}
    assert titles(session, DealFilter(owner_id=seeded["bob"].id, text="acme")) == set()


def test_filtered_columns_total_only_what_they_show(session: Session, seeded: dict[str, Any]) -> None:
    columns = board(session=session, filter=DealFilter(owner_id=seeded["ann"].id))
    assert sum(c.count for c in columns) == 2
    assert sum(c.total_cents for c in columns) == 2_000
    assert columns[0].weighted_cents == 200  # two 10 % deals of 1,000


def test_a_filtered_board_still_needs_a_fixed_number_of_queries(session: Session, seeded: dict[str, Any]) -> None:
    f = DealFilter(owner_id=seeded["ann"].id, text="grinder acme", close_from=date(2024, 1, 1), source="x")
    with counted_queries(session) as statements:
        board(session=session, filter=f)
    assert len(statements) <= 4, statements


def test_conditions_of_no_filter_are_empty() -> None:
    assert deal_conditions(None) == [] and deal_conditions(DealFilter()) == []
    assert len(deal_conditions(DealFilter(close_from=date(2024, 1, 1)))) == 2
