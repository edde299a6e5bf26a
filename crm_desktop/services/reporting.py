"""Reports (DESIGN §8, §9, §12): the figures as JSON for the CLI, and the summary PDF for the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlmodel import Session

from crm_desktop.analytics import ChurnResult, ConversionResult, compute_churn, compute_conversion
from crm_desktop.domain.errors import StorageError, ValidationError
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database

ReportKind = Literal["conversion", "churn", "summary"]
KINDS: tuple[ReportKind, ...] = ("conversion", "churn", "summary")


def _check(start: date, end: date) -> None:
    if start > end:
        raise ValidationError(f"The period starts ({start:%Y-%m-%d}) after it ends ({end:%Y-%m-%d}).", field="start")


def summary_data(
    *, session: Session, start: date, end: date, inactivity_days: int | None = None
) -> tuple[ConversionResult, ChurnResult]:
    """Conversion and churn for the period, computed over one consistent read."""
    _check(start, end)
    return (
        compute_conversion(session=session, start=start, end=end),
        compute_churn(session=session, start=start, end=end, inactivity_days=inactivity_days),
    )


def report_json(
    *, session: Session, kind: ReportKind, start: date, end: date, inactivity_days: int | None = None
) -> dict[str, Any]:
    """The `report … --json` document: {"conversion": …}, {"churn": …} or both plus the period."""
    _check(start, end)
    if kind == "conversion":
        return {"conversion": compute_conversion(session=session, start=start, end=end).to_dict()}
    if kind == "churn":
        churn = compute_churn(session=session, start=start, end=end, inactivity_days=inactivity_days)
        return {"churn": churn.to_dict()}
    if kind == "summary":
        conversion, churn = summary_data(session=session, start=start, end=end, inactivity_days=inactivity_days)
        return {
            "conversion": conversion.to_dict(),
            "churn": churn.to_dict(),
            "period": {"from": start.isoformat(), "to": end.isoformat()},
        }
    raise ValidationError(f"unknown report {kind!r}: choose one of {', '.join(KINDS)}", field="kind")


def write_summary_pdf(
    *,
    db: Database,
    start: date,
    end: date,
    out: Path,
    inactivity_days: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> Path:
    """Compute the figures and write the summary PDF in the business name, paper size and locale settings."""
    from crm_desktop.reports.summary import build_summary_pdf  # ReportLab loads only when a PDF is made

    _check(start, end)
    out = Path(out)
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist.", field="out")
    if progress:
        progress(0.0, "Collecting figures…")
    with db.read_session() as session:
        conversion, churn = summary_data(session=session, start=start, end=end, inactivity_days=inactivity_days)
        business_name = str(get_setting(session=session, key="business_name"))
        paper_size = str(get_setting(session=session, key="paper_size"))
        locale = str(get_setting(session=session, key="locale"))
        logo = str(get_setting(session=session, key="business_logo")).strip()
    scaled = None if progress is None else (lambda fraction, message: progress(0.3 + 0.7 * fraction, message))
    if progress:
        progress(0.3, "Figures ready")
    try:
        return build_summary_pdf(
            out=out,
            conversion=conversion,
            churn=churn,
            start=start,
            end=end,
            business_name=business_name,
            paper_size=paper_size,
            locale=locale,
            progress=scaled,
            logo=Path(logo).expanduser() if logo else None,
        )
    except OSError as exc:
        raise StorageError(f"Could not write {out}: {exc.strerror or exc}") from exc
