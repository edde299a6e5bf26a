"""The product catalog: what the business sells, at what price, from which vendor, with how much in stock.

Prices are integer cents plus an ISO currency code. Products are never deleted: a product no longer sold is
deactivated, so old deals and purchases keep naming it. Searches run in SQL, a page at a time, and treat
whatever is typed (%, _, quotes, backslashes) as plain text.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from crm_desktop.domain import Product
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, moment
from crm_desktop.services.settings import get_setting

MAX_PRICE_CENTS = 10_000_000_000  # a hundred million in the currency: more is a typing slip
MAX_STOCK = 100_000_000
EDITABLE_FIELDS = frozenset(
    {"name", "sku", "description", "unit_price_cents", "currency", "vendor", "stock_on_hand", "active"}
)


@dataclass(frozen=True)
class ProductRow:
    """A product as lists and pickers show it (a plain copy, usable after the session closes)."""

    id: uuid.UUID
    name: str
    sku: str | None
    description: str | None
    unit_price_cents: int
    currency: str
    vendor: str | None
    stock_on_hand: int | None
    active: bool

    @classmethod
    def of(cls, product: Product) -> ProductRow:
        return cls(
            product.id, product.name, product.sku, product.description, product.unit_price_cents, product.currency,
            product.vendor, product.stock_on_hand, product.active,
        )  # fmt: skip


def _check(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """The product fields in `values`, validated and cleaned (unknown fields are refused)."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key == "name":
            cleaned[key] = v.require_text(value, field=key, model=Product)
        elif key in ("sku", "vendor", "description"):
            cleaned[key] = v.clean_text(value, field=key, model=Product)
        elif key == "unit_price_cents":
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ValidationError("A price cannot be negative", field=key)
            cleaned[key] = v.check_int(value, field=key, minimum=0, maximum=MAX_PRICE_CENTS)
        elif key == "currency":
            cleaned[key] = v.check_currency(value or get_setting(session=session, key="currency"))
        elif key == "stock_on_hand":
            cleaned[key] = (
                None if value is None else v.check_int(value, field=key, minimum=-MAX_STOCK, maximum=MAX_STOCK)
            )
        elif key == "active":
            if not isinstance(value, bool):
                raise ValidationError("Active must be yes or no", field=key)
            cleaned[key] = value
        else:
            raise ValidationError(f"unknown field {key!r}", field=key)
    if "sku" in cleaned and cleaned["sku"] is not None:
        cleaned["sku"] = " ".join(cleaned["sku"].split())
    return cleaned


def create_product(
    *,
    session: Session,
    name: str,
    sku: str | None = None,
    description: str | None = None,
    unit_price_cents: int = 0,
    currency: str | None = None,
    vendor: str | None = None,
    stock_on_hand: int | None = None,
    active: bool = True,
    at: datetime | None = None,
) -> Product:
    """A new product in the catalog (currency defaults to the business currency; stock None = not tracked)."""
    when = moment(at)
    fields = _check(
        session,
        {"name": name, "sku": sku, "description": description, "unit_price_cents": unit_price_cents,
         "currency": currency, "vendor": vendor, "stock_on_hand": stock_on_hand, "active": active},
    )  # fmt: skip
    product = Product(**fields, created_at=when, updated_at=when)
    session.add(product)
    session.flush()
    return product


def get_product(*, session: Session, product_id: uuid.UUID, include_deleted: bool = False) -> Product:
    """One product (inactive ones too); NotFound when missing or in the Trash."""
    return get_live(session, Product, product_id, what="Product", include_deleted=include_deleted)


def update_product(*, session: Session, product_id: uuid.UUID, changes: Mapping[str, Any]) -> Product:
    """Edit a product's details; only the fields named in `changes` are touched."""
    product = get_product(session=session, product_id=product_id)
    for name, value in _check(session, dict(changes)).items():
        if getattr(product, name) != value:
            setattr(product, name, value)
    session.add(product)
    session.flush()
    return product


def deactivate_product(*, session: Session, product_id: uuid.UUID) -> Product:
    """Stop offering a product: it leaves the pick lists, while old deals and purchases keep naming it."""
    return update_product(session=session, product_id=product_id, changes={"active": False})


def reactivate_product(*, session: Session, product_id: uuid.UUID) -> Product:
    """Offer a deactivated product again."""
    return update_product(session=session, product_id=product_id, changes={"active": True})


def adjust_stock(*, session: Session, product_id: uuid.UUID, delta: int) -> Product:
    """Add (or, negative, take) units to a product's stock; untracked stock (None) stays untracked.

    Stock may go below zero: a sale is never refused for want of a count, and a negative stock shows
    what is owed to customers.
    """
    v.check_int(delta, field="delta", minimum=-MAX_STOCK, maximum=MAX_STOCK)
    product = get_product(session=session, product_id=product_id, include_deleted=True)
    if product.stock_on_hand is not None and delta:
        product.stock_on_hand += delta
        session.add(product)
        session.flush()
    return product


def _filters(search: str, active_only: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Product.deleted_at).is_(None)]
    if active_only:
        conditions.append(col(Product.active).is_(True))
    for token in search.split():
        pattern = v.like_pattern(token)
        conditions.append(
            or_(*(c.ilike(pattern, escape="\\") for c in (col(Product.name), col(Product.sku), col(Product.vendor))))
        )
    return conditions


def search_products(
    *,
    session: Session,
    search: str = "",
    active_only: bool = True,
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> list[ProductRow]:
    """One page of products whose name, SKU or vendor contains every typed word, by name (A→Z unless descending).

    Any text is safe to pass: wildcards and quotes are matched literally.
    """
    if not isinstance(search, str):
        raise ValidationError("Search must be text", field="search")
    v.check_paging(offset=offset, limit=limit)
    stmt = (
        select(Product)
        .where(*_filters(search[:500], active_only))
        .order_by(*(c.desc() if descending else c.asc() for c in (func.lower(col(Product.name)), col(Product.id))))
        .offset(offset)
        .limit(limit)
    )
    return [ProductRow.of(p) for p in session.exec(stmt)]


def count_products(*, session: Session, search: str = "", active_only: bool = True) -> int:
    """How many products `search_products` would page through with the same search."""
    if not isinstance(search, str):
        raise ValidationError("Search must be text", field="search")
    stmt = select(func.count()).select_from(Product).where(*_filters(search[:500], active_only))
    return int(session.exec(stmt).one())


def list_active_products(*, session: Session, limit: int = 500) -> list[ProductRow]:
    """The products on sale, by name (a small business's catalog fits in one page)."""
    return search_products(session=session, active_only=True, limit=limit)
