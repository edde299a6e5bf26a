"""The benchmark datasets: the demo business at a DESIGN §14 size, built once and cached, plus scratch copies."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

SEED = 7


def cache_dir() -> Path:
    """Where built datasets are kept between runs (`$XDG_CACHE_HOME` or ~/.cache, then crm-desktop-bench)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "crm-desktop-bench"


def default_path(size: str) -> Path:
    return cache_dir() / f"{size}-seed{SEED}.sqlite"


def contact_count(path: Path) -> int:
    """Contacts in an existing database file (0 when it is missing, empty or not ours)."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


def ensure_dataset(size: str, path: Path | None) -> Path:
    """The database to measure: reused when it already holds contacts, otherwise built (minutes) and kept."""
    target = (path or default_path(size)).expanduser().resolve()
    existing = contact_count(target)
    if existing:
        print(f"Reusing {target} ({existing:,} contacts)", flush=True)
        bring_up_to_date(target)
        return target
    if target.exists() and target.stat().st_size:
        print(f"{target} exists but holds no contacts; delete it or name another --db", file=sys.stderr)
        raise SystemExit(2)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build under a temporary name, so an interrupted build is never mistaken for a finished one.
    partial = target.with_name(target.name + ".partial")
    for leftover in _with_sidecars(partial):
        leftover.unlink(missing_ok=True)
    _build(size, partial)
    for source in _with_sidecars(partial):
        if source.exists():
            source.rename(target.with_name(target.name + source.name[len(partial.name) :]))
    return target


def bring_up_to_date(path: Path) -> None:
    """Migrate a cached dataset to the current schema before anything is timed.

    Done here without the app's pre-migration backup: the cache can always be rebuilt, and a backup of the
    large set is gigabytes. Opening it once also adds any reference data a newer app expects.
    """
    from sqlalchemy import create_engine

    from crm_desktop.services.workspace import open_workspace
    from crm_desktop.store import migrate
    from crm_desktop.store.database import inspect_file

    if inspect_file(path).revision != migrate.head_revision():
        print(f"Migrating {path.name} to schema {migrate.head_revision()} (no backup: it is a cache)", flush=True)
        started = time.perf_counter()
        engine = create_engine(f"sqlite:///{path}")
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        print(f"  migrated in {time.perf_counter() - started:.0f} s", flush=True)
    open_workspace(path).close()


def _build(size: str, path: Path) -> None:
    from crm_desktop.services.demo import populate
    from crm_desktop.services.workspace import open_workspace

    print(f"Building the {size} demo dataset in {path} (large takes a few minutes, huge much longer)", flush=True)
    started = time.perf_counter()
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        step = int(fraction * 20)  # a line every 5 %
        if step != last[0]:
            last[0] = step
            print(f"  {fraction:4.0%}  {message}  ({time.perf_counter() - started:.0f} s)", flush=True)

    db = open_workspace(path)
    try:
        summary = populate(db=db, size=size, seed=SEED, progress=progress)  # type: ignore[arg-type]
    finally:
        db.close()
    print(f"Built {summary.contacts:,} contacts, {summary.total:,} rows in {time.perf_counter() - started:.0f} s")


def _with_sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def scratch_copy(source: Path, directory: Path, name: str) -> Path:
    """A copy of the dataset a benchmark may write to (a plain file copy unless a WAL is pending, then a backup)."""
    target = directory / name
    for leftover in _with_sidecars(target):
        leftover.unlink(missing_ok=True)
    wal = source.with_name(source.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        shutil.copyfile(source, target)
    else:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    _flush(target)
    return target


def _flush(path: Path) -> None:
    """Write the copy to disk now: otherwise the first fsync of a timed write pays for gigabytes of copy."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def table_copy(source: Path, directory: Path, name: str, table: str) -> Path:
    """A small database holding only `table` of the dataset, with its rows and indexes (for raw-SQL floors)."""
    target = directory / name
    target.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{target}", uri=True) as dst:
        dst.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        ddl = dst.execute(
            "SELECT type, sql FROM src.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'index'",
            (table,),
        ).fetchall()
        for kind, sql in ddl:
            dst.execute(sql)
            if kind == "table":
                dst.execute(f'INSERT INTO main."{table}" SELECT * FROM src."{table}"')
        dst.commit()
        dst.execute("DETACH DATABASE src")
    return target


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for copies, next to the cache (same disk, and /tmp may be small or in memory)."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="scratch-", dir=cache_dir())


if __name__ == "__main__":  # build only: python tests/benchmarks/dataset.py large [PATH]
    built = ensure_dataset(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(built)
