"""The Contacts tab's list: every filter, sort and page done in SQL, so 100,000 contacts stay instant.

`ContactFilter` is what the filter bar (and a saved view) holds; `list_contacts` and `count_contacts`
turn it into one query. Search goes through the FTS5 trigram index (`store.fts`), so any typed text is
safe; contacts in the Trash are not indexed and are searched with LIKE instead.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    literal_column,
    not_,
    or_,
    type_coerce,
)
from sqlmodel import Session, col, select

from crm_desktop.domain import Activity, Campaign, Case, Contact, Deal, Organization, User
from crm_desktop.domain.enums import OPEN_CASE_STATUSES, LeadStatus, LifecycleStage
from crm_desktop.services import _validate as v
from crm_desktop.services.contact_filter import NO_OWNER, TRASH_MODES, ContactFilter, check_filter
from crm_desktop.store import fts
from crm_desktop.store.fts import contact_id_filter

__all__ = [
    "NO_OWNER", "SORT_KEYS", "TRASH_MODES", "ContactFilter", "ContactPage", "ContactRow", "check_filter",
    "contact_ids", "count_contacts", "first_page", "list_contacts",
]  # fmt: skip

_CONTACT_ID = cast("ColumnElement[object]", Contact.id)


@dataclass(frozen=True)
class ContactRow:
    """One line of the contacts table, with everything any of its columns shows."""

    id: uuid.UUID
    display_name: str
    organization_name: str | None
    email: str | None
    phone: str | None
    lifecycle_stage: str
    lead_status: str | None
    owner_name: str | None
    source: str | None
    campaign_name: str | None
    tags: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_activity_at: datetime | None = None
    deleted: bool = False


SORT_KEYS = (
    "display_name", "organization_name", "email", "phone", "lifecycle_stage", "lead_status", "owner_name",
    "source", "campaign_name", "tags", "created_at", "updated_at",
)  # fmt: skip  # not last activity: that needs a look-up per contact (0.3 s on 100k), too slow to sort by
_NULLABLE = frozenset({"organization_name", "email", "phone", "lead_status", "owner_name", "source", "campaign_name"})
STAGE_RANK = {s.value: rank for rank, s in enumerate(LifecycleStage)}  # funnel order, not the alphabet
STATUS_RANK = {s.value: rank for rank, s in enumerate(LeadStatus)}


def _last_activity() -> Any:
    return (
        select(func.max(col(Activity.occurred_at)))
        .where(col(Activity.contact_id) == col(Contact.id), col(Activity.deleted_at).is_(None))
        .correlate(Contact)
        .scalar_subquery()
    )


def _utc(value: Any) -> datetime | None:
    """A stored time (text on SQLite, a datetime elsewhere) as an aware UTC datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _sort_columns() -> dict[str, Any]:
    return {
        "display_name": col(Contact.display_name),
        "organization_name": col(Organization.name),
        "email": col(Contact.email),
        "phone": col(Contact.phone),
        "lifecycle_stage": case(STAGE_RANK, value=col(Contact.lifecycle_stage), else_=len(STAGE_RANK)),
        "lead_status": case(STATUS_RANK, value=col(Contact.lead_status), else_=None),
        "owner_name": col(User.name),
        "source": col(Contact.source),
        "campaign_name": col(Campaign.name),
        "tags": col(Contact.tags),  # the JSON text: by first tag, then the next
        "created_at": col(Contact.created_at),
        "updated_at": col(Contact.updated_at),
    }


def _words(text: str) -> list[str]:
    """The words of a search (control characters such as NUL count as spaces, as in the index)."""
    return "".join(ch if ch.isprintable() else " " for ch in text).split()


def _live_search(text: str, dense: bool = False) -> ColumnElement[bool] | None:
    """Live contacts through the search indexes: words of 3+ letters anywhere (trigrams), 1-2 letters at
    the start of a word; `dense` tests row by row, for searches that match a large share of contacts."""
    if dense:
        return fts.contact_match_exists(text, _CONTACT_ID)
    return contact_id_filter(text, _CONTACT_ID)


