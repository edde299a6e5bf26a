"""The forecast panel: loads on the worker for a filter and shows one row per bucket, in words and money."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette

from crm_desktop.services.deal_filter import DealFilter
from crm_desktop.services.deals import create_deal
from crm_desktop.services.forecast import Forecast, ForecastBucket, forecast
from crm_desktop.services.users import create_user
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.pipeline.forecast_panel import ForecastPanel, bucket_colour, bucket_label
from crm_desktop.ui.workers import TaskRunner


def _month(today: date, ahead: int) -> date:
    index = today.month - 1 + ahead
    return date(today.year + index // 12, index % 12 + 1, 1)


@pytest.fixture
def runner(empty_db: Any) -> Any:
    task_runner = TaskRunner(empty_db)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def panel(qtbot: Any, runner: TaskRunner) -> ForecastPanel:
    widget = ForecastPanel(runner, Formatter())
    qtbot.addWidget(widget)
    widget.resize(380, 460)
    widget.show()
    return widget


def test_rows_for_a_known_pipeline(qtbot: Any, panel: ForecastPanel, empty_db: Any) -> None:
    today = datetime.now(UTC).date()  # the workspace's business zone is UTC
    next_month, later = _month(today, 1), _month(today, 3)
    with empty_db.session() as session:
        ann = create_user(session=session, name="Ann Able").id
        create_deal(session=session, title="Late", value_cents=10_000, expected_close=today - timedelta(days=40))
        create_deal(session=session, title="A", value_cents=20_000, probability=60, expected_close=next_month)
        create_deal(session=session, title="B", value_cents=30_000, owner_id=ann, expected_close=next_month)
        create_deal(session=session, title="C", value_cents=5_000, probability=80, expected_close=later)
        create_deal(session=session, title="Undated", value_cents=999, probability=25)
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.set_filter(DealFilter())
    fmt = panel.fmt
    between = _month(today, 2)
    assert panel.rows() == [
        ("Overdue", "1", "€100", "€10"),  # 10 % (first stage)
        (fmt.date(next_month, fmt="LLL y"), "2", "€500", "€150"),  # 20,000×60 % + 30,000×10 %
        (fmt.date(between, fmt="LLL y"), "0", "€0", "€0"),  # the empty month between is shown
        (fmt.date(later, fmt="LLL y"), "1", "€50", "€40"),
        ("No date", "1", "€10", "€2"),  # 999 × 25 % = 249.75 cents, shown as whole euros
    ]
    assert panel.summary.text() == "€202 weighted of €660 in 5 open deals"
    assert panel.result is not None and panel.chart.buckets == panel.result.buckets
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.set_filter(DealFilter(owner_id=ann))
    assert panel.rows() == [(fmt.date(next_month, fmt="LLL y"), "1", "€300", "€30")]
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.set_filter(DealFilter(text="nothing like this"))
    assert panel.rows() == [] and panel.table.isHidden()
    assert panel.summary.text() == "No open deals match the filter"
    assert not panel.grab().isNull()


def test_the_seeded_business_matches_the_service(qtbot: Any, db: Any) -> None:
    task_runner = TaskRunner(db)
    try:
        fmt = Formatter.load(db)
        widget = ForecastPanel(task_runner, fmt)
        qtbot.addWidget(widget)
        with qtbot.waitSignal(widget.loaded, timeout=10_000):
            widget.set_filter(DealFilter())
        with db.read_session() as session:
            expected = forecast(session=session)
        assert expected.deals > 0
        assert [row[0] for row in widget.rows()] == [bucket_label(b, fmt) for b in expected.buckets]
        assert [row[3] for row in widget.rows()] == [fmt.money(b.weighted_cents, whole=True) for b in expected.buckets]
        assert sum(int(row[1].replace(",", "")) for row in widget.rows()) == expected.deals
    finally:
        task_runner.shutdown()


def test_colours_follow_the_palette(qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = app.styleSheet()
    app.setStyleSheet("")  # an earlier test's app style sheet would override the palette set here
    qtbot.addWidget(panel := ForecastPanel(None, Formatter()))
    try:
        _check_dark_palette(panel)
    finally:
        app.setStyleSheet(sheet)


def _check_dark_palette(panel: ForecastPanel) -> None:
    buckets = [ForecastBucket("overdue", None, 1, 100, 10), ForecastBucket("month", date(2024, 4, 1), 1, 100, 50)]
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#1e1f22"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    dark.setColor(QPalette.ColorRole.Highlight, QColor("#3d7bd9"))
    panel.setPalette(dark)
    panel.show_forecast(Forecast(today=date(2024, 4, 2), buckets=buckets))
    assert bucket_colour(buckets[1], panel.palette()) == QColor("#3d7bd9")
    overdue = panel.table.item(0, 0).foreground().color()
    assert overdue == bucket_colour(buckets[0], dark) and overdue.lightnessF() > 0.5  # readable on dark
    image = panel.chart.grab().toImage()
    assert image.pixelColor(2, image.height() - 2).lightnessF() < 0.3  # the chart's background is dark
