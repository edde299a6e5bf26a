"""The command line as a user runs it: exit codes, one-line errors, files left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crm_desktop", *args], capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "report", "check", "backup", "restore"):
        assert command in result.stdout


def test_text_file_as_database_is_one_clear_line_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "contacts.txt"
    path.write_text("not a database\n")
    before = digest(path)
    result = run("--db", str(path), "check")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "not a CRM Desktop database" in result.stderr
    assert digest(path) == before


def test_report_with_from_after_to_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.sqlite"), "report", "summary", "--from", "2026-03-01", "--to",
                 "2026-01-01", "--json")  # fmt: skip
    assert result.returncode == 2
    assert "after --to" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    assert run("--db", str(path), "check").returncode == 0
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_newer'")
        conn.commit()
    before = digest(path)
    result = run("--db", str(path), "check")
    assert result.returncode == 1
    assert "newer version of CRM Desktop" in result.stderr
    assert digest(path) == before


def test_backup_then_restore_round_trip(tmp_path: Path) -> None:
    path, copy = tmp_path / "crm.sqlite", tmp_path / "copy.sqlite"
    assert run("--db", str(path), "backup", str(copy)).returncode == 0
    assert run("--db", str(path), "restore", str(copy)).returncode == 0
    assert run("--db", str(path), "check").returncode == 0
    assert any(p.name.startswith("crm-before-restore") for p in (tmp_path / "crm-backups").iterdir())


@pytest.mark.parametrize("bad", ["missing.sqlite", "notes.txt"])
def test_restore_refuses_bad_sources(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "crm.sqlite"
    assert run("--db", str(path), "check").returncode == 0
    before = digest(path)
    source = tmp_path / bad
    if bad.endswith(".txt"):
        source.write_text("hello")
    result = run("--db", str(path), "restore", str(source))
    assert result.returncode == 1
    assert digest(path) == before
