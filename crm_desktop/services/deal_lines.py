"""Deal line items: products (or free text) with quantity, price and discount that add up to the deal's value.

Whenever a deal has lines its `value_cents` is their sum, recomputed on every line change; a line's total is
quantity × unit price × (100 − discount) / 100, rounded half up to the cent in integer arithmetic. A won deal's
lines are frozen: its sale is recorded (winning copies them into purchase lines and takes the products out of
stock). `save_deal` is what the deal editor's Save runs: fields, stage and lines in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from crm_desktop.domain import Deal, DealLine, LostReason, Pipeline, Product, Stage
from crm_desktop.domain.enums import DealStatus
from crm_desktop.domain.errors import Conflict, NotFound, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, move_to_trash
from crm_desktop.services.history import FieldChange, HistoryEntry, record_history
from crm_desktop.services.loyalty import PurchaseLineInput
from crm_desktop.services.products import MAX_PRICE_CENTS, adjust_stock

MAX_QUANTITY = 1_000_000
MAX_LINES = 500


@dataclass(frozen=True)
class LineInput:
    """One line as the editor holds it. `line_id` names an existing line to keep (None: a new line);
    `unit_price_cents` None means "the product's price"; `description` None means "the product's name"."""

    description: str | None = None
    quantity: int = 1
    unit_price_cents: int | None = None
    discount_percent: int = 0
    product_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None


def line_total_cents(*, quantity: int, unit_price_cents: int, discount_percent: int) -> int:
    """quantity × unit price × (100 − discount) / 100, rounded half up to the cent (no floats anywhere)."""
    return (quantity * unit_price_cents * (100 - discount_percent) + 50) // 100


def _deal(session: Session, deal_id: uuid.UUID, *, for_edit: bool) -> Deal:
    deal = get_live(session, Deal, deal_id, what="Deal")
    if for_edit and deal.status == DealStatus.WON:
        raise Conflict(f"{deal.title!r} was won and its sale recorded; its lines can no longer change")
    return deal


def list_lines(*, session: Session, deal_id: uuid.UUID) -> list[DealLine]:
    """A deal's live lines in their order."""
    stmt = (
        select(DealLine)
        .where(col(DealLine.deal_id) == deal_id, col(DealLine.deleted_at).is_(None))
        .order_by(col(DealLine.position), col(DealLine.id))
    )
    return list(session.exec(stmt))


def _checked(session: Session, n: int, line: LineInput, *, new: bool, currency: str) -> dict[str, Any]:
    """The stored fields of the n-th line, validated; a product fills in its name and price when not given."""
    where = f"Line {n}: "
    product: Product | None = None
    if line.product_id is not None:
        try:
            product = get_live(session, Product, line.product_id, what="Product")
        except NotFound:
            raise ValidationError(f"{where}the product chosen no longer exists", field="lines") from None
        if new and not product.active:
            raise ValidationError(f"{where}{product.name!r} is no longer sold", field="lines")
    description = line.description if line.description is not None else (product.name if product else None)
    price = line.unit_price_cents
    if price is None and product is not None:
        if product.currency != currency:
            raise ValidationError(
                f"{where}{product.name!r} is priced in {product.currency} but the deal is in {currency}; "
                "type the price in the deal's currency",
                field="lines",
            )
        price = product.unit_price_cents
    try:
        text = v.require_text(description, field="description", model=DealLine)
        quantity = v.check_int(line.quantity, field="quantity", minimum=1, maximum=MAX_QUANTITY)
        unit = v.check_int(0 if price is None else price, field="unit_price", minimum=0, maximum=MAX_PRICE_CENTS)
        discount = v.check_int(line.discount_percent, field="discount", minimum=0, maximum=100)
    except ValidationError as exc:
        raise ValidationError(where + str(exc)[0].lower() + str(exc)[1:], field="lines") from None
    return {
        "description": text, "quantity": quantity, "unit_price_cents": unit, "discount_percent": discount,
        "product_id": line.product_id,
    }  # fmt: skip


def recompute_value(*, session: Session, deal_id: uuid.UUID) -> int:
    """Set a deal's value to the sum of its lines (left alone when it has none); returns the value."""
    deal = get_live(session, Deal, deal_id, what="Deal")
    lines = list_lines(session=session, deal_id=deal_id)
    if lines:
        total = sum(
            line_total_cents(
                quantity=x.quantity, unit_price_cents=x.unit_price_cents, discount_percent=x.discount_percent
            )
            for x in lines
        )
        if deal.value_cents != total:
            deal.value_cents = total
            session.add(deal)
            session.flush()
    return deal.value_cents


def add_line(
    *,
    session: Session,
    deal_id: uuid.UUID,
    product_id: uuid.UUID | None = None,
    description: str | None = None,
    quantity: int = 1,
    unit_price_cents: int | None = None,
    discount_percent: int = 0,
) -> DealLine:
    """A line at the end of the deal: from a product (its name and price, both editable) or free text."""
    deal = _deal(session, deal_id, for_edit=True)
    existing = list_lines(session=session, deal_id=deal_id)
    if len(existing) >= MAX_LINES:
        raise ValidationError(f"A deal holds at most {MAX_LINES} lines", field="lines")
    line_input = LineInput(description, quantity, unit_price_cents, discount_percent, product_id)
    fields = _checked(session, len(existing) + 1, line_input, new=True, currency=deal.currency)
    position = max((x.position for x in existing), default=0) + 1
    line = DealLine(deal_id=deal.id, position=position, **fields)
    session.add(line)
    session.flush()
    recompute_value(session=session, deal_id=deal.id)
    return line