def _text_search(text: str, trash: str, dense: bool = False) -> ColumnElement[bool] | None:
    """Live contacts through the FTS index; trashed ones (not indexed) by LIKE on name, email, phone."""
    live = _live_search(text, dense) if trash != "only" else None
    if trash == "hide" or not text.split():
        return live
    likes: list[ColumnElement[bool]] = [col(Contact.deleted_at).is_not(None)]
    for token in _words(text):
        pattern = v.like_pattern(token)
        columns = (col(Contact.display_name), col(Contact.email), col(Contact.phone))
        likes.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    trashed = and_(*likes)
    return trashed if live is None else or_(live, trashed)


def _open_deal() -> ColumnElement[bool]:
    """IN over one uncorrelated list: SQLite builds it once instead of probing per contact."""
    live_open = (col(Deal.deleted_at).is_(None), col(Deal.status) == "open", col(Deal.contact_id).is_not(None))
    return col(Contact.id).in_(select(Deal.contact_id).where(*live_open))


def _open_case() -> ColumnElement[bool]:
    statuses = [s.value for s in OPEN_CASE_STATUSES]
    live_open = (col(Case.deleted_at).is_(None), col(Case.status).in_(statuses), col(Case.contact_id).is_not(None))
    return col(Contact.id).in_(select(Case.contact_id).where(*live_open))


def _has_tag(tag: str) -> ColumnElement[bool]:
    """The tags JSON list holds `tag` (ignoring case, as tags are deduplicated).

    A LIKE on the stored JSON text (either escaping of non-ASCII letters) first skips most rows without
    parsing them; json_each then checks the exact tag.
    """
    items = func.json_each(col(Contact.tags)).table_valued("value")
    exact = exists().select_from(items).where(items.c.value.collate("NOCASE") == tag)
    encodings = {json.dumps(tag), json.dumps(tag, ensure_ascii=False)}
    text = type_coerce(col(Contact.tags), String)
    rough = or_(*(text.like(v.like_pattern(e), escape="\\") for e in sorted(encodings)))
    return and_(rough, exact)


def _selective(condition: ColumnElement[bool], hint: bool) -> ColumnElement[bool]:
    """Tell SQLite's planner a filter keeps few rows, so it filters first instead of walking the name index.

    Walking the index is fastest when many rows match, but scans all 100k when few or none do;
    filtering first costs a sort, bounded by how many match (measured: 20 ms for 33k rows).
    """
    return cast("ColumnElement[bool]", func.likelihood(condition, literal_column("0.05"))) if hint else condition


def _dense_total(session: Session, f: ContactFilter) -> int | None:
    """For a search matching most contacts: how many it matches (from the index), else None.

    Such searches ("@ex", "+49") are answered by walking the list in order and testing rows one by one.
    """
    if f.trash != "hide":
        return None
    found = fts.match_count(session.connection(), f.search)
    return found if found is not None and _is_dense(session, found) else None


def _is_dense(session: Session, matches: int) -> bool:
    return fts.is_dense(session.connection(), matches)


def _plain_name_search(session: Session, f: ContactFilter, sort_key: str) -> bool:
    """A search with no other filter, outside the Trash, in name order: what typing in the box asks."""
    plain = sort_key == "display_name" and f.trash == "hide" and f.is_empty() and bool(_words(f.search))
    return plain and fts.is_supported(session.connection())


def _index_total(session: Session, f: ContactFilter) -> int | None:
    """How many contacts a plain search lists (no other filter, no Trash), counted by the index; else None."""
    if f.trash != "hide" or not f.is_empty():
        return None
    return fts.match_count(session.connection(), f.search)


def _conditions(f: ContactFilter, *, hint: bool = False, dense: bool = False) -> list[ColumnElement[bool]]:
    deleted = col(Contact.deleted_at)
    conditions: list[ColumnElement[bool]] = []
    if f.trash == "hide":
        conditions.append(deleted.is_(None))
    elif f.trash == "only":
        conditions.append(deleted.is_not(None))
    searched = _text_search(f.search.strip(), f.trash, dense)
    if searched is not None:
        conditions.append(searched)
    if f.lifecycle_stages:
        conditions.append(col(Contact.lifecycle_stage).in_(list(f.lifecycle_stages)))
    if f.lead_statuses:
        conditions.append(col(Contact.lead_status).in_(list(f.lead_statuses)))
    if f.tag and f.tag.strip():
        conditions.append(_selective(_has_tag(f.tag.strip()), hint))
    if f.owner_id == NO_OWNER:
        conditions.append(_selective(col(Contact.owner_id).is_(None), hint))
    elif f.owner_id is not None:
        conditions.append(_selective(col(Contact.owner_id) == f.owner_id, hint))
    if f.source:
        conditions.append(_selective(col(Contact.source) == f.source, hint))
    if f.campaign_id is not None:
        conditions.append(_selective(col(Contact.campaign_id) == f.campaign_id, hint))
    if f.organization_id is not None:
        conditions.append(_selective(col(Contact.organization_id) == f.organization_id, hint))
    for wanted, test in ((f.has_open_deal, _open_deal), (f.has_open_case, _open_case)):
        if wanted is not None:
            conditions.append(test() if wanted else not_(test()))
    return conditions


