"""Loyalty: purchases award points and make customers; the points ledger never goes negative."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from crm_desktop.domain import LoyaltyTier, PointsEntry, PurchaseLine, Reward
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.loyalty import (
    MEMBER_SORT_KEYS,
    PurchaseLineInput,
    award_points,
    count_members,
    lifetime_points,
    list_members,
    list_purchases,
    list_rewards,
    list_tiers,
    points_balance,
    points_history,
    record_purchase,
    redeem_reward,
    tier_for,
)
from crm_desktop.services.settings import set_setting
from crm_desktop.store import Database
from tests.unit.services import T0, changes_since, journaled_fields, ledger_count, mark


def person(session: Session, name: str = "Ada", **fields: object) -> uuid.UUID:
    return create_contact(session=session, data=ContactInput(given_name=name, **fields)).id  # type: ignore[arg-type]


def reward(session: Session, cost: int) -> Reward:
    return next(r for r in list_rewards(session=session) if r.points_cost == cost)


def ledger_sum(session: Session, contact_id: uuid.UUID) -> int:
    sql = "SELECT coalesce(sum(delta), 0) FROM points_entry WHERE contact_id = ?"
    return int(session.connection().exec_driver_sql(sql, (contact_id.hex,)).scalar_one())


# --- purchases --------------------------------------------------------------------------------------------


def test_purchase_awards_points_per_whole_unit_and_makes_a_customer(session: Session) -> None:
    ada = person(session)
    purchase = record_purchase(session=session, contact_id=ada, amount_cents=1999, occurred_at=T0, channel="shop")
    [entry] = points_history(session=session, contact_id=ada)
    assert (entry.delta, entry.reason, entry.purchase_id, entry.at) == (19, "purchase", purchase.id, T0)
    assert entry.expires_at == T0 + timedelta(days=365)
    assert (purchase.currency, purchase.channel, purchase.amount_cents) == ("EUR", "shop", 1999)
    assert ledger_count(session, "lifecycle_change", contact_id=ada, from_stage="lead", to_stage="customer") == 1
    record_purchase(session=session, contact_id=ada, amount_cents=500)
    assert ledger_count(session, "lifecycle_change", contact_id=ada) == 2  # already a customer: no new row
    assert points_balance(session=session, contact_id=ada) == 24


def test_purchase_follows_the_points_settings(session: Session) -> None:
    ada = person(session)
    set_setting(session=session, key="points_per_currency_unit", value=3)
    set_setting(session=session, key="points_expiry_days", value=0)
    record_purchase(session=session, contact_id=ada, amount_cents=1000, currency="gbp")
    [entry] = points_history(session=session, contact_id=ada)
    assert (entry.delta, entry.expires_at) == (30, None)
    assert list_purchases(session=session, contact_id=ada)[0].currency == "GBP"


def test_small_purchase_earns_no_points_but_still_makes_a_customer(session: Session) -> None:
    ada = person(session, lifecycle_stage="churned")
    record_purchase(session=session, contact_id=ada, amount_cents=99)
    assert points_history(session=session, contact_id=ada) == []
    assert ledger_count(session, "lifecycle_change", contact_id=ada, from_stage="churned") == 1


def test_purchase_lines_are_stored(session: Session) -> None:
    ada = person(session)
    lines = [
        PurchaseLineInput(description=" Beans ", quantity=2, unit_price_cents=900),
        PurchaseLineInput(description="Mug"),
    ]
    purchase = record_purchase(session=session, contact_id=ada, amount_cents=1800, lines=lines)
    stored = session.exec(select(PurchaseLine).where(PurchaseLine.purchase_id == purchase.id)).all()
    assert sorted((line.description, line.quantity) for line in stored) == [("Beans", 2), ("Mug", 1)]
    with pytest.raises(ValidationError) as err:
        record_purchase(
            session=session,
            contact_id=ada,
            amount_cents=100,
            lines=[PurchaseLineInput(description="x", quantity=0)],
        )
    assert err.value.field == "lines"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": -100}, "amount_cents"),
        ({"amount_cents": 10.5}, "amount_cents"),
        ({"amount_cents": 100, "currency": "€"}, "currency"),
        ({"amount_cents": 100, "deal_id": uuid.uuid4()}, "deal_id"),
    ],
)
def test_purchase_validates(session: Session, kwargs: dict[str, object], field: str) -> None:
    ada = person(session)
    with pytest.raises(ValidationError) as err:
        record_purchase(session=session, contact_id=ada, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
    assert ledger_count(session, "purchase", contact_id=ada) == 0


def test_purchase_for_a_missing_contact(session: Session) -> None:
    ada = person(session)
    delete_contact(session=session, contact_id=ada)
    for contact_id in (ada, uuid.uuid4()):
        with pytest.raises(NotFound):
            record_purchase(session=session, contact_id=contact_id, amount_cents=100)


def test_purchase_journal_covers_purchase_points_and_lifecycle(session: Session) -> None:
    ada = person(session)
    before = mark(session)
    purchase = record_purchase(session=session, contact_id=ada, amount_cents=2500)
    changes = changes_since(session, before)
    assert sorted(f for t, _, f in changes if t == "purchase") == sorted(journaled_fields(purchase))
    assert {f for t, _, f in changes if t == "contact"} == {"lifecycle_stage", "updated_at"}
    assert {t for t, _, _ in changes} == {"purchase", "points_entry", "contact", "lifecycle_change"}


# --- points -----------------------------------------------------------------------------------------------


def test_redeeming_more_than_the_balance_is_refused(session: Session) -> None:
    ada = person(session)
    award_points(session=session, contact_id=ada, delta=100, note="welcome")
    coffee = reward(session, 150)
    with pytest.raises(Conflict, match="not enough points: balance 100, reward needs 150"):
        redeem_reward(session=session, contact_id=ada, reward_id=coffee.id)
    assert points_balance(session=session, contact_id=ada) == 100
    award_points(session=session, contact_id=ada, delta=60)
    before = mark(session)
    entry = redeem_reward(session=session, contact_id=ada, reward_id=coffee.id, at=T0)
    assert (entry.delta, entry.reason, entry.reward_id, entry.at) == (-150, "redemption", coffee.id, T0)
    assert {t for t, _, _ in changes_since(session, before)} == {"points_entry"}
    assert (
        points_balance(session=session, contact_id=ada),
        lifetime_points(session=session, contact_id=ada),
    ) == (10, 160)


def test_reward_must_exist_and_be_offered(session: Session) -> None:
    ada = person(session)
    award_points(session=session, contact_id=ada, delta=5000)
    with pytest.raises(NotFound):
        redeem_reward(session=session, contact_id=ada, reward_id=uuid.uuid4())
    retired = reward(session, 500)
    retired.active = False
    session.add(retired)
    with pytest.raises(Conflict, match="no longer offered"):
        redeem_reward(session=session, contact_id=ada, reward_id=retired.id)


def test_award_points_validates_and_never_overdraws(session: Session) -> None:
    ada = person(session)
    for kwargs, field in (
        ({"delta": 0}, "delta"),
        ({"delta": 5, "reason": "gift"}, "reason"),
        ({"delta": "5"}, "delta"),
    ):
        with pytest.raises(ValidationError) as err:
            award_points(session=session, contact_id=ada, **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field
    award_points(session=session, contact_id=ada, delta=10, reason="referral")
    with pytest.raises(Conflict, match="balance 10"):
        award_points(session=session, contact_id=ada, delta=-11)
    entry = award_points(session=session, contact_id=ada, delta=-10, reason="expiry", at=T0)
    assert (entry.expires_at, points_balance(session=session, contact_id=ada)) == (None, 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("buy"), st.integers(min_value=1, max_value=300_000)),
            st.tuples(st.just("redeem"), st.sampled_from([150, 500, 1200, 2500])),
            st.tuples(st.just("adjust"), st.integers(min_value=-3000, max_value=3000).filter(bool)),
        ),
        max_size=12,
    )
)
def test_balance_never_negative_and_always_the_ledger_sum(workspace: Database, steps: list[tuple[str, int]]) -> None:
    with workspace.session() as session:
        ada = person(session, "Prop")
        for action, amount in steps:
            try:
                if action == "buy":
                    record_purchase(session=session, contact_id=ada, amount_cents=amount)
                elif action == "redeem":
                    redeem_reward(session=session, contact_id=ada, reward_id=reward(session, amount).id)
                else:
                    award_points(session=session, contact_id=ada, delta=amount)
            except Conflict:
                pass
            balance = points_balance(session=session, contact_id=ada)
            assert balance >= 0
            assert balance == ledger_sum(session, ada)
            assert lifetime_points(session=session, contact_id=ada) >= balance


# --- tiers, rewards, members ------------------------------------------------------------------------------


def test_tiers_and_rewards(session: Session) -> None:
    tiers = list_tiers(session=session)
    assert [(t.name, t.min_points) for t in tiers] == [
        ("Bronze", 0),
        ("Silver", 500),
        ("Gold", 2000),
        ("Platinum", 5000),
    ]
    assert [r.points_cost for r in list_rewards(session=session)] == [150, 500, 1200, 2500]
    assert tier_for(tiers=tiers, lifetime_points=0).name == "Bronze"  # type: ignore[union-attr]
    assert tier_for(tiers=tiers, lifetime_points=499).name == "Bronze"  # type: ignore[union-attr]
    assert tier_for(tiers=tiers, lifetime_points=500).name == "Silver"  # type: ignore[union-attr]
    assert tier_for(tiers=tiers, lifetime_points=10**9).name == "Platinum"  # type: ignore[union-attr]
    assert tier_for(tiers=[LoyaltyTier(name="VIP", min_points=100)], lifetime_points=99) is None
    assert tier_for(tiers=[], lifetime_points=99) is None


@pytest.fixture
def members(session: Session) -> list[uuid.UUID]:
    ada, bob, cy, dee, eve = (person(session, n) for n in ("Ada", "Bob", "Cy", "Dee", "Eve"))
    record_purchase(session=session, contact_id=ada, amount_cents=60_000, occurred_at=T0)
    redeem_reward(session=session, contact_id=ada, reward_id=reward(session, 500).id)
    record_purchase(session=session, contact_id=ada, amount_cents=1_000, occurred_at=T0 + timedelta(days=3))
    award_points(session=session, contact_id=bob, delta=40)  # points but no purchases
    record_purchase(session=session, contact_id=cy, amount_cents=50, occurred_at=T0)  # a purchase but no points
    record_purchase(session=session, contact_id=eve, amount_cents=300_000, occurred_at=T0)
    delete_contact(session=session, contact_id=eve)
    return [ada, bob, cy, dee]


def test_members_have_points_or_purchases_with_sql_aggregates(session: Session, members: list[uuid.UUID]) -> None:
    ada, bob, cy, _ = members
    rows = {r.contact_id: r for r in list_members(session=session)}
    assert set(rows) == {ada, bob, cy} and count_members(session=session) == 3
    a, b, c = rows[ada], rows[bob], rows[cy]
    assert (a.balance, a.lifetime_points, a.tier, a.purchases, a.total_spent_cents) == (
        110,
        610,
        "Silver",
        2,
        61_000,
    )
    assert (a.last_purchase_at, a.currency) == (T0 + timedelta(days=3), "EUR")
    assert (b.balance, b.purchases, b.total_spent_cents, b.last_purchase_at, b.tier) == (
        40,
        0,
        0,
        None,
        "Bronze",
    )
    assert (c.balance, c.purchases, c.total_spent_cents) == (0, 1, 50)
    assert [r.contact_id for r in list_members(session=session)] == [ada, bob, cy]  # balance, highest first


@pytest.mark.parametrize("descending", [False, True])
def test_every_member_sort_key(session: Session, members: list[uuid.UUID], descending: bool) -> None:
    for sort in MEMBER_SORT_KEYS:
        rows = list_members(session=session, sort=sort, descending=descending)
        present = [r for r in rows if getattr(r, sort) is not None]
        assert rows[len(present) :] == [r for r in rows if getattr(r, sort) is None], sort
        key = "lifetime_points" if sort == "tier" else sort
        keys = [(getattr(r, key), r.contact_id) for r in present]
        assert keys == sorted(keys, reverse=descending), sort


def test_member_search_paging_and_arguments(session: Session, members: list[uuid.UUID]) -> None:
    ada = members[0]
    assert [r.contact_id for r in list_members(session=session, search="ada")] == [ada]
    assert count_members(session=session, search="ada") == 1
    assert count_members(session=session, search="dee") == 0  # not a member
    for hostile in ('"', "*", "AND", "-", "😀", "x" * 500, "%"):
        assert list_members(session=session, search=hostile) == []
        assert count_members(session=session, search=hostile) == 0
    pages = list_members(session=session, limit=2) + list_members(session=session, offset=2, limit=2)
    assert pages == list_members(session=session)
    with pytest.raises(ValidationError):
        list_members(session=session, sort="age")


def test_ledger_rows_are_append_only(session: Session) -> None:
    ada = person(session)
    entry = award_points(session=session, contact_id=ada, delta=10)
    entry.delta = 1000
    session.add(entry)
    with pytest.raises(Conflict, match="ledger"):
        session.flush()
    session.rollback()
    assert session.exec(select(PointsEntry)).all() == []


def test_award_points_journals_one_new_entry(session: Session) -> None:
    ada = person(session)
    before = mark(session)
    entry = award_points(session=session, contact_id=ada, delta=25, note="sorry for the wait")
    changes = changes_since(session, before)
    assert {(t, r) for t, r, _ in changes} == {("points_entry", entry.id.hex)}
    assert sorted(f for _, _, f in changes) == sorted(journaled_fields(entry))