def _live_line(session: Session, line_id: uuid.UUID) -> DealLine:
    return get_live(session, DealLine, line_id, what="Deal line")


def update_line(*, session: Session, line_id: uuid.UUID, changes: Mapping[str, Any]) -> DealLine:
    """Edit a line's description, quantity, unit price, discount or product; the deal's value follows."""
    line = _live_line(session, line_id)
    deal = _deal(session, line.deal_id, for_edit=True)
    allowed = {"description", "quantity", "unit_price_cents", "discount_percent", "product_id"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0])
    current = {k: getattr(line, k) for k in allowed}
    merged = LineInput(**{**current, **dict(changes)})
    new_product = "product_id" in changes and changes["product_id"] != line.product_id
    fields = _checked(session, line.position, merged, new=new_product, currency=deal.currency)
    for name, value in fields.items():
        if getattr(line, name) != value:
            setattr(line, name, value)
    session.add(line)
    session.flush()
    recompute_value(session=session, deal_id=deal.id)
    return line


def remove_line(*, session: Session, line_id: uuid.UUID) -> None:
    """Take a line off its deal (to the Trash); the value follows while lines remain."""
    line = _live_line(session, line_id)
    _deal(session, line.deal_id, for_edit=True)
    move_to_trash(session, DealLine, line_id, what="Deal line")
    recompute_value(session=session, deal_id=line.deal_id)


def reorder_lines(*, session: Session, deal_id: uuid.UUID, line_ids: Sequence[uuid.UUID]) -> list[DealLine]:
    """Put a deal's lines in this order (every live line named exactly once)."""
    _deal(session, deal_id, for_edit=True)
    lines = {x.id: x for x in list_lines(session=session, deal_id=deal_id)}
    if len(line_ids) != len(lines) or set(line_ids) != set(lines):
        raise ValidationError("Name every line of the deal exactly once to reorder them", field="lines")
    for position, line_id in enumerate(line_ids, start=1):
        line = lines[line_id]
        if line.position != position:
            line.position = position
            session.add(line)
    session.flush()
    return [lines[i] for i in line_ids]


def replace_lines(*, session: Session, deal_id: uuid.UUID, lines: Sequence[LineInput]) -> list[DealLine]:
    """Make the deal's lines exactly `lines`, in order: named lines are updated, others added, the rest removed.

    All lines are validated before anything is written, so one bad line changes nothing.
    """
    deal = _deal(session, deal_id, for_edit=True)
    if len(lines) > MAX_LINES:
        raise ValidationError(f"A deal holds at most {MAX_LINES} lines", field="lines")
    current = {x.id: x for x in list_lines(session=session, deal_id=deal_id)}
    seen: set[uuid.UUID] = set()
    checked: list[tuple[DealLine | None, dict[str, Any]]] = []
    for n, item in enumerate(lines, start=1):
        existing = current.get(item.line_id) if item.line_id is not None else None
        if item.line_id is not None and (existing is None or item.line_id in seen):
            raise ValidationError(f"Line {n} is not a line of this deal (reload the deal)", field="lines")
        if item.line_id is not None:
            seen.add(item.line_id)
        new_product = existing is None or existing.product_id != item.product_id
        fields = _checked(session, n, item, new=new_product and item.product_id is not None, currency=deal.currency)
        checked.append((existing, fields))
    result: list[DealLine] = []
    for position, (existing, fields) in enumerate(checked, start=1):
        line = existing if existing is not None else DealLine(deal_id=deal.id, position=position, **fields)
        for name, value in {**fields, "position": position}.items():
            if getattr(line, name) != value:
                setattr(line, name, value)
        session.add(line)
        result.append(line)
    for line_id in set(current) - seen:
        move_to_trash(session, DealLine, line_id, what="Deal line")
    session.flush()
    recompute_value(session=session, deal_id=deal.id)
    return result


