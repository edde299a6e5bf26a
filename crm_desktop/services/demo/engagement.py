"""Demo engagement and retention: support cases with their event ledger, feedback, activities and tasks."""

from __future__ import annotations

import uuid
from typing import Any

from crm_desktop.domain import Activity, Case, CaseEvent, Feedback, Task, case_reference
from crm_desktop.services.demo import catalog
from crm_desktop.services.demo.people import Person
from crm_desktop.services.demo.world import DAY, HOUR, SLA_HOURS, Rows, Weighted, World, dt, stamp

PRIORITY = Weighted([(20, "low"), (52, "normal"), (20, "high"), (8, "urgent")])
BUSINESS_CATEGORY = Weighted([(35, "Machine repair"), (25, "Delivery"), (25, "Billing"), (15, "Product quality")])
CONSUMER_CATEGORY = Weighted(
    [(35, "Delivery"), (25, "Product quality"), (20, "Subscription"), (15, "Billing"), (5, "Machine repair")]
)
SATISFACTION = Weighted([(45, 5), (30, 4), (12, 3), (8, 2), (5, 1)])
NPS = Weighted([(55, "promoter"), (28, "passive"), (17, "detractor")])
CUSTOMER_KIND = Weighted([(30, "note"), (25, "call"), (20, "email"), (10, "message"), (10, "visit"), (5, "meeting")])
ONBOARDING = (("Send welcome email", 1), ("Kickoff call", 3), ("Check-in after 14 days", 14))


class CaseInfo:
    """A written case, for the tasks, activities and feedback that refer to it."""

    __slots__ = (
        "first_response",
        "id",
        "person",
        "reference",
        "resolved",
        "satisfaction",
        "status",
        "touched",
    )
    id: uuid.UUID
    person: Person
    reference: str
    status: str
    first_response: int | None
    resolved: int | None
    satisfaction: int | None
    touched: int

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))


def cases(w: World, customers: list[Person], count: int, rows: Rows) -> list[CaseInfo]:
    """`count` support cases of these customers; older cases are mostly closed, recent ones still open."""
    rng, end, made = w.rng, w.end, []
    for _ in range(count if customers else 0):
        p = rng.choice(customers)
        since = p.customer_since + HOUR
        opened = end - HOUR - int((end - HOUR - since) * rng.random() ** 1.6)  # more customers lately, more cases
        priority = PRIORITY.pick(rng)
        category = (BUSINESS_CATEGORY if p.b2b else CONSUMER_CATEGORY).pick(rng)
        assignee = rng.choice(w.support)
        cid = w.new_id(opened)
        info = CaseInfo(id=cid, person=p, reference=case_reference(cid), status="new", touched=opened)
        events: list[tuple[int, str, str | None, str | None, str | None, uuid.UUID | None]] = [
            (opened, "opened", None, None, None, None)
        ]
        sla = SLA_HOURS[priority] * HOUR
        first = opened + int(sla * rng.uniform(0.05, 1.3))
        resolved = closed = None
        if first < end:
            info.first_response, info.status = first, "open"
            events.append((first, "status", None, "new", "open", assignee))
            if rng.random() < 0.08:
                events.append((first + 600, "priority", "Customer depends on it", priority, "high", assignee))
                priority = "high"
            r = rng.random()
            resolved = first + int(rng.uniform(2, 48 if r < 0.55 else 240 if r < 0.85 else 720) * HOUR)
            for _ in range(rng.randrange(3)):
                at = w.between(first, min(resolved, end))
                events.append((at, "comment", rng.choice(catalog.CASE_COMMENTS), None, None, assignee))
            if rng.random() < 0.35:
                at = w.between(first, min(resolved, end))
                events.append((at, "status", "Waiting for the customer", "open", "pending", assignee))
                info.status = "pending"
                if resolved < end:
                    events.append((w.between(at, resolved), "status", None, "pending", "open", assignee))
                    info.status = "open"
            if resolved < end:
                events.append((resolved, "status", rng.choice(catalog.RESOLUTIONS), info.status, "resolved", assignee))
                info.status, info.resolved = "resolved", resolved
                closed = resolved + rng.randrange(2, 8) * DAY
                if closed < end and rng.random() < 0.9:
                    events.append((closed, "status", None, "resolved", "closed", assignee))
                    info.status = "closed"
                else:
                    closed = None
            else:
                resolved = None
        row = {
            "id": cid,
            "reference": info.reference,
            "subject": rng.choice(catalog.CASE_SUBJECTS[category]),
            "contact_id": p.id,
            "status": info.status,
            "priority": priority,
            "category": category,
            "channel": rng.choice(catalog.CASE_CHANNELS),
            "assignee_id": assignee,
            "opened_at": dt(opened),
            "sla_due_at": dt(opened + sla),
        }
        if p.org is not None:
            row["organization_id"] = p.org.id
        if category == "Machine repair":
            row["product_id"] = w.products[rng.choice(("LM-MINI", "MK-E65S", "EU-MSP"))][0]
        if info.first_response is not None:
            row["first_response_at"] = dt(info.first_response)
        if resolved is not None:
            row["resolved_at"] = dt(resolved)
            row["resolution"] = next(e[2] for e in events if e[4] == "resolved")
            if rng.random() < 0.65:
                info.satisfaction = row["satisfaction"] = SATISFACTION.pick(rng)
        if closed is not None:
            row["closed_at"] = dt(closed)
        events.sort(key=lambda e: e[0])
        info.touched = events[-1][0]
        rows.add(Case, {**row, **stamp(opened, info.touched)})
        for at, kind, body, old, new, author in events:
            event = {"id": w.new_id(at), **stamp(at), "case_id": cid, "kind": kind, "at": dt(at)}
            for key, value in (("body", body), ("from_value", old), ("to_value", new), ("author_id", author)):
                if value is not None:
                    event[key] = value
            rows.add(CaseEvent, event)
        made.append(info)
    return made


