"""`crm-desktop quote DEAL_ID --out FILE.pdf` as a user runs it: the file, the message and the exit codes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm_desktop import cli
from crm_desktop.services.deals import create_deal
from crm_desktop.services.workspace import open_workspace


@pytest.fixture
def deal(tmp_path: Path) -> tuple[Path, uuid.UUID]:
    path = tmp_path / "crm.sqlite"
    db = open_workspace(path)
    with db.session() as session:
        deal_id = create_deal(session=session, title="Garden makeover", value_cents=250_000).id
    db.close()
    return path, deal_id


def test_quote_writes_the_pdf(deal: tuple[Path, uuid.UUID], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, deal_id = deal
    out = tmp_path / "quote.pdf"
    assert cli.main(["--db", str(path), "quote", str(deal_id), "--out", str(out)]) == 0
    assert "Garden makeover" in PdfReader(out).pages[0].extract_text()
    assert f"written to {out}" in capsys.readouterr().out


def test_quote_names_the_file_itself(
    deal: tuple[Path, uuid.UUID], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, deal_id = deal
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--db", str(path), "quote", str(deal_id)]) == 0
    (written,) = tmp_path.glob("Quote Q-*.pdf")
    assert written.name == f"Quote Q-{deal_id.hex[-8:].upper()} – Garden makeover.pdf"


def test_unknown_deal_and_bad_id(deal: tuple[Path, uuid.UUID], capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = deal
    assert cli.main(["--db", str(path), "quote", str(uuid.uuid4()), "--out", "x.pdf"]) == 1
    assert "Deal not found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--db", str(path), "quote", "not-a-uuid"])
    assert exit_info.value.code == 2
