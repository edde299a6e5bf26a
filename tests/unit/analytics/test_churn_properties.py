"""Property tests: the churn identity and the monthly chain hold for any timeline and any period."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_desktop.analytics import compute_churn
from crm_desktop.analytics.activity import FOREVER, Timeline, build_runs
from crm_desktop.analytics.periods import months_between
from tests.unit.analytics.builders import at, contact, purchase, subscription

BASE = date(2024, 1, 1).toordinal()
days = st.integers(min_value=0, max_value=200)
spans = st.tuples(days, st.one_of(days, st.just(None))).map(lambda t: (t[0], FOREVER if t[1] is None else t[0] + t[1]))
customers = st.lists(st.tuples(st.lists(days, max_size=6), st.lists(spans, max_size=2)), min_size=0, max_size=8)
periods = st.tuples(st.integers(min_value=-5, max_value=230), st.integers(min_value=0, max_value=120))


def _active(purchases: list[int], subs: list[tuple[int, int]], window: int, day: int) -> bool:
    """The definition itself, day by day: a running subscription or a purchase less than W days ago."""
    return any(s <= day <= e for s, e in subs) or any(p <= day < p + window for p in purchases)


@settings(max_examples=150, deadline=None)
@given(customers=customers, window=st.integers(min_value=1, max_value=60), period=periods)
def test_runs_agree_with_the_day_by_day_definition(customers, window, period):
    """Counts from merged runs equal a brute-force walk over every day, and the identity holds."""
    first, last = BASE + period[0], BASE + period[0] + period[1]
    runs = [build_runs(sorted(set(p)), s, window) for p, s in customers]
    counts = Timeline.from_runs(runs).counts(first, last)
    start = end = new = reactivated = churned = from_start = 0
    for purchases, subs in customers:
        calendar = range(min(BASE, first) - 1, last + 1)
        active = {d: _active(purchases, subs, window, d) for d in calendar}
        ever = [d for d in calendar if active[d]]
        was = active[first - 1]
        start += was
        end += active[last]
        churn_days = [d for d in range(first, last + 1) if active[d - 1] and not active[d]]
        starts = [d for d in range(first, last + 1) if active[d] and not active[d - 1]]
        churned += len(churn_days)
        from_start += was and bool(churn_days)
        new += bool(starts) and starts[0] == ever[0]
        reactivated += len(starts) - (bool(starts) and starts[0] == ever[0])
    assert (counts.customers_start, counts.new, counts.reactivated) == (start, new, reactivated)
    assert (counts.churned, counts.churned_from_start, counts.customers_end) == (churned, from_start, end)
    assert counts.customers_end == counts.customers_start + counts.new + counts.reactivated - counts.churned


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    timeline=st.lists(st.tuples(st.lists(days, min_size=1, max_size=5), st.lists(spans, max_size=1)), max_size=6),
    window=st.integers(min_value=1, max_value=45),
    period=periods,
    hour=st.integers(min_value=0, max_value=23),
)
def test_identity_and_monthly_chain_through_the_database(module_workspace, timeline, window, period, hour):
    """Random purchase timelines written as rows: totals and every month satisfy the identity, and each
    month's customers_end is the next month's customers_start."""
    start = date.fromordinal(BASE + period[0])
    end = start + timedelta(days=period[1])
    with module_workspace.read_session() as s:
        for n, (purchase_days, subs) in enumerate(timeline):
            who = contact(s, f"C{n}")
            for d in purchase_days:
                purchase(s, who, at(date.fromordinal(BASE + d), hour))
            for first, last in subs:
                cancelled = None if last == FOREVER else date.fromordinal(BASE + last).isoformat()
                subscription(s, who, date.fromordinal(BASE + first).isoformat(), cancelled)
        s.flush()
        result = compute_churn(session=s, start=start, end=end, inactivity_days=window)
    rows = [result.totals, *(m.counts for m in result.monthly)]
    for c in rows:
        assert c.customers_end == c.customers_start + c.new + c.reactivated - c.churned
        assert 0 <= c.churned_from_start <= min(c.churned, c.customers_start)
    monthly = result.monthly
    assert [m.month for m in monthly] == [f"{lo:%Y-%m}" for lo, _ in months_between(start, end)]
    assert monthly[0].counts.customers_start == result.customers_start
    assert monthly[-1].counts.customers_end == result.customers_end
    for before, after in pairwise(monthly):
        assert before.counts.customers_end == after.counts.customers_start
    assert sum(m.counts.new for m in monthly) == result.new
    assert sum(m.counts.churned for m in monthly) == result.churned
