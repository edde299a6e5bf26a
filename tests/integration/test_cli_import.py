"""`crm-desktop import contacts|all` as a user runs it: summary, failed rows, exit codes, files untouched."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import types
from contextlib import closing
from pathlib import Path

import pytest

from crm_desktop import cli
from crm_desktop.cli import importing

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


@pytest.fixture(autouse=True)
def import_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register `import` the way cli/__init__ will, for as long as it does not do so itself."""
    if "import" in cli.COMMANDS:
        return
    original = cli.build_parser

    def build_parser() -> argparse.ArgumentParser:
        parser = original()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        importing.add_parsers(commands)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)
    monkeypatch.setitem(cli.COMMANDS, "import", importing.cmd_import)


def contacts(db: Path) -> list[tuple[str, str | None]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT display_name, email FROM contact WHERE deleted_at IS NULL ORDER BY display_name"
        ).fetchall()


def test_import_contacts_prints_a_summary_and_the_failed_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "crm.sqlite"
    code = cli.main(["--db", str(db), "import", "contacts", str(FIXTURES / "bad_rows.csv")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "6 rows read: 3 created, 0 updated, 0 skipped, 3 failed" in out
    assert "row 3: 'not-an-address' is not a valid email address" in out
    assert "row 4: No name and no e-mail address" in out
    assert "row 6: Display name is too long" in out
    assert len(contacts(db)) == 3


def test_preset_map_and_on_match_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "crm.sqlite"
    german = str(FIXTURES / "german.csv")
    assert cli.main(["--db", str(db), "import", "contacts", german, "--region", "DE", "--map", "Bemerkung=ignore",
                     "--map", "Handy=phone:mobile"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "cp1252, semicolon separated" in out and "Handy → phone (mobile)" in out and "Bemerkung" not in out
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT phone, notes FROM contact WHERE family_name = 'Müller'").fetchone() == (
            "+4915123456789", None)  # fmt: skip
    assert cli.main(["--db", str(db), "import", "contacts", german, "--on-match", "skip"]) == 0
    assert "0 created, 0 updated, 2 skipped" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "import", "contacts", german, "--on-match", "create"]) == 0
    assert "2 created" in capsys.readouterr().out
    assert len(contacts(db)) == 4


def test_vcard_import_and_format_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "crm.sqlite"
    copy = tmp_path / "cards.txt"
    copy.write_bytes((FIXTURES / "v30_apple.vcf").read_bytes())
    assert cli.main(["--db", str(db), "import", "contacts", str(copy), "--format", "vcard"]) == 0
    out = capsys.readouterr().out
    assert "2 vCards" in out and "2 cards read: 2 created" in out
    assert contacts(db) == [("Lise Meitner", "lise@kwi.example")]


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "crm.sqlite"
    assert cli.main(["--db", str(db), "import", "contacts", str(FIXTURES / "outlook.csv"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 rows read: 2 created" in out and "(dry run: nothing was written)" in out
    assert contacts(db) == []


def test_unreadable_file_is_one_line_exit_1_and_no_database_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "crm.sqlite"
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert cli.main(["--db", str(db), "import", "contacts", str(picture)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crm-desktop: photo.csv is not a text file") and err.count("\n") == 1
    assert cli.main(["--db", str(db), "import", "contacts", str(tmp_path / "missing.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not db.exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--map", "no-equals-sign"], ["--map", "E-Mail=shoe_size"], ["--on-match", "merge"],
                 ["--preset", "lotus"], ["--region", "Germany"]):  # fmt: skip
        with pytest.raises(SystemExit) as exited:
            cli.main(["--db", str(tmp_path / "x.sqlite"), "import", "contacts", str(FIXTURES / "german.csv"), *args])
        assert exited.value.code == 2
    assert "shoe_size" in capsys.readouterr().err


def test_preset_on_a_vcard_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["--db", str(tmp_path / "x.sqlite"), "import", "contacts", str(FIXTURES / "v40.vcf"), "--preset", "google"]
    )
    assert code == 1 and "apply to CSV files" in capsys.readouterr().err


def test_import_all_calls_the_workspace_importer(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    archive = tmp_path / "workspace.jsonl"
    archive.write_text("{}\n")
    calls: list[Path] = []

    def fake_import_workspace(*, db: object, path: Path, **_options: object) -> dict[str, int]:
        calls.append(path)
        return {"contacts": 3, "organizations": 1, "deals": 0}

    module = types.ModuleType("crm_desktop.services.exporting.workspace_jsonl")
    module.import_workspace = fake_import_workspace  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "crm_desktop.services.exporting.workspace_jsonl", module)
    assert cli.main(["--db", str(tmp_path / "crm.sqlite"), "import", "all", str(archive)]) == 0
    assert calls == [archive]
    assert "contacts: 3, organizations: 1" in capsys.readouterr().out
    assert cli.main(["--db", str(tmp_path / "crm.sqlite"), "import", "all", str(tmp_path / "none.jsonl")]) == 1


def test_map_takes_field_equals_column_and_match_by_limits_the_keys(tmp_path: Path) -> None:
    """DESIGN §12: `--map FIELD=COLUMN …` and `--match-by`; the column order of the brief is accepted too."""
    from crm_desktop.cli.importing import MATCH_KEYS as CLI_KEYS
    from crm_desktop.services.importing.matching import MATCH_KEYS

    assert CLI_KEYS == MATCH_KEYS
    db = tmp_path / "crm.sqlite"
    first = tmp_path / "a.csv"
    first.write_text("Vorname,Nachname,E-Mail\nAda,Lovelace,ada@example.org\n", encoding="utf-8")
    maps = ["--map", "given_name=Vorname", "--map", "family_name=Nachname", "--map", "E-Mail=email"]
    assert cli.main(["--db", str(db), "import", "contacts", str(first), *maps]) == 0
    second = tmp_path / "b.csv"
    second.write_text("Vorname,Nachname,E-Mail\nAda,King,ada@example.org\n", encoding="utf-8")
    assert cli.main(["--db", str(db), "import", "contacts", str(second), *maps, "--match-by", "phone"]) == 0
    assert cli.main(["--db", str(db), "import", "contacts", str(second), *maps, "--match-by", "email"]) == 0
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT family_name FROM contact ORDER BY family_name").fetchall()
    finally:
        conn.close()
    assert rows == [("King",), ("King",)], "matched by phone: none, so a second Ada; by email: the first one updated"