def save_deal(
    *,
    session: Session,
    deal_id: uuid.UUID | None,
    changes: Mapping[str, Any],
    lines: Sequence[LineInput] | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
) -> Deal:
    """Create (deal_id None) or edit a deal, move it to `stage_id` (of `pipeline_id`, when it changes pipeline),
    and set its lines — all in this transaction.

    `changes` holds editable deal fields (title, contact_id, value_cents, ...); `lines` None leaves the lines
    as they are. With lines, a typed value is ignored: the lines make the value. Taking every line off lets a
    typed value in again.
    """
    from crm_desktop.services import deals  # deals imports this module for winning

    fields = dict(changes)
    if lines:
        fields.pop("value_cents", None)
    if deal_id is None:
        if "title" not in fields:
            raise ValidationError("Give the deal a title", field="title")
        deal = deals.create_deal(session=session, pipeline_id=pipeline_id, stage_id=stage_id, **fields)
    else:
        if lines is not None and not lines and list_lines(session=session, deal_id=deal_id):
            replace_lines(session=session, deal_id=deal_id, lines=[])  # first, so a typed value may follow
        deal = deals.update_deal(session=session, deal_id=deal_id, changes=fields)
        if pipeline_id is not None and pipeline_id != deal.pipeline_id:
            deals.change_pipeline(session=session, deal_id=deal.id, pipeline_id=pipeline_id, stage_id=stage_id)
        elif stage_id is not None and stage_id != deal.stage_id:
            deals.move_deal(session=session, deal_id=deal.id, stage_id=stage_id)
    if lines is not None and (lines or list_lines(session=session, deal_id=deal.id)):
        replace_lines(session=session, deal_id=deal.id, lines=lines)
    session.flush()
    return deal


def sale_lines(*, session: Session, deal_id: uuid.UUID) -> list[PurchaseLineInput]:
    """The purchase lines a won deal records: each line's quantity at its discounted unit price.

    The unit price is the line total divided by the quantity, rounded half up; the purchase amount itself is
    the deal's value, exact to the cent.
    """
    result = []
    for line in list_lines(session=session, deal_id=deal_id):
        total = line_total_cents(
            quantity=line.quantity, unit_price_cents=line.unit_price_cents, discount_percent=line.discount_percent
        )
        unit = (2 * total + line.quantity) // (2 * line.quantity)
        description = line.description
        if line.discount_percent:
            description = f"{description} ({line.discount_percent}% off)"[:300]
        result.append(
            PurchaseLineInput(
                description=description, quantity=line.quantity, unit_price_cents=unit, product_id=line.product_id
            )
        )
    return result


def take_from_stock(*, session: Session, deal_id: uuid.UUID) -> None:
    """Lower the stock of every product sold on the deal's lines by the quantity sold (tracked stock only)."""
    sold: dict[uuid.UUID, int] = {}
    for line in list_lines(session=session, deal_id=deal_id):
        if line.product_id is not None:
            sold[line.product_id] = sold.get(line.product_id, 0) + line.quantity
    for product_id, quantity in sold.items():
        if session.get(Product, product_id) is not None:
            adjust_stock(session=session, product_id=product_id, delta=-quantity)


_HIDDEN_LINE_FIELDS = frozenset({"deal_id", "product_id"})
_DEAL_NAMES = {
    "stage_id": (Stage, "Stage"), "pipeline_id": (Pipeline, "Pipeline"), "lost_reason_id": (LostReason, "Lost reason"),
}  # fmt: skip
_LABELS = {
    "value_cents": "Value", "unit_price_cents": "Unit price", "discount_percent": "Discount (%)",
    "probability": "Probability (%)", "expected_close": "Expected close", "won_at": "Won", "lost_at": "Lost",
    "lost_note": "Lost note", "title": "Title",
}  # fmt: skip


def deal_history(*, session: Session, deal_id: uuid.UUID, limit: int = 300) -> list[HistoryEntry]:
    """Who changed what on a deal and its lines (added, edited, removed), newest first."""
    get_live(session, Deal, deal_id, what="Deal", include_deleted=True)
    lines = session.exec(select(DealLine).where(col(DealLine.deal_id) == deal_id)).all()
    entries = record_history(session=session, table="deal", row_id=deal_id, limit=limit)
    for line in lines:
        for entry in record_history(session=session, table="deal_line", row_id=line.id, limit=limit):
            kept = tuple(c for c in entry.changes if c.field not in _HIDDEN_LINE_FIELDS)
            entries.append(replace(entry, record=f"Line “{line.description}”", changes=kept))
    names = _stage_names(session, entries)
    entries = [replace(e, changes=tuple(_named(c, names) for c in e.changes if c.field != "stage_entered_at"))
               for e in entries]  # fmt: skip
    entries.sort(key=lambda e: e.hlc, reverse=True)
    return [e for e in entries if e.changes or e.action != "changed"][:limit]


def _stage_names(session: Session, entries: Sequence[HistoryEntry]) -> dict[uuid.UUID, str]:
    wanted: dict[Any, set[uuid.UUID]] = {}
    for entry in entries:
        for change in entry.changes:
            if change.field in _DEAL_NAMES:
                model = _DEAL_NAMES[change.field][0]
                wanted.setdefault(model, set()).update(
                    x for x in (change.value, change.previous) if isinstance(x, uuid.UUID)
                )
    found: dict[uuid.UUID, str] = {}
    for model, ids in wanted.items():
        found.update({r[0]: r[1] for r in session.exec(select(model.id, model.name).where(col(model.id).in_(ids)))})
    return found


def _named(change: FieldChange, names: Mapping[uuid.UUID, str]) -> FieldChange:
    if change.field not in _DEAL_NAMES:
        return replace(change, label=_LABELS.get(change.field, change.label))
    label = _DEAL_NAMES[change.field][1]
    return replace(change, label=label, kind="name", value=names.get(change.value, change.value),
                   previous=names.get(change.previous, change.previous))  # fmt: skip
