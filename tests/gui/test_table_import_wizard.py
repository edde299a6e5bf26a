"""File → Import Deals / Organizations / Purchases: the table wizard maps, checks and imports a CSV file."""

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

from crm_desktop.domain import Contact, Deal, DealStageChange, Organization, Purchase, Stage
from crm_desktop.services.importing import deal_writer
from crm_desktop.ui.importing.table_kinds import CREATE_MISSING, MATCH_STAGES, gui_words
from crm_desktop.ui.importing.table_wizard import TableImportWizard, open_table_import_wizard
from crm_desktop.ui.workers import TaskRunner

HEADER = ["Deal Name", "Company", "Contact Email", "Deal Stage", "Status", "Amount", "Create Date", "Close Date",
          "Lost Reason", "Remarks"]  # fmt: skip
DEALS = [
    ["Fair roastery supply", "Fair Acme Ltd", "ann@fairacme.example", "Proposal", "Open", "1,200", "05/03/2025", "",
     "", "Call back in May"],
    ["Fair espresso machines", "Fair Beta GmbH", "bob@fairbeta.example", "Negotiation", "Won", "2500", "10/02/2025",
     "25/03/2025", "", "Paid by card"],
    ["Fair grinder", "Fair Gamma", "carol@fairgamma.example", "Qualification", "Lost", "300", "12/02/2025",
     "20/03/2025", "Price", ""],
]  # fmt: skip
BAD_DATE = ["Fair broken row", "Fair Delta", "dan@fairdelta.example", "Proposal", "Open", "100", "31/31/2025", "", "",
            ""]  # fmt: skip
UNKNOWN_STAGE = ["Fair tasting", "Fair Epsilon", "eve@faireps.example", "Demo booked", "Open", "150", "01/03/2025", "",
                 "", ""]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def runner(db: Any) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(db)
    yield task_runner
    task_runner.shutdown()


def _open(qtbot: Any, db: Any, runner: TaskRunner, path: Path, kind: str = "deals") -> TableImportWizard:
    wizard = open_table_import_wizard(None, db, runner, kind=kind, path=path)
    qtbot.addWidget(wizard)
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    return wizard


def _next(qtbot: Any, wizard: QWizard) -> None:
    button = wizard.button(QWizard.WizardButton.CommitButton)
    if not button.isVisible():
        button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"{button.text()} is disabled on page {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _checked(qtbot: Any, wizard: TableImportWizard) -> Any:
    """Go on to the dry run and wait for its report."""
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview_page.report is not None, timeout=10_000)
    return wizard.preview_page.report


def _deals(db: Any, prefix: str = "Fair ") -> dict[str, dict[str, Any]]:
    """The imported deals by title, as plain values (the session is gone when they are read)."""
    with db.read_session() as session:
        return {d.title: d.model_dump() for d in session.exec(select(Deal).where(col(Deal.title).startswith(prefix)))}


