"""Closed vocabularies of the data model, stored as plain strings so sync and migrations stay simple."""

from enum import StrEnum


class LifecycleStage(StrEnum):
    SUBSCRIBER = "subscriber"
    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    CHURNED = "churned"
    OTHER = "other"


class LeadStatus(StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"


class ChannelKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    SOCIAL = "social"


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    MESSAGE = "message"
    VISIT = "visit"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class TaskPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"


class CasePriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CaseEventKind(StrEnum):
    OPENED = "opened"
    COMMENT = "comment"
    STATUS = "status"
    PRIORITY = "priority"
    ASSIGNMENT = "assignment"


class PointsReason(StrEnum):
    PURCHASE = "purchase"
    REDEMPTION = "redemption"
    REFERRAL = "referral"
    ADJUSTMENT = "adjustment"
    EXPIRY = "expiry"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    CONVERTED = "converted"
    DECLINED = "declined"


class FeedbackKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    COMMENT = "comment"


OPEN_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
