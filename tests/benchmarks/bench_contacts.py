"""Contacts figures: type-ahead search per keystroke, opening the table, and scrolling 10,000 rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from core import Context, Figure, benchmark, median_of, ms, p95, timed
from inproc import application, formatter, workspace

VISIBLE_ROWS = 30  # what a maximized table shows: the rows a view asks data() for after a reset
SCROLL_ROWS = 10_000
SEARCH_PASSES = 3
FIRST_PAGE_SQL = """
SELECT c.id, c.display_name, o.name, c.email, c.phone, c.lifecycle_stage, c.lead_status, u.name, c.created_at, c.tags
FROM contact c
LEFT JOIN organization o ON o.id = c.organization_id AND o.deleted_at IS NULL
LEFT JOIN user u ON u.id = c.owner_id
WHERE c.deleted_at IS NULL ORDER BY c.display_name, c.id LIMIT ? OFFSET ?
"""


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _model(db: Any) -> Any:
    from crm_desktop.ui.contacts.model import ContactsModel

    application()
    return ContactsModel(db, formatter(db))


def _paint(model: Any, first: int, count: int) -> None:
    """Ask for what a view paints: the display text of every column of these rows."""
    columns = model.columnCount()
    for row in range(first, min(first + count, model.rowCount())):
        for column in range(columns):
            model.data(model.index(row, column))


def typed_words(path: Path, count: int = 6) -> list[str]:
    """What to type: display names spread through the table, and one e-mail address's local part."""
    with _raw(path) as conn:
        total = conn.execute("SELECT count(*) FROM contact WHERE deleted_at IS NULL").fetchone()[0]
        words = [
            conn.execute(
                "SELECT display_name FROM contact WHERE deleted_at IS NULL ORDER BY id LIMIT 1 OFFSET ?",
                (total * (i + 1) // (count + 1),),
            ).fetchone()[0]
            for i in range(count - 1)
        ]
        email = conn.execute(
            "SELECT email FROM contact WHERE deleted_at IS NULL AND email IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?",
            (total // 3,),
        ).fetchone()
    if email:
        words.append(email[0].split("@")[0])
    return words


def prefixes(word: str) -> list[str]:
    """The search box's text after each keystroke, as the debounced box hands it over (stripped, distinct)."""
    seen: list[str] = []
    for end in range(1, len(word) + 1):
        text = word[:end].strip()
        if text and (not seen or seen[-1] != text):
            seen.append(text)
    return seen


def _raw_search(conn: sqlite3.Connection, text: str, limit: int) -> None:
    """The floor: the same index lookups straight in sqlite3 (FTS5 MATCH on trigrams for words of 3+
    letters, on word starts for shorter ones; LIKE for short tokens without a letter or digit)."""
    tokens = text.split()
    long_tokens = [t for t in tokens if len(t) >= 3]
    starts = ["".join(ch for ch in t if ch.isalnum()) for t in tokens if len(t) < 3]
    conditions, params = [], []
    if long_tokens:
        conditions.append("rowid IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)")
        params.append(" ".join('"' + t.replace('"', '""') + '"' for t in long_tokens))
    if any(starts):
        conditions.append("rowid IN (SELECT rowid FROM contact_words WHERE contact_words MATCH ?)")
        params.append(" ".join(f'"{w}"*' for w in starts if w))
    for token in (t for t, w in zip((t for t in tokens if len(t) < 3), starts, strict=True) if not w):
        conditions.append("(name LIKE ? OR emails LIKE ? OR phones LIKE ? OR organization LIKE ?)")
        params.extend([f"%{token}%"] * 4)
    where = " AND ".join(conditions)
    conn.execute(f"SELECT count(*) FROM contact_search WHERE {where}", params).fetchone()
    conn.execute(f"SELECT contact_id FROM contact_search WHERE {where} LIMIT {limit}", params).fetchall()


@benchmark("search_keystroke_p95")
def search_keystroke(ctx: Context) -> Figure:
    """Typing names letter by letter into the contacts search: p95 per keystroke (count + first page + paint)."""
    db = workspace(ctx.db_path)
    model = _model(db)
    words = typed_words(ctx.db_path)
    warm_up, measured = words[0], words[1:]
    keystrokes = [p for word in measured for p in prefixes(word)]

    def type_word(word: str, samples: list[float] | None) -> None:
        for text in prefixes(word):
            seconds, _ = timed(lambda text=text: (model.set_search(text), _paint(model, 0, VISIBLE_ROWS)))
            if samples is not None:
                samples.append(seconds)
        model.set_search("")

    type_word(warm_up, None)
    samples: list[float] = []
    for _ in range(SEARCH_PASSES):
        for word in measured:
            type_word(word, samples)
    floor_samples: list[float] = []
    with _raw(ctx.db_path) as conn:
        for _ in range(SEARCH_PASSES):
            for text in keystrokes:
                floor_samples.append(timed(lambda text=text: _raw_search(conn, text, model.PAGE))[0])
    worst = max(zip(samples, keystrokes * SEARCH_PASSES, strict=True))
    return Figure(
        "search_keystroke_p95",
        "ms",
        value=ms(p95(samples)),
        floor=ms(p95(floor_samples)),
        budget=80.0 if ctx.size == "huge" else 30.0,
        note=f"{len(samples)} keystrokes typing {', '.join(repr(w) for w in measured)}; "
        f"slowest {ms(worst[0]):.0f} ms for {worst[1]!r}; median {ms(sorted(samples)[len(samples) // 2]):.1f} ms",
        details={"words": measured, "samples_ms": [round(ms(s), 2) for s in samples]},
    )


@benchmark("contacts_table_open")
def contacts_table_open(ctx: Context) -> Figure:
    """Building the contacts tab's model and fetching (and painting) its first page."""
    db = workspace(ctx.db_path)
    _model(db).reload()  # warm the caches once, as the start-up path would

    def open_table() -> None:
        model = _model(db)
        model.reload()
        _paint(model, 0, VISIBLE_ROWS)

    value = median_of(ctx.repeat, open_table)
    with _raw(ctx.db_path) as conn:

        def raw_first_page() -> None:
            conn.execute("SELECT count(*) FROM contact WHERE deleted_at IS NULL").fetchone()
            conn.execute(FIRST_PAGE_SQL, (200, 0)).fetchall()

        floor = median_of(ctx.repeat, raw_first_page)
    return Figure("contacts_table_open", "ms", value=ms(value), floor=ms(floor), note="no budget in DESIGN §14")


def scroll(model: Any, rows: int) -> int:
    """Fetch pages as a scrolling view does (fetchMore at the bottom), painting each page once."""
    from PySide6.QtCore import QModelIndex

    model.reload(keep_loaded=False)
    _paint(model, 0, model.rowCount())
    while model.rowCount() < rows and model.canFetchMore(QModelIndex()):
        first = model.rowCount()
        model.fetchMore(QModelIndex())
        _paint(model, first, model.rowCount() - first)
    return int(model.rowCount())


@benchmark("contacts_scroll_10k")
def contacts_scroll(ctx: Context) -> Figure:
    """Scrolling the lazy contacts model from row 0 to 10,000 (fetchMore pages plus data() for every cell)."""
    db = workspace(ctx.db_path)
    model = _model(db)
    reached = scroll(model, SCROLL_ROWS)
    runs = max(1, ctx.repeat // 2)
    value = median_of(runs, lambda: scroll(model, SCROLL_ROWS))
    page = model.PAGE
    with _raw(ctx.db_path) as conn:

        def raw_pages() -> None:
            conn.execute("SELECT count(*) FROM contact WHERE deleted_at IS NULL").fetchone()
            for offset in range(0, reached, page):
                conn.execute(FIRST_PAGE_SQL, (page, offset)).fetchall()

        floor = median_of(runs, raw_pages)
    return Figure(
        "contacts_scroll_10k",
        "ms",
        value=ms(value),
        floor=ms(floor),
        note=f"{reached:,} rows in pages of {page}; floor = the same pages in raw sqlite3; no budget in DESIGN §14",
    )
