"""The stage names a deal file uses and how the import will read each: what the wizard's stage matching shows.

A name is read as the stage of the same name, else as Won or Lost for another CRM's closed column, else as
the default stage another CRM's open stage corresponds to (DESIGN §7); a name read as nothing needs a
match by hand (the plan's `stage_map`) or "create missing stages".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from crm_desktop.services.importing.deal_context import (
    FOREIGN_STAGES,
    PipelineBook,
    PipelineInfo,
    closed_kind,
    name_key,
)
from crm_desktop.services.importing.tables import SourceTable

MAX_NAMES = 300  # a free-text column is no stage column: the wizard lists this many at most


@dataclass(frozen=True)
class FileStage:
    """One stage name of the file: how many rows use it and the stage of ours it is read as (None: unknown)."""

    name: str
    rows: int
    reading: str | None


def file_stages(*, session: Session, source: SourceTable, mapping: Mapping[str, int]) -> list[FileStage]:
    """The distinct names of the file's stage column, in the order they first appear, with their readings.

    They are read against the pipeline the file names most often (the default one when it names none we have).
    """
    column = mapping.get("stage")
    if column is None:
        return []
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for row in source.rows:
        text = " ".join(row[column].split())
        if not text:
            continue
        key = name_key(text)
        spelling.setdefault(key, text)
        counts[key] += 1
    book = PipelineBook(session, create_missing=False)
    if not book.pipelines:
        return [FileStage(spelling[key], n, None) for key, n in counts.items()][:MAX_NAMES]
    pipeline = _main_pipeline(book, source, mapping.get("pipeline"))
    return [FileStage(spelling[key], n, reading_of(pipeline, key)) for key, n in counts.items()][:MAX_NAMES]


def reading_of(pipeline: PipelineInfo, key: str) -> str | None:
    """The name of the stage of `pipeline` a file's stage name (as a `name_key`) is read as; None when unknown."""
    found = pipeline.named(key)
    if found is not None:
        return found.name
    kind = closed_kind(key)
    if kind is not None:
        return next((s.name for s in pipeline.stages if s.kind == kind), None)
    ours = FOREIGN_STAGES.get(key)
    stage = pipeline.named(name_key(ours)) if ours is not None else None
    return stage.name if stage is not None else None


def stage_names(*, session: Session) -> list[str]:
    """Every stage name a file's name can be matched to: the default pipeline's first, in board order."""
    names: dict[str, str] = {}
    for pipeline in PipelineBook(session, create_missing=False).pipelines:
        for stage in pipeline.stages:
            names.setdefault(name_key(stage.name), stage.name)
    return list(names.values())


def _main_pipeline(book: PipelineBook, source: SourceTable, column: int | None) -> PipelineInfo:
    if column is None:
        return book.default
    named: Counter[str] = Counter()
    for row in source.rows:
        found = book.find(row[column]) if row[column].strip() else None
        if found is not None:
            named[found.name] += 1
    if not named:
        return book.default
    top = named.most_common(1)[0][0]
    return next(p for p in book.pipelines if p.name == top)
