"""Deal lines: the value follows the lines, rounding, validation, saving a deal at once, winning and undo."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select

from crm_desktop.domain import Contact, Deal, DealLine, DealStageChange, Product, Purchase, PurchaseLine
from crm_desktop.domain.errors import Conflict, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deal_lines import (
    LineInput,
    add_line,
    deal_history,
    line_total_cents,
    list_lines,
    remove_line,
    reorder_lines,
    replace_lines,
    save_deal,
    update_line,
)
from crm_desktop.services.deals import create_deal, default_pipeline, get_deal, list_stages, move_deal, win_deal
from crm_desktop.services.pipelines import create_pipeline
from crm_desktop.services.products import create_product, deactivate_product
from crm_desktop.services.timeline import deal_timeline
from crm_desktop.store import Database
from tests.unit.services import T0


def _deal(session: Session, **fields: object) -> Deal:
    return create_deal(session=session, title="Office coffee", **fields)  # type: ignore[arg-type]


def _beans(session: Session, **fields: object) -> Product:
    values = {"name": "Espresso beans 1kg", "sku": "BEAN-1", "unit_price_cents": 2_450, "stock_on_hand": 40}
    return create_product(session=session, **{**values, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "expected"),
    [
        (1, 1000, 0, 1000),
        (3, 2450, 10, 6615),
        (1, 5, 10, 5),  # 4.5 cents rounds half up
        (1, 15, 10, 14),  # 13.5 → 14
        (1, 14, 10, 13),  # 12.6 → 13
        (1, 11, 50, 6),  # 5.5 → 6
        (7, 333, 33, 1562),  # 1561.77 → 1562
        (2, 999, 100, 0),
        (1_000_000, 10_000_000_000, 1, 9_900_000_000_000_000),  # no float precision lost
    ],
)
def test_line_total_rounds_half_up_in_integers(quantity: int, price: int, discount: int, expected: int) -> None:
    assert line_total_cents(quantity=quantity, unit_price_cents=price, discount_percent=discount) == expected


def test_a_product_line_copies_name_and_price_and_the_value_follows(session: Session) -> None:
    deal = _deal(session, value_cents=99_999)
    beans = _beans(session)
    line = add_line(session=session, deal_id=deal.id, product_id=beans.id, quantity=3, discount_percent=10)
    assert (line.description, line.unit_price_cents, line.position) == ("Espresso beans 1kg", 2_450, 1)
    assert get_deal(session=session, deal_id=deal.id).value_cents == 6_615
    free = add_line(session=session, deal_id=deal.id, description="Barista training", unit_price_cents=15_000)
    assert free.product_id is None and free.position == 2
    assert get_deal(session=session, deal_id=deal.id).value_cents == 21_615
    update_line(session=session, line_id=line.id, changes={"unit_price_cents": 2_000, "description": "Beans (promo)"})
    assert get_deal(session=session, deal_id=deal.id).value_cents == 5_400 + 15_000
    assert session.get(Product, beans.id).unit_price_cents == 2_450  # the catalog keeps its price
    remove_line(session=session, line_id=free.id)
    assert get_deal(session=session, deal_id=deal.id).value_cents == 5_400
    assert [x.id for x in list_lines(session=session, deal_id=deal.id)] == [line.id]
    remove_line(session=session, line_id=line.id)  # no lines left: the value stays as it was
    assert get_deal(session=session, deal_id=deal.id).value_cents == 5_400


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"description": "  "}, "Line 1: description is required"),
        ({"description": "x", "quantity": 0}, "Line 1: quantity must be at least 1"),
        ({"description": "x", "quantity": 1.5}, "Line 1: quantity must be a whole number"),
        ({"description": "x", "unit_price_cents": -5}, "Line 1: unit price must be at least 0"),
        ({"description": "x", "discount_percent": 101}, "Line 1: discount must be at most 100"),
        ({"description": "x" * 301}, "too long"),
        ({"product_id": uuid.uuid4()}, "no longer exists"),
    ],
)
def test_bad_lines_are_refused_and_change_nothing(session: Session, fields: dict, words: str) -> None:
    deal = _deal(session, value_cents=500)
    with pytest.raises(ValidationError) as info:
        add_line(session=session, deal_id=deal.id, **fields)
    assert words in str(info.value) and info.value.field == "lines"
    assert list_lines(session=session, deal_id=deal.id) == []
    assert get_deal(session=session, deal_id=deal.id).value_cents == 500


def test_inactive_or_foreign_currency_products_are_refused_for_new_lines(session: Session) -> None:
    deal = _deal(session)
    old = _beans(session, name="Old roast")
    deactivate_product(session=session, product_id=old.id)
    with pytest.raises(ValidationError, match="no longer sold"):
        add_line(session=session, deal_id=deal.id, product_id=old.id)
    usd = _beans(session, name="Import", currency="USD")
    with pytest.raises(ValidationError, match="priced in USD"):
        add_line(session=session, deal_id=deal.id, product_id=usd.id)
    line = add_line(session=session, deal_id=deal.id, product_id=usd.id, unit_price_cents=3_000)
    assert line.unit_price_cents == 3_000


def test_reorder_needs_every_line_once(session: Session) -> None:
    deal = _deal(session)
    a, b, c = (add_line(session=session, deal_id=deal.id, description=d, unit_price_cents=100) for d in "abc")
    reorder_lines(session=session, deal_id=deal.id, line_ids=[c.id, a.id, b.id])
    assert [x.description for x in list_lines(session=session, deal_id=deal.id)] == ["c", "a", "b"]
    with pytest.raises(ValidationError, match="exactly once"):
        reorder_lines(session=session, deal_id=deal.id, line_ids=[c.id, a.id])


def test_replace_lines_updates_adds_removes_and_validates_first(session: Session) -> None:
    deal = _deal(session)
    beans = _beans(session)
    keep = add_line(session=session, deal_id=deal.id, product_id=beans.id, quantity=2)
    drop = add_line(session=session, deal_id=deal.id, description="Delivery", unit_price_cents=900)
    bad = [LineInput(description="ok", unit_price_cents=100), LineInput(description="x", quantity=0)]
    with pytest.raises(ValidationError, match="Line 2"):
        replace_lines(session=session, deal_id=deal.id, lines=bad)
    assert len(list_lines(session=session, deal_id=deal.id)) == 2
    lines = replace_lines(
        session=session,
        deal_id=deal.id,
        lines=[
            LineInput(description="Setup", unit_price_cents=5_000),
            LineInput(description="Beans", quantity=4, unit_price_cents=2_450, product_id=beans.id, line_id=keep.id),
        ],
    )
    assert [x.description for x in lines] == ["Setup", "Beans"] and lines[1].id == keep.id
    assert session.get(DealLine, drop.id).deleted_at is not None
    assert get_deal(session=session, deal_id=deal.id).value_cents == 5_000 + 9_800
    with pytest.raises(ValidationError, match="not a line of this deal"):
        replace_lines(session=session, deal_id=deal.id, lines=[LineInput(description="x", line_id=drop.id)])


def test_save_deal_creates_with_lines_and_ignores_a_typed_value(session: Session) -> None:
    ada = create_contact(session=session, data=ContactInput(given_name="Ada")).id
    stages = list_stages(session=session, pipeline_id=default_pipeline(session=session).id)
    deal = save_deal(
        session=session, deal_id=None, stage_id=stages[1].id,
        changes={"title": "Cafe fit-out", "contact_id": ada, "value_cents": 1, "probability": 40},
        lines=[LineInput(description="Machine", unit_price_cents=250_000, discount_percent=5)],
    )  # fmt: skip
    assert (deal.stage_id, deal.value_cents, deal.probability) == (stages[1].id, 237_500, 40)
    again = save_deal(
        session=session, deal_id=deal.id, stage_id=stages[2].id, changes={"title": "Cafe fit-out (phase 1)"},
        lines=[],
    )  # fmt: skip
    assert (again.title, again.stage_id) == ("Cafe fit-out (phase 1)", stages[2].id)
    assert list_lines(session=session, deal_id=deal.id) == []
    with pytest.raises(ValidationError, match="title"):
        save_deal(session=session, deal_id=None, changes={})


def test_save_deal_takes_a_typed_value_only_without_lines(session: Session) -> None:
    deal = _deal(session)
    save_deal(session=session, deal_id=deal.id, changes={"value_cents": 1},
              lines=[LineInput(description="Machine", unit_price_cents=9_000)])  # fmt: skip
    with pytest.raises(ValidationError, match="sum of its lines") as err:
        save_deal(session=session, deal_id=deal.id, changes={"value_cents": 5})
    assert err.value.field == "value_cents" and deal.value_cents == 9_000
    save_deal(session=session, deal_id=deal.id, changes={"value_cents": 4_200}, lines=[])  # lines off, value typed
    assert (deal.value_cents, list_lines(session=session, deal_id=deal.id)) == (4_200, [])


def test_save_deal_moves_an_open_deal_to_another_pipeline(session: Session) -> None:
    wholesale = create_pipeline(session=session, name="Wholesale")
    intro = list_stages(session=session, pipeline_id=wholesale.id)[1]
    deal = _deal(session)
    save_deal(session=session, deal_id=deal.id, changes={"title": "Moved"}, pipeline_id=wholesale.id,
              stage_id=intro.id, lines=[LineInput(description="Beans", unit_price_cents=100)])  # fmt: skip
    assert (deal.title, deal.pipeline_id, deal.stage_id, deal.value_cents) == ("Moved", wholesale.id, intro.id, 100)
    assert session.exec(select(DealStageChange).where(DealStageChange.to_stage_id == intro.id)).one().deal_id == deal.id


def test_winning_records_purchase_lines_and_takes_stock(session: Session) -> None:
    ada = create_contact(session=session, data=ContactInput(given_name="Ada")).id
    deal = _deal(session, contact_id=ada)
    beans = _beans(session, stock_on_hand=10)
    untracked = _beans(session, name="Gift card", stock_on_hand=None, unit_price_cents=5_000)
    add_line(session=session, deal_id=deal.id, product_id=beans.id, quantity=3, discount_percent=10)
    add_line(session=session, deal_id=deal.id, product_id=beans.id, quantity=1)
    add_line(session=session, deal_id=deal.id, product_id=untracked.id)
    add_line(session=session, deal_id=deal.id, description="Delivery", unit_price_cents=995)
    purchase = win_deal(session=session, deal_id=deal.id, at=T0)
    assert purchase.amount_cents == 6_615 + 2_450 + 5_000 + 995
    lines = session.exec(select(PurchaseLine).where(PurchaseLine.purchase_id == purchase.id)).all()
    assert sorted((x.description, x.quantity, x.unit_price_cents) for x in lines) == [
        ("Delivery", 1, 995),
        ("Espresso beans 1kg", 1, 2_450),
        ("Espresso beans 1kg (10% off)", 3, 2_205),
        ("Gift card", 1, 5_000),
    ]
    assert session.get(Product, beans.id).stock_on_hand == 6
    assert session.get(Product, untracked.id).stock_on_hand is None
    assert session.get(Contact, ada).lifecycle_stage == "customer"
    with pytest.raises(Conflict, match="won"):
        add_line(session=session, deal_id=deal.id, description="More", unit_price_cents=1)


def test_undo_of_a_line_edit_restores_lines_value_and_redo_reapplies(workspace: Database) -> None:
    with workspace.session() as s:
        deal = _deal(s)
        line = add_line(session=s, deal_id=deal.id, description="Beans", quantity=2, unit_price_cents=1_000)
    _, changes = undo.perform(
        workspace, "Edit line", lambda s: update_line(session=s, line_id=line.id, changes={"quantity": 5})
    )
    with workspace.read_session() as s:
        assert get_deal(session=s, deal_id=deal.id).value_cents == 5_000
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert get_deal(session=s, deal_id=deal.id).value_cents == 2_000
        assert s.get(DealLine, line.id).quantity == 2
    undo.redo(workspace, changes)
    with workspace.read_session() as s:
        assert get_deal(session=s, deal_id=deal.id).value_cents == 5_000


def test_undo_of_a_whole_save_removes_added_lines(workspace: Database) -> None:
    with workspace.session() as s:
        deal = _deal(s, value_cents=700)
    lines = [LineInput(description="A", unit_price_cents=100), LineInput(description="B", unit_price_cents=250)]
    _, changes = undo.perform(
        workspace, "Save deal",
        lambda s: save_deal(session=s, deal_id=deal.id, changes={"title": "Renamed"}, lines=lines),
    )  # fmt: skip
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        restored = get_deal(session=s, deal_id=deal.id)
        assert (restored.title, restored.value_cents) == ("Office coffee", 700)
        assert list_lines(session=s, deal_id=deal.id) == []


def test_deal_timeline_and_history_name_stages_and_lines(session: Session) -> None:
    deal = _deal(session, at=T0)
    stages = list_stages(session=session, pipeline_id=deal.pipeline_id)
    move_deal(session=session, deal_id=deal.id, stage_id=stages[1].id)
    add_line(session=session, deal_id=deal.id, description="Beans", unit_price_cents=1_000)
    items = deal_timeline(session=session, deal_id=deal.id)
    assert [i.kind for i in items] == ["stage_change", "deal_created"]
    assert items[0].title == f"{stages[0].name} → {stages[1].name}"
    history = deal_history(session=session, deal_id=deal.id)
    records = [e.record for e in history]
    assert "Line “Beans”" in records and "Deal" in records
    stage_change = next(c for e in history for c in e.changes if c.field == "stage_id" and e.action == "changed")
    assert (stage_change.label, stage_change.value, stage_change.previous) == ("Stage", stages[1].name, stages[0].name)
    value = next(c for e in history for c in e.changes if c.field == "value_cents")
    assert value.label == "Value"
    assert session.exec(select(Purchase)).all() == []
