"""Demo deals: B2B opportunities moving through the pipeline stage by stage until won, lost or still open."""

from __future__ import annotations

import uuid
from typing import Any

from crm_desktop.domain import Deal, DealLine, DealStageChange
from crm_desktop.services.demo import catalog
from crm_desktop.services.demo.people import Person
from crm_desktop.services.demo.world import DAY, Rows, Weighted, World, day, dt, stamp

KIND = Weighted(catalog.DEAL_KINDS)
LOST = Weighted([(w, name) for name, w in catalog.LOST_WEIGHTS.items()])
STAGE_DAYS = ((3, 12), (4, 18), (4, 18), (3, 14))  # time spent in each open stage (the last repeats)
LOSS = (0.18, 0.14, 0.18, 0.12)  # chance a deal is lost on leaving each open stage
STALL = 0.38  # chance a deal stalls in a stage for far longer (rotting when still open)

Line = tuple[uuid.UUID, str, int, int, int]  # product id, description, quantity, unit price, discount %


class DealInfo:
    """What the rest of the story needs about a deal: its times, outcome, value and lines."""

    __slots__ = ("closed", "created", "id", "lines", "status", "title", "value")

    def __init__(self, deal_id: uuid.UUID, created: int, title: str) -> None:
        self.id, self.created, self.title = deal_id, created, title
        self.closed: int | None = None
        self.status = "open"
        self.value = 0
        self.lines: list[Line] = []


