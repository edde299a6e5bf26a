"""Product catalog: validation, edits, deactivation, stock and a search that is safe for any text."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.products import (
    adjust_stock,
    count_products,
    create_product,
    deactivate_product,
    get_product,
    list_active_products,
    reactivate_product,
    search_products,
    update_product,
)
from crm_desktop.services.settings import set_setting
from tests.unit.services import changes_since, mark


def _catalog(session: Session) -> None:
    create_product(session=session, name="Espresso blend 1kg", sku="BEAN-ESP-1", unit_price_cents=2_450,
                   vendor="Finca Alta", stock_on_hand=40)  # fmt: skip
    create_product(session=session, name="Grinder 100%_pro", sku="GR_100", unit_price_cents=39_900, vendor="Mahl Co")
    create_product(session=session, name="Descaler", sku="CARE-1", unit_price_cents=990, vendor='O\'Brien "Care"')


def test_create_cleans_and_defaults(session: Session) -> None:
    product = create_product(session=session, name="  Filter papers ", sku=" FP  100 ", unit_price_cents=450)
    assert (product.name, product.sku, product.currency, product.active) == ("Filter papers", "FP 100", "EUR", True)
    assert product.stock_on_hand is None and product.vendor is None
    stored = get_product(session=session, product_id=product.id)
    assert stored.unit_price_cents == 450


def test_currency_defaults_to_the_business_setting_and_is_upper_cased(session: Session) -> None:
    set_setting(session=session, key="currency", value="GBP")
    assert create_product(session=session, name="Mug").currency == "GBP"
    assert create_product(session=session, name="Cup", currency=" usd ").currency == "USD"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "  "}, "name", "required"),
        ({"name": "x" * 201}, "name", "too long"),
        ({"name": "A", "unit_price_cents": -1}, "unit_price_cents", "negative"),
        ({"name": "A", "unit_price_cents": 12.5}, "unit_price_cents", "whole number"),
        ({"name": "A", "unit_price_cents": True}, "unit_price_cents", "whole number"),
        ({"name": "A", "currency": "EURO"}, "currency", "three-letter"),
        ({"name": "A", "stock_on_hand": "many"}, "stock_on_hand", "whole number"),
        ({"name": "A", "sku": "S" * 81}, "sku", "too long"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(session: Session, fields: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        create_product(session=session, **fields)
    assert info.value.field == field and words in str(info.value)
    assert count_products(session=session, active_only=False) == 0


def test_update_touches_only_named_fields_and_journals_them(session: Session) -> None:
    product = create_product(session=session, name="Mug", unit_price_cents=800, vendor="Clay")
    before = mark(session)
    update_product(session=session, product_id=product.id, changes={"unit_price_cents": 850, "vendor": "Clay"})
    fields = {f for t, _r, f in changes_since(session, before) if t == "product"}
    assert "unit_price_cents" in fields and "vendor" not in fields
    assert get_product(session=session, product_id=product.id).unit_price_cents == 850
    with pytest.raises(ValidationError, match="unknown field"):
        update_product(session=session, product_id=product.id, changes={"colour": "red"})


def test_deactivated_products_leave_the_active_list_but_stay_findable(session: Session) -> None:
    _catalog(session)
    grinder = search_products(session=session, search="grinder")[0]
    deactivate_product(session=session, product_id=grinder.id)
    assert [p.name for p in list_active_products(session=session)] == ["Descaler", "Espresso blend 1kg"]
    assert search_products(session=session, search="grinder") == []
    assert [p.id for p in search_products(session=session, search="grinder", active_only=False)] == [grinder.id]
    reactivate_product(session=session, product_id=grinder.id)
    assert count_products(session=session) == 3


def test_search_matches_name_sku_and_vendor_with_every_word(session: Session) -> None:
    _catalog(session)
    assert [p.sku for p in search_products(session=session, search="bean")] == ["BEAN-ESP-1"]
    assert [p.sku for p in search_products(session=session, search="finca 1kg")] == ["BEAN-ESP-1"]
    assert [p.sku for p in search_products(session=session, search="MAHL")] == ["GR_100"]
    assert search_products(session=session, search="finca mahl") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", ["GR_100"]),  # only the grinder's name holds a literal %
        ("_", ["GR_100"]),
        ("100%_", ["GR_100"]),
        ('"care"', ["CARE-1"]),
        ("o'brien", ["CARE-1"]),
        ("\\", []),
        ("' OR 1=1 --", []),
        ("*", []),
        ("x" * 5000, []),
    ],
)
def test_hostile_search_text_is_matched_literally(session: Session, text: str, expected: list[str]) -> None:
    _catalog(session)
    assert [p.sku for p in search_products(session=session, search=text)] == expected
    assert count_products(session=session, search=text) == len(expected)


def test_search_pages_in_name_order(session: Session) -> None:
    for n in range(12):
        create_product(session=session, name=f"Item {n:02d}")
    first = search_products(session=session, search="item", limit=5)
    second = search_products(session=session, search="item", offset=5, limit=5)
    assert [p.name for p in first + second] == [f"Item {n:02d}" for n in range(10)]
    with pytest.raises(ValidationError):
        search_products(session=session, limit=-1)


def test_adjust_stock_tracks_only_tracked_stock_and_may_go_negative(session: Session) -> None:
    beans = create_product(session=session, name="Beans", stock_on_hand=3)
    mug = create_product(session=session, name="Mug")
    assert adjust_stock(session=session, product_id=beans.id, delta=-5).stock_on_hand == -2
    assert adjust_stock(session=session, product_id=mug.id, delta=-5).stock_on_hand is None


def test_unknown_product_is_not_found(session: Session) -> None:
    import uuid

    with pytest.raises(NotFound):
        update_product(session=session, product_id=uuid.uuid4(), changes={"name": "x"})
