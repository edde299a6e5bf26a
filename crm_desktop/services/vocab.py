"""Vocabularies the UI and CLI show and pick from, re-exported from the domain."""

from crm_desktop.domain.enums import (
    OPEN_CASE_STATUSES,
    ActivityKind,
    CaseEventKind,
    CasePriority,
    CaseStatus,
    ChannelKind,
    DealStatus,
    Direction,
    FeedbackKind,
    LeadStatus,
    LifecycleStage,
    PointsReason,
    StageKind,
    TaskPriority,
)

__all__ = [
    "OPEN_CASE_STATUSES", "ActivityKind", "CaseEventKind", "CasePriority", "CaseStatus", "ChannelKind",
    "DealStatus", "Direction", "FeedbackKind", "LeadStatus", "LifecycleStage", "PointsReason", "StageKind",
    "TaskPriority",
]  # fmt: skip
