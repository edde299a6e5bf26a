"""Customer activity runs (DESIGN §8): the pure core that churn, cohorts and at-risk share.

A customer is active on day d if a subscription runs on d, or it bought on a day p ≤ d with d − p < W.
Each customer's active days merge into maximal runs; the first run's start is when it became a customer,
later starts are reactivations, and the day after a finite run ends is a churn day. Days are `date`
ordinals in the business time zone, so all of this is integer arithmetic over compact arrays.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from crm_desktop.analytics.results import ChurnCounts

FOREVER = 10**9
"""The end of a run that has not ended (a subscription still running)."""

Run = tuple[int, int]


def build_runs(purchase_days: Sequence[int], subscriptions: Iterable[Run], window: int) -> list[Run]:
    """Maximal runs of active days from purchase days (each covers W days) and subscription spans.

    Runs that touch or overlap merge, so a customer is never churned and back on the same day.
    """
    spans = [(day, day + window - 1) for day in purchase_days]
    spans.extend(s for s in subscriptions if s[0] <= s[1])
    if not spans:
        return []
    spans.sort()
    runs: list[Run] = []
    run_start, run_end = spans[0]
    for start, end in spans[1:]:
        if start <= run_end + 1:
            run_end = max(run_end, end)
        else:
            runs.append((run_start, run_end))
            run_start, run_end = start, end
    runs.append((run_start, run_end))
    return runs


def active_on(runs: Sequence[Run], day: int) -> bool:
    """Whether one customer's runs cover `day`."""
    return any(start <= day <= end for start, end in runs)


@dataclass(frozen=True)
class Timeline:
    """Every customer's runs flattened into sorted event arrays, so any window is counted by bisection."""

    run_starts: list[int]
    finite_ends: list[int]
    first_starts: list[int]
    later_starts: list[int]
    churn_days: list[int]
    churn_run_starts: list[int]

    @classmethod
    def from_runs(cls, runs_by_customer: Mapping[Hashable, Sequence[Run]] | Iterable[Sequence[Run]]) -> Timeline:
        """Flatten per-customer runs (a mapping or any iterable of run lists)."""
        groups = runs_by_customer.values() if isinstance(runs_by_customer, Mapping) else runs_by_customer
        run_starts: list[int] = []
        finite_ends: list[int] = []
        first_starts: list[int] = []
        later_starts: list[int] = []
        churns: list[tuple[int, int]] = []
        for runs in groups:
            for index, (start, end) in enumerate(runs):
                run_starts.append(start)
                (later_starts if index else first_starts).append(start)
                if end < FOREVER:
                    finite_ends.append(end)
                    churns.append((end + 1, start))
        churns.sort()
        return cls(
            run_starts=sorted(run_starts),
            finite_ends=sorted(finite_ends),
            first_starts=sorted(first_starts),
            later_starts=sorted(later_starts),
            churn_days=[day for day, _ in churns],
            churn_run_starts=[start for _, start in churns],
        )

    def active_count(self, day: int) -> int:
        """Customers active on `day`: runs begun by then minus runs already over."""
        return bisect_right(self.run_starts, day) - bisect_left(self.finite_ends, day)

    def counts(self, first: int, last: int) -> ChurnCounts:
        """Movements over the inclusive window [first, last] of day ordinals."""
        lo, hi = bisect_left(self.churn_days, first), bisect_right(self.churn_days, last)
        from_start = sum(1 for start in self.churn_run_starts[lo:hi] if start < first)
        return ChurnCounts(
            customers_start=self.active_count(first - 1),
            new=_count_between(self.first_starts, first, last),
            reactivated=_count_between(self.later_starts, first, last),
            churned=hi - lo,
            churned_from_start=from_start,
            customers_end=self.active_count(last),
        )


def _count_between(values: list[int], first: int, last: int) -> int:
    return bisect_right(values, last) - bisect_left(values, first)
