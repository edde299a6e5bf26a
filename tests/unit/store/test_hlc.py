"""The hybrid logical clock never goes backwards, whatever the wall clock and remote clocks do."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_desktop.store.hlc import HybridClock, Timestamp

DEVICE = "0123456789abcdef"
OTHER = "fedcba9876543210"
BASE_MS = 1_780_000_000_000

# Each step: ("tick", wall-clock delta in ms, possibly negative) or ("observe", remote offset ms, counter).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.integers(min_value=-86_400_000, max_value=86_400_000)),
        st.tuples(st.just("observe"), st.integers(min_value=-3_600_000, max_value=3_600_000),
                  st.integers(min_value=0, max_value=0xFFFF)),
    ),
    min_size=1,
    max_size=200,
)  # fmt: skip


@given(steps)
def test_clock_values_strictly_increase_even_when_wall_clock_jumps_back(ops: list[tuple]) -> None:
    wall = [BASE_MS]
    clock = HybridClock(DEVICE, wall=lambda: wall[0])
    issued = [clock.now()]
    for op in ops:
        if op[0] == "tick":
            wall[0] = max(0, wall[0] + op[1])
        else:
            remote = str(Timestamp(max(0, wall[0] + op[1]), op[2], OTHER))
            clock.observe(remote)
            nxt = clock.now()
            assert nxt > remote, "a value issued after observing must sort after the remote one"
            issued.append(nxt)
            continue
        issued.append(clock.now())
    assert issued == sorted(issued)
    assert len(set(issued)) == len(issued)


@given(st.integers(min_value=0, max_value=253_402_300_799_000), st.integers(min_value=0, max_value=0xFFFF))
def test_format_and_parse_round_trip(millis: int, counter: int) -> None:
    stamp = Timestamp(millis, counter, DEVICE)
    text = str(stamp)
    assert len(text) == 46
    assert Timestamp.parse(text) == stamp


def test_string_order_matches_causal_order() -> None:
    a = str(Timestamp(BASE_MS, 0xFFFF, DEVICE))
    b = str(Timestamp(BASE_MS + 1, 0, DEVICE))
    assert a < b


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = HybridClock(DEVICE, wall=lambda: BASE_MS)
    values = [clock.now() for _ in range(0x10002)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert Timestamp.parse(values[-1]).millis == BASE_MS + 1


def test_restart_continues_after_last_issued_value_when_wall_clock_is_behind() -> None:
    first = HybridClock(DEVICE, wall=lambda: BASE_MS)
    last = first.now()
    restarted = HybridClock(DEVICE, last=last, wall=lambda: BASE_MS - 60_000)
    assert restarted.now() > last


@pytest.mark.parametrize("bad", ["", "2026-01-01", "x" * 46, "2026-01-01T00:00:00.000Z-0000-ZZZZZZZZZZZZZZZZZ"])
def test_parse_rejects_malformed_values(bad: str) -> None:
    with pytest.raises(ValueError):
        Timestamp.parse(bad)


def test_device_id_must_be_16_hex_digits() -> None:
    with pytest.raises(ValueError):
        HybridClock("not-a-device")