def _count(db: Any, model: Any) -> int:
    with db.read_session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_deals_are_mapped_checked_and_imported_with_their_history(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "deals.csv", HEADER, DEALS)
    changes_before = _count(db, DealStageChange)
    wizard = _open(qtbot, db, runner, path)
    assert wizard.windowTitle() == "Import deals"
    assert wizard.file_page.summary.text().startswith("CSV file · 3 rows · 10 columns")

    _next(qtbot, wizard)
    page = wizard.mapping_page
    guessed = {key: HEADER[column] for key, column in page.mapping().items()}
    assert guessed == {"title": "Deal Name", "organization": "Company", "contact_email": "Contact Email",
                       "stage": "Deal Stage", "status": "Status", "value": "Amount", "created": "Create Date",
                       "closed": "Close Date", "lost_reason": "Lost Reason"}  # fmt: skip
    remarks = page.columns.combo(HEADER.index("Remarks"))
    assert remarks.currentText() == "Don't import"
    remarks.setCurrentIndex(remarks.findText("Notes"))  # the user picks "Notes" in the combo
    assert page.mapping()["notes"] == HEADER.index("Remarks")
    assert page.options.detected.text() == "Detected: day first."  # 25/03/2025 can only be day first

    report = _checked(qtbot, wizard)
    preview = wizard.preview_page
    assert report.dry_run and (report.created, report.skipped, report.failed) == (3, 0, [])
    assert preview.tiles.numbers["created"].text() == "3"
    assert "(1 open, 1 won, 1 lost" in preview.status.text()
    assert _deals(db) == {}  # a dry run writes nothing

    with qtbot.waitSignal(wizard.imported, timeout=10_000) as imported:
        _next(qtbot, wizard)
    assert imported.args[0].created == 3 and not imported.args[0].dry_run
    assert "Import finished: 3 rows read: 3 deals created" in wizard.import_page.status.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    deals = _deals(db)
    statuses = {t: d["status"] for t, d in deals.items()}
    assert statuses == {"Fair roastery supply": "open", "Fair espresso machines": "won", "Fair grinder": "lost"}
    assert deals["Fair roastery supply"]["notes"] == "Call back in May"
    assert deals["Fair roastery supply"]["value_cents"] == 120_000
    with db.read_session() as session:
        stage = session.get(Stage, deals["Fair roastery supply"]["stage_id"])
        assert stage is not None and stage.name == "Proposal"
        won_history = session.exec(
            select(DealStageChange).where(DealStageChange.deal_id == deals["Fair espresso machines"]["id"])
        ).all()
        purchase = session.exec(select(Purchase).where(Purchase.deal_id == deals["Fair espresso machines"]["id"])).one()
        buyer = session.get(Contact, purchase.contact_id)
        assert len(won_history) == 2  # entered Negotiation when created, then Won when closed
        assert purchase.amount_cents == 250_000 and buyer is not None and buyer.email == "bob@fairbeta.example"
    assert _count(db, DealStageChange) == changes_before + 2 + 2 + 1  # open: 1, won: 2, lost: 2


def test_a_bad_row_is_reported_while_the_good_rows_arrive(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "deals.csv", HEADER, [DEALS[0], BAD_DATE, UNKNOWN_STAGE, DEALS[1]])
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    report = _checked(qtbot, wizard)
    preview = wizard.preview_page
    assert [n for n, _ in report.failed] == [3, 4]  # spreadsheet rows (the header is row 1)
    assert preview.tiles.numbers["failed"].text() == "2"
    reasons = [preview.problems.item(row, 2).text() for row in range(preview.problems.rowCount())]
    assert "Created" in reasons[0] and "Demo booked" in reasons[1]
    assert CREATE_MISSING in reasons[1] and "--" not in reasons[1]  # the option's name, not the command's flag
    assert "Demo booked" in preview.note.text() and "--" not in preview.note.text()

    wizard.back()  # the user ticks the option and checks again
    wizard.mapping_page.options.create_missing.setChecked(True)
    report = _checked(qtbot, wizard)
    assert [n for n, _ in report.failed] == [3] and report.counts["new stages"] == 1

    _next(qtbot, wizard)
    done = wizard.import_page
    qtbot.waitUntil(lambda: done.report is not None, timeout=10_000)
    assert set(_deals(db)) == {"Fair roastery supply", "Fair tasting", "Fair espresso machines"}
    with db.read_session() as session:
        assert session.exec(select(Stage).where(Stage.name == "Demo booked")).one().kind == "open"
    saved = done.save_error_report(tmp_path / "problems.csv")
    assert saved is not None
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["Row", "Outcome", "Reason"] and rows[1][:2] == ["3", "Not imported"]


