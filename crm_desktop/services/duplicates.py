"""Finding contacts that are probably the same person, so the user can merge them (DESIGN §3: no UNIQUE keys).

Same email and same phone (primary fields and extra channels) are found with SQL GROUP BY over indexed
columns; names are compared with rapidfuzz only inside each organization's small set of contacts, so the
whole search stays well under a second or two at 100k contacts. Pairs the user marked "not a duplicate"
are remembered in one shared Setting row and never suggested again.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy import ColumnElement, String, func, type_coerce, union_all
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, Organization, Setting
from crm_desktop.domain.enums import ChannelKind
from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services._common import get_live

DEFAULT_MIN_SCORE = 85  # token-sort similarity of two names at one organization (0–100)
EMAIL_SCORE = 100
PHONE_SCORE = 95
MAX_GROUP = 25  # an email or phone shared by more contacts than this is a shared mailbox/switchboard, not a person
DISMISSED_KEY = "duplicates.dismissed"  # shared Setting row: "hex:hex" pairs the user said are different people
REASON_EMAIL, REASON_PHONE = "same email", "same phone"

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DuplicateMember:
    """One contact of a duplicate group, with what the user needs to recognise it."""

    id: uuid.UUID
    display_name: str
    email: str | None
    phone: str | None
    organization_name: str | None
    lifecycle_stage: str
    created_at: datetime


@dataclass(frozen=True)
class DuplicateGroup:
    """Contacts that are probably one person: why we think so, and how sure we are (0–100)."""

    members: tuple[DuplicateMember, ...]
    reasons: tuple[str, ...]
    score: int

    @property
    def contact_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(m.id for m in self.members)


class _Edges:
    """Scored, explained links between pairs of contacts (pairs the user dismissed are ignored)."""

    def __init__(self, dismissed: set[tuple[uuid.UUID, uuid.UUID]]) -> None:
        self.dismissed = dismissed
        self.pairs: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, set[str]]] = {}

    def add(self, a: uuid.UUID, b: uuid.UUID, score: int, reason: str) -> None:
        if a == b:
            return
        key = (a, b) if a.hex < b.hex else (b, a)
        if key in self.dismissed:
            return
        best, reasons = self.pairs.get(key, (0, set()))
        reasons.add(reason)
        self.pairs[key] = (max(best, score), reasons)

    def add_cluster(self, ids: Sequence[uuid.UUID], score: int, reason: str) -> None:
        unique = list(dict.fromkeys(ids))
        if len(unique) > MAX_GROUP:
            return
        for i, a in enumerate(unique):
            for b in unique[i + 1 :]:
                self.add(a, b, score, reason)


def find_duplicates(
    *,
    session: Session,
    limit: int = 200,
    min_score: int = DEFAULT_MIN_SCORE,
    contact_id: uuid.UUID | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> list[DuplicateGroup]:
    """Groups of live contacts that are probably the same person, most certain first.

    With `contact_id`, only the duplicates of that one contact (one group, or none). The whole-database
    search can take a second on 100k contacts: run it on the worker with `progress` and `should_cancel`.
    """
    if not 0 <= min_score <= 100:
        raise ValidationError("The minimum score must be between 0 and 100", field="min_score")
    if limit < 1:
        raise ValidationError("The limit must be at least 1", field="limit")
    report = progress or (lambda fraction, message: None)
    cancelled = should_cancel or (lambda: False)
    edges = _Edges(_dismissed_pairs(session))
    if contact_id is not None:
        _edges_of_one(session, edges, get_live(session, Contact, contact_id, what="Contact"), min_score)
    else:
        steps: tuple[tuple[str, Callable[[], None]], ...] = (
            ("Comparing email addresses…", lambda: _exact_matches(session, edges, ChannelKind.EMAIL)),
            ("Comparing phone numbers…", lambda: _exact_matches(session, edges, ChannelKind.PHONE)),
            ("Comparing names…", lambda: _similar_names(session, edges, min_score, report, cancelled)),
        )
        for index, (message, step) in enumerate(steps):
            if cancelled():
                raise Cancelled("Finding duplicates was cancelled")
            report(index * 0.15, message)
            step()
    report(0.95, "Grouping…")
    groups = _groups(edges, min_score, contact_id)[:limit]
    result = _with_members(session, groups)
    report(1.0, "Done")
    return result


def _exact_matches(session: Session, edges: _Edges, kind: ChannelKind) -> None:
    """Contacts sharing an email (case-insensitive) or an E.164 phone, primary field or extra channel.

    The values held more than once are found from the covering index alone (Trash included, so no table
    reads); only their holders are then looked up, by index, and kept when live.
    """
    is_email = kind == ChannelKind.EMAIL
    field = col(Contact.email) if is_email else col(Contact.phone)

    def key(column: Any) -> ColumnElement[Any]:
        return func.lower(column) if is_email else column

    channel_key = key(func.coalesce(col(ContactChannel.normalized), col(ContactChannel.value)))
    every = union_all(
        select(key(field).label("k")).where(field.is_not(None)),
        select(channel_key.label("k")).where(col(ContactChannel.kind) == kind.value),
    ).subquery("every")
    shared = select(every.c.k).group_by(every.c.k).having(func.count() > 1).cte("shared")
    stored = select(field).where(key(field).in_(select(shared.c.k))) if is_email else select(shared.c.k)
    live = col(Contact.deleted_at).is_(None)
    primary = select(key(field).label("k"), col(Contact.id).label("cid")).where(live, field.in_(stored))
    channels = (
        select(channel_key.label("k"), col(ContactChannel.contact_id).label("cid"))
        .join(Contact, col(Contact.id) == col(ContactChannel.contact_id))
        .where(live, col(ContactChannel.deleted_at).is_(None), col(ContactChannel.kind) == kind.value)
        .where(channel_key.in_(select(shared.c.k)))
    )
    holders = union_all(primary, channels).subquery("holders")
    stmt = select(holders.c.k, holders.c.cid).where(holders.c.k != "").order_by(holders.c.k)
    _add_clusters(edges, session.exec(stmt), EMAIL_SCORE if is_email else PHONE_SCORE, _reason(kind))  # type: ignore[call-overload]


def _reason(kind: ChannelKind) -> str:
    return REASON_EMAIL if kind == ChannelKind.EMAIL else REASON_PHONE


def _add_clusters(edges: _Edges, rows: Iterable[Any], score: int, reason: str) -> None:
    current: str | None = None
    cluster: list[uuid.UUID] = []
    for key, cid in rows:
        if key != current:
            edges.add_cluster(cluster, score, reason)
            current, cluster = key, []
        cluster.append(cid)
    edges.add_cluster(cluster, score, reason)


def _comparable(name: str) -> str:
    """A name folded for comparison: accents dropped (unless nothing Latin is left), case and punctuation gone."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return utils.default_process(folded if folded.strip() else name)


