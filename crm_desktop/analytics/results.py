"""Immutable analytics results whose `to_dict()` gives the stable JSON keys of DESIGN §8."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class LeadStatusStep:
    """How many leads of the period ever reached one lead status."""

    status: str
    reached: int

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reached": self.reached}


@dataclass(frozen=True)
class FunnelStage:
    """How many deals of the period reached one open stage; None conversion for the first stage."""

    stage: str
    reached: int
    conversion_from_previous: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "reached": self.reached,
            "conversion_from_previous": self.conversion_from_previous,
        }


@dataclass(frozen=True)
class SalesCycle:
    """Days from deal creation to won, over deals won in the period (0 when none)."""

    mean: float
    median: float

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "median": self.median}


@dataclass(frozen=True)
class SourceRow:
    """Leads, customers and won value attributed to one lead source."""

    source: str
    leads: int
    customers: int
    conversion_rate: float
    won_value_cents: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "leads": self.leads,
            "customers": self.customers,
            "conversion_rate": self.conversion_rate,
            "won_value_cents": self.won_value_cents,
        }


@dataclass(frozen=True)
class ConversionResult:
    """Lead and deal conversion for one period (DESIGN §8, conversion)."""

    start: date
    end: date
    currency: str
    leads_created: int
    leads_converted: int
    lead_conversion_rate: float
    lead_status_funnel: tuple[LeadStatusStep, ...]
    deal_funnel: tuple[FunnelStage, ...]
    deals_won: int
    deals_lost: int
    win_rate: float
    won_value_cents: int
    avg_won_value_cents: int
    sales_cycle_days: SalesCycle
    by_source: tuple[SourceRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `conversion` object of `report … --json`, keys exactly as DESIGN §8 lists them."""
        return {
            "leads_created": self.leads_created,
            "leads_converted": self.leads_converted,
            "lead_conversion_rate": self.lead_conversion_rate,
            "lead_status_funnel": [s.to_dict() for s in self.lead_status_funnel],
            "deal_funnel": [s.to_dict() for s in self.deal_funnel],
            "deals_won": self.deals_won,
            "deals_lost": self.deals_lost,
            "win_rate": self.win_rate,
            "won_value_cents": self.won_value_cents,
            "avg_won_value_cents": self.avg_won_value_cents,
            "sales_cycle_days": self.sales_cycle_days.to_dict(),
            "by_source": [r.to_dict() for r in self.by_source],
        }


@dataclass(frozen=True)
class ChurnCounts:
    """Customer movements over one window; customers_end = start + new + reactivated − churned."""

    customers_start: int
    new: int
    reactivated: int
    churned: int
    churned_from_start: int
    customers_end: int

    @property
    def churn_rate(self) -> float:
        """churned_from_start / customers_start (0.0 when nobody was a customer at the start)."""
        return self.churned_from_start / self.customers_start if self.customers_start else 0.0


@dataclass(frozen=True)
class MonthlyChurn:
    """One calendar month of the period (clipped to it)."""

    month: str
    counts: ChurnCounts

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "month": self.month,
            "customers_start": c.customers_start,
            "new": c.new,
            "reactivated": c.reactivated,
            "churned": c.churned,
            "churned_from_start": c.churned_from_start,
            "customers_end": c.customers_end,
            "churn_rate": c.churn_rate,
        }


@dataclass(frozen=True)
class Cohort:
    """Customers whose first purchase fell in one month, and the share buying again each month after."""

    cohort: str
    size: int
    retention: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"cohort": self.cohort, "size": self.size, "retention": list(self.retention)}


@dataclass(frozen=True)
class AtRiskCustomer:
    """An active customer showing warning signs, with a 0–100 score and the reasons behind it."""

    contact_id: uuid.UUID
    name: str
    score: int
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "contact_id": str(self.contact_id),
            "name": self.name,
            "score": self.score,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ChurnResult:
    """Customer churn for one period (DESIGN §8, churn)."""

    start: date
    end: date
    inactivity_days: int
    totals: ChurnCounts
    revenue_churn_rate: float
    monthly: tuple[MonthlyChurn, ...]
    cohorts: tuple[Cohort, ...]
    at_risk: tuple[AtRiskCustomer, ...]

    @property
    def customers_start(self) -> int:
        return self.totals.customers_start

    @property
    def new(self) -> int:
        return self.totals.new

    @property
    def reactivated(self) -> int:
        return self.totals.reactivated

    @property
    def churned(self) -> int:
        return self.totals.churned

    @property
    def churned_from_start(self) -> int:
        return self.totals.churned_from_start

    @property
    def customers_end(self) -> int:
        return self.totals.customers_end

    @property
    def churn_rate(self) -> float:
        return self.totals.churn_rate

    def to_dict(self) -> dict[str, Any]:
        """The `churn` object of `report … --json`, keys exactly as DESIGN §8 lists them."""
        t = self.totals
        return {
            "inactivity_days": self.inactivity_days,
            "customers_start": t.customers_start,
            "new": t.new,
            "reactivated": t.reactivated,
            "churned": t.churned,
            "churned_from_start": t.churned_from_start,
            "customers_end": t.customers_end,
            "churn_rate": t.churn_rate,
            "revenue_churn_rate": self.revenue_churn_rate,
            "monthly": [m.to_dict() for m in self.monthly],
            "cohorts": [c.to_dict() for c in self.cohorts],
            "at_risk": [a.to_dict() for a in self.at_risk],
        }