def feedback(w: World, customers: list[Person], made: list[CaseInfo], count: int, rows: Rows) -> None:
    """CSAT after resolved cases, NPS surveys of customers for the rest of `count`."""
    rng, end = w.rng, w.end
    rated = [c for c in made if c.satisfaction is not None and c.resolved + DAY < end]
    for c in rated[: count // 2]:
        at = c.resolved + rng.randrange(HOUR, DAY)
        entry = {
            "id": w.new_id(at),
            **stamp(at),
            "contact_id": c.person.id,
            "kind": "csat",
            "score": c.satisfaction,
            "at": dt(at),
            "case_id": c.id,
        }
        if c.satisfaction <= 2:
            entry["comment"] = rng.choice(catalog.FEEDBACK_COMMENTS["detractor"])
        rows.add(Feedback, entry)
        count -= 1
    for _ in range(count if customers else 0):
        p = rng.choice(customers)
        at = w.between(p.customer_since + 14 * DAY, end)
        if at >= end:
            continue
        band = "detractor" if p.lifecycle == "churned" and rng.random() < 0.5 else NPS.pick(rng)
        score = {
            "promoter": rng.randrange(9, 11),
            "passive": rng.randrange(7, 9),
            "detractor": rng.randrange(0, 7),
        }[band]
        entry = {
            "id": w.new_id(at),
            **stamp(at),
            "contact_id": p.id,
            "kind": "nps",
            "score": score,
            "at": dt(at),
        }
        if rng.random() < 0.4:
            entry["comment"] = rng.choice(catalog.FEEDBACK_COMMENTS[band])
        rows.add(Feedback, entry)


def _activity(w: World, rows: Rows, at: int, kind: str, subject: str, user: uuid.UUID, **links: Any) -> None:
    """Queue one logged activity (direction and duration only where they mean something)."""
    row = {
        "id": w.new_id(at),
        **stamp(at),
        "kind": kind,
        "subject": subject,
        "occurred_at": dt(at),
        "user_id": user,
        **links,
    }
    if kind in ("call", "email", "message"):
        row["direction"] = "outbound" if w.rng.random() < 0.75 else "inbound"
    if kind in ("call", "meeting", "visit"):
        row["duration_minutes"] = w.rng.choice((5, 10, 15, 20, 30, 45, 60)) if kind == "call" else 60
    rows.add(Activity, row)


def activities(w: World, people: list[Person], made: list[CaseInfo], count: int, rows: Rows) -> None:
    """Calls and emails of lead work, deal meetings, case replies, then customer touchpoints up to `count`."""
    rng, end, per_deal = w.rng, w.end, w.profile.deal_activities
    before = len(rows[Activity])
    for p in people:
        if p.contacted is not None:
            _activity(
                w,
                rows,
                p.contacted,
                rng.choice(("call", "email")),
                rng.choice(catalog.LEAD_SUBJECTS),
                p.owner,
                contact_id=p.id,
            )
        for d in p.deals:
            last = d.closed or end
            for _ in range(rng.randrange(per_deal // 2, per_deal + per_deal // 2 + 1)):
                kind = rng.choice(("call", "call", "email", "email", "meeting", "visit"))
                _activity(
                    w,
                    rows,
                    w.between(d.created, last),
                    kind,
                    rng.choice(catalog.DEAL_SUBJECTS[kind]),
                    p.owner,
                    contact_id=p.id,
                    deal_id=d.id,
                )
    for c in made:
        if c.first_response is not None:
            _activity(
                w,
                rows,
                c.first_response,
                rng.choice(("email", "call")),
                f"Re: {c.reference}",
                rng.choice(w.support),
                contact_id=c.person.id,
                case_id=c.id,
            )
    customers = [p for p in people if p.customer_since is not None]
    for _ in range(count - (len(rows[Activity]) - before) if customers else 0):
        p = rng.choice(customers)
        kind = CUSTOMER_KIND.pick(rng) if p.b2b else rng.choice(("note", "email", "message", "call"))
        _activity(
            w,
            rows,
            w.between(p.customer_since, end),
            kind,
            rng.choice(catalog.CUSTOMER_SUBJECTS[kind]),
            p.owner,
            contact_id=p.id,
        )


def tasks(w: World, people: list[Person], made: list[CaseInfo], count: int, rows: Rows) -> None:
    """Onboarding after won deals, follow-ups of open deals, call-backs, case chores: some done, some due."""
    rng, end = w.rng, w.end
    todo: list[tuple[int, int, str, str, dict[str, Any]]] = []  # created, due, title, priority, links
    for p in people:
        for d in p.deals:
            if d.status == "won":
                for title, days in ONBOARDING:
                    todo.append(
                        (
                            d.closed,
                            d.closed + days * DAY,
                            f"{title}: {p.name}",
                            "normal",
                            {"contact_id": p.id, "deal_id": d.id, "assignee_id": p.owner},
                        )
                    )
            elif d.status == "open":
                due = w.after(d.created, 3, 45)
                todo.append(
                    (
                        d.created,
                        due,
                        rng.choice(catalog.TASK_DEALS).format(title=d.title),
                        "high" if due < end else "normal",
                        {"contact_id": p.id, "deal_id": d.id, "assignee_id": p.owner},
                    )
                )
        if p.status == "contacted" and p.contacted is not None:
            todo.append(
                (
                    p.contacted,
                    w.after(p.contacted, 2, 12),
                    rng.choice(catalog.TASK_LEADS).format(name=p.name),
                    "normal",
                    {"contact_id": p.id, "assignee_id": p.owner},
                )
            )
    for c in made:
        if c.status in ("open", "pending"):
            todo.append(
                (
                    c.touched,
                    w.after(c.touched, 1, 5),
                    rng.choice(catalog.TASK_CASES).format(ref=c.reference),
                    "high",
                    {"contact_id": c.person.id, "case_id": c.id, "assignee_id": rng.choice(w.support)},
                )
            )
    if len(todo) > count:
        todo = rng.sample(todo, count)
    customers = [p for p in people if p.customer_since is not None and p.lifecycle == "customer"]
    while len(todo) < count and customers:
        p = rng.choice(customers)
        created = w.between(max(p.customer_since, end - 20 * DAY), end)
        todo.append(
            (
                created,
                w.after(end, 0, 21),
                rng.choice(catalog.TASK_CUSTOMERS).format(name=p.name),
                rng.choice(("low", "normal")),
                {"contact_id": p.id, "assignee_id": p.owner},
            )
        )
    for created, due, title, priority, links in todo:
        row = {"id": w.new_id(created), "title": title, "due_at": dt(due), "priority": priority, **links}
        done = None
        if due < end and rng.random() < 0.85:
            done = min(end - 60, max(created + 60, due + int(rng.uniform(-1, 1.5) * DAY)))
            row["done_at"] = dt(done)
        if rng.random() < 0.25:
            row["remind_at"] = dt(due - HOUR)
        rows.add(Task, {**row, **stamp(created, done)})