def test_stage_names_the_workspace_lacks_are_matched_in_the_wizard(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    """“Demo booked” is not a stage here: the dry run refuses its row until it is matched to Proposal."""
    closed_won = ["Fair closed", "Fair Zeta", "zed@fairzeta.example", "Closed Won", "", "700", "01/03/2025",
                  "15/03/2025", "", ""]  # fmt: skip
    second_demo = ["Fair tasting 2", *UNKNOWN_STAGE[1:]]
    path = write_csv(tmp_path / "deals.csv", HEADER, [DEALS[0], UNKNOWN_STAGE, second_demo, closed_won])
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    page, options = wizard.mapping_page, wizard.mapping_page.options
    assert [(s.name, s.rows, s.reading) for s in page.stages] == [
        ("Proposal", 1, "Proposal"), ("Demo booked", 2, None), ("Closed Won", 1, "Won"),
    ]  # fmt: skip
    assert options.stage_summary.text() == "3 stage names; 1 not known here: “Demo booked”."
    assert [n for n, _ in _checked(qtbot, wizard).failed] == [3, 4]

    wizard.back()
    dialog = page.open_stage_match()  # a child of the page, deleted when it closes
    assert dialog.combos[1].currentText() == "Not known: choose a stage"
    assert dialog.combos[2].currentText() == "Won (recognised)"
    dialog.combos[1].setCurrentIndex(dialog.combos[1].findData("Proposal"))
    assert dialog.unknown() == [] and dialog.summary.text() == "Every stage name is matched."
    dialog.accept()
    assert options.stage_map == {"Demo booked": "Proposal"}
    assert options.stage_summary.text() == "3 stage names, all matched (1 by hand)."
    assert _checked(qtbot, wizard).failed == []
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.report is not None, timeout=10_000)
    with db.read_session() as session:
        placed = session.exec(
            select(Deal.title, Stage.name)
            .join(Stage, col(Stage.id) == Deal.stage_id)
            .where(col(Deal.title).startswith("Fair tasting"))
            .order_by(Deal.title)
        ).all()
    assert placed == [("Fair tasting", "Proposal"), ("Fair tasting 2", "Proposal")]


