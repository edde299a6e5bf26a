"""The demo's shared state: size profiles, the seeded random source, the clock, and reference ids.

Times are whole seconds since the epoch (UTC) while generating; rows get aware datetimes. Every random
choice comes from one `random.Random(seed)`, so the same seed and `today` give the same business.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import accumulate
from typing import Any, Literal

from crm_desktop.domain import uuid7

Size = Literal["small", "large", "huge"]
Row = dict[str, Any]
DAY = 86_400
HOUR = 3_600
WINDOW_DAYS = 548  # eighteen months of history before `today`
CHURN_DAYS = 90  # the default inactivity window (setting churn_inactivity_days)
POINTS_EXPIRY_DAYS = 365
SLA_HOURS = {"low": 120, "normal": 48, "high": 24, "urgent": 4}


@dataclass(frozen=True)
class Profile:
    """Targets for one demo size; counts of the main tables land near these."""

    contacts: int
    organizations: int
    campaigns: int
    deals: int
    cases: int
    activities: int
    tasks: int
    feedback: int
    subscriptions: int
    b2b_share: float  # contacts who buy for a business
    consumer_buyers: float  # consumers who become customers
    repeat_rate: float  # scales how often customers come back (tuned to the purchase target)
    deal_activities: int  # logged activities per deal, on average
    chunk: int  # contacts generated and written per step (bounds memory)
    purchase_lines: bool  # write a line per product for shop purchases too (deal purchases always have lines)
    extras: float  # share of contacts with tags, extra channels, notes


SIZES: dict[str, Profile] = {
    "small": Profile(
        contacts=300, organizations=60, campaigns=7, deals=150, cases=80, activities=1_500, tasks=200,
        feedback=150, subscriptions=40, b2b_share=0.5, consumer_buyers=0.3, repeat_rate=2.3,
        deal_activities=4, chunk=300, purchase_lines=True, extras=0.25,
    ),
    "large": Profile(
        contacts=100_000, organizations=10_000, campaigns=24, deals=30_000, cases=20_000, activities=300_000,
        tasks=25_000, feedback=15_000, subscriptions=5_000, b2b_share=0.3, consumer_buyers=0.4,
        repeat_rate=0.75, deal_activities=3, chunk=2_500, purchase_lines=False, extras=0.1,
    ),
    # DESIGN §14: huge = 1M contacts. The rest stays near the large set's size: scaling every table tenfold
    # (3M activities, 2M purchases) made a 60 GB file that tests nothing the contacts figures need.
    "huge": Profile(
        contacts=1_000_000, organizations=30_000, campaigns=60, deals=40_000, cases=30_000,
        activities=400_000, tasks=40_000, feedback=20_000, subscriptions=8_000, b2b_share=0.1,
        consumer_buyers=0.06, repeat_rate=0.75, deal_activities=3, chunk=5_000, purchase_lines=False,
        extras=0.1,
    ),
}  # fmt: skip


def growth_moment(w: World, u: float) -> int:
    """The moment at quantile `u` of sign-ups, which grow over the window: later months see more of them."""
    return w.start + int((w.end - w.start - DAY) * u**0.85)


def quota(total: int, done: int, n: int, count: int) -> int:
    """This step's share of `total` when `n` of `count` items follow the `done` ones (shares add up)."""
    return total * (done + n) // count - total * done // count


class Weighted:
    """A fast weighted choice over a fixed list (cumulative weights + bisect)."""

    def __init__(self, items: list[tuple[float, Any]] | tuple[tuple[float, Any], ...]) -> None:
        self.values = [v for _, v in items]
        self.cum = list(accumulate(w for w, _ in items))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        """One value, with probability proportional to its weight."""
        return self.values[bisect_right(self.cum, rng.random() * self.total)]


@dataclass
class Stages:
    """The default pipeline's ids, read from the workspace's reference data."""

    pipeline_id: uuid.UUID
    open_ids: list[uuid.UUID]
    won_id: uuid.UUID
    lost_id: uuid.UUID


@dataclass
class World:
    """Everything generation steps share: profile, random source, clock, reference and setup ids."""

    profile: Profile
    rng: random.Random
    start: int
    end: int
    me: uuid.UUID
    stages: Stages
    lost_reasons: dict[str, uuid.UUID]
    rewards: list[tuple[uuid.UUID, int]]
    sales: list[uuid.UUID] = field(default_factory=list)
    support: list[uuid.UUID] = field(default_factory=list)
    products: dict[str, tuple[uuid.UUID, str, int, str]] = field(default_factory=dict)
    campaigns: list[tuple[uuid.UUID, str | None, int, int]] = field(default_factory=list)
    orgs: list[Any] = field(default_factory=list)
    org_created: list[int] = field(default_factory=list)
    emails: set[str] | None = field(default_factory=set)
    org_names: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, profile: Profile, seed: int, today: date, **refs: Any) -> World:
        """The state for a business whose history ends as `today` begins in Berlin (22:00 UTC the eve)."""
        end = int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp()) - 2 * HOUR
        return cls(profile, random.Random(seed), end - WINDOW_DAYS * DAY, end, **refs)

    def new_id(self, at: int) -> uuid.UUID:
        """A UUIDv7 stamped with the (simulated) moment the row was created."""
        return uuid7(at * 1000, self.rng)

    def after(self, prev: int, lo_days: float, hi_days: float) -> int:
        """A moment in business hours some days after `prev`, never before it."""
        t = prev + int(self.rng.uniform(lo_days, hi_days) * DAY)
        t = t - t % DAY + 7 * HOUR + self.rng.randrange(10 * HOUR)
        return t if t > prev else prev + 300 + self.rng.randrange(HOUR)

    def between(self, lo: int, hi: int) -> int:
        """A moment uniformly in [lo, hi) (lo when the span is empty)."""
        return lo + self.rng.randrange(hi - lo) if hi > lo else lo

    def owner(self) -> uuid.UUID:
        """A team member who owns a record (the local user among them)."""
        return self.rng.choice(self.sales)


def dt(at: int) -> datetime:
    """An aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(at, UTC)


def day(at: int) -> date:
    """The UTC calendar date of epoch seconds."""
    return datetime.fromtimestamp(at, UTC).date()


class Rows(defaultdict[type, list[Row]]):
    """Rows of one step, by model class, in the order they should be written."""

    def __init__(self) -> None:
        super().__init__(list)

    def add(self, model: type, row: Row) -> None:
        """Queue one row of `model`."""
        self[model].append(row)

    def count(self) -> int:
        """How many rows are queued, over all models."""
        return sum(len(v) for v in self.values())


def stamp(at: int, updated: int | None = None) -> Row:
    """The created/updated pair of a row made at `at` (and last changed at `updated`)."""
    moment = dt(at)
    return {"created_at": moment, "updated_at": moment if updated is None or updated == at else dt(updated)}
