"""The stage names of a deal file and how the import reads each (what the wizard's stage matching lists)."""

from __future__ import annotations

from pathlib import Path

from crm_desktop.services.importing.deal_writer import run_deal_import
from crm_desktop.services.importing.deals import DealPlan
from crm_desktop.services.importing.stage_names import file_stages, stage_names
from crm_desktop.services.importing.tables import read_table
from crm_desktop.services.pipelines import add_stage, create_pipeline
from crm_desktop.store import Database

SHEET = """\
Title,Pipeline,Stage,Value,Created
A,Projects,Scoping,100,2025-01-02
B,Projects,  scoping ,100,2025-01-03
C,Projects,Proposal Made,100,2025-01-04
D,Projects,Closed Lost,100,2025-01-05
E,Projects,Demo booked,100,2025-01-06
F,,,100,2025-01-07
"""


def test_names_are_read_against_the_pipeline_the_file_names(workspace: Database, tmp_path: Path) -> None:
    with workspace.session() as session:
        projects = create_pipeline(session=session, name="Projects")
        add_stage(session=session, pipeline_id=projects.id, name="Scoping")
    path = tmp_path / "deals.csv"
    path.write_text(SHEET, encoding="utf-8")
    source = read_table(path)
    with workspace.read_session() as session:
        found = file_stages(session=session, source=source, mapping={"title": 0, "pipeline": 1, "stage": 2})
        choices = stage_names(session=session)
    assert [(s.name, s.rows, s.reading) for s in found] == [
        ("Scoping", 2, "Scoping"), ("Proposal Made", 1, "Proposal"), ("Closed Lost", 1, "Lost"),
        ("Demo booked", 1, None),
    ]  # fmt: skip
    assert choices[:6] == ["Qualification", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"]
    assert "Scoping" in choices and len(choices) == len(set(choices))  # each name once, the default's first

    with workspace.read_session() as session:  # without the pipeline column, the default pipeline has no Scoping
        found = file_stages(session=session, source=source, mapping={"title": 0, "stage": 2})
    assert [s.reading for s in found] == [None, "Proposal", "Lost", None]

    report = run_deal_import(workspace, source, DealPlan(stage_map={"Demo booked": "Scoping"}))
    assert report.created == 5  # what was matched by hand imports
    assert report.failed == [(5, "a lost deal needs the day it was lost: map a Closed (or lost time) column")]
