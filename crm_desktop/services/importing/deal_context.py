"""The workspace's pipelines, stages and lost reasons as a deal import looks names up in them.

Names compare without case, accents, spaces or punctuation ("Closed - Won" is "closedwon"). A stage name
the pipeline lacks is read, in this order, as: a closed column of another CRM ("Closed Won", "Closed-Lost
to Competition"), then a well-known open stage of Pipedrive, HubSpot, Salesforce, Zoho or Odoo, or a
translation of a default stage ("Proposal Made", "Negotiation/Review", "Angebot"), as the default stage it
corresponds to, when the pipeline has that stage (the report notes each such reading). With
`create_missing`, a pipeline the file names but the workspace lacks is created with the default stages,
and a stage still unknown is added after the pipeline's last open stage; without it such rows fail with a
message that lists what exists. A file naming a single pipeline the workspace lacks goes into the
default pipeline (Pipedrive calls its own "Pipeline"), with a note.
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


CLOSED_STAGE_PREFIXES = (("closedwon", WON), ("closedlost", LOST), ("won", WON), ("lost", LOST))
# Open stages of other CRMs' default pipelines (Pipedrive, HubSpot, Salesforce, Zoho, Odoo) and translations
# of ours, as the default stage each corresponds to.
_FOREIGN_STAGES: dict[str, tuple[str, ...]] = {
    "Qualification": ("Qualified", "Appointment Scheduled", "Prospecting", "Prospect", "New", "Lead", "Lead In",
                      "Qualifizierung", "Qualifikation", "Calificacion", "Cualificacion", "Qualificazione"),
    "Needs analysis": ("Contact Made", "Demo Scheduled", "Needs Defined", "Qualified To Buy", "Value Proposition",
                       "Id. Decision Makers", "Identify Decision Makers", "Perception Analysis", "Discovery", "Demo",
                       "Needs Assessment", "Bedarfsanalyse", "Analyse des besoins", "Analisis de necesidades",
                       "Analisi dei bisogni"),
    "Proposal": ("Proposal Made", "Presentation Scheduled", "Proposal/Price Quote", "Proposition", "Quote", "Quotation",
                 "Proposal Sent", "Quote Sent", "Angebot", "Angebot versendet", "Propuesta", "Proposta", "Offerte"),
    "Negotiation": ("Negotiations Started", "Decision Maker Bought-In", "Contract Sent", "Negotiation/Review",
                    "Negotiating", "Contract", "Verhandlung", "Negociation", "Negociacion", "Negoziazione",
                    "Onderhandeling"),
}  # fmt: skip
FOREIGN_STAGES = {name_key(name): ours for ours, names in _FOREIGN_STAGES.items() for name in names}


def closed_kind(key: str) -> str | None:
    """won / lost for the name of another CRM's closed column ("closedwon", "closedlosttocompetition"), else None."""
    if key in CLOSED_STAGE_WORDS:
        return CLOSED_STAGE_WORDS[key]
    return next((kind for prefix, kind in CLOSED_STAGE_PREFIXES if key.startswith(prefix)), None)


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
        self.read_as: dict[str, str] = {}  # another CRM's stage name → the stage of ours it was read as
        self.aliases: dict[str, PipelineInfo] = {}  # pipeline key → the pipeline its deals go to
        self.adopted: str | None = None  # the file's single pipeline name, read as the default pipeline

    @property
    def default(self) -> PipelineInfo:
        if not self.pipelines:
            raise ValidationError("There is no sales pipeline yet; create one first")
        return self.pipelines[0]

    def find(self, name: str) -> PipelineInfo | None:
        """The pipeline with this name, or None; a trailing "pipeline" is not needed ("Sales Pipeline" is "Sales")."""
        key = _pipeline_key(name)
        found = next((p for p in self.pipelines if _pipeline_key(p.name) == key), None)
        return found or self.aliases.get(key)

    def adopt_single(self, names: set[str]) -> None:
        """A file naming one pipeline the workspace lacks (and no other): read it as the default pipeline.

        Exports name their own default pipeline ("Pipeline", "Standard"); with `create_missing` it is created.
        """
        keys = {_pipeline_key(n): n for n in names if n.strip()}
        if self.create_missing or len(keys) != 1 or not self.pipelines:
            return
        ((key, name),) = keys.items()
        if self.find(name) is None:
            self.aliases[key] = self.default
            self.adopted = name

    def adopted_note(self) -> str | None:
        """A sentence saying the file's pipeline went into the default one; None when it did not."""
        if self.adopted is None:
            return None
        return (
            f"This workspace has no pipeline called {self.adopted!r}, the only one the file names, so its deals "
            f"go into the default pipeline {self.default.name!r}; import with --create-missing to make it a "
            "pipeline of its own."
        )

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

    def kind_of(self, pipeline: PipelineInfo | None, name: str) -> str | None:
        """The kind of the stage a row names, or None when neither the pipeline nor the known names have it.

        `pipeline` None is one to be created with the default stages.
        """
        key = name_key(name)
        stage = pipeline.named(key) if pipeline is not None else None
        if stage is not None:
            return stage.kind
        kind = closed_kind(key)
        if kind is not None:
            return kind
        return OPEN if self._foreign(pipeline, key) is not None or pipeline is None else None

    def _foreign(self, pipeline: PipelineInfo | None, key: str) -> str | None:
        """Our stage name for another CRM's open stage, when the pipeline (or a new one) has that stage."""
        ours = FOREIGN_STAGES.get(key)
        if ours is None:
            return None
        if pipeline is None or pipeline.named(name_key(ours)) is not None:
            return ours
        return None

    def refuse_stage(self, pipeline: PipelineInfo, name: str) -> None:
        """Refuse a stage name the pipeline lacks (unless missing stages are created), saying what to do."""
        if self.create_missing:
            return
        self.unknown[f"stage {name!r}"] += 1
        raise ValidationError(
            f"the pipeline {pipeline.name!r} has no stage called {name!r} (its stages: {pipeline.listing()}); "
            "map it with --stage-map 'NAME=STAGE' or import with --create-missing"
        )

    def stage(self, pipeline: PipelineInfo, name: str) -> StageInfo:
        """The named stage of the pipeline; a closed-stage word gives its Won or Lost stage, another CRM's
        open stage the one of ours it corresponds to; else it is created (or refused)."""
        key = name_key(name)
        found = pipeline.named(key)
        if found is not None:
            return found
        kind = closed_kind(key)
        if kind is not None:
            return pipeline.of_kind(kind)
        ours = self._foreign(pipeline, key)
        if ours is not None:
            self.read_as[" ".join(name.split())] = ours
            stage = pipeline.named(name_key(ours))
            assert stage is not None
            return stage
        self.refuse_stage(pipeline, name)
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

    def read_as_note(self) -> str | None:
        """One sentence listing the stage names of another CRM that were read as stages of ours."""
        if not self.read_as:
            return None
        pairs = ", ".join(f"{theirs} → {ours}" for theirs, ours in list(self.read_as.items())[:20])
        return (
            f"Stage names of another CRM were read as this workspace's stages: {pairs}. To place them "
            "otherwise, rename them in the file, or on the command line map them with --stage-map 'NAME=STAGE'."
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
