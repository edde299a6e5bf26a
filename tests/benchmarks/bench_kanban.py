"""Kanban figures on a board of (at least) 5,000 open deals: building the board, and dropping one card."""

from __future__ import annotations

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
        from crm_desktop.ui.undo_stack import UndoStack
        from crm_desktop.ui.workers import TaskRunner

        self.app = application()
        self.db = db
        self.hub = EventHub()
        self.hub.attach(db)
        self.runner = TaskRunner(db)
        self.stack = UndoStack(db)
        self.tab = PipelineTab(self.runner, self.hub, formatter(db), self.stack)
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


@benchmark("kanban_drop")
def kanban_drop(ctx: Context) -> Figure:
    """Dropping a card on the next stage, as the drop handler does it: move_deal through the undo stack, the
    card moved between the two stage models in place with both headers updated, and the event-loop turn
    that delivers the change notice (which the board recognises as its own echo) and repaints."""
    from crm_desktop.ui.pipeline.view import Target

    db = _board_db(ctx)
    board = Board(db)
    board.load()
    columns = board.tab.columns
    if len(columns) < 2:
        board.close()
        return Figure("kanban_drop", "ms", budget=30.0, unavailable="the pipeline has fewer than two open stages")
    samples: list[float] = []
    for drop in range(DROPS):
        source = columns[drop % (len(columns) - 1)]
        target = columns[drop % (len(columns) - 1) + 1]
        card = source.model.cards()[0]

        def drop_card(card: Any = card, target: Any = target) -> None:
            board.tab.moves.move(Target(card.id, card.title, card.stage_id), target.stage_id, target.model.column.name)
            board.app.processEvents()

        samples.append(timed(drop_card)[0])
    board.close()
    floor = _raw_drops(ctx.copy(), [c.model.column.stage_id for c in columns])
    return Figure(
        "kanban_drop",
        "ms",
        value=ms(statistics.median(samples)),
        floor=ms(floor),
        budget=30.0,
        note=f"median of {DROPS} drops, p95 {ms(p95(samples)):.1f} ms: undo stack + move_deal + in-place model "
        "move + the event-loop turn with the change notice and repaint; floor = raw sqlite3 UPDATE + ledger "
        "INSERT + commit",
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