def _live_org(stmt: Select[Any]) -> Select[Any]:
    live = and_(col(Organization.id) == col(Contact.organization_id), col(Organization.deleted_at).is_(None))
    return stmt.outerjoin(Organization, live)


def _owner(stmt: Select[Any]) -> Select[Any]:
    return stmt.outerjoin(User, col(User.id) == col(Contact.owner_id))


def _campaign(stmt: Select[Any]) -> Select[Any]:
    return stmt.outerjoin(Campaign, col(Campaign.id) == col(Contact.campaign_id))


def _page_ids(
    session: Session,
    f: ContactFilter,
    sort_key: str,
    descending: bool,
    limit: int,
    offset: int,
    *,
    total: bool = False,
    dense: bool = False,
) -> tuple[list[Any], int | None]:
    """The ids of one page, in order (and, when asked, how many match in all, counted in the same pass).

    Only the joins the sort needs are made, so sorting 100k rows stays cheap. A plain search in name
    order is paged from the search table alone (`fts.name_ordered_ids`).
    """
    if _plain_name_search(session, f, sort_key):
        conn = session.connection()
        matches = fts.match_count(conn, f.search)  # None when the words need both indexes
        walk = matches is not None and fts.share(conn, matches) >= fts.WALK_SHARE
        counted = total and matches is None  # then numbered in the same pass as the page
        found, numbered = fts.name_ordered_ids(
            conn, f.search, descending=descending, limit=limit, offset=offset, walk=walk, counted=counted
        )
        return [uuid.UUID(hex_id) for hex_id in found], (numbered if counted else matches) if total else None
    column = _sort_columns()[sort_key]
    keys = [column.desc() if descending else column.asc()]
    if sort_key in _NULLABLE:
        keys[0] = keys[0].nulls_last()
    if sort_key == "tags":  # untagged contacts last, like blanks in the other columns
        keys.insert(0, (col(Contact.tags) == literal_column("'[]'")).asc())
    ties = [col(Contact.display_name), col(Contact.id)] if sort_key != "display_name" else [col(Contact.id)]
    keys += [t.desc() if descending else t.asc() for t in ties]  # one direction: the name index stays usable
    stmt = select(Contact.id, func.count().over() if total else literal_column("NULL")).select_from(Contact)
    joins = {"organization_name": _live_org, "owner_name": _owner, "campaign_name": _campaign}
    if sort_key in joins:
        stmt = joins[sort_key](stmt)
    # Literal numbers (checked ints): with a bound LIMIT, SQLite's planner walks an index and looks up every row.
    hint = session.get_bind().dialect.name == "sqlite"
    conditions = _conditions(f, hint=hint, dense=dense)
    stmt = stmt.where(*conditions).order_by(*keys).limit(literal_column(str(int(limit))))
    found = list(session.exec(stmt.offset(literal_column(str(int(offset))))))
    return [r[0] for r in found], (int(found[0][1]) if found else None) if total else None


