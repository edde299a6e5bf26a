"""Finding duplicate contacts: same email, same phone, similar names at one organization; dismissals."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlmodel import Session

from crm_desktop.domain import Contact, ContactChannel, utcnow
from crm_desktop.domain.errors import Cancelled, NotFound, ValidationError
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.duplicates import (
    MAX_GROUP,
    DuplicateGroup,
    dismiss_duplicates,
    dismiss_pair,
    find_duplicates,
)
from crm_desktop.services.organizations import OrganizationInput, create_organization


def person(session: Session, name: str, **fields: Any) -> Contact:
    return create_contact(session=session, data=ContactInput(display_name=name, **fields))


def channel(session: Session, contact: Contact, kind: str, value: str, normalized: str | None = None) -> None:
    session.add(ContactChannel(contact_id=contact.id, kind=kind, value=value, normalized=normalized))
    session.flush()


def groups_of(groups: list[DuplicateGroup]) -> list[set[uuid.UUID]]:
    return [set(g.contact_ids) for g in groups]


def test_same_email_ignoring_case_in_the_field_or_an_extra_channel(session: Session) -> None:
    ada = person(session, "Ada", email="Ada@Example.org")
    lovelace = person(session, "A. Lovelace")
    channel(session, lovelace, "email", "ADA@example.org", "ada@example.org")
    person(session, "Grace", email="grace@example.org")
    [group] = find_duplicates(session=session)
    assert set(group.contact_ids) == {ada.id, lovelace.id}
    assert group.reasons == ("same email",) and group.score == 100
    assert {m.display_name for m in group.members} == {"Ada", "A. Lovelace"}


def test_same_phone_in_e164_across_fields_and_channels(session: Session) -> None:
    one = person(session, "Bob", phone="+44 20 7946 0000")
    two = person(session, "Robert")
    channel(session, two, "phone", "020 7946 0000", "+442079460000")
    [group] = find_duplicates(session=session)
    assert set(group.contact_ids) == {one.id, two.id} and group.reasons == ("same phone",)


def test_similar_names_only_within_one_organization(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    other = create_organization(session=session, data=OrganizationInput(name="Globex"))
    jon = person(session, "Jon Smith", organization_id=acme.id)
    john = person(session, "John Smith", organization_id=acme.id)
    person(session, "Mary Jones", organization_id=acme.id)
    person(session, "John Smith", organization_id=other.id)
    person(session, "John Smith")  # no organization: names alone are too common to suggest
    [group] = find_duplicates(session=session)
    assert set(group.contact_ids) == {jon.id, john.id}
    assert group.reasons == ("similar name at Acme",) and 85 <= group.score < 100
    assert find_duplicates(session=session, min_score=100) == []


def test_identical_names_with_accents_and_order_swapped(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Café Zürich"))
    a = person(session, "Zoë Müller", organization_id=acme.id)
    b = person(session, "muller, zoe", organization_id=acme.id)
    person(session, "🙂", organization_id=acme.id)  # nothing comparable left: never matches
    [group] = find_duplicates(session=session)
    assert set(group.contact_ids) == {a.id, b.id} and group.reasons == ("same name at Café Zürich",)


def test_links_join_into_one_group_with_every_reason(session: Session) -> None:
    a = person(session, "Ada", email="ada@example.org")
    b = person(session, "Ada L.", email="ada@example.org", phone="+442079460000")
    c = person(session, "Lovelace", phone="+442079460000")
    [group] = find_duplicates(session=session)
    assert set(group.contact_ids) == {a.id, b.id, c.id}
    assert group.reasons == ("same email", "same phone")


def test_contacts_in_the_trash_are_not_suggested(session: Session) -> None:
    person(session, "Ada", email="ada@example.org")
    gone = person(session, "Ada old", email="ada@example.org")
    gone.deleted_at = utcnow()
    session.add(gone)
    session.flush()
    assert find_duplicates(session=session) == []


def test_a_shared_mailbox_is_not_one_person(session: Session) -> None:
    staff = [person(session, f"Staff {n}", email="info@example.org") for n in range(MAX_GROUP + 1)]
    assert find_duplicates(session=session) == []
    assert find_duplicates(session=session, contact_id=staff[0].id) == []


def test_duplicates_of_one_contact(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    ada = person(session, "Ada Lovelace", email="ada@example.org", organization_id=acme.id)
    by_email = person(session, "Countess", email="ADA@EXAMPLE.ORG")
    by_name = person(session, "Ada Lovelace", organization_id=acme.id)
    by_phone = person(session, "Phone twin", phone="+442079460000")
    channel(session, ada, "phone", "+44 20 7946 0000", "+442079460000")
    person(session, "Other", email="other@example.org")
    [group] = find_duplicates(session=session, contact_id=ada.id)
    assert group.contact_ids[0] == ada.id
    assert set(group.contact_ids) == {ada.id, by_email.id, by_name.id, by_phone.id}
    assert set(group.reasons) == {"same email", "same phone", "same name at Acme"}
    loner = person(session, "Loner")
    assert find_duplicates(session=session, contact_id=loner.id) == []
    with pytest.raises(NotFound):
        find_duplicates(session=session, contact_id=uuid.uuid4())


def test_dismissed_pairs_are_not_suggested_again(session: Session) -> None:
    a = person(session, "Ada", email="ada@example.org")
    b = person(session, "Ada twin", email="ada@example.org")
    c = person(session, "Ada three", email="ada@example.org")
    dismiss_pair(session=session, contact_id=b.id, other_id=a.id)
    assert groups_of(find_duplicates(session=session)) == [{a.id, b.id, c.id}]  # still linked through c
    dismiss_duplicates(session=session, contact_ids=[a.id, b.id, c.id])
    assert find_duplicates(session=session) == []
    assert find_duplicates(session=session, contact_id=a.id) == []
    with pytest.raises(ValidationError):
        dismiss_duplicates(session=session, contact_ids=[a.id, a.id])


def test_limit_most_certain_first_and_bad_arguments(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme"))
    person(session, "Jon Smith", organization_id=acme.id)
    person(session, "John Smith", organization_id=acme.id)
    email_pair = {person(session, "X", email="x@example.org").id, person(session, "Y", email="x@example.org").id}
    assert groups_of(find_duplicates(session=session, limit=1)) == [email_pair]
    for kwargs in ({"limit": 0}, {"min_score": 101}, {"min_score": -1}):
        with pytest.raises(ValidationError):
            find_duplicates(session=session, **kwargs)


def test_reports_progress_and_can_be_cancelled(session: Session) -> None:
    person(session, "Ada", email="ada@example.org")
    person(session, "Ada L.", email="ada@example.org")
    seen: list[tuple[float, str]] = []
    find_duplicates(session=session, progress=lambda f, m: seen.append((f, m)))
    assert seen[0][0] == 0.0 and seen[-1] == (1.0, "Done")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    with pytest.raises(Cancelled):
        find_duplicates(session=session, should_cancel=lambda: True)
