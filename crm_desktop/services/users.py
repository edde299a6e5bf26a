"""Team members: who is acting, who can own records and be assigned work."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from crm_desktop.domain import User
from crm_desktop.domain.errors import NotFound
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live


def current_user(*, session: Session) -> User:
    """The team member this session writes as (this laptop's user)."""
    user_id = acting_user_id(session)
    if user_id is None:
        raise NotFound("No user is signed in on this database")
    return get_live(session, User, user_id, what="User", include_deleted=True)


def list_users(*, session: Session, include_inactive: bool = False) -> list[User]:
    """Team members by name (active ones only unless asked)."""
    stmt = select(User).where(col(User.deleted_at).is_(None))
    if not include_inactive:
        stmt = stmt.where(col(User.active).is_(True))
    return list(session.exec(stmt.order_by(col(User.name), col(User.id))))


def create_user(*, session: Session, name: str, email: str | None = None) -> User:
    """Add a team member."""
    clean_name = v.require_text(name, field="name", model=User)
    user = User(name=clean_name, email=v.clean_email(email))
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, user_id: uuid.UUID) -> User:
    """One team member; NotFound when missing."""
    return get_live(session, User, user_id, what="User")


def initials(name: str) -> str:
    """Up to two capital letters for an avatar: "Ada Lovelace" → "AL", "cher" → "C", "" → "?"."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
