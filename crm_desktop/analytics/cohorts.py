"""Cohort retention (DESIGN §8): who bought first in a month, and who bought again each month after."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date

from crm_desktop.analytics.periods import month_index, month_label
from crm_desktop.analytics.results import Cohort


def cohort_retention(
    purchase_days: Mapping[Hashable, Sequence[int]], *, first_month: int, end: date
) -> tuple[Cohort, ...]:
    """Cohorts by month of first purchase from `first_month` on; retention[k] covers months up to `end`.

    `purchase_days` holds each customer's sorted purchase day ordinals up to `end`. Only months with at
    least one first purchase form a cohort.
    """
    last_month = month_index(end)
    members: dict[int, list[set[int]]] = {}
    for days in purchase_days.values():
        if not days:
            continue
        cohort = month_index(date.fromordinal(days[0]))
        if first_month <= cohort <= last_month:
            members.setdefault(cohort, []).append({month_index(date.fromordinal(d)) for d in days})
    cohorts = []
    for cohort in sorted(members):
        buyers = members[cohort]
        size = len(buyers)
        retention = tuple(
            sum(1 for months in buyers if cohort + k in months) / size for k in range(last_month - cohort + 1)
        )
        cohorts.append(Cohort(cohort=month_label(cohort), size=size, retention=retention))
    return tuple(cohorts)
