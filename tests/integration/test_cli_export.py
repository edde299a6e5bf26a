"""`crm-desktop export …` and `crm-desktop privacy …` as a user runs them: files, messages and exit codes."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from crm_desktop import cli
from crm_desktop.cli import exporting
from crm_desktop.services.demo import populate
from crm_desktop.services.exporting import import_workspace
from crm_desktop.services.workspace import open_workspace


@pytest.fixture(autouse=True)
def export_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register `export` and `privacy` the way cli/__init__ will, for as long as it does not do so itself."""
    if "export" in cli.COMMANDS:
        return
    original = cli.build_parser

    def build_parser() -> argparse.ArgumentParser:
        parser = original()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        exporting.add_parsers(commands)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)
    for name, handler in exporting.COMMANDS.items():
        monkeypatch.setitem(cli.COMMANDS, name, handler)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo business in a closed database file (copied by each test that writes)."""
    folder = tmp_path_factory.mktemp("cli-export")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(folder / var.lower()))
        db = open_workspace(folder / "demo.sqlite")
        populate(db=db, size="small", seed=7, today=date(2026, 5, 20))
        db.close()
    return folder / "demo.sqlite"


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "crm.sqlite"
    path.write_bytes(demo_file.read_bytes())
    yield path


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_contacts_as_csv_and_vcard(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = query(db, "SELECT count(*) FROM contact WHERE deleted_at IS NULL")[0][0]
    code, out, err = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "c.csv"))
    assert code == 0, err
    assert f"Exported {live} contacts to" in out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == live and rows[0]["display_name"]
    code, out, err = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "c.vcf"))
    assert code == 0, err
    assert (tmp_path / "c.vcf").read_text(encoding="utf-8").count("BEGIN:VCARD") == live
    code, _, err = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "cards.txt"), "--format", "vcard")
    assert code == 0, err
    assert "VERSION:4.0" in (tmp_path / "cards.txt").read_text(encoding="utf-8")


def test_export_chosen_contacts(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [str(uuid.UUID(r[0])) for r in query(db, "SELECT id FROM contact WHERE deleted_at IS NULL LIMIT 2")]
    code, out, _ = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "two.csv"), "--ids", ",".join(ids))
    assert code == 0 and "Exported 2 contacts" in out


def test_export_usage_errors(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "c.txt"))
    assert code == 2 and "--format csv or --format vcard" in err
    code, _, err = run(capsys, "--db", str(db), "export", "all", str(tmp_path / "a.csv"), "--format", "csv")
    assert code == 2 and "JSON Lines" in err
    code, _, _ = run(capsys, "--db", str(db), "export", "deals", str(tmp_path / "d.csv"))
    assert code == 2
    code, _, err = run(capsys, "--db", str(db), "export", "contacts", str(tmp_path / "no" / "c.csv"))
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
    assert not list(tmp_path.glob("*.txt"))


def test_export_all_imports_back(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "all.jsonl"
    code, out, err = run(capsys, "--db", str(db), "export", "all", str(archive))
    assert code == 0, err
    assert "records to" in out
    target = open_workspace(tmp_path / "restored.sqlite")
    try:
        counts = import_workspace(db=target, path=archive)
    finally:
        target.close()
    assert counts["contact"] == query(db, "SELECT count(*) FROM contact")[0][0]


def test_privacy_export_json_and_pdf(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contact_id = str(uuid.UUID(query(db, "SELECT id FROM contact ORDER BY id LIMIT 1")[0][0]))
    code, out, err = run(capsys, "--db", str(db), "privacy", "export", contact_id, str(tmp_path / "p.json"))
    assert code == 0, err
    assert "Personal data of contact" in out
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["contact"]["id"] == contact_id
    code, _, err = run(capsys, "--db", str(db), "privacy", "export", contact_id, str(tmp_path / "p.pdf"))
    assert code == 0, err
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, "--db", str(db), "privacy", "export", contact_id, str(tmp_path / "p.txt"))
    assert code == 2 and "*.json or *.pdf" in err


def test_privacy_erase_needs_yes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contact_id, name = query(db, "SELECT id, display_name FROM contact ORDER BY id LIMIT 1")[0]
    code, _, err = run(capsys, "--db", str(db), "privacy", "erase", str(contact_id))
    assert code == 2 and "cannot be undone" in err
    assert query(db, "SELECT display_name FROM contact WHERE id = ?", contact_id)[0][0] == name
    code, out, err = run(capsys, "--db", str(db), "privacy", "erase", str(uuid.UUID(str(contact_id))), "--yes")
    assert code == 0, err
    assert "Erased contact" in out
    assert query(db, "SELECT display_name FROM contact WHERE id = ?", contact_id)[0][0] == "Erased contact"
    assert not query(db, "SELECT 1 FROM change WHERE instr(value, ?) > 0", name)


def test_privacy_bad_ids(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(db), "privacy", "erase", "not-an-id", "--yes")
    assert code == 2 and "not a contact id" in err
    code, _, err = run(capsys, "--db", str(db), "privacy", "erase", str(uuid.uuid4()), "--yes")
    assert code == 1 and "Contact not found" in err and err.count("\n") == 1