def _name_reason(score: float, where: str) -> str:
    return f"{'same' if score >= 100 else 'similar'} name at {where}"


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _name_matches(edges: _Edges, org_name: str | None, people: Sequence[tuple[Any, str]], min_score: int) -> None:
    """Every pair of one organization's contacts whose names are similar enough."""
    names = [_comparable(name) for _, name in people]
    where = org_name or "the same organization"
    for i in range(len(people) - 1):
        if not names[i]:
            continue
        later = names[i + 1 :]
        for _, score, j in process.extract(
            names[i], later, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=min_score, limit=None
        ):
            edges.add(_as_uuid(people[i][0]), _as_uuid(people[i + 1 + j][0]), round(score), _name_reason(score, where))


def _similar_names(
    session: Session, edges: _Edges, min_score: int, report: Progress, cancelled: Callable[[], bool]
) -> None:
    """Names compared within each organization that has two or more live contacts (one ordered scan)."""
    live = col(Contact.deleted_at).is_(None)
    crowded = (
        select(col(Contact.organization_id))
        .where(live, col(Contact.organization_id).is_not(None))
        .group_by(col(Contact.organization_id))
        .having(func.count() > 1)
    )
    raw_org, raw_id = type_coerce(col(Contact.organization_id), String), type_coerce(col(Contact.id), String)
    stmt = (  # ids come back as stored (no UUID objects for 100k rows): only matches are converted
        select(raw_org, raw_id, col(Contact.display_name), col(Organization.name))
        .outerjoin(Organization, col(Organization.id) == col(Contact.organization_id))
        .where(live, col(Contact.organization_id).in_(crowded))
        .order_by(col(Contact.organization_id))
    )
    rows = session.exec(stmt).all()  # type: ignore[call-overload]
    org: Any = None
    org_name: str | None = None
    people: list[tuple[Any, str]] = []
    for index, (org_id, cid, name, current_org_name) in enumerate(rows):
        if org_id != org:
            _name_matches(edges, org_name, people, min_score)
            org, org_name, people = org_id, current_org_name, []
            if cancelled():
                raise Cancelled("Finding duplicates was cancelled")
            report(0.3 + 0.6 * index / len(rows), "Comparing names…")  # the worker's reporter throttles
        people.append((cid, name))
    _name_matches(edges, org_name, people, min_score)


