"""Demo contacts: who they are, where they came from, how their lead status moved, their Contact rows."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from datetime import date
from typing import Any

from crm_desktop.domain import Contact, ContactChannel, LeadStatusChange
from crm_desktop.services.demo import catalog, names
from crm_desktop.services.demo.setup import CITY, ORIGIN, Org, e164
from crm_desktop.services.demo.world import DAY, Rows, Weighted, World, dt, growth_moment, stamp

CITY_PHONE = {c[1]: (c[5], c[6], c[3]) for c in names.CITIES}
SOURCE_CONSUMER = Weighted([(c, s) for c, _, s in catalog.SOURCES])
SOURCE_BUSINESS = Weighted([(b, s) for _, b, s in catalog.SOURCES])


class Person:
    """One demo contact while its story is being written (plain attributes: cheap to make by the 100k)."""

    __slots__ = (
        "b2b",
        "buy_at",
        "campaign_id",
        "city",
        "contacted",
        "created",
        "customer_since",
        "deals",
        "email",
        "family",
        "fate",
        "given",
        "id",
        "kind",
        "last_purchase",
        "lifecycle",
        "org",
        "owner",
        "purchases",
        "qualified",
        "referred",
        "source",
        "status",
        "subscription",
        "touched",
    )
    id: uuid.UUID
    created: int  # epoch seconds, like every moment below
    b2b: bool
    org: Org | None
    given: str
    family: str
    email: str
    city: str | None
    owner: uuid.UUID
    source: str | None
    campaign_id: uuid.UUID | None
    referred: bool
    fate: str | None  # "deal", "customer" or "lead": decided before the story is written
    kind: str | None  # buying rhythm of a customer: regular, occasional, lapsing, one-off
    contacted: int | None
    qualified: int | None
    status: str | None  # the lead status reached
    buy_at: int | None  # planned first shop purchase
    deals: list[Any]  # DealInfo
    purchases: list[Any]  # commerce.Sale
    subscription: Any  # True when picked, then (plan, cents, started, cancelled, reason) or None
    customer_since: int | None
    last_purchase: int | None
    lifecycle: str | None
    touched: int  # the last change, for updated_at

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))
        self.deals, self.purchases, self.touched = [], [], self.created

    @property
    def name(self) -> str:
        """The display name."""
        return f"{self.given} {self.family}"

    def touch(self, at: int) -> None:
        """Note that the contact changed at `at` (for updated_at)."""
        self.touched = max(self.touched, at)


def make_people(w: World, first: int, n: int) -> list[Person]:
    """Contacts `first`..`first + n` of the profile, created in time order."""
    rng, p = w.rng, w.profile
    people = []
    for i in range(first, first + n):
        created = growth_moment(w, (i + rng.random()) / p.contacts)
        org = None
        if rng.random() < p.b2b_share:
            known = bisect_left(w.org_created, created)
            if known:
                recent = rng.random() < 0.5
                org = w.orgs[rng.randrange(max(0, known - 5 - known // 10) if recent else 0, known)]
        given_names, family_names = ORIGIN.pick(rng)
        given = rng.choice(given_names)
        family = rng.choice(family_names if rng.random() < 0.9 else ORIGIN.pick(rng)[1])
        source = (SOURCE_BUSINESS if org else SOURCE_CONSUMER).pick(rng)
        campaign_id = None
        if source is not None and rng.random() < 0.75:
            for cid, channel, lo, hi in w.campaigns:
                if channel == source and lo <= created <= hi:
                    campaign_id = cid
                    break
        people.append(
            Person(
                id=w.new_id(created),
                created=created,
                b2b=org is not None,
                org=org,
                given=given,
                family=family,
                email=_email(w, given, family, org),
                owner=w.owner(),
                source=source,
                campaign_id=campaign_id,
                referred=source == "referral",
                city=org.city if org else None,
            )
        )
    return people


def _email(w: World, given: str, family: str, org: Org | None) -> str:
    """A work address at the organization's domain or a private one at a reserved domain (unique when tracked)."""
    rng = w.rng
    local = f"{names.ascii_slug(given, '.')}.{names.ascii_slug(family, '.')}"
    if org is not None:
        if rng.random() < 0.3:
            local = f"{names.ascii_slug(given)[0]}.{names.ascii_slug(family, '.')}"
        email = f"{local}@{org.domain}"
    else:
        suffix = str(rng.randrange(10, 100)) if rng.random() < 0.5 else ""
        email = f"{local}{suffix}@{rng.choice(names.CONSUMER_DOMAINS)}"
    if w.emails is not None:
        while email in w.emails:
            at = email.index("@")
            email = f"{email[:at]}{rng.randrange(10)}{email[at:]}"
        w.emails.add(email)
    return email


