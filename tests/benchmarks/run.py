"""The DESIGN §14 benchmark: builds (or reuses) a demo dataset, measures each figure against its floor and budget.

    python tests/benchmarks/run.py --size large [--json FILE] [--db PATH] [--only name,name] [--repeat N]

Exit status 0 whenever the figures were measured (a missed budget is reported, not an error), 2 on usage
errors. Not part of the pytest run: nothing here is named test_*.py and pyproject's testpaths exclude it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_contacts  # noqa: E402, F401  (importing a benchmark module registers its figures, in this order)
import bench_import  # noqa: E402, F401
import bench_kanban  # noqa: E402, F401
import bench_startup  # noqa: E402, F401
import inproc  # noqa: E402
from core import REGISTRY, Context, Figure, table  # noqa: E402
from dataset import ensure_dataset, scratch_dir  # noqa: E402

ORDER = ("start_to_window", "search_keystroke_p95", "contacts_table_open", "contacts_scroll_10k", "import_csv_10k",
         "contacts_rss_huge_mb", "kanban_build", "kanban_drop")  # fmt: skip


def ordered_names() -> list[str]:
    """Registered benchmarks: the known ones in DESIGN order, then any added later in registration order."""
    return [n for n in ORDER if n in REGISTRY] + [n for n in REGISTRY if n not in ORDER]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Measure the DESIGN §14 performance figures on a demo dataset.",
        epilog="Figures: " + ", ".join(ordered_names()),
    )
    parser.add_argument("--size", required=True, choices=("large", "huge"), help="demo dataset size")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure as JSON here")
    parser.add_argument("--db", type=Path, metavar="PATH", help="dataset file to reuse or build (default: cache)")
    parser.add_argument("--only", metavar="NAME,NAME", help="run only these figures (even huge-only ones)")
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="timed runs per figure (default 5)")
    args = parser.parse_args(argv)
    args.selected = _select(parser, args)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _select(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    if not args.only:
        return ordered_names()
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown or not names:
        known = ", ".join(ordered_names())
        parser.error(f"unknown figure(s) {', '.join(unknown) or '(none given)'}; choose from {known}")
    return [n for n in ordered_names() if n in names]


def run_one(name: str, ctx: Context, forced: bool) -> Figure:
    """Run one benchmark; a crash becomes an 'unavailable' figure so the others still run."""
    entry = REGISTRY[name]
    if not forced and ctx.size not in entry.sizes:
        return Figure(name, "", unavailable=f"measured only with --size {'/'.join(sorted(entry.sizes))}")
    print(f"- {name}: {entry.doc}", flush=True)
    started = time.perf_counter()
    try:
        figure = entry.fn(ctx)
    except Exception as exc:
        traceback.print_exc()
        figure = Figure(name, "", unavailable=f"{type(exc).__name__}: {exc}")
    print(f"    done in {time.perf_counter() - started:.1f} s", flush=True)
    return figure


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db_path = ensure_dataset(args.size, args.db)
    figures: list[Figure] = []
    with scratch_dir() as scratch:
        ctx = Context(size=args.size, db_path=db_path, scratch=Path(scratch), repeat=args.repeat)
        try:
            for name in args.selected:
                figures.append(run_one(name, ctx, forced=bool(args.only)))
        finally:
            inproc.close_all()
    print()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"CRM Desktop benchmarks — {args.size} dataset ({db_path}), {os.cpu_count()} CPUs"
          + (f", load average {load[0]:.1f}" if load else "")
          + f", Python {platform.python_version()}, {platform.platform()}")  # fmt: skip
    print(table(figures))
    if args.json:
        payload = {
            "size": args.size,
            "database": str(db_path),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {
                "cpus": os.cpu_count(),
                "load_average": load,
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "figures": [f.as_json() for f in figures],
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
