"""What a deal list (the board, the forecast) is narrowed to: one `DealFilter` and its SQL conditions.

The conditions are plain SQL over `deal`, plus the organization and contact names for the text search,
so every deal list can reuse them: join the names with `join_names` (or outer-join Organization and
Contact on the deal yourself) and add `deal_conditions(f)` to the WHERE clause.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from crm_desktop.domain import Contact, Deal, Organization
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services.contact_filter import NO_OWNER

__all__ = ["MAX_TEXT", "NO_OWNER", "DealFilter", "check_deal_filter", "deal_conditions", "join_names", "words"]

MAX_TEXT = 500  # like the search box: longer text is cut, never refused
MAX_WORDS = 50  # each word is three LIKE tests; more words than this only narrow a list nobody reads


@dataclass(frozen=True)
class DealFilter:
    """What the pipeline's filter bar asks for; empty fields do not filter.

    owner_id NO_OWNER keeps deals nobody owns. A close range keeps deals whose expected close falls
    within it (both ends included); a deal without an expected close is then left out.
    """

    owner_id: uuid.UUID | None = None
    pipeline_id: uuid.UUID | None = None
    text: str = ""
    close_from: date | None = None
    close_to: date | None = None
    source: str | None = None

    def is_empty(self) -> bool:
        """True when nothing narrows the deals (the pipeline aside, which every board names)."""
        return (
            self.owner_id is None
            and not words(self.text)
            and self.close_from is None
            and self.close_to is None
            and not (self.source or "").strip()
        )

    @property
    def has_close_range(self) -> bool:
        return self.close_from is not None or self.close_to is not None


def words(text: str) -> list[str]:
    """The words of a search, repeats dropped (control characters count as spaces; at most MAX_WORDS)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text[:MAX_TEXT])
    seen: dict[str, str] = {}
    for word in cleaned.split():
        seen.setdefault(word.casefold(), word)
    return list(seen.values())[:MAX_WORDS]


def check_deal_filter(f: DealFilter) -> None:
    """Refuse a filter no list can run: a close range that ends before it starts."""
    if f.close_from is not None and f.close_to is not None and f.close_to < f.close_from:
        raise ValidationError(
            "The expected-close range ends before it starts: pick an end date on or after the start date",
            field="close_to",
        )


def _text_condition(text: str) -> ColumnElement[bool] | None:
    """Every word appears in the title, the organization's name or the contact's name (LIKE, escaped)."""
    found = words(text)
    if not found:
        return None
    columns = (col(Deal.title), col(Organization.name), col(Contact.display_name))
    per_word = [or_(*(c.ilike(v.like_pattern(word), escape="\\") for c in columns)) for word in found]
    return and_(*per_word)


def deal_conditions(f: DealFilter | None) -> list[ColumnElement[bool]]:
    """The WHERE conditions for `f` (none for an empty filter); the text search needs `join_names`.

    Live and open-or-not are the caller's business: these conditions only narrow.
    """
    if f is None:
        return []
    check_deal_filter(f)
    conditions: list[ColumnElement[bool]] = []
    if f.pipeline_id is not None:
        conditions.append(col(Deal.pipeline_id) == f.pipeline_id)
    if f.owner_id == NO_OWNER:
        conditions.append(col(Deal.owner_id).is_(None))
    elif f.owner_id is not None:
        conditions.append(col(Deal.owner_id) == f.owner_id)
    if f.source and f.source.strip():
        conditions.append(col(Deal.source) == f.source.strip())
    if f.has_close_range:
        conditions.append(col(Deal.expected_close).is_not(None))
    if f.close_from is not None:
        conditions.append(col(Deal.expected_close) >= f.close_from)
    if f.close_to is not None:
        conditions.append(col(Deal.expected_close) <= f.close_to)
    text = _text_condition(f.text)
    if text is not None:
        conditions.append(text)
    return conditions


def join_names(stmt: Any) -> Any:
    """Outer-join the deal's organization and contact, whose names the text search looks in."""
    return stmt.outerjoin(Organization, col(Organization.id) == col(Deal.organization_id)).outerjoin(
        Contact, col(Contact.id) == col(Deal.contact_id)
    )
