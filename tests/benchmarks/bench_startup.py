"""Figures measured in a fresh process: start to a painted window with data, and the contacts table's memory."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from core import Context, Figure, benchmark

PROBE = Path(__file__).with_name("probe.py")
REPO = Path(__file__).resolve().parents[2]
RSS_ROWS = 10_000


def run_probe(*args: str) -> tuple[float, dict[str, Any]]:
    """Launch probe.py; seconds from launch to its `painted` mark (if any) and its JSON report."""
    with tempfile.TemporaryDirectory(prefix="crm-bench-home-") as home:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": home,  # window geometry and state are saved here, not in the user's settings
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        launched = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(PROBE), *args], capture_output=True, text=True, env=env, timeout=900, check=False
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"probe {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    result = json.loads(lines[-1])
    if "error" in result:
        raise RuntimeError(f"probe {' '.join(args)}: {result['error']}")
    painted = result.get("painted")
    return (painted - launched if painted is not None else 0.0), result


def _phases(result: dict[str, Any], launched_at: float) -> dict[str, float]:
    """Each phase as seconds since the first mark, for the JSON details."""
    return {name: round(at - launched_at, 4) for name, at in result["phases"].items()}


@benchmark("start_to_window")
def start_to_window(ctx: Context) -> Figure:
    """Launch to the main window's first paint with contacts in the table (median of runs) vs a bare window."""
    run_probe("window", str(ctx.db_path))  # the first start warms the OS file cache, as any second start would
    runs = [run_probe("window", str(ctx.db_path)) for _ in range(ctx.repeat)]
    bare = [run_probe("bare")[0] for _ in range(ctx.repeat)]
    value = statistics.median(seconds for seconds, _ in runs)
    typical = min(runs, key=lambda run: abs(run[0] - value))[1]
    phases = _phases(typical, typical["phases"]["launched"])
    steps = sorted(phases.items(), key=lambda item: item[1])
    breakdown = ", ".join(f"{b[0]} +{b[1] - a[1]:.2f}" for a, b in itertools.pairwise(steps))
    return Figure(
        "start_to_window",
        "s",
        value=value,
        floor=statistics.median(bare),
        budget=1.5,
        note=f"median of {ctx.repeat}; {typical.get('rows', 0)} rows painted; in s: interpreter "
        f"{value - (typical['painted'] - typical['phases']['launched']):.2f}, {breakdown}",
        details={"runs_s": [round(s, 4) for s, _ in runs], "bare_runs_s": [round(s, 4) for s in bare],
                 "phases_s": phases},
    )  # fmt: skip


@benchmark("contacts_rss_huge_mb", sizes=("huge",))
def contacts_rss(ctx: Context) -> Figure:
    """Resident memory of a process that opened the contacts tab and scrolled 10,000 rows through it."""
    _, result = run_probe("rss", str(ctx.db_path), str(RSS_ROWS))
    if result.get("rss_mb") is None:
        return Figure("contacts_rss_huge_mb", "MB", budget=300.0, unavailable="no /proc/self/status and no psutil")
    return Figure(
        "contacts_rss_huge_mb",
        "MB",
        value=result["rss_mb"],
        budget=300.0,
        note=f"{result['rows']:,} of {result['total']:,} contacts loaded; {result['rss_before_mb']:.0f} MB "
        "after the imports and the QApplication, before opening the database",
        details=result,
    )