def _edges_of_one(session: Session, edges: _Edges, contact: Contact, min_score: int) -> None:
    """Matches of one contact only: its emails, phones and name against everyone else (indexed look-ups)."""
    channels = session.exec(
        select(ContactChannel).where(ContactChannel.contact_id == contact.id, col(ContactChannel.deleted_at).is_(None))
    ).all()
    for kind, primary in ((ChannelKind.EMAIL, contact.email), (ChannelKind.PHONE, contact.phone)):
        values = {(c.normalized or c.value) for c in channels if c.kind == kind.value}
        if primary:
            values.add(primary)
        keys = {v.lower() if kind == ChannelKind.EMAIL else v for v in values if v}
        holders = _contacts_with(session, kind, keys)
        if len(holders) <= MAX_GROUP:  # like the whole-database search: a shared mailbox is not one person
            for other in holders:
                edges.add(contact.id, other, EMAIL_SCORE if kind == ChannelKind.EMAIL else PHONE_SCORE, _reason(kind))
    if contact.organization_id is not None:
        colleagues = session.exec(
            select(Contact.id, Contact.display_name).where(
                Contact.organization_id == contact.organization_id, col(Contact.deleted_at).is_(None)
            )
        ).all()
        org = session.get(Organization, contact.organization_id)
        where = org.name if org else "the same organization"
        others = [(i, n) for i, n in colleagues if i != contact.id]
        name = _comparable(contact.display_name)
        if name:
            for _, score, j in process.extract(
                name, [_comparable(n) for _, n in others], scorer=fuzz.token_sort_ratio, processor=None,
                score_cutoff=min_score, limit=None,
            ):  # fmt: skip
                edges.add(contact.id, others[j][0], round(score), _name_reason(score, where))


def _contacts_with(session: Session, kind: ChannelKind, keys: set[str]) -> set[uuid.UUID]:
    """Live contacts having one of these normalized emails or phones, in the primary field or a channel."""
    if not keys:
        return set()
    live = col(Contact.deleted_at).is_(None)
    found: set[uuid.UUID] = set()
    if kind == ChannelKind.EMAIL:
        # stored addresses keep the case of their local part; lower() costs a scan, still ~10 ms at 100k
        primary = select(Contact.id).where(live, func.lower(col(Contact.email)).in_(keys))
        channel_match = func.lower(col(ContactChannel.normalized)).in_(keys) | func.lower(
            col(ContactChannel.value)
        ).in_(keys)
    else:
        primary = select(Contact.id).where(live, col(Contact.phone).in_(keys))
        channel_match = col(ContactChannel.normalized).in_(keys) | col(ContactChannel.value).in_(keys)
    found.update(session.exec(primary))
    by_channel = (
        select(ContactChannel.contact_id)
        .join(Contact, col(Contact.id) == col(ContactChannel.contact_id))
        .where(live, col(ContactChannel.deleted_at).is_(None), ContactChannel.kind == kind.value, channel_match)
    )
    found.update(session.exec(by_channel))
    return found


