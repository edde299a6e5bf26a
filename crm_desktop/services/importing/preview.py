"""The first records of a source as the import would take them, for a wizard's preview table (writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing.cleaning import clean_record
from crm_desktop.services.importing.runner import ImportPlan, Source, lookups_for, records_of


@dataclass(frozen=True)
class PreviewRow:
    """One record as it would arrive: field → text, or the reason it would fail, plus its warnings."""

    number: int
    values: dict[str, str]
    organization: str | None = None
    is_organization: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def preview(*, session: Session, source: Source, plan: ImportPlan, limit: int = 50) -> list[PreviewRow]:
    """Validate the first `limit` records with the plan's mapping (no matching, nothing written)."""
    lookups = lookups_for(session, plan)
    rows: list[PreviewRow] = []
    for record in records_of(source, plan)[:limit]:
        try:
            clean = clean_record(record, lookups)
        except ValidationError as exc:
            rows.append(PreviewRow(record.number, {}, error=str(exc)))
            continue
        values = {
            key: ", ".join(value) if isinstance(value, list) else str(value) for key, value in clean.fields.items()
        }
        extra = {
            "emails": ", ".join(e for e, _ in clean.emails[1:]),
            "phones": ", ".join(p for p, _, _ in clean.phones if p != clean.fields.get("phone")),
            "websites": ", ".join(w for w, _ in clean.websites),
        }
        values.update({k: v for k, v in extra.items() if v})
        rows.append(PreviewRow(clean.number, values, clean.organization, clean.is_organization, None, clean.warnings))
    return rows
