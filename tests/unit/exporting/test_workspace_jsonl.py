"""The workspace archive: a lossless round trip, and refusals that leave the target workspace untouched."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm_desktop.domain import REPLICATED_MODELS, Contact, Reward, Stage
from crm_desktop.domain.errors import Cancelled, Conflict, NewerSchemaError, ValidationError
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import delete_contact
from crm_desktop.services.exporting import export_workspace, import_workspace
from crm_desktop.services.maintenance import check_workspace
from crm_desktop.services.reference import seed_id
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import current_user
from crm_desktop.services.workspace import open_workspace
from crm_desktop.store import Database
from tests.unit.exporting.builders import add_people


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every replicated table, all columns, in id order."""
    with db.read_session() as s:
        conn = s.connection()
        return {
            m.__tablename__: [dict(r) for r in conn.execute(select(m.__table__).order_by(m.__table__.c.id)).mappings()]
            for m in REPLICATED_MODELS
        }


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Source:
    """An exported workspace: the archive, every row it held, its own user."""

    archive: Path
    rows: dict[str, list[dict[str, Any]]]
    user_id: str


@pytest.fixture(scope="module")
def source(_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Source:
    """The demo business plus hand-made edge cases (Trash, odd text, renamed and retired reference data), exported."""
    folder = tmp_path_factory.mktemp("source")
    shutil.copyfile(_templates["demo"], folder / "demo.sqlite")
    db = open_workspace(folder / "demo.sqlite")
    try:
        add_people(db)
        with db.session() as s:
            first = s.exec(select(Contact).order_by(Contact.id)).scalars().first()
            delete_contact(session=s, contact_id=first.id)
            stage = s.get(Stage, seed_id("stage", "Sales/Proposal"))
            stage.name = "Offer sent"
            reward = s.get(Reward, seed_id("reward", "Barista workshop"))
            reward.deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
            s.add_all([stage, reward])
        out = folder / "workspace.jsonl"
        steps: list[float] = []
        counts = export_workspace(db=db, path=out, progress=lambda f, _m: steps.append(f))
        assert steps[-1] == 1.0 and steps == sorted(steps)
        assert counts["contact"] == 303 and sum(counts.values()) == len(lines(out)) - 2
        return Source(out, snapshot(db), db.user_id)
    finally:
        db.close()


@pytest.fixture
def archive(source: Source) -> Path:
    return source.archive


def test_round_trip_is_lossless(source: Source, new_db: Database) -> None:
    before = source.rows
    with new_db.session() as s:  # a new workspace someone set up a little before importing
        set_setting(session=s, key="business_name", value="Temporary name")
        s.get(Stage, seed_id("stage", "Sales/Won")).rotting_days = 99
    counts = import_workspace(db=new_db, path=source.archive)
    assert counts == {table: len(rows) for table, rows in before.items()}
    after = snapshot(new_db)
    for table in before:
        assert after[table] == before[table], f"{table} differs after the round trip"
    assert new_db.user_id == source.user_id, "the archive's own user is this workspace's user now"
    with new_db.session() as s:
        assert current_user(session=s).id == uuid.UUID(source.user_id)
    reopened = open_workspace(new_db.path)
    assert reopened.user_id == source.user_id, "and stays so when the file is opened again"
    reopened.close()
    with new_db.read_session() as s:
        found = list_contacts(session=s, filter=ContactFilter(search="Müller-Łukasik"))
        assert [c.display_name for c in found] == ["Zoë Müller-Łukasik"], "the search index was rebuilt"
        journaled = s.connection().exec_driver_sql("SELECT count(DISTINCT row_id) FROM change").scalar_one()
    assert journaled == sum(len(rows) for rows in before.values()), "every imported row is in the journal"
    assert check_workspace(db=new_db) == []


def test_archive_header_and_footer(archive: Path, source: Source) -> None:
    items = lines(archive)
    header, footer = items[0], items[-1]
    assert header["format"] == "crm-desktop-jsonl" and header["version"] == 1
    assert header["schema"] and header["user_id"] == str(uuid.UUID(source.user_id))
    assert datetime.fromisoformat(header["exported_at"]).tzinfo is not None
    assert footer == {"end": {"rows": len(items) - 2}}
    tables = [item["table"] for item in items[1:-1]]
    order = [m.__tablename__ for m in REPLICATED_MODELS]
    assert tables == sorted(tables, key=order.index), "parents before children"
    contact = next(i["row"] for i in items if i.get("table") == "contact" and i["row"]["deleted_at"])
    assert uuid.UUID(contact["id"]) and contact["created_at"].endswith("+00:00")
    money = next(i["row"] for i in items if i.get("table") == "purchase")
    assert isinstance(money["amount_cents"], int)


def test_refuses_a_workspace_with_data(demo_db: Database, archive: Path) -> None:
    before = snapshot(demo_db)
    with pytest.raises(Conflict, match="not empty"):
        import_workspace(db=demo_db, path=archive)
    assert snapshot(demo_db) == before


def test_refuses_newer_archives(new_db: Database, archive: Path, tmp_path: Path) -> None:
    items = lines(archive)
    for change, match in (({"version": 2}, "archive format 2"), ({"schema": "ffff_future"}, "schema ffff_future")):
        newer = tmp_path / "newer.jsonl"
        newer.write_text(
            "\n".join(json.dumps({**items[0], **change} if i == 0 else item) for i, item in enumerate(items))
        )
        with pytest.raises(NewerSchemaError, match=f"newer version of CRM Desktop \\({match}\\)"):
            import_workspace(db=new_db, path=newer)
    with new_db.read_session() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM contact").scalar_one() == 0


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda ls: ls[:-1], "ends before its last line"),
        (lambda ls: ls[:-200] + ls[-1:], "ends before its last line"),
        (lambda ls: [*ls[:5], "{not json", *ls[5:]], "Line 6 .* not valid JSON"),
        (
            lambda ls: [*ls[:5], '{"table": "contact", "row": {"id": "x"}}', *ls[5:]],
            "Line 6 .* contact.id should be an id",
        ),
        (lambda ls: [*ls[:5], '{"table": "spaceship", "row": {}}', *ls[5:]], "'spaceship' is not a kind of record"),
        (lambda ls: [*ls, ls[3]], "more after the archive's last line"),
        (lambda ls: [ls[0], ls[3], *ls[3:]], "clash with records already loaded"),
    ],
)
def test_damaged_archives_import_nothing(
    new_db: Database, archive: Path, tmp_path: Path, damage: Any, match: str
) -> None:
    before = snapshot(new_db)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(damage(archive.read_text(encoding="utf-8").splitlines())) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=match):
        import_workspace(db=new_db, path=broken)
    assert snapshot(new_db) == before


def test_not_an_archive(new_db: Database, tmp_path: Path) -> None:
    csv_file = tmp_path / "contacts.csv"
    csv_file.write_text("id,display_name\n1,Ann\n")
    with pytest.raises(ValidationError, match="not a CRM Desktop workspace archive"):
        import_workspace(db=new_db, path=csv_file)
    with pytest.raises(ValidationError, match="does not exist"):
        import_workspace(db=new_db, path=tmp_path / "missing.jsonl")


def test_cancel(demo_db: Database, new_db: Database, archive: Path, tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        export_workspace(db=demo_db, path=tmp_path / "never.jsonl", should_cancel=lambda: True)
    assert not (tmp_path / "never.jsonl").exists()
    before = snapshot(new_db)
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        import_workspace(db=new_db, path=archive, should_cancel=lambda: next(calls) > 3)
    assert snapshot(new_db) == before
    assert import_workspace(db=new_db, path=archive)["contact"] == 303, "a cancelled import can be run again"
