"""Contact search (DESIGN §5): FTS5 indexes kept current from the journal hook.

`contact_search` holds one row of searchable text per live contact; `contact_fts` indexes it by
trigrams (words of 3+ letters match anywhere) and `contact_words` by word starts (1-2 letters match the
start of a word in the name, an e-mail, a phone or the organization), both as external content.
User text never reaches MATCH raw: every token is quoted, so quotes, `*`, `AND`, `-` or emoji in a
search box cannot raise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, bindparam, literal_column, select, text
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection

INDEXED_TABLES = frozenset({"contact", "contact_channel", "organization"})
CHUNK = 500
DENSE_SHARE = 0.2  # when a search matches this share of contacts, walk the list's order testing each row
WALK_SHARE = 0.02  # a plain search matching this share walks the name index instead of sorting its matches

# Word starts, for searches of one or two letters (a trigram index cannot look those up).
WORDS_SCHEMA = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS contact_words USING fts5(
        name, emails, phones, organization, content='contact_search', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2')""",
    """CREATE TRIGGER IF NOT EXISTS contact_words_ai AFTER INSERT ON contact_search BEGIN
        INSERT INTO contact_words(rowid, name, emails, phones, organization)
        VALUES (new.rowid, new.name, new.emails, new.phones, new.organization); END""",
    """CREATE TRIGGER IF NOT EXISTS contact_words_ad AFTER DELETE ON contact_search BEGIN
        INSERT INTO contact_words(contact_words, rowid, name, emails, phones, organization)
        VALUES ('delete', old.rowid, old.name, old.emails, old.phones, old.organization); END""",
)
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS contact_search (
        rowid INTEGER PRIMARY KEY, contact_id CHAR(32) NOT NULL UNIQUE,
        name TEXT, emails TEXT, phones TEXT, organization TEXT, tags TEXT, notes TEXT, display_name TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_contact_search_name ON contact_search (display_name, contact_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS contact_fts USING fts5(
        name, emails, phones, organization, tags, notes,
        content='contact_search', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS contact_search_ai AFTER INSERT ON contact_search BEGIN
        INSERT INTO contact_fts(rowid, name, emails, phones, organization, tags, notes)
        VALUES (new.rowid, new.name, new.emails, new.phones, new.organization, new.tags, new.notes); END""",
    """CREATE TRIGGER IF NOT EXISTS contact_search_ad AFTER DELETE ON contact_search BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, name, emails, phones, organization, tags, notes)
        VALUES ('delete', old.rowid, old.name, old.emails, old.phones, old.organization, old.tags,
                old.notes); END""",
    *WORDS_SCHEMA,
)
DROP = (
    "DROP TRIGGER IF EXISTS contact_words_ad",
    "DROP TRIGGER IF EXISTS contact_words_ai",
    "DROP TABLE IF EXISTS contact_words",
    "DROP TRIGGER IF EXISTS contact_search_ad",
    "DROP TRIGGER IF EXISTS contact_search_ai",
    "DROP TABLE IF EXISTS contact_fts",
    "DROP TABLE IF EXISTS contact_search",
)

_SEARCH_ROWS = """
INSERT INTO contact_search (contact_id, name, emails, phones, organization, tags, notes, display_name)
SELECT c.id,
       trim(c.display_name || ' ' || coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')),
       trim(coalesce(c.email, '') || ' ' || coalesce((SELECT group_concat(ch.value, ' ') FROM contact_channel ch
            WHERE ch.contact_id = c.id AND ch.kind = 'email' AND ch.deleted_at IS NULL), '')),
       trim(coalesce(c.phone, '') || ' ' || coalesce((SELECT group_concat(ch.value || ' ' ||
            coalesce(ch.normalized, ''), ' ') FROM contact_channel ch
            WHERE ch.contact_id = c.id AND ch.kind = 'phone' AND ch.deleted_at IS NULL), '')),
       coalesce(o.name, ''), coalesce(c.tags, ''), coalesce(c.notes, ''), c.display_name
FROM contact c LEFT JOIN organization o ON o.id = c.organization_id
WHERE c.deleted_at IS NULL
"""


def create(conn: Connection) -> None:
    """Create the search tables and triggers (used by the migrations)."""
    for statement in SCHEMA:
        conn.exec_driver_sql(statement)


def is_supported(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def refresh_for_changes(conn: Connection, touched: Mapping[str, Iterable[str]]) -> None:
    """Re-index the contacts affected by changed contacts, channels and organizations."""
    if not is_supported(conn):
        return
    contact_ids = set(touched.get("contact", ()))
    for table, column in (("contact_channel", "contact_id"), ("organization", "organization_id")):
        ids = list(touched.get(table, ()))
        source_column = "id" if table == "contact_channel" else "organization_id"
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            if table == "contact_channel":
                sql = f"SELECT {column} FROM contact_channel WHERE {source_column} IN :ids"
            else:
                sql = f"SELECT id FROM contact WHERE {source_column} IN :ids"
            rows = conn.execute(text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": chunk})
            contact_ids.update(r[0] for r in rows)
    refresh_contacts(conn, contact_ids)


def refresh_contacts(conn: Connection, contact_ids: Iterable[str]) -> None:
    """Replace the search rows of these contacts (hex ids); deleted contacts drop out."""
    ids = list(contact_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        params = {"ids": chunk}
        conn.execute(
            text("DELETE FROM contact_search WHERE contact_id IN :ids").bindparams(bindparam("ids", expanding=True)),
            params,
        )
        conn.execute(text(_SEARCH_ROWS + " AND c.id IN :ids").bindparams(bindparam("ids", expanding=True)), params)


def rebuild(conn: Connection) -> None:
    """Rebuild the whole index from the contacts table (after bulk loads and by `check --repair`)."""
    if not is_supported(conn):
        return
    conn.exec_driver_sql("DELETE FROM contact_search")
    conn.exec_driver_sql(_SEARCH_ROWS)
    conn.exec_driver_sql("INSERT INTO contact_fts(contact_fts) VALUES ('rebuild')")
    conn.exec_driver_sql("INSERT INTO contact_words(contact_words) VALUES ('rebuild')")


def quote_token(token: str) -> str:
    """An FTS5 string literal: the token in double quotes, inner quotes doubled."""
    return '"' + token.replace('"', '""') + '"'


def contact_id_filter(search: str, id_column: ColumnElement[Any]) -> ColumnElement[bool] | None:
    """A WHERE clause keeping contacts whose name, email, phone, organization, tags or notes match."""
    found = _match_where(search)
    if found is None:
        return None
    where, params = found
    matching = select(literal_column("s.contact_id")).select_from(text("contact_search AS s"))
    return id_column.in_(matching.where(text(where).bindparams(**params)))


def name_ordered_ids(
    conn: Connection, search: str, *, descending: bool, limit: int, offset: int, walk: bool, counted: bool = False
) -> tuple[list[str], int | None]:
    """One page of the live contacts a search matches, ordered by display name then id (hex ids).

    The search table keeps each contact's display name, so the page needs no look-up in the wide contact
    table. With `walk` (a search matching a large share of contacts) the name index is walked and each
    entry probed against the set of matches, stopping after one page: 3.6 ms for 20,000 matches of 100k,
    against 15 ms to sort them. A search matching few contacts sorts them instead, so one matching
    nothing does not walk every contact. `counted` also returns how many match in all, from the same pass
    (for searches the index cannot count alone); otherwise the count is None.
    """
    found = _match_where(search)
    if found is None:
        return [], 0 if counted else None
    where, params = found
    order = "DESC" if descending else "ASC"
    walked = "INDEXED BY ix_contact_search_name" if walk else ""
    total = "count(*) OVER ()" if counted else "NULL"
    sql = (
        f"SELECT s.contact_id, {total} FROM contact_search AS s {walked} WHERE {where} "
        f"ORDER BY s.display_name {order}, s.contact_id {order} LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    rows = list(conn.execute(text(sql).bindparams(**params)))
    if not counted:
        return [row[0] for row in rows], None
    if rows or offset == 0:
        return [row[0] for row in rows], int(rows[0][1]) if rows else 0
    return [], count_matches(conn, search)  # a page past the end: nothing to number the matches by


def count_matches(conn: Connection, search: str) -> int:
    """How many live contacts match any search, counted in the search table (no look-up in `contact`)."""
    found = _match_where(search)
    if found is None:
        return int(conn.exec_driver_sql("SELECT count(*) FROM contact_search").scalar_one())
    where, params = found
    return int(
        conn.execute(text(f"SELECT count(*) FROM contact_search AS s WHERE {where}").bindparams(**params)).scalar_one()
    )


def _match_where(search: str) -> tuple[str, dict[str, str]] | None:
    """The SQL condition on `contact_search AS s` that keeps the rows matching `search`, with its values."""
    tokens = _tokens(search)
    if not tokens:
        return None
    long_tokens = [t for t in tokens if len(t) >= 3]
    short_tokens = [t for t in tokens if len(t) < 3]
    conditions = []
    params: dict[str, str] = {}
    trigrams = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH :fts_q"
    words = "SELECT rowid FROM contact_words WHERE contact_words MATCH :words_q"
    if long_tokens:
        params["fts_q"] = " ".join(quote_token(t) for t in long_tokens)
    starts = [w for w in (_word_start(t) for t in short_tokens) if w]
    if starts:  # the start of a word in the name, an e-mail, a phone or the organization
        params["words_q"] = " ".join(quote_token(w) + "*" for w in starts)
    if long_tokens and starts:
        # "Monika M": read the word starts' list once, testing each row against the (few) trigram matches.
        # Two IN lists would build a set of every contact with a word starting with M (229,000 of 1M):
        # 62 ms against 41 ms. The + keeps SQLite from asking FTS5 for each trigram row by rowid (270 ms).
        conditions.append(f"s.rowid IN ({words} AND +rowid IN ({trigrams}))")
    elif long_tokens:
        conditions.append(f"s.rowid IN ({trigrams})")
    elif starts:
        conditions.append(f"s.rowid IN ({words})")
    for index, token in enumerate(t for t in short_tokens if not _word_start(t)):  # "?", "€", 🙂: anywhere
        key = f"like_{index}"
        conditions.append(
            f"(s.name LIKE :{key} ESCAPE '\\' OR s.emails LIKE :{key} ESCAPE '\\' "
            f"OR s.phones LIKE :{key} ESCAPE '\\' OR s.organization LIKE :{key} ESCAPE '\\')"
        )
        params[key] = _like_pattern(token)
    return " AND ".join(conditions), params


def _tokens(search: str) -> list[str]:
    return "".join(ch if ch.isprintable() else " " for ch in search).split()  # NUL and friends break FTS5


def _word_start(token: str) -> str:
    """A 1-2 character word as the word-start index sees it: letters and digits only ("" for "?!" or 🙂)."""
    return "".join(ch for ch in token if ch.isalnum())


def _like_pattern(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def match_query(search: str) -> tuple[str, str] | None:
    """(index table, FTS5 query) for a search one index answers alone: all words of 3+ letters (trigrams)
    or all of 1-2 letters (word starts); None for a mix or nothing."""
    tokens = _tokens(search)
    if tokens and all(len(t) >= 3 for t in tokens):
        return "contact_fts", " ".join(quote_token(t) for t in tokens)
    if tokens and all(len(t) < 3 and _word_start(t) for t in tokens):
        return "contact_words", " ".join(quote_token(_word_start(t)) + "*" for t in tokens)
    return None


def match_count(conn: Connection, search: str) -> int | None:
    """How many live contacts the search matches, straight from the index (None: not a one-index search)."""
    found = match_query(search)
    if found is None or not is_supported(conn):
        return None
    index, query = found
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {index} WHERE {index} MATCH ?", (query,)).scalar_one())


def share(conn: Connection, matches: int) -> float:
    """`matches` as a share of the indexed contacts (the newest rowid estimates how many, instantly)."""
    indexed = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM contact_search").scalar_one()
    return matches / indexed if indexed else 0.0


def is_dense(conn: Connection, matches: int) -> bool:
    """True when `matches` is a large share of the indexed contacts."""
    return matches > 0 and share(conn, matches) >= DENSE_SHARE


def contact_match_exists(search: str, id_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """The same test as `contact_id_filter`, row by row: for searches that match most contacts.

    Building the set of 70,000 matching ids costs more than walking the list in its sort order and
    asking the index about each row until a page is full (measured: 160 ms against 7 ms).
    """
    found = match_query(search)
    assert found is not None, "only for one-index searches"
    name, query = found
    search_rows = sql_table("contact_search", sql_column("rowid"), sql_column("contact_id")).alias("s")
    index = sql_table(name, sql_column("rowid"), sql_column(name)).alias("f")
    correlated = (
        select(literal_column("1"))
        .select_from(search_rows.join(index, index.c.rowid == search_rows.c.rowid))
        .where(search_rows.c.contact_id == id_column, index.c[name].op("MATCH")(bindparam("dense_q", query)))
    )
    return correlated.exists()


def check(conn: Connection) -> list[str]:
    """FTS integrity problems, as readable lines (empty when healthy)."""
    if not is_supported(conn):
        return []
    try:
        conn.exec_driver_sql("INSERT INTO contact_fts(contact_fts, rank) VALUES ('integrity-check', 1)")
        conn.exec_driver_sql("INSERT INTO contact_words(contact_words, rank) VALUES ('integrity-check', 1)")
    except Exception as exc:  # sqlite reports corruption as a generic DatabaseError
        return [f"search index: {exc}"]
    live = conn.exec_driver_sql("SELECT count(*) FROM contact WHERE deleted_at IS NULL").scalar_one()
    indexed = conn.exec_driver_sql("SELECT count(*) FROM contact_search").scalar_one()
    if live != indexed:
        return [f"search index: {indexed} contacts indexed but {live} live contacts"]
    return []
