"""Team members: the acting user, adding members, and avatar initials."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.users import create_user, current_user, get_user, initials, list_users
from crm_desktop.store import Database
from tests.unit.services import changes_since, journaled_fields, mark


def test_current_user_is_the_acting_user(workspace: Database, session: Session) -> None:
    user = current_user(session=session)
    assert user.id.hex == workspace.user_id and user.name


def test_create_and_list_users(session: Session) -> None:
    before = mark(session)
    zoe = create_user(session=session, name=" Zoe Zed ", email="Zoe@Example.com")
    assert (zoe.name, zoe.email, zoe.active) == ("Zoe Zed", "Zoe@example.com", True)
    assert sorted(f for _, _, f in changes_since(session, before)) == sorted(journaled_fields(zoe))
    abe = create_user(session=session, name="Abe")
    names = [u.name for u in list_users(session=session)]
    assert names.index("Abe") < names.index("Zoe Zed") and len(names) == 3
    abe.active = False
    session.add(abe)
    assert "Abe" not in [u.name for u in list_users(session=session)]
    assert "Abe" in [u.name for u in list_users(session=session, include_inactive=True)]
    assert get_user(session=session, user_id=zoe.id) is zoe


@pytest.mark.parametrize(("kwargs", "field"), [({"name": "  "}, "name"), ({"name": "A", "email": "nope"}, "email")])
def test_create_user_validates(session: Session, kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        create_user(session=session, **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("cher", "C"),
        ("Grace Brewster Hopper", "GH"),
        ("", "?"),
        ("   ", "?"),
        ("jean-luc picard", "JP"),
        ("Émile Zola", "ÉZ"),
        ("(admin)", "?"),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


@given(st.text(max_size=40))
def test_initials_are_short_and_never_empty(name: str) -> None:
    result = initials(name)
    assert 1 <= len(result) <= 4 and result == result.upper()
