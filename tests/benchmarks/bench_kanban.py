"""Kanban figures on a board of (at least) 5,000 open deals: building the board, and dropping one card."""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core import Context, Figure, benchmark, median_of, ms, p95, timed
from inproc import application, formatter, workspace

OPEN_DEALS = 5_000
DROPS = 25
WAIT_MS = 60_000


def _open_deals(path: Path) -> int:
    """Open deals in the default pipeline (the one the board shows first)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(
            conn.execute(
                """SELECT count(*) FROM deal d JOIN pipeline p ON p.id = d.pipeline_id
                   WHERE d.deleted_at IS NULL AND d.status = 'open' AND p.deleted_at IS NULL
                   AND p.id = (SELECT id FROM pipeline WHERE deleted_at IS NULL
                               ORDER BY is_default DESC, position, name LIMIT 1)"""
            ).fetchone()[0]
        )


def _board_db(ctx: Context) -> Any:
    """A writable copy of the dataset (drops write), opened once."""
    return workspace(ctx.copy())


class Board:
    """A pipeline tab with its own worker and event hub, as the main window builds it."""

    def __init__(self, db: Any) -> None:
        from crm_desktop.ui.event_hub import EventHub
        from crm_desktop.ui.pipeline.view import PipelineTab
        from crm_desktop.ui.workers import TaskRunner

        self.app = application()
        self.db = db
        self.hub = EventHub()
        self.hub.attach(db)
        self.runner = TaskRunner(db)
        self.tab = PipelineTab(self.runner, self.hub, formatter(db))
        self.tab.resize(1400, 800)
        self.tab.show()

    def load(self) -> None:
        """refresh() and wait until the board is shown (the board query runs on the worker)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        self.tab.loaded.connect(loop.quit)
        QTimer.singleShot(WAIT_MS, loop.quit)
        self.tab.refresh()
        loop.exec()
        self.tab.loaded.disconnect(loop.quit)
        self.app.processEvents()  # lay out and paint the new columns

    def close(self) -> None:
        self.runner.shutdown()
        self.hub.detach()
        self.tab.close()
        self.tab.deleteLater()


def _build_once(db: Any) -> float:
    board = Board(db)
    seconds, _ = timed(board.load)
    cards = sum(w.model.rowCount() for w in board.tab.columns)
    board.close()
    if cards == 0:
        raise RuntimeError("the board showed no cards")
    return seconds


@benchmark("kanban_build")
def kanban_build(ctx: Context) -> Figure:
    """A new pipeline tab: board query on the worker, stage columns and card models built, first paint."""
    from crm_desktop.services.deals import board

    db = _board_db(ctx)
    open_deals = _open_deals(ctx.copy())
    _build_once(db)  # warm-up
    value = statistics.median(_build_once(db) for _ in range(ctx.repeat))

    def query() -> None:
        with db.read_session() as session:
            board(session=session)

    floor = median_of(ctx.repeat, query)
    short = f" (fewer than the {OPEN_DEALS:,} of DESIGN §14)" if open_deals < OPEN_DEALS else ""
    return Figure(
        "kanban_build",
        "ms",
        value=ms(value),
        floor=ms(floor),
        budget=300.0,
        note=f"{open_deals:,} open deals{short}; floor = the board() service query alone",
        details={"open_deals": open_deals},
    )


def move_card(tab: Any, card: Any, target_stage: Any) -> None:
    """Move a card between the two stage models in place, as a drop handler would before the reload."""
    by_stage = {w.model.column.stage_id: w for w in tab.columns}
    source, target = by_stage[card.stage_id], by_stage[target_stage]
    moved = dataclasses.replace(card, stage_id=target_stage, days_in_stage=0, rotting=False)
    for widget, cards in (
        (source, [c for c in source.model.column.cards if c.id != card.id]),
        (target, sorted([*target.model.column.cards, moved], key=lambda c: (-c.value_cents, c.id.hex))),
    ):
        column = widget.model.column
        widget.set_column(
            dataclasses.replace(
                column,
                cards=cards,
                count=len(cards),
                total_cents=sum(c.value_cents for c in cards),
                weighted_cents=sum(c.value_cents * c.probability for c in cards) // 100,
            )
        )


