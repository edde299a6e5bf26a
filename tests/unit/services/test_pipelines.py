"""Pipeline settings: pipelines, stages and lost reasons keep their rules, are journaled and can be undone."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from crm_desktop.domain import LostReason, Pipeline, Stage
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.deals import (
    create_deal,
    default_pipeline,
    delete_deal,
    list_lost_reasons,
    list_pipelines,
    list_stages,
    lose_deal,
    move_deal,
)
from crm_desktop.services.pipelines import (
    add_lost_reason,
    add_stage,
    all_lost_reasons,
    create_pipeline,
    delete_pipeline,
    delete_stage,
    move_lost_reason,
    move_stage,
    pipeline_overview,
    rename_lost_reason,
    rename_pipeline,
    rename_stage,
    reorder_lost_reasons,
    reorder_stages,
    set_default_pipeline,
    set_lost_reason_active,
    set_stage_probability,
    set_stage_rotting_days,
    stage_overview,
)
from crm_desktop.store import Database
from tests.unit.services import changes_since, journaled_fields, mark

STANDARD = [
    ("Qualification", 10, "open"), ("Needs analysis", 25, "open"), ("Proposal", 50, "open"),
    ("Negotiation", 80, "open"), ("Won", 100, "won"), ("Lost", 0, "lost"),
]  # fmt: skip


def shape(session: Session, pipeline_id: uuid.UUID) -> list[tuple[str, int, str]]:
    return [(s.name, s.probability, s.kind) for s in list_stages(session=session, pipeline_id=pipeline_id)]


def names(session: Session, pipeline_id: uuid.UUID) -> list[str]:
    stages = list_stages(session=session, pipeline_id=pipeline_id)
    assert [s.position for s in stages] == list(range(len(stages)))  # always renumbered densely
    return [s.name for s in stages]


def by_name(session: Session, pipeline_id: uuid.UUID) -> dict[str, Stage]:
    return {s.name: s for s in list_stages(session=session, pipeline_id=pipeline_id)}


def sales(session: Session) -> Pipeline:
    return default_pipeline(session=session)


# --- pipelines ----------------------------------------------------------------------------------------------
def test_a_new_pipeline_gets_the_standard_stages_and_is_journaled(session: Session) -> None:
    since = mark(session)
    pipeline = create_pipeline(session=session, name="  Wholesale ")
    assert pipeline.name == "Wholesale" and not pipeline.is_default
    assert shape(session, pipeline.id) == STANDARD
    rotting = [s.rotting_days for s in list_stages(session=session, pipeline_id=pipeline.id)]
    assert rotting == [14, 21, 14, 10, None, None]
    assert [p.name for p in list_pipelines(session=session)] == ["Sales", "Wholesale"]
    journal = changes_since(session, since)
    assert {f for t, r, f in journal if t == "pipeline" and r == pipeline.id.hex} == journaled_fields(pipeline)
    assert sum(1 for t, _, f in journal if t == "stage" and f == "name") == 6


def test_a_pipeline_can_copy_another_ones_stages(session: Session) -> None:
    source = sales(session)
    add_stage(session=session, pipeline_id=source.id, name="Trial", probability=60, rotting_days=7)
    copy = create_pipeline(session=session, name="Sales 2", copy_from=source.id, make_default=True)
    assert shape(session, copy.id) == shape(session, source.id)
    assert by_name(session, copy.id)["Trial"].rotting_days == 7
    assert {s.id for s in list_stages(session=session, pipeline_id=copy.id)}.isdisjoint(
        {s.id for s in list_stages(session=session, pipeline_id=source.id)}
    )
    assert default_pipeline(session=session).id == copy.id and not source.is_default


@pytest.mark.parametrize("name", ["", "   ", "sales", "x" * 121])
def test_pipeline_names_are_required_unique_and_short(session: Session, name: str) -> None:
    with pytest.raises(ValidationError) as err:
        create_pipeline(session=session, name=name)
    assert err.value.field == "name"


def test_rename_and_make_default(session: Session) -> None:
    other = create_pipeline(session=session, name="Projects")
    rename_pipeline(session=session, pipeline_id=other.id, name="Big projects")
    rename_pipeline(session=session, pipeline_id=other.id, name="BIG projects")  # its own name, other case
    with pytest.raises(ValidationError, match="already a pipeline called “Sales”"):
        rename_pipeline(session=session, pipeline_id=other.id, name="Sales")
    set_default_pipeline(session=session, pipeline_id=other.id)
    assert [(p.name, p.is_default) for p in list_pipelines(session=session)] == [
        ("BIG projects", True), ("Sales", False),
    ]  # fmt: skip
    assert create_deal(session=session, title="Goes to the default").pipeline_id == other.id


def test_a_pipeline_with_deals_cannot_be_deleted_and_the_message_counts_them(session: Session) -> None:
    other = create_pipeline(session=session, name="Projects")
    deals = [create_deal(session=session, title=f"D{i}", pipeline_id=other.id) for i in range(3)]
    lose_deal(session=session, deal_id=deals[0].id, reason_id=list_lost_reasons(session=session)[0].id)
    with pytest.raises(Conflict, match=r"“Projects” still holds 3 deals \(2 open, 1 won or lost\)\. Move the open"):
        delete_pipeline(session=session, pipeline_id=other.id)
    for deal in deals[1:]:
        delete_deal(session=session, deal_id=deal.id)
    with pytest.raises(Conflict, match=r"still holds 1 won or lost deal\. Won and lost deals stay") as raised:
        delete_pipeline(session=session, pipeline_id=other.id)
    assert "Move the open" not in str(raised.value)  # no advice that cannot be followed
    for deal in deals[:1]:
        delete_deal(session=session, deal_id=deal.id)
    delete_pipeline(session=session, pipeline_id=other.id)
    assert [p.name for p in list_pipelines(session=session)] == ["Sales"]
    assert session.get(Pipeline, other.id).deleted_at is not None  # in the Trash, not erased
    with pytest.raises(NotFound):
        rename_stage(session=session, stage_id=list_stages(session=session, pipeline_id=other.id)[0].id, name="X")


def test_the_last_pipeline_is_never_deleted_and_the_default_passes_on(session: Session) -> None:
    first = sales(session)
    with pytest.raises(Conflict, match="only pipeline"):
        delete_pipeline(session=session, pipeline_id=first.id)
    other = create_pipeline(session=session, name="Projects")
    delete_pipeline(session=session, pipeline_id=first.id)  # the seeded pipeline holds no deals here
    assert default_pipeline(session=session).id == other.id and session.get(Pipeline, other.id).is_default


def test_overviews_count_live_deals(session: Session) -> None:
    pipeline = sales(session)
    stages = by_name(session, pipeline.id)
    keep = create_deal(session=session, title="Keep", stage_id=stages["Proposal"].id)
    gone = create_deal(session=session, title="Gone", stage_id=stages["Proposal"].id)
    delete_deal(session=session, deal_id=gone.id)
    lose_deal(session=session, deal_id=create_deal(session=session, title="L").id,
              reason_id=list_lost_reasons(session=session)[0].id)  # fmt: skip
    counts = {s.name: s.deal_count for s in stage_overview(session=session, pipeline_id=pipeline.id)}
    assert counts == {"Qualification": 0, "Needs analysis": 0, "Proposal": 1, "Negotiation": 0, "Won": 0, "Lost": 1}
    assert [(p.name, p.deal_count, p.is_default) for p in pipeline_overview(session=session)] == [("Sales", 2, True)]
    assert keep.stage_id == stages["Proposal"].id


# --- stages -------------------------------------------------------------------------------------------------
def test_new_stages_go_before_won_and_lost(session: Session) -> None:
    pipeline = sales(session)
    trial = add_stage(session=session, pipeline_id=pipeline.id, name="Trial")
    assert trial.kind == "open" and trial.probability == 80 and trial.rotting_days is None  # follows Negotiation
    demo = add_stage(session=session, pipeline_id=pipeline.id, name="Demo", after_stage_id=by_name(
        session, pipeline.id)["Qualification"].id, probability=15, rotting_days=5)  # fmt: skip
    assert (demo.probability, demo.rotting_days) == (15, 5)
    assert names(session, pipeline.id) == [
        "Qualification", "Demo", "Needs analysis", "Proposal", "Negotiation", "Trial", "Won", "Lost",
    ]  # fmt: skip
    with pytest.raises(ValidationError) as err:
        add_stage(session=session, pipeline_id=pipeline.id, name="After won", after_stage_id=by_name(
            session, pipeline.id)["Won"].id)  # fmt: skip
    assert err.value.field == "after_stage_id"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"name": "proposal"}, "name"), ({"name": " "}, "name"), ({"name": "X", "probability": 101}, "probability"),
     ({"name": "X", "probability": -1}, "probability"), ({"name": "X", "rotting_days": 0}, "rotting_days"),
     ({"name": "X", "rotting_days": 5000}, "rotting_days")],
)  # fmt: skip
def test_bad_stages_are_refused(session: Session, kwargs: dict[str, object], field: str) -> None:
    pipeline = sales(session)
    with pytest.raises(ValidationError) as err:
        add_stage(session=session, pipeline_id=pipeline.id, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
    assert len(list_stages(session=session, pipeline_id=pipeline.id)) == 6


def test_rename_a_stage_including_won(session: Session) -> None:
    pipeline = sales(session)
    stages = by_name(session, pipeline.id)
    rename_stage(session=session, stage_id=stages["Proposal"].id, name="Quote sent")
    rename_stage(session=session, stage_id=stages["Won"].id, name="Closed won")
    with pytest.raises(ValidationError, match="already has a stage called “Lost”"):
        rename_stage(session=session, stage_id=stages["Qualification"].id, name="LOST")
    assert names(session, pipeline.id)[2:5] == ["Quote sent", "Negotiation", "Closed won"]
    other = create_pipeline(session=session, name="Projects")
    add_stage(session=session, pipeline_id=other.id, name="Quote sent")  # names are unique per pipeline only


def test_reorder_keeps_won_and_lost_last_and_undo_puts_it_back(workspace: Database) -> None:
    with workspace.session() as s:
        pipeline_id = sales(s).id
        ids = {s.name: s.id for s in list_stages(session=s, pipeline_id=pipeline_id)}
    order = [ids["Proposal"], ids["Qualification"], ids["Negotiation"], ids["Needs analysis"]]
    _, changes = undo.perform(
        workspace, "Reorder stages", lambda s: reorder_stages(session=s, pipeline_id=pipeline_id, stage_ids=order)
    )
    expected = ["Proposal", "Qualification", "Negotiation", "Needs analysis", "Won", "Lost"]
    with workspace.read_session() as s:
        assert names(s, pipeline_id) == expected
    assert changes.tables() == {"stage"}
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert names(s, pipeline_id) == [n for n, _, _ in STANDARD]
    undo.redo(workspace, changes)
    with workspace.read_session() as s:
        assert names(s, pipeline_id) == expected


@pytest.mark.parametrize("which", ["missing", "duplicate", "with won"])
def test_reorder_must_name_every_open_stage_once(session: Session, which: str) -> None:
    pipeline = sales(session)
    stages = list_stages(session=session, pipeline_id=pipeline.id)
    ids = [s.id for s in stages[:4]]
    bad = {"missing": ids[:3], "duplicate": [*ids[:3], ids[0]], "with won": [*ids, stages[4].id]}[which]
    with pytest.raises(ValidationError, match="Won and Lost always stay last"):
        reorder_stages(session=session, pipeline_id=pipeline.id, stage_ids=bad)


def test_move_up_and_down_stops_at_the_ends(session: Session) -> None:
    pipeline = sales(session)
    stages = by_name(session, pipeline.id)
    move_stage(session=session, stage_id=stages["Proposal"].id, offset=-1)
    assert names(session, pipeline.id)[:3] == ["Qualification", "Proposal", "Needs analysis"]
    since = mark(session)
    move_stage(session=session, stage_id=stages["Negotiation"].id, offset=1)  # already the last open stage
    move_stage(session=session, stage_id=stages["Qualification"].id, offset=-5)
    assert changes_since(session, since) == []  # nothing moved, nothing written
    move_stage(session=session, stage_id=stages["Qualification"].id, offset=10)
    assert names(session, pipeline.id) == ["Proposal", "Needs analysis", "Negotiation", "Qualification", "Won", "Lost"]
    with pytest.raises(ValidationError, match="closing stage"):
        move_stage(session=session, stage_id=stages["Lost"].id, offset=-1)


def test_probability_and_rotting_days(session: Session) -> None:
    stages = by_name(session, sales(session).id)
    set_stage_probability(session=session, stage_id=stages["Proposal"].id, probability=0)
    set_stage_probability(session=session, stage_id=stages["Negotiation"].id, probability=100)
    set_stage_rotting_days(session=session, stage_id=stages["Proposal"].id, rotting_days=None)
    set_stage_rotting_days(session=session, stage_id=stages["Negotiation"].id, rotting_days=30)
    assert (stages["Proposal"].probability, stages["Proposal"].rotting_days) == (0, None)
    assert (stages["Negotiation"].probability, stages["Negotiation"].rotting_days) == (100, 30)
    for bad in (101, -5, True, "50"):
        with pytest.raises(ValidationError) as err:
            set_stage_probability(session=session, stage_id=stages["Proposal"].id, probability=bad)  # type: ignore[arg-type]
        assert err.value.field == "probability"
    for bad in (0, -1, 3651, 2.5):
        with pytest.raises(ValidationError, match="or blank for never"):
            set_stage_rotting_days(session=session, stage_id=stages["Proposal"].id, rotting_days=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="closing stage"):
        set_stage_probability(session=session, stage_id=stages["Won"].id, probability=90)
    with pytest.raises(ValidationError, match="never rot"):
        set_stage_rotting_days(session=session, stage_id=stages["Lost"].id, rotting_days=3)


def test_a_stage_with_deals_cannot_be_deleted_until_they_move(session: Session) -> None:
    pipeline = sales(session)
    stages = by_name(session, pipeline.id)
    deals = [create_deal(session=session, title=f"D{i}", stage_id=stages["Proposal"].id) for i in range(2)]
    with pytest.raises(Conflict, match=r"“Proposal” still holds 2 open deals\. Move them to another stage first"):
        delete_stage(session=session, stage_id=stages["Proposal"].id)
    move_deal(session=session, deal_id=deals[0].id, stage_id=stages["Negotiation"].id)
    with pytest.raises(Conflict, match="still holds 1 open deal\\."):
        delete_stage(session=session, stage_id=stages["Proposal"].id)
    delete_deal(session=session, deal_id=deals[1].id)  # deals in the Trash do not hold a stage
    delete_stage(session=session, stage_id=stages["Proposal"].id)
    assert names(session, pipeline.id) == ["Qualification", "Needs analysis", "Negotiation", "Won", "Lost"]
    assert session.get(Stage, stages["Proposal"].id).deleted_at is not None
    with pytest.raises(NotFound):
        rename_stage(session=session, stage_id=stages["Proposal"].id, name="Back")


def test_won_lost_and_the_last_open_stage_stay(session: Session) -> None:
    pipeline = sales(session)
    stages = by_name(session, pipeline.id)
    lost = create_deal(session=session, title="L")
    lose_deal(session=session, deal_id=lost.id, reason_id=list_lost_reasons(session=session)[0].id)
    for kind in ("Won", "Lost"):
        with pytest.raises(Conflict, match=f"needs its {kind.lower()} stage"):
            delete_stage(session=session, stage_id=stages[kind].id)
    for name in ("Qualification", "Needs analysis", "Proposal"):
        delete_stage(session=session, stage_id=stages[name].id)
    with pytest.raises(Conflict, match="only open stage"):
        delete_stage(session=session, stage_id=stages["Negotiation"].id)
    assert [s.kind for s in list_stages(session=session, pipeline_id=pipeline.id)] == ["open", "won", "lost"]


def test_delete_stage_is_undoable(workspace: Database) -> None:
    with workspace.session() as s:
        pipeline_id = sales(s).id
        proposal = by_name(s, pipeline_id)["Proposal"].id
    _, changes = undo.perform(workspace, "Delete stage", lambda s: delete_stage(session=s, stage_id=proposal))
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert names(s, pipeline_id)[2] == "Proposal"


# --- lost reasons -------------------------------------------------------------------------------------------
def test_lost_reasons_add_rename_reorder_and_deactivate(session: Session) -> None:
    since = mark(session)
    added = add_lost_reason(session=session, name=" Went quiet ")
    assert all_lost_reasons(session=session)[-1].name == "Went quiet"
    assert {f for t, r, f in changes_since(session, since) if r == added.id.hex} == journaled_fields(added)
    with pytest.raises(ValidationError, match="already a lost reason called “Price”"):
        add_lost_reason(session=session, name="price")
    rename_lost_reason(session=session, reason_id=added.id, name="Ghosted")
    move_lost_reason(session=session, reason_id=added.id, offset=-100)
    assert [r.name for r in all_lost_reasons(session=session)][:2] == ["Ghosted", "Price"]
    reasons = all_lost_reasons(session=session)
    reorder_lost_reasons(session=session, reason_ids=[r.id for r in reversed(reasons)])
    assert [r.name for r in all_lost_reasons(session=session)] == [r.name for r in reversed(reasons)]
    with pytest.raises(ValidationError):
        reorder_lost_reasons(session=session, reason_ids=[r.id for r in reasons[1:]])
    set_lost_reason_active(session=session, reason_id=added.id, active=False)
    assert "Ghosted" not in [r.name for r in list_lost_reasons(session=session)]
    assert ("Ghosted", False) in [(r.name, r.active) for r in all_lost_reasons(session=session)]
    set_lost_reason_active(session=session, reason_id=added.id, active=True)
    assert "Ghosted" in [r.name for r in list_lost_reasons(session=session)]


def test_the_last_active_lost_reason_stays(session: Session) -> None:
    reasons = all_lost_reasons(session=session)
    for reason in reasons[1:]:
        set_lost_reason_active(session=session, reason_id=reason.id, active=False)
    with pytest.raises(Conflict, match="last active reason"):
        set_lost_reason_active(session=session, reason_id=reasons[0].id, active=False)
    assert [r.name for r in list_lost_reasons(session=session)] == [reasons[0].name]
    assert session.get(LostReason, reasons[0].id).active
