"""Demo setup: the team, products, campaigns and organizations that contacts point at."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from crm_desktop.domain import Campaign, Organization, Product, User
from crm_desktop.services.demo import catalog, names
from crm_desktop.services.demo.world import DAY, Rows, Weighted, World, day, growth_moment, stamp

ORIGIN = Weighted([(w, (given, family)) for w, given, family in names.ORIGINS])
CITY = Weighted([(c[0], c[1:]) for c in names.CITIES])
INDUSTRY = Weighted([(w, (industry, patterns, sizes)) for w, industry, patterns, sizes in names.INDUSTRIES])


def setup_rows(w: World) -> Rows:
    """Team members, products, campaigns and organizations: everything contacts point at."""
    rows = Rows()
    rng, t0 = w.rng, w.start - 30 * DAY
    team = []
    for name, email in names.TEAM:
        team.append(w.new_id(t0))
        rows.add(User, {"id": team[-1], **stamp(t0), "name": name, "email": email, "active": True})
    w.sales, w.support = [w.me, team[0], team[1]], [w.me, team[2], team[2]]
    for sku, name, description, price, vendor, stock, kind in catalog.PRODUCTS:
        pid = w.new_id(t0)
        rows.add(
            Product,
            {
                "id": pid,
                **stamp(t0),
                "name": name,
                "sku": sku,
                "description": description,
                "unit_price_cents": price,
                "currency": "EUR",
                "vendor": vendor,
                "stock_on_hand": stock,
                "active": True,
            },
        )
        w.products[sku] = (pid, name, price, kind)
    _campaigns(w, rows)
    for k in range(w.profile.organizations):
        at = growth_moment(w, (k + rng.random()) / w.profile.organizations) - rng.randrange(20 * DAY)
        rows.add(Organization, _organization(w, at))
    return rows


def _campaigns(w: World, rows: Rows) -> None:
    """Seasonal campaigns inside the window (regional editions when more are asked for)."""
    rng, first, last = w.rng, day(w.start), day(w.end)
    found = []
    for year in range(first.year, last.year + 1):
        for name, channel, month, days, budget in catalog.CAMPAIGNS:
            begins = date(year, month, 1 + rng.randrange(20))
            if first <= begins and (begins - first).days + days < (last - first).days:
                found.append((begins, name.format(year=year), channel, days, budget))
    picked = rng.sample(found, min(len(found), w.profile.campaigns))
    regions = iter(catalog.CAMPAIGN_REGIONS * (w.profile.campaigns // len(catalog.CAMPAIGN_REGIONS) + 1))
    while len(picked) < w.profile.campaigns:
        begins, name, channel, days, budget = rng.choice(found)
        shift = rng.randrange(-60, 60)
        begins = min(
            max(first, date.fromordinal(begins.toordinal() + shift)),
            date.fromordinal(last.toordinal() - days),
        )
        picked.append((begins, f"{name} – {next(regions)}", channel, days, budget))
    for begins, name, channel, days, (lo, hi) in sorted(picked):
        ends = date.fromordinal(begins.toordinal() + days - 1)
        start_s = w.start + (begins - first).days * DAY
        created = max(w.start - 20 * DAY, start_s - 21 * DAY)
        cid = w.new_id(created)
        rows.add(
            Campaign,
            {
                "id": cid,
                **stamp(created),
                "name": name,
                "channel": channel,
                "starts_on": begins,
                "ends_on": ends,
                "budget_cents": rng.randrange(lo, hi, 5_000),
                "currency": "EUR",
            },
        )
        w.campaigns.append((cid, channel, start_s, start_s + (days + 14) * DAY))


class Org:
    """What contacts need to know about their organization."""

    __slots__ = ("city", "country", "domain", "id", "industry", "name")

    def __init__(self, oid: uuid.UUID, name: str, domain: str, industry: str, city: str, country: str) -> None:
        self.id, self.name, self.domain, self.industry, self.city, self.country = (
            oid,
            name,
            domain,
            industry,
            city,
            country,
        )


def _organization(w: World, at: int) -> dict[str, Any]:
    """One customer business with a unique name, an address and a reserved `.example` domain."""
    rng = w.rng
    industry, patterns, sizes = INDUSTRY.pick(rng)
    city, region, country, postal, dial, digits = CITY.pick(rng)
    family = ORIGIN.pick(rng)[1]
    name = rng.choice(patterns).format(
        w=rng.choice(names.WORDS), f=rng.choice(family), f2=rng.choice(ORIGIN.pick(rng)[1])
    )
    taken = w.org_names
    if name in taken:
        name = f"{name} {city}"
        while name in taken:
            name = f"{name} {rng.randrange(2, 99)}"
    taken.add(name)
    domain = names.ascii_slug(name) + ".example"
    oid = w.new_id(at)
    w.orgs.append(Org(oid, name, domain, industry, city, country))
    w.org_created.append(at)
    row = {
        "id": oid,
        **stamp(at),
        "name": name,
        "website": f"https://www.{domain}",
        "domain": domain,
        "industry": industry,
        "size": rng.choice(sizes),
        "phone": e164(rng, dial, digits),
        "street": f"{rng.choice(names.STREETS)} {rng.randrange(1, 140)}",
        "city": city,
        "postal_code": postal + "".join(str(rng.randrange(10)) for _ in range(5 - len(postal))),
        "region": region,
        "country": country,
        "owner_id": w.owner(),
    }
    if rng.random() < 0.2:
        row["tags"] = ["wholesale"] if industry in ("Café", "Restaurant", "Hotel") else ["office"]
    return row


def e164(rng: Any, prefix: str, digits: int) -> str:
    """An E.164 number: the prefix then `digits` digits, not starting with 0 or 1."""
    return f"{prefix}{rng.randrange(2, 10)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