@benchmark("kanban_drop")
def kanban_drop(ctx: Context) -> Figure:
    """Dropping a card on the next stage: move_deal through the undo stack, plus moving it between the models."""
    from crm_desktop.services.deals import move_deal
    from crm_desktop.ui.undo_stack import UndoStack

    db = _board_db(ctx)
    board = Board(db)
    board.load()
    stack = UndoStack(db)
    columns = board.tab.columns
    if len(columns) < 2:
        board.close()
        return Figure("kanban_drop", "ms", budget=30.0, unavailable="the pipeline has fewer than two open stages")
    samples: list[float] = []
    parts: list[tuple[float, float]] = []
    for drop in range(DROPS):
        source = columns[drop % (len(columns) - 1)]
        target = columns[drop % (len(columns) - 1) + 1]
        card = source.model.cards()[0]
        stage_id = target.model.column.stage_id

        service, _ = timed(
            lambda card=card, stage_id=stage_id: stack.perform(
                "Move deal", lambda s: move_deal(session=s, deal_id=card.id, stage_id=stage_id)
            )
        )
        model, _ = timed(lambda card=card, stage_id=stage_id: move_card(board.tab, card, stage_id))
        samples.append(service + model)
        parts.append((service, model))
        board.load()  # the reload the change notice triggers (not timed: it runs on the worker, see kanban_build)
    board.close()
    service_part = statistics.median(p[0] for p in parts)
    model_part = statistics.median(p[1] for p in parts)
    floor = _raw_drops(ctx.copy(), [c.model.column.stage_id for c in columns])
    return Figure(
        "kanban_drop",
        "ms",
        value=ms(statistics.median(samples)),
        floor=ms(floor),
        budget=30.0,
        note=f"median of {DROPS} drops, p95 {ms(p95(samples)):.1f} ms; median service call (undo stack + move_deal) "
        f"{ms(service_part):.1f} ms, model move {ms(model_part):.1f} ms; the tab has no drag and drop yet, so the "
        "drop is the service call plus an in-place model move; floor = raw sqlite3 UPDATE + ledger INSERT + commit",
        details={"samples_ms": [round(ms(s), 2) for s in samples]},
    )


def _raw_drops(path: Path, stages: list[Any]) -> float:
    """The floor: the same stage change written straight with sqlite3 (deal row + stage ledger row, one commit)."""
    hex_stages = [s.hex for s in stages]
    conn = sqlite3.connect(path)
    try:
        deal_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM deal WHERE status = 'open' AND deleted_at IS NULL AND stage_id = ? LIMIT ?",
                (hex_stages[0], DROPS),
            )
        ]
        ledger_columns = [r[1] for r in conn.execute("PRAGMA table_info(deal_stage_change)")]
        template = conn.execute("SELECT * FROM deal_stage_change LIMIT 1").fetchone()
        samples = []
        for number, deal_id in enumerate(deal_ids):
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
            row = dict(zip(ledger_columns, template, strict=True))
            row.update(id=f"{number:08x}" + "b" * 24, deal_id=deal_id, at=now, created_at=now, updated_at=now)
            for key, value in (("from_stage_id", hex_stages[0]), ("to_stage_id", hex_stages[1])):
                if key in row:
                    row[key] = value
            samples.append(timed(functools.partial(_write_drop, conn, deal_id, hex_stages[1], row))[0])
    finally:
        conn.close()
    return statistics.median(samples) if samples else 0.0


def _write_drop(conn: sqlite3.Connection, deal_id: str, stage: str, ledger: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE deal SET stage_id = ?, stage_entered_at = ?, updated_at = ? WHERE id = ?",
        (stage, ledger["at"], ledger["at"], deal_id),
    )
    names, marks = ", ".join(ledger), ", ".join("?" * len(ledger))
    conn.execute(f"INSERT INTO deal_stage_change ({names}) VALUES ({marks})", list(ledger.values()))
    conn.commit()
