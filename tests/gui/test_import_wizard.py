"""File → Import Contacts…: the wizard maps, checks and imports a file; bad rows are reported, Cancel leaves nothing."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlmodel import col, func, select

from crm_desktop.domain import Contact, Organization
from crm_desktop.services.contact_list import ContactFilter, count_contacts, list_contacts
from crm_desktop.ui.importing import run_page
from crm_desktop.ui.importing.wizard import ImportWizard, open_import_wizard
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
GOOGLE = ["First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title", "Birthday", "Notes",
          "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value",
          "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code", "Address 1 - Country"]  # fmt: skip
PEOPLE = [
    ("Maya", "Okafor", "Little Fox Café", "Owner", "maya@littlefox.example", "+44 20 7946 0391", "Manchester"),
    ("Jonas", "Lindqvist", "Nordic Brew Bar", "Head barista", "jonas@nordicbrew.example", "+46 8 123 456 78", ""),
    ("Chloé", "Martin", "Le Petit Comptoir", "Gérante", "chloe@petitcomptoir.example", "+33 1 42 68 53 00", "Paris"),
]


def write_google_csv(path: Path, people: list[tuple[str, ...]], *, bad_email_row: bool = False) -> Path:
    """A Google Contacts export (new header); with `bad_email_row`, the second data row (row 3) is broken."""
    rows = []
    for given, family, org, title, email, phone, city in people:
        cells = dict.fromkeys(GOOGLE, "")
        cells.update({"First Name": given, "Last Name": family, "Organization Name": org, "Organization Title": title,
                      "Labels": "* myContacts ::: Wholesale", "E-mail 1 - Label": "* Work", "E-mail 1 - Value": email,
                      "Phone 1 - Label": "Work", "Phone 1 - Value": phone, "Address 1 - City": city})  # fmt: skip
        rows.append([cells[h] for h in GOOGLE])
    if bad_email_row:
        broken = dict.fromkeys(GOOGLE, "")
        broken.update({"First Name": "Broken", "Last Name": "Row", "E-mail 1 - Value": "not-an-address"})
        rows.insert(1, [broken[h] for h in GOOGLE])
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(GOOGLE)
        writer.writerows(rows)
    return path


@pytest.fixture
def runner(db: Any) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(db)
    yield task_runner
    task_runner.shutdown()


def _open(qtbot: Any, db: Any, runner: TaskRunner, path: Path) -> ImportWizard:
    wizard = open_import_wizard(None, db, runner, UndoStack(db), path=path)
    qtbot.addWidget(wizard)
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    return wizard


def _next(qtbot: Any, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton)
    if not button.isVisible():
        button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"{button.text()} is disabled on page {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _emails(db: Any) -> set[str]:
    with db.read_session() as session:
        stmt = select(Contact.email).where(col(Contact.deleted_at).is_(None), col(Contact.email).is_not(None))
        return set(session.exec(stmt))


def _organizations(db: Any) -> int:
    with db.read_session() as session:
        return session.exec(select(func.count()).select_from(Organization)).one()


def test_a_google_csv_goes_through_mapping_and_dry_run_into_the_database(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    path = write_google_csv(tmp_path / "contacts.csv", PEOPLE)
    with db.read_session() as session:
        before = count_contacts(session=session)
    wizard = _open(qtbot, db, runner, path)
    assert "Google Contacts CSV · 3 rows" in wizard.file_page.summary.text()

    _next(qtbot, wizard)
    page = wizard.mapping_page
    assert wizard.currentId() == ImportWizard.MAPPING
    assert page.detected.text() == "Detected: Google Contacts"
    assert page.preset.currentData() == "google"
    headers = GOOGLE
    assert page.columns.field_of(headers.index("E-mail 1 - Value")) == "email"
    assert page.columns.field_of(headers.index("Organization Name")) == "organization"
    assert page.columns.combo(headers.index("E-mail 1 - Label")).currentText() == "Label of E-mail 1"
    assert page.columns.isRowHidden(headers.index("Photo"))  # empty in every row
    page.columns.set_field(headers.index("Organization Title"), "ignore")  # the user drops the job titles
    page.options.tag.setText("Autumn fair")

    _next(qtbot, wizard)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.report is not None, timeout=10_000)
    assert preview.report is not None and preview.report.created == 3 and preview.report.dry_run
    assert preview.tiles.numbers["created"].text() == "3"
    assert not {p[4] for p in PEOPLE} & _emails(db)  # a dry run writes nothing

    _next(qtbot, wizard)
    done = wizard.import_page
    qtbot.waitUntil(lambda: done.task is not None and done.task.done, timeout=10_000)
    assert done.report is not None and wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert "Import finished: 3 rows read: 3 created" in done.status.text()
    assert "“Autumn fair”" in done.note.text() and "Trash" in done.note.text()
    with db.read_session() as session:
        assert count_contacts(session=session) == before + 3
        maya = list_contacts(session=session, filter=ContactFilter(search="maya@littlefox.example"))[0]
    assert maya.display_name == "Maya Okafor" and maya.organization_name == "Little Fox Café"
    assert set(maya.tags) >= {"Autumn fair", "Wholesale"}
    with db.read_session() as session:
        titles = session.exec(select(Contact.title).where(Contact.email == "maya@littlefox.example")).all()
    assert titles == [None]  # the column the user set to "Don't import"


def test_a_bad_row_is_reported_and_the_good_rows_arrive(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    path = write_google_csv(tmp_path / "contacts.csv", PEOPLE, bad_email_row=True)
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.report is not None, timeout=10_000)
    assert preview.tiles.numbers["failed"].text() == "1"
    assert preview.problems.rowCount() == 1
    assert preview.problems.item(0, 0).text() == "3"  # the spreadsheet row (the header is row 1)
    assert preview.problems.item(0, 1).text() == "Not imported"
    assert "not-an-address" in preview.problems.item(0, 2).text()

    _next(qtbot, wizard)
    done = wizard.import_page
    qtbot.waitUntil(lambda: done.report is not None, timeout=10_000)
    assert done.report is not None and done.report.created == 3 and done.report.failed_count == 1
    assert {p[4] for p in PEOPLE} <= _emails(db)
    assert "not-an-address" not in _emails(db)
    assert done.save_button.isEnabled()
    saved = done.save_error_report(tmp_path / "problems.csv")
    assert saved is not None
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["Row", "Outcome", "Reason"]
    assert rows[1][:2] == ["3", "Not imported"] and "not-an-address" in rows[1][2]


def test_cancel_during_the_import_leaves_nothing_behind(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user clicks Cancel after the rows were written inside the transaction: all of it is rolled back."""
    people = [(f"Guest{n:03d}", "Tester", f"Venue {n % 7}", "", f"guest{n}@fair.example", "", "") for n in range(300)]
    path = write_google_csv(tmp_path / "contacts.csv", people)
    saving, clicked = threading.Event(), threading.Event()
    real_run_import = run_page.run_import

    def paused_run_import(*args: Any, **kwargs: Any) -> Any:
        report = kwargs["progress"]

        def progress(fraction: float, message: str) -> None:
            report(fraction, message)
            if message == "Saving" and not kwargs.get("dry_run"):
                saving.set()
                assert clicked.wait(10)  # hold the worker until the user has clicked Cancel

        return real_run_import(*args, **{**kwargs, "progress": progress})

    monkeypatch.setattr(run_page, "run_import", paused_run_import)
    before, organizations = _emails(db), _organizations(db)
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview_page.report is not None, timeout=10_000)
    _next(qtbot, wizard)
    page = wizard.import_page
    assert saving.wait(10)
    assert page.cancel_button.isVisible() and not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: page.task is not None and page.task.done, timeout=10_000)
    qtbot.waitUntil(lambda: page.status.text() == "Cancelled: nothing was imported.")
    assert page.report is None and page.retry_button.isVisible()
    assert _emails(db) == before
    assert _organizations(db) == organizations


def test_a_vcard_file_shows_its_cards_instead_of_a_mapping(qtbot: Any, db: Any, runner: TaskRunner) -> None:
    wizard = _open(qtbot, db, runner, FIXTURES / "v30_apple.vcf")
    assert wizard.file_page.summary.text().startswith("vCard file · ")
    _next(qtbot, wizard)
    page = wizard.mapping_page
    assert page.stack.currentWidget() is page.cards
    names = {page.cards.item(row, 1).text() for row in range(page.cards.rowCount())}
    assert "Lise Meitner" in names
    assert "card" in page.summary.text()
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview_page.report is not None, timeout=10_000)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.report is not None, timeout=10_000)
    assert "lise@kwi.example" in _emails(db)


def test_an_unreadable_file_is_explained_on_the_first_page(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    wizard = open_import_wizard(None, db, runner, UndoStack(db), path=path)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.file_page.hint.isVisibleTo(wizard.file_page), timeout=10_000)
    assert "picture" in wizard.file_page.hint.text()
    assert not wizard.file_page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
