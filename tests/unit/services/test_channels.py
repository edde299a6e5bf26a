"""Extra emails and phones of a contact: validation, normalization, ordering, Trash, and the editor's pick lists."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from crm_desktop.domain import Campaign, CustomFieldDef
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.channels import (
    ChannelEdit,
    add_channel,
    campaign_choices,
    custom_fields,
    list_channels,
    normalize_email,
    normalize_phone,
    organization_choices,
    remove_channel,
    replace_channels,
    tag_suggestions,
    update_channel,
)
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.organizations import OrganizationInput, create_organization, delete_organization
from crm_desktop.services.settings import set_setting
from tests.unit.services import changes_since, mark


def person(session: Session, **fields: object) -> uuid.UUID:
    return create_contact(session=session, data=ContactInput(given_name="Ada", **fields)).id


def test_add_email_normalizes_and_journals(session: Session) -> None:
    ada = person(session)
    before = mark(session)
    channel = add_channel(session=session, contact_id=ada, kind="email", value=" Ada@Example.COM ", label=" work ")
    assert (channel.value, channel.normalized, channel.label, channel.position) == (
        "Ada@example.com",
        "ada@example.com",
        "work",
        0,
    )
    assert {(t, r) for t, r, _ in changes_since(session, before)} == {("contact_channel", channel.id.hex)}
    second = add_channel(session=session, contact_id=ada, kind="email", value="ada@home.example")
    assert second.position == 1


def test_phone_is_stored_in_e164_with_the_default_region(session: Session) -> None:
    set_setting(session=session, key="default_region", value="GB")
    ada = person(session)
    channel = add_channel(session=session, contact_id=ada, kind="phone", value="020 7946 0018", label="office")
    assert channel.value == "+442079460018"
    assert normalize_phone("020 7946 0018", region="GB") == "+442079460018"
    assert normalize_phone("  ", region="GB") is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [("email", "not an email"), ("email", ""), ("phone", "12"), ("phone", " "), ("url", "  "), ("fax", "x")],
)
def test_bad_values_are_refused(session: Session, kind: str, value: str) -> None:
    ada = person(session)
    with pytest.raises(ValidationError):
        add_channel(session=session, contact_id=ada, kind=kind, value=value)
    assert list_channels(session=session, contact_id=ada) == []


def test_normalize_email_reports_the_field(session: Session) -> None:
    assert normalize_email("") is None
    with pytest.raises(ValidationError) as err:
        normalize_email("a@@b")
    assert err.value.field == "email"


def test_update_and_remove(session: Session) -> None:
    ada = person(session)
    channel = add_channel(session=session, contact_id=ada, kind="email", value="a@one.example", label="work")
    update_channel(session=session, channel_id=channel.id, value="a@two.example")
    assert (channel.value, channel.label) == ("a@two.example", "work")
    update_channel(session=session, channel_id=channel.id, label="")
    assert channel.label is None
    remove_channel(session=session, channel_id=channel.id)
    assert list_channels(session=session, contact_id=ada) == []
    assert [c.id for c in list_channels(session=session, contact_id=ada, include_deleted=True)] == [channel.id]
    with pytest.raises(NotFound):
        update_channel(session=session, channel_id=channel.id, value="x@y.example")


def test_channels_need_a_live_contact(session: Session) -> None:
    ada = person(session)
    delete_contact(session=session, contact_id=ada)
    with pytest.raises(NotFound):
        add_channel(session=session, contact_id=ada, kind="email", value="a@b.example")


def test_replace_channels_adds_changes_reorders_and_removes(session: Session) -> None:
    ada = person(session)
    first = add_channel(session=session, contact_id=ada, kind="email", value="one@x.example", label="work")
    second = add_channel(session=session, contact_id=ada, kind="email", value="two@x.example")
    phone = add_channel(session=session, contact_id=ada, kind="phone", value="+44 20 7946 0018")
    kept = replace_channels(
        session=session,
        contact_id=ada,
        kind="email",
        entries=[ChannelEdit(None, "home", "three@x.example"), ChannelEdit(first.id, "office", "one@x.example")],
    )
    assert [(c.value, c.label, c.position) for c in kept] == [
        ("three@x.example", "home", 0),
        ("one@x.example", "office", 1),
    ]
    live = list_channels(session=session, contact_id=ada, kind="email")
    assert [c.value for c in live] == ["three@x.example", "one@x.example"]
    assert second.deleted_at is not None
    assert phone.deleted_at is None  # other kinds are left alone


def test_replace_channels_is_all_or_nothing_on_bad_input(workspace: object) -> None:
    db: object = workspace
    with db.session() as session:  # type: ignore[attr-defined]
        ada = person(session)
        add_channel(session=session, contact_id=ada, kind="email", value="one@x.example")
    with pytest.raises(ValidationError), db.session() as session:  # type: ignore[attr-defined]
        replace_channels(
            session=session,
            contact_id=ada,
            kind="email",
            entries=[ChannelEdit(None, None, "fine@x.example"), ChannelEdit(None, None, "broken@@")],
        )
    with db.read_session() as session:  # type: ignore[attr-defined]
        assert [c.value for c in list_channels(session=session, contact_id=ada)] == ["one@x.example"]


def test_extra_emails_are_searchable(session: Session) -> None:
    ada = person(session)
    add_channel(session=session, contact_id=ada, kind="email", value="secret.alias@elsewhere.example")
    assert [r.id for r in list_contacts(session=session, filter=ContactFilter(search="secret.alias"))] == [ada]


def test_pick_lists(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme Roasters", website="acme.example"))
    create_organization(session=session, data=OrganizationInput(name="Beta Beans"))
    gone = create_organization(session=session, data=OrganizationInput(name="Acme Gone"))
    delete_organization(session=session, organization_id=gone.id)
    assert [c.name for c in organization_choices(session=session, search="acme")] == ["Acme Roasters"]
    assert [c.id for c in organization_choices(session=session, search="acme.ex")] == [acme.id]
    assert [c.name for c in organization_choices(session=session, search='%"_')] == []
    assert len(organization_choices(session=session, limit=1)) == 1

    session.add(Campaign(name="Spring newsletter"))
    session.add(CustomFieldDef(entity="contact", key="shoe", label="Shoe size", field_type="number", position=2))
    session.add(CustomFieldDef(entity="contact", key="club", label="Club", field_type="text", position=1))
    session.add(CustomFieldDef(entity="deal", key="x", label="X"))
    session.flush()
    assert [c.name for c in campaign_choices(session=session)] == ["Spring newsletter"]
    assert [d.key for d in custom_fields(session=session, entity="contact")] == ["club", "shoe"]

    person(session, tags=["vip", "wholesale"])
    person(session, tags=["vip"])
    assert tag_suggestions(session=session)[:2] == ["vip", "wholesale"]
