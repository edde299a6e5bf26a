"""File → Export Contacts… and Export Workspace…: through the menu actions, with the file name injected."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.exporting.workspace_jsonl import FORMAT


def finish(qtbot: Any, window: Any) -> Any:
    """Wait for the export the action started; returns the task."""
    task = window.exports.last_task
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=20_000)
    assert task.error is None, task.error
    return task


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def select_rows(window: Any, rows: range) -> None:
    tab = window.contacts
    selection = tab.table.selectionModel()
    selection.clearSelection()
    flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
    for row in rows:
        selection.select(tab.model.index(row, 0), flags)


def test_the_file_menu_offers_both_exports(window: Any) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Export Contacts…" in texts and "Export &Workspace…" in texts
    imports = ["&Import Contacts…", "Import &Deals…", "Import &Organizations…", "Import &Purchases…"]
    first = texts.index(imports[0])
    assert texts[first : first + 5] == [*imports, "&Export Contacts…"]  # the imports, then the exports


def test_export_contacts_csv_writes_every_contact(qtbot: Any, window: Any, db: Any, tmp_path: Path) -> None:
    window.exports.ask_path = lambda title, name, filters: tmp_path / "all.csv"
    window.action_map["export_contacts"].trigger()
    finish(qtbot, window)
    rows = csv_rows(tmp_path / "all.csv")
    with db.read_session() as session:
        assert len(rows) == count_contacts(session=session)
    assert {"Ada", "Grace"} <= {r["given_name"] for r in rows}
    assert str(tmp_path / "all.csv") in window.statusBar().currentMessage()
    assert window.statusBar().currentMessage().startswith(f"Exported {len(rows):,} contacts")


def test_export_contacts_takes_the_selection_when_there_is_one(qtbot: Any, window: Any, tmp_path: Path) -> None:
    select_rows(window, range(3))
    chosen = set(window.contacts.bulk.selected_ids())
    assert len(chosen) == 3
    window.exports.ask_path = lambda title, name, filters: tmp_path / "three"  # no extension: CSV is the default
    window.action_map["export_contacts"].trigger()
    finish(qtbot, window)
    rows = csv_rows(tmp_path / "three.csv")
    assert {r["id"] for r in rows} == {str(i) for i in chosen}


def test_a_vcf_name_exports_vcards(qtbot: Any, window: Any, tmp_path: Path) -> None:
    select_rows(window, range(2))
    window.exports.ask_path = lambda title, name, filters: tmp_path / "two.vcf"
    window.action_map["export_contacts"].trigger()
    finish(qtbot, window)
    text = (tmp_path / "two.vcf").read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text


def test_export_workspace_writes_the_archive(qtbot: Any, window: Any, tmp_path: Path) -> None:
    window.exports.ask_path = lambda title, name, filters: tmp_path / "backup"
    window.action_map["export_workspace"].trigger()
    finish(qtbot, window)
    out = tmp_path / "backup.jsonl"
    with out.open(encoding="utf-8") as fh:
        header = json.loads(fh.readline())
    assert header["format"] == FORMAT and header["tables"]["contact"] > 5
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[-1])["end"]["rows"] == sum(header["tables"].values())
    assert str(out) in window.statusBar().currentMessage()


def test_no_file_chosen_writes_nothing(window: Any, tmp_path: Path) -> None:
    window.exports.ask_path = lambda title, name, filters: None
    assert window.export_contacts() is None
    assert window.export_workspace() is None
    assert window.exports.last_task is None
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.jsonl"))


def test_a_failed_export_says_why_without_blocking(qtbot: Any, window: Any, tmp_path: Path) -> None:
    window.exports.ask_path = lambda title, name, filters: tmp_path / "missing-folder" / "x.csv"
    window.action_map["export_contacts"].trigger()
    task = window.exports.last_task
    qtbot.waitUntil(lambda: task.done, timeout=10_000)
    box = window.exports.message_box
    assert box is not None and box.isVisible() and "does not exist" in box.text()
    box.close()
