"""Merging duplicate contacts: field choices, every link moved, points transferred by ledger, undo and redo."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from crm_desktop.domain import (
    REPLICATED_MODELS,
    Contact,
    ContactChannel,
    LeadStatusChange,
    LifecycleChange,
    PointsEntry,
    Referral,
    Subscription,
    utcnow,
)
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.activities import add_task, log_activity, record_feedback
from crm_desktop.services.cases import open_case
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.loyalty import award_points, lifetime_points, points_balance, record_purchase
from crm_desktop.services.merge import CHANNEL_LINK, KEPT_LINKS, MOVED_LINKS, merge_contacts, merge_preview
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.store import Database
from tests.unit.services import T0

CONTACT_COLUMNS = frozenset({"contact_id", "referrer_id", "referred_id", "merged_into"})
LINK_COLUMNS = list(
    (model, column.name)
    for model in REPLICATED_MODELS
    for column in model.__table__.columns  # type: ignore[attr-defined]
    if column.name in CONTACT_COLUMNS or ("contact" in column.name and column.name.endswith("_id"))
)


def person(session: Session, name: str, **fields: Any) -> Contact:
    return create_contact(session=session, data=ContactInput(display_name=name, **fields), at=T0)


def link_everything(session: Session, contact: Contact, other: Contact, *, amount: int = 12_000) -> None:
    """One of every kind of record that names a contact."""
    create_deal(session=session, title=f"Deal of {contact.display_name}", contact_id=contact.id, at=T0)
    open_case(session=session, subject="Broken grinder", contact_id=contact.id, at=T0)
    log_activity(session=session, kind="call", subject="Called", contact_id=contact.id, occurred_at=T0)
    add_task(session=session, title="Call back", contact_id=contact.id)
    record_purchase(session=session, contact_id=contact.id, amount_cents=amount, occurred_at=T0)
    record_feedback(session=session, contact_id=contact.id, kind="nps", score=9, at=T0)
    session.add(Subscription(contact_id=contact.id, plan="Beans monthly", monthly_amount_cents=2500, started_at=T0))
    session.add(Referral(referrer_id=contact.id, referred_id=other.id, at=T0))
    session.add(Referral(referrer_id=other.id, referred_id=contact.id, at=T0))
    session.add(ContactChannel(contact_id=contact.id, kind="social", value=f"@{contact.id.hex[:8]}"))
    session.flush()


def live_links(session: Session, contact_ids: set[uuid.UUID]) -> dict[tuple[str, str, uuid.UUID], uuid.UUID]:
    """Every live row naming one of these contacts: (table, column, row id) -> the contact it names."""
    found: dict[tuple[str, str, uuid.UUID], uuid.UUID] = {}
    for model, column in LINK_COLUMNS:
        ref = col(getattr(model, column))
        stmt = select(model.id, ref).where(ref.in_(contact_ids), col(model.deleted_at).is_(None))
        for row_id, contact_id in session.exec(stmt):
            found[(model.__tablename__, column, row_id)] = contact_id
    return found


def snapshot(db: Database, contact_ids: set[uuid.UUID]) -> dict[str, Any]:
    """What the user can see of these contacts: their fields, every live link, balances and channels."""
    with db.read_session() as s:
        contacts = {
            c.id: {k: val for k, val in c.model_dump().items() if k != "updated_at"}
            for c in s.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))
        }
        return {
            "contacts": contacts,
            "links": live_links(s, contact_ids),
            "balances": {i: points_balance(session=s, contact_id=i) for i in contact_ids},
            "lifetime": {i: lifetime_points(session=s, contact_id=i) for i in contact_ids},
        }


def test_every_column_naming_a_contact_is_moved_or_deliberately_kept() -> None:
    moved = {(model.__tablename__, column) for _, model, column in MOVED_LINKS}
    handled = moved | KEPT_LINKS | {CHANNEL_LINK}
    missing = {(m.__tablename__, c) for m, c in LINK_COLUMNS} - handled
    assert not missing, f"merge.py must move or deliberately keep these contact references: {missing}"


def test_merge_moves_every_link_to_the_survivor_and_trashes_the_duplicate(session: Session) -> None:
    keep, dupe, friend = person(session, "Ada"), person(session, "Ada L."), person(session, "Grace")
    link_everything(session, dupe, friend)
    earlier = person(session, "Ada (old)")
    earlier.merged_into, earlier.deleted_at = dupe.id, utcnow()  # a merge done before: follows along
    session.add(earlier)
    before = live_links(session, {dupe.id})
    result = merge_contacts(session=session, survivor_id=keep.id, merged_ids=[dupe.id])
    left = live_links(session, {dupe.id})
    assert all((t, c) in KEPT_LINKS for t, c, _ in left), left  # only its own history (and points correction)
    after = live_links(session, {keep.id})
    for (table, column, row_id), _ in before.items():
        if (table, column) not in KEPT_LINKS:
            assert after[(table, column, row_id)] == keep.id
    assert result.moved["deals"] == result.moved["cases"] == result.moved["purchases"] == 1
    assert result.moved["referrals"] == 2
    assert session.get(Contact, dupe.id).deleted_at is not None  # type: ignore[union-attr]
    assert session.get(Contact, dupe.id).merged_into == keep.id  # type: ignore[union-attr]
    assert session.get(Contact, earlier.id).merged_into == keep.id  # type: ignore[union-attr]
    assert session.get(Contact, keep.id).lifecycle_stage == "customer"  # type: ignore[union-attr]  # furthest stage


def test_history_ledgers_stay_on_the_merged_contact(session: Session) -> None:
    keep, dupe = person(session, "Ada"), person(session, "Ada L.")
    merge_contacts(session=session, survivor_id=keep.id, merged_ids=[dupe.id])
    for ledger in (LifecycleChange, LeadStatusChange):
        rows = session.exec(select(ledger).where(ledger.contact_id == dupe.id)).all()
        assert len(rows) == 1 and rows[0].deleted_at is None  # untouched: append-only


def test_points_move_by_correcting_entries_keeping_balance_and_lifetime(session: Session) -> None:
    keep, dupe = person(session, "Ada"), person(session, "Ada L.")
    award_points(session=session, contact_id=keep.id, delta=50)
    award_points(session=session, contact_id=dupe.id, delta=300)
    award_points(session=session, contact_id=dupe.id, delta=-120)
    originals = {e.id: e.contact_id for e in session.exec(select(PointsEntry))}
    result = merge_contacts(session=session, survivor_id=keep.id, merged_ids=[dupe.id])
    assert result.points_transferred == 180
    assert points_balance(session=session, contact_id=keep.id) == 230
    assert lifetime_points(session=session, contact_id=keep.id) == 350  # the tier the person reached is kept
    assert points_balance(session=session, contact_id=dupe.id) == 0
    assert {e.id: e.contact_id for e in session.exec(select(PointsEntry)) if e.id in originals} == originals
    notes = [e.note for e in session.exec(select(PointsEntry).where(PointsEntry.contact_id == keep.id))]
    assert "Merged from Ada L.: points earned there" in notes


def test_fields_come_from_the_chosen_contact_or_an_explicit_value(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    keep = person(session, "Ada", email="ada@old.example", city="Leeds", tags=["vip"], notes="Likes oat milk")
    dupe = person(
        session, "Ada Lovelace", email="ada@new.example", phone="+442079460000", organization_id=acme.id,
        street="1 Mill Lane", city="York", country="GB", tags=["VIP", "espresso"], notes="Orders on Mondays",
        title="Owner",
    )  # fmt: skip
    merge_contacts(
        session=session, survivor_id=keep.id, merged_ids=[dupe.id],
        choices={"display_name": dupe.id, "email": dupe.id, "title": "Founder"},
    )  # fmt: skip
    merged = session.get(Contact, keep.id)
    assert merged is not None
    assert (merged.display_name, merged.email, merged.title) == ("Ada Lovelace", "ada@new.example", "Founder")
    assert merged.phone == "+442079460000" and merged.organization_id == acme.id  # blanks filled
    assert (merged.street, merged.city, merged.country) == (None, "Leeds", None)  # address kept whole
    assert merged.tags == ["vip", "espresso"]
    assert merged.notes == "Likes oat milk\n\nOrders on Mondays"
    channels = session.exec(select(ContactChannel).where(ContactChannel.contact_id == keep.id)).all()
    assert {(c.kind, c.value) for c in channels} == {("email", "ada@old.example")}  # the replaced primary


def test_channels_already_on_the_survivor_are_not_repeated(session: Session) -> None:
    keep = person(session, "Ada", email="ada@example.org")
    dupe = person(session, "Ada L.", email="Ada@Example.org")
    for value in ("ADA@example.org", "ada@work.example"):
        session.add(ContactChannel(contact_id=dupe.id, kind="email", value=value, normalized=value.lower()))
    session.flush()
    merge_contacts(session=session, survivor_id=keep.id, merged_ids=[dupe.id])
    live = session.exec(
        select(ContactChannel.value).where(
            ContactChannel.contact_id == keep.id, col(ContactChannel.deleted_at).is_(None)
        )
    ).all()
    assert live == ["ada@work.example"]
    found = list_contacts(session=session, filter=ContactFilter(search="work.example"))
    assert [c.id for c in found] == [keep.id]  # search follows


def test_bad_merges_are_refused_and_change_nothing(workspace: Database) -> None:
    with workspace.session() as s:
        keep, dupe = person(s, "Ada"), person(s, "Ada L.", email="ada@example.org")
        gone = person(s, "Gone")
        gone.deleted_at = utcnow()
        s.add(gone)
    before = snapshot(workspace, {keep.id, dupe.id})
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"merged_ids": [keep.id]}, ValidationError, "cannot also be merged"),
        ({"merged_ids": [dupe.id, dupe.id]}, ValidationError, "chosen twice"),
        ({"merged_ids": [dupe.id], "choices": {"favourite_colour": "red"}}, ValidationError, "favourite_colour"),
        ({"merged_ids": [dupe.id], "choices": {"email": "not an email"}}, ValidationError, "not a valid email"),
        ({"merged_ids": [dupe.id], "choices": {"organization_id": uuid.uuid4()}}, ValidationError, "organization"),
        ({"merged_ids": [gone.id]}, NotFound, "not found"),
        ({"merged_ids": []}, ValidationError, "between 2"),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message), workspace.session() as s:
            merge_contacts(session=s, survivor_id=keep.id, **kwargs)
    assert snapshot(workspace, {keep.id, dupe.id}) == before


def test_preview_offers_each_contacts_values_defaults_and_counts(session: Session) -> None:
    small = person(session, "Ada", email="ada@example.org")
    big = person(session, "Ada Lovelace", phone="+442079460000", do_not_contact=True)
    link_everything(session, big, small)
    preview = merge_preview(session=session, contact_ids=[small.id, big.id])
    assert preview.survivor_id == big.id  # the one with more hanging off it
    fields = {f.name: f for f in preview.fields}
    assert [o.value for o in fields["display_name"].options] == ["Ada", "Ada Lovelace"]
    assert fields["display_name"].differs and not fields["title"].differs
    assert (fields["email"].default_contact_id, fields["email"].default_value) == (small.id, "ada@example.org")
    assert fields["do_not_contact"].default_value is True
    assert fields["phone"].options[1].text  # formatted for display
    counts = {c.id: c.links for c in preview.contacts}
    assert counts[big.id]["deals"] == 1 and counts[big.id]["referrals"] == 2 and counts[small.id]["referrals"] == 2
    assert {c.id: c.points_balance for c in preview.contacts}[big.id] == 120
    again = merge_preview(session=session, contact_ids=[small.id, big.id], survivor_id=small.id)
    assert {f.name: f for f in again.fields}["display_name"].default_value == "Ada"


def test_undo_brings_both_contacts_back_with_all_links_and_redo_merges_again(workspace: Database) -> None:
    with workspace.session() as s:
        keep = person(s, "Ada", tags=["vip"], email="ada@example.org")
        dupe = person(s, "Ada L.", tags=["espresso"], email="ada@work.example")
        friend = person(s, "Grace")
        link_everything(s, keep, friend, amount=5_000)
        link_everything(s, dupe, friend, amount=30_000)
    ids = {keep.id, dupe.id, friend.id}
    before = snapshot(workspace, ids)
    _, changes = undo.perform(
        workspace, "Merge", lambda s: merge_contacts(session=s, survivor_id=keep.id, merged_ids=[dupe.id])
    )
    merged = snapshot(workspace, ids)
    assert merged["balances"][keep.id] == 350 and merged["balances"][dupe.id] == 0
    assert merged["contacts"][keep.id]["tags"] == ["vip", "espresso"]
    undo.undo(workspace, changes)
    assert snapshot(workspace, ids) == before
    undo.redo(workspace, changes)
    assert snapshot(workspace, ids) == merged


@st.composite
def link_plans(draw: st.DrawFn) -> dict[str, Any]:
    """For the survivor and the duplicate: how many of each linked record, and their emails and points."""
    emails = st.sampled_from(["ada@example.org", "ADA@example.org", "ada@work.example", "lovelace@example.net"])
    side = st.fixed_dictionaries(
        {
            "deals": st.integers(0, 2), "activities": st.integers(0, 2), "purchases": st.integers(0, 2),
            "points": st.integers(0, 500), "referrals": st.integers(0, 2), "channels": st.lists(emails, max_size=3),
            "email": st.none() | emails, "tags": st.lists(st.sampled_from(["vip", "VIP", "espresso", "b2b"])),
        }
    )  # fmt: skip
    return {"keep": draw(side), "dupe": draw(side)}


def _build(session: Session, plan: dict[str, Any], name: str, friend: Contact) -> Contact:
    contact = person(session, name, email=plan["email"], tags=plan["tags"])
    for n in range(plan["deals"]):
        create_deal(session=session, title=f"{name} deal {n}", contact_id=contact.id, at=T0)
    for n in range(plan["activities"]):
        log_activity(session=session, kind="note", subject=f"Note {n}", contact_id=contact.id, occurred_at=T0)
    for n in range(plan["purchases"]):
        when = T0 + timedelta(days=n)
        record_purchase(session=session, contact_id=contact.id, amount_cents=1_000 * (n + 1), occurred_at=when)
    if plan["points"]:
        award_points(session=session, contact_id=contact.id, delta=plan["points"])
    for _ in range(plan["referrals"]):
        session.add(Referral(referrer_id=contact.id, referred_id=friend.id, at=T0))
    for value in plan["channels"]:
        session.add(ContactChannel(contact_id=contact.id, kind="email", value=value, normalized=value.lower()))
    session.flush()
    return contact


# no shrinking: every example builds a database, and shrinking a failure would take minutes
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(plan=link_plans())
def test_merge_property_union_of_links_then_undo_restores_the_snapshot(
    _template_workspace: Path, plan: dict[str, Any]
) -> None:
    from crm_desktop.services.workspace import open_workspace

    folder = Path(tempfile.mkdtemp(prefix="merge-prop-"))
    try:
        shutil.copyfile(_template_workspace, folder / "crm.sqlite")
        db = open_workspace(folder / "crm.sqlite")
        try:
            with db.session() as s:
                friend = person(s, "Grace")
                keep, dupe = _build(s, plan["keep"], "Ada", friend), _build(s, plan["dupe"], "Ada L.", friend)
            ids = {keep.id, dupe.id, friend.id}
            before = snapshot(db, ids)
            _, changes = undo.perform(
                db, "Merge", lambda s: merge_contacts(session=s, survivor_id=keep.id, merged_ids=[dupe.id])
            )
            after = snapshot(db, ids)
            for (table, column, row_id), owner in before["links"].items():
                if (table, column) in KEPT_LINKS:
                    continue
                if owner == dupe.id and table != "contact_channel":
                    assert after["links"][(table, column, row_id)] == keep.id
                if owner == keep.id:
                    assert after["links"][(table, column, row_id)] == keep.id
            left = {k for k, owner in after["links"].items() if owner == dupe.id}
            assert all((t, c) in KEPT_LINKS for t, c, _ in left), left
            total = before["balances"][keep.id] + before["balances"][dupe.id]
            assert after["balances"][keep.id] == total and after["balances"][dupe.id] == 0
            assert after["lifetime"][keep.id] == before["lifetime"][keep.id] + before["lifetime"][dupe.id]
            with db.read_session() as s:
                survivor = s.get(Contact, keep.id)
                assert survivor is not None
                channels = s.exec(
                    select(ContactChannel).where(
                        ContactChannel.contact_id == keep.id, col(ContactChannel.deleted_at).is_(None)
                    )
                ).all()
                values = [c.value.lower() for c in channels]
                everything = {e.lower() for side in plan.values() for e in [*side["channels"], side["email"]] if e}
                assert set(values) | {(survivor.email or "").lower()} >= everything  # no address is lost
                own = {k[2] for k in before["links"] if k[0] == "contact_channel" and before["links"][k] == keep.id}
                kept = {v.lower() for v in plan["keep"]["channels"]} | {(survivor.email or "").lower()}
                added = [c.value.lower() for c in channels if c.id not in own]
                assert len(set(added)) == len(added) and not set(added) & kept  # nothing repeated
            undo.undo(db, changes)
            assert snapshot(db, ids) == before
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