def list_contacts(
    *,
    session: Session,
    filter: ContactFilter | None = None,
    sort_key: str = "display_name",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[ContactRow]:
    """One page of contacts matching `filter`, sorted by `sort_key` (blanks last; ties by name, then id)."""
    f = filter or ContactFilter()
    check_filter(f)
    v.check_sort(sort_key, SORT_KEYS)
    v.check_paging(offset=offset, limit=limit)
    plain = _plain_name_search(session, f, sort_key)
    dense = not plain and _words(f.search) != [] and _dense_total(session, f) is not None
    return _rows(session, _page_ids(session, f, sort_key, descending, limit, offset, dense=dense)[0])


@dataclass(frozen=True)
class ContactPage:
    """The first rows of the list and how many contacts match in all."""

    rows: list[ContactRow]
    total: int


def first_page(
    *,
    session: Session,
    filter: ContactFilter | None = None,
    sort_key: str = "display_name",
    descending: bool = False,
    limit: int = 200,
) -> ContactPage:
    """What a new search shows: the first `limit` rows and how many contacts match in all.

    A plain search is counted by the search index itself (under 1 ms for 11,000 matches), and only the
    page is sorted. A search with other filters gets its rows and total from one pass: sorting the matches
    visits each of them anyway, and counting separately would walk them twice. Without search text, an
    index gives the first rows after reading just those, so a separate count is far cheaper than numbering
    all 100k rows in the same pass (10 + 8 ms instead of 200 ms).
    """
    f = filter or ContactFilter()
    check_filter(f)
    v.check_sort(sort_key, SORT_KEYS)
    v.check_paging(offset=0, limit=limit)
    if limit == 0 or not _words(f.search):
        rows = list_contacts(session=session, filter=f, sort_key=sort_key, descending=descending, limit=limit)
        return ContactPage(rows, count_contacts(session=session, filter=f))
    if _plain_name_search(session, f, sort_key):
        ids, counted = _page_ids(session, f, sort_key, descending, limit, 0, total=True)
        return ContactPage(_rows(session, ids), counted or 0)
    indexed = _index_total(session, f)
    if indexed is not None:  # the index counts its matches in under a millisecond; only the page is sorted
        dense = _is_dense(session, indexed)
        ids, _ = _page_ids(session, f, sort_key, descending, limit, 0, dense=dense)
        return ContactPage(_rows(session, ids), indexed)
    dense_total = _dense_total(session, f)
    if dense_total is not None:
        ids, _ = _page_ids(session, f, sort_key, descending, limit, 0, dense=True)
        return ContactPage(_rows(session, ids), count_contacts(session=session, filter=f))
    ids, counted = _page_ids(session, f, sort_key, descending, limit, 0, total=True)
    return ContactPage(_rows(session, ids), counted or 0)


def _rows(session: Session, ids: list[Any]) -> list[ContactRow]:
    """The table rows of these contacts, in this order (one query, whatever the sort)."""
    if not ids:
        return []
    # Times come back as text and are parsed here: SQLAlchemy's per-value datetime processing was half
    # the cost of a page (15 of 30 ms for 200 rows).
    stmt = _campaign(_owner(_live_org(
        select(  # type: ignore[call-overload]
            Contact.id, Contact.display_name, Organization.name, Contact.email, Contact.phone,
            Contact.lifecycle_stage, Contact.lead_status, User.name, Contact.source, Campaign.name, Contact.tags,
            type_coerce(col(Contact.created_at), String), type_coerce(col(Contact.updated_at), String),
            _last_activity(), col(Contact.deleted_at).is_not(None),
        ).select_from(Contact)
    ))).where(col(Contact.id).in_(ids))  # fmt: skip
    rows = {
        r[0]: ContactRow(
            id=r[0], display_name=r[1], organization_name=r[2], email=r[3], phone=r[4], lifecycle_stage=r[5],
            lead_status=r[6], owner_name=r[7], source=r[8], campaign_name=r[9], tags=list(r[10] or []),
            created_at=_utc(r[11]), updated_at=_utc(r[12]), last_activity_at=_utc(r[13]), deleted=bool(r[14]),
        )
        for r in session.exec(stmt)
    }  # fmt: skip
    return [rows[i] for i in ids if i in rows]


def count_contacts(*, session: Session, filter: ContactFilter | None = None) -> int:
    """How many contacts `list_contacts` pages through for the same filter."""
    f = filter or ContactFilter()
    check_filter(f)
    indexed = _index_total(session, f) if _words(f.search) else None
    if indexed is not None:
        return indexed
    stmt = select(func.count()).select_from(Contact).where(*_conditions(f))
    return int(session.exec(stmt).one())


def contact_ids(*, session: Session, filter: ContactFilter | None = None, limit: int = 100_000) -> list[uuid.UUID]:
    """The ids of every contact matching `filter` (for "select all N" bulk actions), at most `limit`."""
    f = filter or ContactFilter()
    check_filter(f)
    stmt = select(Contact.id).where(*_conditions(f)).limit(limit)
    return list(session.exec(stmt))