def _groups(
    edges: _Edges, min_score: int, contact_id: uuid.UUID | None
) -> list[tuple[list[uuid.UUID], list[str], int]]:
    """Connected contacts (union-find over the scored pairs), most certain and biggest first."""
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(x: uuid.UUID) -> uuid.UUID:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = [(pair, score, reasons) for pair, (score, reasons) in edges.pairs.items() if score >= min_score]
    for (a, b), _, _ in kept:
        parent[root(a)] = root(b)
    members: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    reasons: dict[uuid.UUID, set[str]] = defaultdict(set)
    scores: dict[uuid.UUID, int] = defaultdict(int)
    for (a, b), score, why in kept:
        top = root(a)
        members[top].update((a, b))
        reasons[top].update(why)
        scores[top] = max(scores[top], score)
    groups = []
    for top, ids in members.items():
        ordered = sorted(ids, key=lambda i: (i != contact_id, i.hex))  # the asked-for contact first, then oldest
        groups.append((ordered, sorted(reasons[top], key=_reason_order), scores[top]))
    groups.sort(key=lambda g: (-g[2], -len(g[0]), g[0][0].hex))
    return groups


def _reason_order(reason: str) -> tuple[int, str]:
    return ({REASON_EMAIL: 0, REASON_PHONE: 1}.get(reason, 2), reason)


def _with_members(session: Session, groups: list[tuple[list[uuid.UUID], list[str], int]]) -> list[DuplicateGroup]:
    """The groups with each member's name, email, phone and organization (one query per 500 contacts)."""
    ids = [i for ids, _, _ in groups for i in ids]
    details: dict[uuid.UUID, DuplicateMember] = {}
    for start in range(0, len(ids), 500):
        stmt = (
            select(  # type: ignore[call-overload]
                Contact.id, Contact.display_name, Contact.email, Contact.phone, Organization.name,
                Contact.lifecycle_stage, Contact.created_at,
            )
            .select_from(Contact)
            .outerjoin(Organization, col(Organization.id) == col(Contact.organization_id))
            .where(col(Contact.id).in_(ids[start : start + 500]))
        )  # fmt: skip
        for row in session.exec(stmt):
            details[row[0]] = DuplicateMember(*row)
    return [
        DuplicateGroup(members=tuple(details[i] for i in ids if i in details), reasons=tuple(reasons), score=score)
        for ids, reasons, score in groups
    ]


def _dismissed_row(session: Session) -> Setting | None:
    stmt = select(Setting).where(Setting.key == DISMISSED_KEY, col(Setting.deleted_at).is_(None))
    return session.exec(stmt).first()


def _dismissed_pairs(session: Session) -> set[tuple[uuid.UUID, uuid.UUID]]:
    row = _dismissed_row(session)
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for text in row.value if row is not None and isinstance(row.value, list) else []:
        try:
            a, b = (uuid.UUID(part) for part in str(text).split(":"))
        except ValueError:
            continue  # a damaged entry only forgets one dismissal
        pairs.add((a, b) if a.hex < b.hex else (b, a))
    return pairs


def dismiss_duplicates(*, session: Session, contact_ids: Sequence[uuid.UUID]) -> None:
    """Remember that these contacts are different people: no pair of them is suggested again."""
    unique = list(dict.fromkeys(contact_ids))
    if len(unique) < 2:
        raise ValidationError("Choose at least two contacts that are not duplicates", field="contact_ids")
    for contact_id in unique:
        get_live(session, Contact, contact_id, what="Contact", include_deleted=True)
    pairs = _dismissed_pairs(session)
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            pairs.add((a, b) if a.hex < b.hex else (b, a))
    value = sorted(f"{a.hex}:{b.hex}" for a, b in pairs)
    row = _dismissed_row(session)
    if row is None:
        session.add(Setting(key=DISMISSED_KEY, value=value))
    elif row.value != value:
        row.value = value
        session.add(row)
    session.flush()


def dismiss_pair(*, session: Session, contact_id: uuid.UUID, other_id: uuid.UUID) -> None:
    """Remember that these two contacts are different people."""
    dismiss_duplicates(session=session, contact_ids=[contact_id, other_id])