def make_deal(w: World, p: Person, created: int, rows: Rows) -> DealInfo:
    """One deal for a business contact, with its stage ledger, lines and (when won) nothing else yet."""
    rng, st = w.rng, w.stages
    kind = KIND.pick(rng)
    if kind == "Christmas gift boxes" and day(created).month < 9:
        kind = "Bean supply contract"
    deal = DealInfo(w.new_id(created), created, f"{p.org.name} – {kind}" if p.org else f"{p.name} – {kind}")
    lines = _lines(w, kind)
    if lines is None or rng.random() < 0.2:
        deal.value = max(1, (line_total(lines) if lines else 12 * 10_900 * rng.randrange(1, 5)) // 5_000) * 5_000
    else:
        deal.lines = lines
        deal.value = line_total(lines)
    stage, entered, stalled = 0, created, False
    moves: list[tuple[uuid.UUID | None, uuid.UUID, int]] = [(None, st.open_ids[0], created)]
    while True:
        lo, hi = STAGE_DAYS[min(stage, len(STAGE_DAYS) - 1)]
        stay = rng.uniform(lo, hi)
        if rng.random() < STALL:
            stay, stalled = stay * rng.uniform(3, 9), True
        leave = w.after(entered, stay, stay)
        if leave >= w.end:
            break
        if rng.random() < LOSS[min(stage, len(LOSS) - 1)]:
            deal.status, deal.closed = "lost", leave
            moves.append((st.open_ids[stage], st.lost_id, leave))
            break
        following = stage + (2 if stage == 0 and len(st.open_ids) > 2 and rng.random() < 0.15 else 1)
        if following >= len(st.open_ids):
            deal.status, deal.closed = "won", leave
            moves.append((st.open_ids[stage], st.won_id, leave))
            break
        moves.append((st.open_ids[stage], st.open_ids[following], leave))
        stage, entered = following, leave
    last = moves[-1][2]
    row: dict[str, Any] = {
        "id": deal.id,
        **stamp(created, last),
        "title": deal.title,
        "contact_id": p.id,
        "pipeline_id": st.pipeline_id,
        "stage_id": moves[-1][1],
        "value_cents": deal.value,
        "currency": "EUR",
        "owner_id": p.owner,
        "status": deal.status,
        "stage_entered_at": dt(last),
    }
    if p.org is not None:
        row["organization_id"] = p.org.id
    if deal.status == "open":
        remaining = sum(STAGE_DAYS[min(s, len(STAGE_DAYS) - 1)][1] for s in range(stage, len(st.open_ids)))
        row["expected_close"] = day(max(w.end + 3 * DAY, entered + remaining * DAY))
    else:
        row["expected_close"] = day(created + rng.randrange(30, 75) * DAY)
        row["won_at" if deal.status == "won" else "lost_at"] = dt(last)
    if deal.status == "lost":
        reason = rng.choice(("Unresponsive", "No decision")) if stalled and rng.random() < 0.6 else LOST.pick(rng)
        row["lost_reason_id"] = w.lost_reasons[reason]
        row["lost_note"] = rng.choice(catalog.LOST_NOTES[reason])
    if len(p.deals) == 0:
        if p.source is not None:
            row["source"] = p.source
        if p.campaign_id is not None:
            row["campaign_id"] = p.campaign_id
    if rng.random() < 0.15:
        row["notes"] = rng.choice(catalog.DEAL_NOTES)
    rows.add(Deal, row)
    for from_id, to_id, at in moves:
        rows.add(
            DealStageChange,
            {
                "id": w.new_id(at),
                **stamp(at),
                "deal_id": deal.id,
                "from_stage_id": from_id,
                "to_stage_id": to_id,
                "at": dt(at),
                "user_id": p.owner,
            },
        )
    for position, (pid, description, quantity, unit, discount) in enumerate(deal.lines, start=1):
        rows.add(
            DealLine,
            {
                "id": w.new_id(created),
                **stamp(created),
                "deal_id": deal.id,
                "product_id": pid,
                "description": description,
                "quantity": quantity,
                "unit_price_cents": unit,
                "discount_percent": discount,
                "position": position,
            },
        )
    p.deals.append(deal)
    p.touch(last)
    return deal


def _lines(w: World, kind: str) -> list[Line] | None:
    """Product lines for a deal of this kind (None for a flat-fee service)."""
    rng = w.rng
    if kind == "Bean supply contract":
        lines = [_line(w, "MR-ESP-1000", 12 * rng.randrange(5, 50), wholesale=True)]
        if rng.random() < 0.4:
            lines.append(
                _line(
                    w,
                    rng.choice(("MR-CRE-1000", "MR-BRA-5000", "MR-DEC-0500")),
                    12 * rng.randrange(1, 8),
                    wholesale=True,
                )
            )
        return lines
    if kind == "Espresso bar equipment":
        lines = [_line(w, rng.choice(("LM-MINI", "LM-PB2")), 1)]
        if rng.random() < 0.7:
            lines.append(_line(w, "MK-E65S", rng.randrange(1, 3)))
        if rng.random() < 0.6:
            lines.append(_line(w, "SV-TRAIN", 1))
        return lines
    if kind == "Barista training":
        return [_line(w, "SV-TRAIN", rng.randrange(1, 5))]
    if kind == "Machine maintenance contract":
        return [_line(w, "SV-MAINT", rng.randrange(2, 5))]
    if kind == "Christmas gift boxes":
        return [
            _line(w, "MR-ESP-0250", rng.randrange(40, 300)),
            _line(w, "HA-V60", rng.randrange(0, 20) or 1),
        ]
    return None


def line_total(lines: list[Line]) -> int:
    """The sum of the lines after discounts (exact: discounts are only given where cents come out whole)."""
    return sum(quantity * net_price(unit, discount) for _, _, quantity, unit, discount in lines)


def net_price(unit: int, discount: int) -> int:
    """The unit price after a discount in percent."""
    return unit * (100 - discount) // 100


def _line(w: World, sku: str, quantity: int, *, wholesale: bool = False) -> Line:
    """A line at list or wholesale price, with a 5 or 10 % discount when it comes out in whole cents."""
    pid, name, price, _ = w.products[sku]
    unit = price * 80 // 100 // 10 * 10 if wholesale else price
    discount = w.rng.choice((5, 10)) if w.rng.random() < 0.3 else 0
    return pid, name, quantity, unit, discount if unit * (100 - discount) % 100 == 0 else 0
