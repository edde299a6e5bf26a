"""What the contacts list is filtered by: one `ContactFilter`, held by the filter bar and stored in saved views."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v

NO_OWNER = uuid.UUID(int=0)  # the owner filter's "nobody" choice: contacts without an owner
TRASH_MODES = ("hide", "include", "only")  # live contacts only, live and trashed, the Trash only


@dataclass(frozen=True)
class ContactFilter:
    """What the filter bar asks for; empty fields do not filter. Saved views store it as JSON."""

    search: str = ""
    lifecycle_stages: tuple[str, ...] = ()
    lead_statuses: tuple[str, ...] = ()
    tag: str | None = None
    owner_id: uuid.UUID | None = None  # NO_OWNER: contacts nobody owns
    source: str | None = None
    campaign_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    has_open_deal: bool | None = None  # None: either
    has_open_case: bool | None = None
    trash: str = "hide"

    def is_empty(self) -> bool:
        """True when nothing narrows the list (the search box aside)."""
        return replace(self, search="") == ContactFilter()

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (ids as hex) for saved views."""
        data = asdict(self)
        for key in ("owner_id", "campaign_id", "organization_id"):
            data[key] = data[key].hex if data[key] is not None else None
        data["lifecycle_stages"] = list(self.lifecycle_stages)
        data["lead_statuses"] = list(self.lead_statuses)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContactFilter:
        """Read a stored filter back; anything unreadable (old versions, bad sync data) is dropped."""
        values: dict[str, Any] = {}
        text = data.get("search")
        if isinstance(text, str):
            values["search"] = text[:500]
        for key, vocabulary in (("lifecycle_stages", LifecycleStage), ("lead_statuses", LeadStatus)):
            items = data.get(key)
            if isinstance(items, list):
                allowed = {m.value for m in vocabulary}
                values[key] = tuple(i for i in items if i in allowed)
        for key in ("tag", "source"):
            if isinstance(data.get(key), str):
                values[key] = data[key]
        for key in ("owner_id", "campaign_id", "organization_id"):
            with contextlib.suppress(ValueError):
                values[key] = uuid.UUID(str(data[key])) if data.get(key) else None
        for key in ("has_open_deal", "has_open_case"):
            if data.get(key) is None or isinstance(data.get(key), bool):
                values[key] = data.get(key)
        if data.get("trash") in TRASH_MODES:
            values["trash"] = data["trash"]
        return cls(**values)


def check_filter(f: ContactFilter) -> None:
    """Refuse a filter the list cannot run (unknown stage, status or Trash mode)."""
    for stage in f.lifecycle_stages:
        v.check_choice(stage, LifecycleStage, field="lifecycle_stage")
    for status in f.lead_statuses:
        v.check_choice(status, LeadStatus, field="lead_status")
    if f.trash not in TRASH_MODES:
        raise ValidationError(f"trash must be one of {', '.join(TRASH_MODES)}", field="trash")
