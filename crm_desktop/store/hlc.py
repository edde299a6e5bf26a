"""Hybrid logical clock (DESIGN §4): strings that sort in causal order and never go backwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_COUNTER = 0xFFFF


def wall_clock_ms() -> int:
    """Milliseconds since the epoch from the system clock (which may jump backwards)."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, order=True)
class Timestamp:
    """A parsed HLC value: physical milliseconds, logical counter, device."""

    millis: int
    counter: int
    device_id: str

    def __str__(self) -> str:
        moment = datetime.fromtimestamp(self.millis / 1000, UTC)
        wall = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.millis % 1000:03d}Z"
        return f"{wall}-{self.counter:04X}-{self.device_id}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Read `YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-DDDDDDDDDDDDDDDD`."""
        wall, counter, device = text[:24], text[25:29], text[30:]
        if len(text) != 46 or text[24] != "-" or text[29] != "-" or not wall.endswith("Z"):
            raise ValueError(f"not a hybrid logical clock value: {text!r}")
        moment = datetime.strptime(wall[:-1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
        millis = int(moment.timestamp() * 1000 + 0.5)
        return cls(millis, int(counter, 16), device)


class HybridClock:
    """Issues HLC strings for one device; thread-safe; survives wall-clock jumps."""

    def __init__(self, device_id: str, *, last: str | None = None, wall: Callable[[], int] = wall_clock_ms) -> None:
        if len(device_id) != 16 or any(ch not in "0123456789abcdef" for ch in device_id):
            raise ValueError(f"device id must be 16 lowercase hex digits, got {device_id!r}")
        self.device_id = device_id
        self._wall = wall
        self._lock = threading.Lock()
        self._millis, self._counter = 0, 0
        if last:
            self.observe(last)

    def now(self) -> str:
        """A new clock value greater than every value issued or observed before."""
        with self._lock:
            physical = self._wall()
            if physical > self._millis:
                self._millis, self._counter = physical, 0
            else:
                self._advance_counter()
            return str(Timestamp(self._millis, self._counter, self.device_id))

    def observe(self, remote: str) -> None:
        """Move past a clock seen elsewhere, so later local values sort after it."""
        other = Timestamp.parse(remote)
        with self._lock:
            physical = self._wall()
            if other.millis > self._millis or (other.millis == self._millis and other.counter > self._counter):
                self._millis, self._counter = other.millis, other.counter
            if physical > self._millis:
                self._millis, self._counter = physical, 0

    def _advance_counter(self) -> None:
        self._counter += 1
        if self._counter > MAX_COUNTER:  # borrow from the future rather than wrap
            self._millis += 1
            self._counter = 0