def test_the_mapping_needs_a_title_and_a_field_fills_one_column(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    wizard = _open(qtbot, db, runner, write_csv(tmp_path / "deals.csv", HEADER, DEALS))
    _next(qtbot, wizard)
    page, next_button = wizard.mapping_page, wizard.button(QWizard.WizardButton.NextButton)
    page.columns.set_field(HEADER.index("Remarks"), "title")  # taken from "Deal Name"
    assert page.columns.field_of(HEADER.index("Deal Name")) == "ignore"
    assert page.mapping()["title"] == HEADER.index("Remarks") and next_button.isEnabled()
    page.columns.set_field(HEADER.index("Remarks"), "ignore")
    assert not next_button.isEnabled() and page.summary.text() == "Choose the column that holds the title."
    page.options.date_order.setCurrentIndex(page.options.date_order.findData("mdy"))
    page.columns.set_field(HEADER.index("Deal Name"), "title")
    assert page.plan().date_format == "mdy" and page.plan().mapping["title"] == 0
    report = _checked(qtbot, wizard)
    assert [n for n, _ in report.failed] == [3, 4]  # 25/03/2025 and 20/03/2025 are no month-first dates
    assert "month/day" in report.failed[0][1] and "under Dates" in report.failed[0][1]


def test_cancel_during_the_deal_import_leaves_nothing_behind(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user clicks Cancel after the rows were written inside the transaction: all of it is rolled back."""
    rows = [[f"Fair bulk {n}", f"Fair Org {n % 5}", f"buyer{n}@fairbulk.example", "Negotiation", "Won", "99",
             "02/01/2025", "15/01/2025", "", ""] for n in range(40)]  # fmt: skip
    path = write_csv(tmp_path / "deals.csv", HEADER, rows)
    saving, clicked = threading.Event(), threading.Event()
    real = deal_writer.run_deal_import

    def paused(*args: Any, **kwargs: Any) -> Any:
        report = kwargs["progress"]

        def progress(fraction: float, message: str) -> None:
            report(fraction, message)
            if message == "Saving" and not kwargs.get("dry_run"):
                saving.set()
                assert clicked.wait(10)  # hold the worker until the user has clicked Cancel

        return real(*args, **{**kwargs, "progress": progress})

    monkeypatch.setattr(deal_writer, "run_deal_import", paused)
    counts = {m: _count(db, m) for m in (Deal, DealStageChange, Purchase, Contact, Organization)}
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    assert _checked(qtbot, wizard).created == 40
    _next(qtbot, wizard)
    page = wizard.import_page
    assert saving.wait(10)
    assert page.cancel_button.isVisible() and not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: page.task is not None and page.task.done, timeout=10_000)
    qtbot.waitUntil(lambda: page.status.text() == "Cancelled: nothing was imported.")
    assert page.report is None and page.retry_button.isVisible()
    assert {m: _count(db, m) for m in counts} == counts


def test_organizations_and_purchases_use_the_same_wizard(
    qtbot: Any, db: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    companies = [["Fairview Bakery", "https://fairview.example", "Leeds"], ["", "https://nameless.example", ""]]
    orgs = write_csv(tmp_path / "companies.csv", ["Company Name", "Website", "City"], companies)
    wizard = _open(qtbot, db, runner, orgs, kind="organizations")
    _next(qtbot, wizard)
    assert wizard.mapping_page.mapping() == {"name": 0, "website": 1, "city": 2}
    assert set(wizard.mapping_page.options.on_match) == {"update", "skip", "create"}
    options = wizard.mapping_page.options
    assert options.isVisibleTo(wizard) and not options.date_order.isVisibleTo(wizard)
    assert not options.award_points.isVisibleTo(wizard) and not options.create_missing.isVisibleTo(wizard)
    report = _checked(qtbot, wizard)
    assert (report.created, report.failed_count) == (1, 1)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.report is not None, timeout=10_000)
    with db.read_session() as session:
        bakery = session.exec(select(Organization).where(Organization.name == "Fairview Bakery")).one()
        assert bakery.city == "Leeds"

    sales = write_csv(tmp_path / "orders.csv", ["Email", "Customer", "Order Date", "Total"],
                      [["fay@fairview.example", "Fay Baker", "2025-04-02", "42.50"]])  # fmt: skip
    wizard = _open(qtbot, db, runner, sales, kind="purchases")
    _next(qtbot, wizard)
    assert wizard.mapping_page.mapping() == {"contact_email": 0, "contact_name": 1, "date": 2, "amount": 3}
    wizard.mapping_page.options.award_points.setChecked(True)
    assert _checked(qtbot, wizard).created == 1
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.report is not None, timeout=10_000)
    with db.read_session() as session:
        fay = session.exec(select(Contact).where(Contact.email == "fay@fairview.example")).one()
        amounts = session.exec(select(Purchase.amount_cents).where(Purchase.contact_id == fay.id)).all()
    assert amounts == [4250]


def test_command_line_hints_are_put_in_the_wizards_words() -> None:
    note = ("Rows named what this workspace does not have: stage 'Demo' (2 rows). Map stage names with --stage-map "
            "'NAME=STAGE', or import with --create-missing to add them.")  # fmt: skip
    assert gui_words(note).endswith(f"Match stage names with “{MATCH_STAGES}”, or tick “{CREATE_MISSING}” to add them.")
    read_as = ("To place them otherwise, rename them in the file, or on the command line map them with --stage-map "
               "'NAME=STAGE'.")  # fmt: skip
    assert gui_words(read_as) == f"To place them otherwise, choose other stages with “{MATCH_STAGES}”."
    assert "“Month first” under Dates" in gui_words("If that is wrong, import again with --date-format mdy.")
    with pytest.raises(ValueError, match="not a table import"):
        open_table_import_wizard(None, None, None, kind="invoices")  # type: ignore[arg-type]


def test_the_wizard_guesses_deal_columns_as_the_command_line_does(qtbot: Any, db: Any, runner: TaskRunner,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    """A hand-made "Closed" column of dates is the close date, not a yes/no flag, in the wizard too."""
    path = write_csv(tmp_path / "sheet.csv", ["Title", "Status", "Value", "Created", "Closed"],
                     [["Fair sheet deal", "Won", "900", "2025-01-10", "2025-02-01"]])  # fmt: skip
    wizard = _open(qtbot, db, runner, path)
    _next(qtbot, wizard)
    assert wizard.mapping_page.mapping() == deal_writer.guess_deal_columns(wizard.source)
    assert wizard.mapping_page.mapping()["closed"] == 4 and "is_closed" not in wizard.mapping_page.mapping()
