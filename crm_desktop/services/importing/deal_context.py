"""The workspace's pipelines, stages and lost reasons as a deal import looks names up in them.

Names compare without case, accents, spaces or punctuation ("Closed - Won" is "closedwon"). With
`create_missing`, a pipeline the file names but the workspace lacks is created with the default stages,
and a missing stage is added after the pipeline's last open stage; without it such rows fail with a
message that lists what exists.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from sqlmodel import Session, col, select

from crm_desktop.domain import LostReason, Pipeline, Stage
from crm_desktop.domain.enums import StageKind
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing.guess import normalize
from crm_desktop.services.reference import DEFAULT_STAGES

OPEN, WON, LOST = StageKind.OPEN.value, StageKind.WON.value, StageKind.LOST.value
# Stage names other CRMs use for their closed columns (HubSpot "Closed Won", Pipedrive "Won").
CLOSED_STAGE_WORDS = {
    "won": WON, "closedwon": WON, "wonclosed": WON, "gewonnen": WON, "gagne": WON, "ganado": WON,
    "lost": LOST, "closedlost": LOST, "lostclosed": LOST, "verloren": LOST, "perdu": LOST, "perdido": LOST,
}  # fmt: skip
OTHER_REASON = "Other"


@lru_cache(maxsize=4096)
def name_key(text: str) -> str:
    """How pipeline, stage and reason names compare: "Needs-Analysis " is "needsanalysis"."""
    return normalize(text).replace(" ", "")


def _pipeline_key(text: str) -> str:
    key = name_key(text)
    return key.removesuffix("pipeline") or key


@dataclass
class StageInfo:
    """One stage of a pipeline, as the import needs it."""

    id: uuid.UUID
    name: str
    kind: str
    position: int


@dataclass
class PipelineInfo:
    """A pipeline with its live stages in board order."""

    id: uuid.UUID
    name: str
    stages: list[StageInfo] = field(default_factory=list)

    @property
    def open_stages(self) -> list[StageInfo]:
        return [s for s in self.stages if s.kind == OPEN]

    def of_kind(self, kind: str) -> StageInfo:
        """Its first stage of a kind; ValidationError when it has none (a pipeline without a Won column)."""
        for stage in self.stages:
            if stage.kind == kind:
                return stage
        raise ValidationError(f"the pipeline {self.name!r} has no {kind} stage; add one in the pipeline settings")

    def named(self, key: str) -> StageInfo | None:
        return next((s for s in self.stages if name_key(s.name) == key), None)

    def listing(self) -> str:
        return ", ".join(s.name for s in self.stages)


class PipelineBook:
    """Every live pipeline (the default first) and lost reason; creates what is missing when asked to."""

    def __init__(self, session: Session, *, create_missing: bool) -> None:
        self.session, self.create_missing = session, create_missing
        stmt = (
            select(Pipeline)
            .where(col(Pipeline.deleted_at).is_(None))
            .order_by(col(Pipeline.is_default).desc(), col(Pipeline.position), col(Pipeline.created_at))
        )
        self.pipelines: list[PipelineInfo] = [PipelineInfo(p.id, p.name) for p in session.exec(stmt)]
        by_id = {p.id: p for p in self.pipelines}
        stages = select(Stage).where(col(Stage.deleted_at).is_(None)).order_by(col(Stage.position), col(Stage.id))
        for stage in session.exec(stages):
            if stage.pipeline_id in by_id:
                by_id[stage.pipeline_id].stages.append(StageInfo(stage.id, stage.name, stage.kind, stage.position))
        reasons = select(LostReason).where(col(LostReason.deleted_at).is_(None)).order_by(col(LostReason.position))
        self.reasons: dict[str, uuid.UUID] = {}
        for reason in session.exec(reasons):
            self.reasons.setdefault(name_key(reason.name), reason.id)
        self.created: dict[str, int] = {}
        self.unknown: Counter[str] = Counter()  # "stage 'Demo' in Sales" / "pipeline 'X'" → rows refused for it

    @property
    def default(self) -> PipelineInfo:
        if not self.pipelines:
            raise ValidationError("There is no sales pipeline yet; create one first")
        return self.pipelines[0]

    def find(self, name: str) -> PipelineInfo | None:
        """The pipeline with this name, or None; a trailing "pipeline" is not needed ("Sales Pipeline" is "Sales")."""
        key = _pipeline_key(name)
        return next((p for p in self.pipelines if _pipeline_key(p.name) == key), None)

    def check_pipeline(self, name: str) -> None:
        """Refuse a pipeline name that is unknown (unless missing ones are created)."""
        if self.find(name) is None and not self.create_missing:
            self.unknown[f"pipeline {name!r}"] += 1
            raise ValidationError(
                f"there is no pipeline called {name!r} (pipelines: {', '.join(p.name for p in self.pipelines)}); "
                "import with --create-missing to create it, or leave the pipeline column out "
                "(--map ignore=COLUMN) to use the default pipeline"
            )

    def pipeline(self, name: str | None) -> PipelineInfo:
        """The named pipeline (created if missing and allowed), or the default one for no name."""
        if not name:
            return self.default
        found = self.find(name)
        if found is not None:
            return found
        self.check_pipeline(name)
        return self._create_pipeline(name)

    def _create_pipeline(self, name: str) -> PipelineInfo:
        position = len(self.pipelines)
        pipeline = Pipeline(name=" ".join(name.split())[:120], position=position, is_default=False)
        self.session.add(pipeline)
        info = PipelineInfo(pipeline.id, pipeline.name)
        for index, (stage_name, probability, kind, rotting) in enumerate(DEFAULT_STAGES):
            stage = Stage(pipeline_id=pipeline.id, name=stage_name, position=index, probability=probability, kind=kind,
                          rotting_days=rotting)  # fmt: skip
            self.session.add(stage)
            info.stages.append(StageInfo(stage.id, stage_name, kind, index))
        self.pipelines.append(info)
        self.created["new pipelines"] = self.created.get("new pipelines", 0) + 1
        return info

    def stage_kind(self, pipeline: PipelineInfo | None, name: str) -> str:
        """The kind of the stage a row names (a stage to be created is open); ValidationError when unknown."""
        key = name_key(name)
        stage = pipeline.named(key) if pipeline is not None else None
        if stage is not None:
            return stage.kind
        if key in CLOSED_STAGE_WORDS:
            return CLOSED_STAGE_WORDS[key]
        if pipeline is not None and not self.create_missing:
            self.unknown[f"stage {name!r}"] += 1
            raise ValidationError(
                f"the pipeline {pipeline.name!r} has no stage called {name!r} (its stages: {pipeline.listing()}); "
                "map it with --stage-map 'NAME=STAGE' or import with --create-missing"
            )
        return OPEN

    def stage(self, pipeline: PipelineInfo, name: str) -> StageInfo:
        """The named stage of the pipeline; a closed-stage word gives its Won or Lost stage; else created."""
        key = name_key(name)
        found = pipeline.named(key)
        if found is not None:
            return found
        if key in CLOSED_STAGE_WORDS:
            return pipeline.of_kind(CLOSED_STAGE_WORDS[key])
        self.stage_kind(pipeline, name)  # refuses it unless missing stages are created
        return self._create_stage(pipeline, name)

    def _create_stage(self, pipeline: PipelineInfo, name: str) -> StageInfo:
        """A new open stage after the pipeline's last open one; the closed stages after it move one down."""
        opens = pipeline.open_stages
        position = (opens[-1].position + 1) if opens else 0
        probability = 0
        if opens:
            last = self.session.get(Stage, opens[-1].id)
            probability = last.probability if last is not None else 0
        for info in pipeline.stages:
            if info.position >= position:
                stored = self.session.get(Stage, info.id)
                if stored is not None:
                    stored.position = info.position + 1
                    self.session.add(stored)
                info.position += 1
        stage = Stage(pipeline_id=pipeline.id, name=" ".join(name.split())[:120], position=position,
                      probability=probability, kind=OPEN)  # fmt: skip
        self.session.add(stage)
        info = StageInfo(stage.id, stage.name, OPEN, position)
        pipeline.stages.append(info)
        pipeline.stages.sort(key=lambda s: s.position)
        self.created["new stages"] = self.created.get("new stages", 0) + 1
        return info

    def unknown_note(self) -> str | None:
        """One sentence naming every pipeline and stage name that made rows fail, most rows first."""
        if not self.unknown:
            return None
        names = ", ".join(f"{name} ({n:,} row{'s' * (n != 1)})" for name, n in self.unknown.most_common(12))
        return (
            f"Rows named what this workspace does not have: {names}. Map stage names with --stage-map "
            "'NAME=STAGE', or import with --create-missing to add them."
        )

    def lost_reason(self, text: str | None) -> tuple[uuid.UUID, str | None]:
        """(reason id, note): a known reason by name, else "Other" with the text kept as the note."""
        if text and name_key(text) in self.reasons:
            return self.reasons[name_key(text)], None
        other = name_key(OTHER_REASON)
        if other not in self.reasons:
            reason = LostReason(name=OTHER_REASON, position=len(self.reasons))
            self.session.add(reason)
            self.reasons[other] = reason.id
            self.created["new lost reasons"] = self.created.get("new lost reasons", 0) + 1
        return self.reasons[other], text or None
