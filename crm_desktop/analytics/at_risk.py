"""The at-risk list (DESIGN §8): active customers scored 0–100 by recency, open cases and low feedback.

Score = recency (≤ 50) + open high/urgent cases (≤ 40) + low feedback (≤ 35), capped at 100. Recency
compares days since the last purchase with the customer's own median interval between purchase days
(3× usual: 50, 2×: 35, 1.5×: 20) and adds urgency when the inactivity window is about to run out;
customers kept active by a running subscription get no recency points. Each point source adds a reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from crm_desktop.analytics.activity import active_on
from crm_desktop.analytics.periods import LocalDays, Period, as_uuid, fetch_rows, local_midnight_utc, raw
from crm_desktop.analytics.results import AtRiskCustomer
from crm_desktop.domain import Case, Contact, Feedback
from crm_desktop.domain.enums import OPEN_CASE_STATUSES, CasePriority, FeedbackKind

if TYPE_CHECKING:
    from crm_desktop.analytics.churn import CustomerActivity

MAX_LISTED = 50
MIN_SCORE = 20
FEEDBACK_DAYS = 180
RECENCY_TIERS = ((3.0, 50), (2.0, 35), (1.5, 20))
IMMINENT_POINTS = 25
CASE_POINTS = {CasePriority.URGENT.value: 30, CasePriority.HIGH.value: 20}
CASE_CAP = 40
LOW_NPS, LOW_CSAT = 6, 2
FEEDBACK_POINTS = {FeedbackKind.NPS.value: 20, FeedbackKind.CSAT.value: 15}


@dataclass
class _Risk:
    score: int = 0
    since_last: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def find_at_risk(
    *, session: Session, period: Period, activity: CustomerActivity, window: int
) -> tuple[AtRiskCustomer, ...]:
    """Customers active on the period's last day with a risk score ≥ MIN_SCORE, highest first (top 50)."""
    last = period.end.toordinal()
    active = {cid for cid, runs in activity.runs.items() if active_on(runs, last)}
    risks: dict[Hashable, _Risk] = defaultdict(_Risk)
    for cid in active:
        _score_recency(risks, cid, activity, last, window)
    _score_cases(session, period, active, risks)
    _score_feedback(session, period, active, risks)
    ranked = sorted(
        ((cid, r) for cid, r in risks.items() if r.score >= MIN_SCORE),
        key=lambda item: (-min(item[1].score, 100), -item[1].since_last, item[0]),
    )
    return _with_names(session, ranked)


def _score_recency(
    risks: dict[Hashable, _Risk], cid: Hashable, activity: CustomerActivity, last: int, window: int
) -> None:
    days = activity.purchase_days.get(cid)
    if not days or active_on(activity.subscription_spans.get(cid, ()), last):
        return
    since = last - days[-1]
    points, reasons = 0, []
    if len(days) >= 2:
        usual = median(b - a for a, b in pairwise(days))
        times = since / usual
        tier = next((p for threshold, p in RECENCY_TIERS if times >= threshold), 0)
        if tier:
            points = tier
            reasons.append(f"No purchase for {_days(since)}; usually buys every {_days(round(usual), every=True)}")
    left = days[-1] + window - last
    if left <= max(7, window // 6):
        points = max(points, IMMINENT_POINTS)
        reasons.append(f"Becomes inactive in {_days(left)} without a new purchase")
    if points:
        risk = risks[cid]
        risk.since_last = since
        risk.score += points
        risk.reasons.extend(reasons)


def _days(n: int, *, every: bool = False) -> str:
    """Day counts in words: "3 days", "1 day", or plain "day" after "every"."""
    if n == 1:
        return "day" if every else "1 day"
    return f"{n} days"


def _score_cases(session: Session, period: Period, active: set[Hashable], risks: dict[Hashable, _Risk]) -> None:
    stmt = select(raw(Case.contact_id), Case.priority, Case.reference).where(
        Case.deleted_at.is_(None),  # type: ignore[union-attr]
        col(Case.status).in_([s.value for s in OPEN_CASE_STATUSES]),
        col(Case.priority).in_(list(CASE_POINTS)),
        Case.opened_at < period.utc_end,
    )
    found: dict[Hashable, list[tuple[str, str]]] = defaultdict(list)
    for contact_id, priority, reference in fetch_rows(session, stmt):
        if contact_id in active:
            found[contact_id].append((priority, reference))
    for cid, cases in found.items():
        points = min(CASE_CAP, sum(CASE_POINTS[p] for p, _ in cases))
        refs = ", ".join(sorted(ref for _, ref in cases))
        label = "urgent" if all(p == CasePriority.URGENT for p, _ in cases) else "high-priority"
        noun = "case" if len(cases) == 1 else "cases"
        risks[cid].add(points, f"{len(cases)} open {label} {noun} ({refs})")


def _score_feedback(session: Session, period: Period, active: set[Hashable], risks: dict[Hashable, _Risk]) -> None:
    since = local_midnight_utc(period.end - timedelta(days=FEEDBACK_DAYS - 1), period.zone)
    low_nps = (Feedback.kind == FeedbackKind.NPS.value) & (col(Feedback.score) <= LOW_NPS)
    low_csat = (Feedback.kind == FeedbackKind.CSAT.value) & (col(Feedback.score) <= LOW_CSAT)
    stmt = (
        select(raw(Feedback.contact_id), Feedback.kind, Feedback.score, raw(Feedback.at))
        .where(
            Feedback.deleted_at.is_(None),  # type: ignore[union-attr]
            Feedback.at >= since,
            Feedback.at < period.utc_end,
            low_nps | low_csat,
        )
        .order_by(Feedback.at)
    )
    to_day = LocalDays(period.zone)
    worst: dict[tuple[Hashable, str], tuple[int, date]] = {}
    for contact_id, kind, score, at in fetch_rows(session, stmt):
        key = (contact_id, kind)
        if contact_id in active and (key not in worst or score <= worst[key][0]):
            worst[key] = (score, date.fromordinal(to_day(at)))
    for (cid, kind), (score, day) in sorted(worst.items(), key=lambda item: item[0][1], reverse=True):
        risks[cid].add(FEEDBACK_POINTS[kind], f"Low {kind.upper()} score {score} on {day.isoformat()}")


def _with_names(session: Session, ranked: list[tuple[Hashable, _Risk]]) -> tuple[AtRiskCustomer, ...]:
    """Attach display names, skipping contacts in the Trash, until MAX_LISTED are found."""
    listed: list[AtRiskCustomer] = []
    chunk = MAX_LISTED * 2
    for offset in range(0, len(ranked), chunk):
        part = [(as_uuid(key), risk) for key, risk in ranked[offset : offset + chunk]]
        stmt = select(Contact.id, Contact.display_name).where(
            col(Contact.id).in_([cid for cid, _ in part]),
            Contact.deleted_at.is_(None),  # type: ignore[union-attr]
        )
        names = dict(session.exec(stmt).all())
        for cid, risk in part:
            if cid in names:
                listed.append(AtRiskCustomer(cid, names[cid], min(risk.score, 100), tuple(risk.reasons)))
                if len(listed) == MAX_LISTED:
                    return tuple(listed)
    return tuple(listed)
