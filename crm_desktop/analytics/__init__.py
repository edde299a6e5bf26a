"""Metric definitions of DESIGN §8, computed in SQL or over compact per-customer arrays."""

from crm_desktop.analytics.churn import compute_churn
from crm_desktop.analytics.conversion import compute_conversion
from crm_desktop.analytics.results import (
    AtRiskCustomer,
    ChurnCounts,
    ChurnResult,
    Cohort,
    ConversionResult,
    FunnelStage,
    LeadStatusStep,
    MonthlyChurn,
    SalesCycle,
    SourceRow,
)

__all__ = [
    "AtRiskCustomer",
    "ChurnCounts",
    "ChurnResult",
    "Cohort",
    "ConversionResult",
    "FunnelStage",
    "LeadStatusStep",
    "MonthlyChurn",
    "SalesCycle",
    "SourceRow",
    "compute_churn",
    "compute_conversion",
]
