"""The benchmark registry, the figure each benchmark returns, timing helpers and the printed table.

A benchmark is a function `(Context) -> Figure` registered with `@benchmark("name")`; `run.py` runs the
registered ones in registration order. Add a new figure by writing such a function in a module that
`run.py` imports (see README.md).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataset import scratch_copy, table_copy


@dataclass
class Figure:
    """One measured figure: value and floor in `unit`, the DESIGN §14 budget, and why it is missing if it is."""

    name: str
    unit: str
    value: float | None = None
    floor: float | None = None
    budget: float | None = None
    note: str = ""
    unavailable: str | None = None  # the reason, when the figure could not be measured
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Value over floor: how much the app adds to the cheapest way of doing the same work."""
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def passed(self) -> bool | None:
        """Within budget; None when there is no budget or no value."""
        if self.value is None or self.budget is None:
            return None
        return self.value <= self.budget

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "value": _round(self.value),
            "floor": _round(self.floor),
            "ratio": _round(self.ratio),
            "budget": self.budget,
            "passed": self.passed,
            "note": self.note,
            "unavailable": self.unavailable,
            "details": self.details,
        }


@dataclass
class Context:
    """What every benchmark gets: the dataset, its size, a scratch folder for copies, and repetitions."""

    size: str
    db_path: Path
    scratch: Path
    repeat: int = 5
    _copies: dict[str, Path] = field(default_factory=dict)

    def copy(self, purpose: str = "writable") -> Path:
        """A writable copy of the whole dataset, made once per run and shared by every `purpose` that names it.

        The large set is gigabytes, so benchmarks whose writes do not disturb each other share the default copy.
        """
        if purpose not in self._copies:
            started = time.perf_counter()
            self._copies[purpose] = scratch_copy(self.db_path, self.scratch, f"{purpose}.sqlite")
            print(f"    (copied the dataset in {time.perf_counter() - started:.1f} s)", flush=True)
        return self._copies[purpose]

    def table_copy(self, table: str, name: str) -> Path:
        """A fresh small database holding only `table` (rows and indexes) of the dataset."""
        return table_copy(self.db_path, self.scratch, f"{name}.sqlite", table)


Bench = Callable[[Context], Figure]


@dataclass(frozen=True)
class Registered:
    """A benchmark and the dataset sizes it runs on by default."""

    name: str
    fn: Bench
    sizes: frozenset[str]
    doc: str


REGISTRY: dict[str, Registered] = {}


def benchmark(name: str, *, sizes: Iterable[str] = ("large", "huge")) -> Callable[[Bench], Bench]:
    """Register `fn` as the benchmark producing figure `name` (run on `sizes` unless named by --only)."""

    def register(fn: Bench) -> Bench:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Registered(name, fn, frozenset(sizes), (fn.__doc__ or "").strip().splitlines()[0])
        return fn

    return register


# --- timing ------------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `fn()` took, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_of(runs: int, fn: Callable[[], Any]) -> float:
    """The median of `runs` timings of `fn()` in seconds (robust against one noisy run)."""
    return statistics.median(timed(fn)[0] for _ in range(runs))


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank) of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return seconds * 1000.0


# --- output --------------------------------------------------------------------------------------------
HEADER = ("figure", "value", "floor", "ratio", "budget", "result")


def table(figures: list[Figure]) -> str:
    """The results as an aligned text table, with notes and unavailable reasons beneath."""
    rows = [HEADER]
    for f in figures:
        if f.unavailable is not None:
            rows.append((f.name, "—", "—", "—", _amount(f.budget, f.unit), "n/a"))
            continue
        verdict = {True: "PASS", False: "FAIL", None: "info"}[f.passed]
        ratio = f"{f.ratio:.1f}x" if f.ratio is not None else "—"
        rows.append((f.name, _amount(f.value, f.unit), _amount(f.floor, f.unit), ratio, _amount(f.budget, f.unit),
                     verdict))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths,
             strict=True))) for r in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: not available: {f.unavailable}" for f in figures if f.unavailable is not None]
    notes += [f"  {f.name}: {f.note}" for f in figures if f.note and f.unavailable is None]
    return "\n".join(lines + (["", *notes] if notes else []))


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