def lead_journey(w: World, p: Person, rows: Rows) -> None:
    """Open -> contacted -> qualified/unqualified at plausible times, as LeadStatusChange rows."""
    rng, end = w.rng, w.end
    steps: list[tuple[str, int]] = [("open", p.created)]
    if p.fate == "deal":
        steps.append(("contacted", w.after(p.created, 0.05, 6)))
        steps.append(("qualified", w.after(steps[-1][1], 1, 14)))
    elif p.fate == "customer":
        if rng.random() < 0.6:
            steps.append(("contacted", w.after(p.created, 0.05, 8)))
        p.buy_at = w.after(steps[-1][1], 0.0, 40)
        steps.append(("qualified", p.buy_at))
    else:
        r = rng.random()
        if r > 0.22 and not (r > 0.63 and rng.random() < 0.2):
            steps.append(("contacted", w.after(p.created, 0.05, 10)))
        if r > 0.63:
            steps.append(("unqualified", w.after(steps[-1][1], 1, 20)))
        elif r > 0.55:
            steps.append(("qualified", w.after(steps[-1][1], 1, 14)))
    previous = None
    for status, at in steps:
        if at >= end:
            break
        rows.add(
            LeadStatusChange,
            {
                "id": w.new_id(at),
                **stamp(at),
                "contact_id": p.id,
                "from_status": previous,
                "to_status": status,
                "at": dt(at),
                "user_id": None if previous is None else p.owner,
            },
        )
        previous = status
        p.touch(at)
        if status == "contacted":
            p.contacted = at
        elif status == "qualified":
            p.qualified = at
    p.status = previous
    if p.fate == "deal" and p.qualified is None:
        p.fate = "lead"
    if p.fate == "customer" and p.qualified is None:
        p.fate, p.buy_at = "lead", None


def contact_rows(w: World, people: list[Person], rows: Rows) -> None:
    """The Contact rows (last: lifecycle and lead status are final now) plus some extra channels."""
    rng, extras = w.rng, w.profile.extras
    for p in people:
        city = p.city
        if city is None:
            city, _, country, _, dial, digits = CITY.pick(rng)
        else:
            dial, digits, country = CITY_PHONE[city]
        row = {
            "id": p.id,
            **stamp(p.created, p.touched),
            "given_name": p.given,
            "family_name": p.family,
            "display_name": p.name,
            "email": p.email,
            "city": city,
            "country": country,
            "owner_id": p.owner,
            "lifecycle_stage": p.lifecycle,
            "lead_status": p.status,
            "marketing_consent": False,
        }
        if rng.random() < 0.8:
            mobile = p.org is None or rng.random() < 0.5
            row["phone"] = (
                e164(rng, rng.choice(names.MOBILE_PREFIXES[country]), names.MOBILE_DIGITS[country])
                if mobile
                else e164(rng, dial, digits)
            )
        if p.org is not None:
            row["organization_id"] = p.org.id
            row["title"] = rng.choice(names.JOB_TITLES[p.org.industry])
        if p.source is not None:
            row["source"] = p.source
        if p.campaign_id is not None:
            row["campaign_id"] = p.campaign_id
        if rng.random() < 0.45:
            row.update(marketing_consent=True, consent_at=dt(p.created), consent_how=rng.choice(catalog.CONSENT_HOW))
        elif rng.random() < 0.03:
            row["do_not_contact"] = True
        if rng.random() < extras:
            _extras(w, p, row, rows)
        rows.add(Contact, row)


def _extras(w: World, p: Person, row: dict[str, Any], rows: Rows) -> None:
    """Tags, a note or birthday, and one extra channel (work mobile, Instagram, second email)."""
    rng = w.rng
    row["tags"] = list(rng.choice(catalog.CONTACT_TAGS))
    if rng.random() < 0.3:
        row["notes"] = rng.choice(catalog.CONTACT_NOTES)
    if p.org is None and rng.random() < 0.4:
        row["birthday"] = date(rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
    if p.org is not None:
        kind, label = "phone", "mobile"
        value = e164(rng, rng.choice(names.MOBILE_PREFIXES[row["country"]]), names.MOBILE_DIGITS[row["country"]])
    elif rng.random() < 0.5:
        kind, label = "social", "Instagram"
        value = "@" + p.email.split("@")[0].replace(".", "_")
    else:
        kind, label = "email", "work"
        domain = rng.choice(names.CONSUMER_DOMAINS)
        value = f"{names.ascii_slug(p.given, '.')}.{names.ascii_slug(p.family, '.')}@{domain}"
    at = w.after(p.created, 0, 30) if p.created + 30 * DAY < w.end else p.created
    rows.add(
        ContactChannel,
        {
            "id": w.new_id(at),
            **stamp(at),
            "contact_id": p.id,
            "kind": kind,
            "label": label,
            "value": value,
            "normalized": value.lower(),
            "position": 0,
        },
    )
