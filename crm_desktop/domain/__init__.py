"""Domain model: SQLModel tables and vocabularies of DESIGN §3 (no I/O beyond SQLModel, no Qt)."""

from crm_desktop.domain.base import Ledger, Replicated, UTCDateTime, utcnow, uuid7
from crm_desktop.domain.commerce import (
    LoyaltyTier,
    PointsEntry,
    Purchase,
    PurchaseLine,
    Referral,
    Reward,
    Subscription,
)
from crm_desktop.domain.config import CustomFieldDef, Setting
from crm_desktop.domain.journal import Change, FieldClock, LocalState
from crm_desktop.domain.people import (
    Campaign,
    Contact,
    ContactChannel,
    LeadStatusChange,
    LifecycleChange,
    Organization,
    User,
)
from crm_desktop.domain.sales import Deal, DealLine, DealStageChange, LostReason, Pipeline, Product, Stage
from crm_desktop.domain.support import Case, CaseEvent, Feedback, case_reference
from crm_desktop.domain.work import Activity, Task

REPLICATED_MODELS: tuple[type[Replicated | Ledger], ...] = (
    User, Organization, Contact, ContactChannel, LifecycleChange, LeadStatusChange, Campaign,
    Pipeline, Stage, LostReason, Product, Deal, DealLine, DealStageChange,
    Activity, Task, Case, CaseEvent, Feedback,
    Purchase, PurchaseLine, Subscription, LoyaltyTier, Reward, PointsEntry, Referral,
    Setting, CustomFieldDef,
)  # fmt: skip
REPLICATED_TABLES: frozenset[str] = frozenset(m.__tablename__ for m in REPLICATED_MODELS)  # type: ignore[misc]
LEDGER_MODELS = tuple(m for m in REPLICATED_MODELS if issubclass(m, Ledger))

__all__ = [
    "LEDGER_MODELS", "REPLICATED_MODELS", "REPLICATED_TABLES",
    "Activity", "Campaign", "Case", "CaseEvent", "Change", "Contact", "ContactChannel", "CustomFieldDef",
    "Deal", "DealLine", "DealStageChange", "Feedback", "FieldClock", "LeadStatusChange", "Ledger",
    "LifecycleChange", "LocalState", "LostReason", "LoyaltyTier", "Organization", "Pipeline", "PointsEntry",
    "Product", "Purchase", "PurchaseLine", "Referral", "Replicated", "Reward", "Setting", "Stage",
    "Subscription", "Task", "UTCDateTime", "User", "case_reference", "utcnow", "uuid7",
]  # fmt: skip
