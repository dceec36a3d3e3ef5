"""What the Shopify sandbox keeps beyond the shared `Shop` record, and its helpers.

Products are `Listing`s, variants are `Model`s (the inventory item of a variant has
the variant's numeric id, under its own gid type), options live in `tier_variation`.
Per shop: the cost bucket, the location, the idempotency keys already answered and
order details the shared `Order` has no field for (financial / fulfillment status).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.shopify.bucket import CostBucket
from sandbox.state import Listing, Model, Order, Shop

PLATFORM = "shopify"


@dataclass
class ShopifyExtras:
    bucket: CostBucket = field(default_factory=CostBucket)
    location_id: int = 0
    # @idempotent keys already answered: key -> the mutation's result.
    idempotent: dict[str, Any] = field(default_factory=dict)
    # Order id -> {"financial": "PAID"|"PENDING", "fulfillment": ..., "cancelled_at": ts}
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Answers refused by the cost bucket (not by the fault switches).
    throttled: int = 0


def extras(shop: Shop) -> ShopifyExtras:
    """The shop's Shopify-only state (kept on the record: `Shop` is not hashable)."""
    found = shop.__dict__.get("_shopify")
    if not isinstance(found, ShopifyExtras):
        found = shop.__dict__["_shopify"] = ShopifyExtras()
    return found


def gid(kind: str, number: int | str) -> str:
    return f"gid://shopify/{kind}/{number}"


def gid_number(value: Any, kind: str) -> int | None:
    """The numeric id of `gid://shopify/<kind>/<n>` (or a bare number), else None."""
    text = str(value or "")
    prefix = f"gid://shopify/{kind}/"
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return int(text) if text.isdigit() else None


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def parse_iso(text: str) -> float | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def find_variant(shop: Shop, variant_id: int) -> tuple[Listing, Model] | None:
    for listing in shop.listings.values():
        for model in listing.models:
            if model.model_id == variant_id:
                return listing, model
    return None


def skus(shop: Shop, seller_sku: str) -> list[tuple[Listing, Model]]:
    """Every variant with this SKU (Shopify does not make SKUs unique)."""
    return [
        (listing, model)
        for listing in shop.listings.values()
        for model in listing.models
        if model.seller_sku == seller_sku
    ]


def option_values(listing: Listing, model: Model) -> list[tuple[str, str]]:
    out = []
    for axis, index in zip(listing.tier_variation, model.tier_index, strict=False):
        options = axis.get("options")
        if isinstance(options, list) and 0 <= index < len(options):
            out.append((str(axis.get("name") or ""), str(options[index])))
    return out


def order_status(shop: Shop, order: Order) -> dict[str, Any]:
    return extras(shop).orders.setdefault(
        order.order_sn, {"financial": "PAID", "fulfillment": "UNFULFILLED", "cancelled_at": None}
    )


# -- search syntax -------------------------------------------------------------------
# ⚠ A subset of Shopify's search syntax: `name:value` terms (value optionally quoted,
# comparators :>, :>=, :<, :<=), joined by OR, or by AND / whitespace.
TERM = re.compile(r"""(\w+):(>=|<=|>|<)?('[^']*'|"[^"]*"|\S+)""")


@dataclass(frozen=True)
class Term:
    name: str
    op: str
    value: str


def parse_search(query: str) -> tuple[list[Term], bool]:
    """The query's terms and whether they are OR-ed (else AND-ed)."""
    terms = [
        Term(m.group(1), m.group(2) or "=", m.group(3).strip("'\"")) for m in TERM.finditer(query)
    ]
    return terms, bool(re.search(r"\sOR\s", query))


def matches(terms: list[Term], any_of: bool, value_of: Any) -> bool:
    """`value_of(name)` gives the record's value for a term name (str or float)."""
    if not terms:
        return True
    results = [_match(t, value_of(t.name)) for t in terms]
    return any(results) if any_of else all(results)


def _match(term: Term, actual: Any) -> bool:
    if actual is None:
        return False
    if isinstance(actual, float):
        wanted = parse_iso(term.value)
        if wanted is None:
            return False
        return {
            "=": actual == wanted,
            ">": actual > wanted,
            ">=": actual >= wanted,
            "<": actual < wanted,
            "<=": actual <= wanted,
        }[term.op]
    return str(actual) == term.value
