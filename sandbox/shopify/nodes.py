"""Sandbox records as GraphQL result objects, and cursor connections.

Result objects are dicts; a field with arguments is a callable graphql-core's default
resolver calls with `(info, **args)`. Connections take first/last/after/before as the
Admin API does: at most 250 items, exactly one of first or last.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

from sandbox.shopify.store import extras, gid, gid_number, iso, option_values, order_status
from sandbox.state import Listing, Model, Order, Shop

MAX_PAGE = 250


def cursor(number: int) -> str:
    return base64.b64encode(f"cursor:{number}".encode()).decode()


def _after(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        text = base64.b64decode(raw.encode(), validate=True).decode()
    except ValueError as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.") from exc
    if not text.startswith("cursor:") or not text[7:].isdigit():
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return int(text[7:])


def connection(
    items: Sequence[tuple[int, dict[str, Any]]],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    """`items` are (sort key, node) in order; the cursor is the sort key."""
    if (first is None) == (last is None):
        raise GraphQLError("you must provide one of first or last")
    size = first if first is not None else last
    assert size is not None
    if not 0 <= size <= MAX_PAGE:
        raise GraphQLError(f"The first/last argument must be between 0 and {MAX_PAGE}")
    keys = [k for k, _ in items]
    start, end = 0, len(items)
    lower, upper = _after(after), _after(before)
    if lower is not None:
        start = next((i for i, k in enumerate(keys) if k > lower), len(items))
    if upper is not None:
        end = next((i for i, k in enumerate(keys) if k >= upper), len(items))
    window = list(items[start:end])
    page = window[:size] if first is not None else window[max(0, len(window) - size) :]
    more_after = first is not None and len(window) > size
    more_before = last is not None and len(window) > size
    return {
        "edges": [{"cursor": cursor(k), "node": n} for k, n in page],
        "nodes": [n for _, n in page],
        "pageInfo": {
            "hasNextPage": more_after,
            "hasPreviousPage": more_before or start > 0,
            "startCursor": cursor(page[0][0]) if page else None,
            "endCursor": cursor(page[-1][0]) if page else None,
        },
    }


def money(value: float) -> str:
    return f"{value:.2f}"


def location(shop: Shop) -> dict[str, Any]:
    return {"id": gid("Location", extras(shop).location_id), "name": "Shop location"}


def inventory_item(shop: Shop, listing: Listing, model: Model) -> dict[str, Any]:
    def level(_info: Any, locationId: str) -> dict[str, Any] | None:  # noqa: N803
        if gid_number(locationId, "Location") != extras(shop).location_id:
            return None
        return {
            "id": gid("InventoryLevel", f"{model.model_id}?inventory_item_id={model.model_id}"),
            "location": location(shop),
            "quantities": lambda _i, names: [
                {"name": n, "quantity": model.stock if n in ("available", "on_hand") else 0}
                for n in names
            ],
        }

    return {
        "id": gid("InventoryItem", model.model_id),
        "sku": model.seller_sku,
        "tracked": True,
        "inventoryLevel": level,
    }


def variant(shop: Shop, listing: Listing, model: Model) -> dict[str, Any]:
    options = option_values(listing, model)
    return {
        "id": gid("ProductVariant", model.model_id),
        "legacyResourceId": str(model.model_id),
        "sku": model.seller_sku,
        "title": " / ".join(v for _, v in options) or "Default Title",
        "price": money(model.price),
        "barcode": None,
        "inventoryQuantity": model.stock,
        "selectedOptions": [{"name": n, "value": v} for n, v in options],
        "inventoryItem": inventory_item(shop, listing, model),
        "product": lambda _info: product(shop, listing),
        "updatedAt": iso(listing.update_time),
    }


def product(shop: Shop, listing: Listing) -> dict[str, Any]:
    def options(_info: Any, first: int | None = None) -> list[dict[str, Any]]:
        axes = listing.tier_variation[: first if first is not None else None]
        return [
            {
                "id": gid("ProductOption", listing.item_id * 10 + n),
                "name": str(a.get("name") or ""),
                "position": n,
                "values": [str(v) for v in a.get("options") or []],  # type: ignore[attr-defined]
            }
            for n, a in enumerate(axes, start=1)
        ]

    def variants(_info: Any, **args: Any) -> dict[str, Any]:
        items = [(m.model_id, variant(shop, listing, m)) for m in listing.models]
        return connection(items, **args)

    return {
        "id": gid("Product", listing.item_id),
        "legacyResourceId": str(listing.item_id),
        "title": listing.name,
        "handle": handle(listing.name),
        "status": "ACTIVE" if listing.status == "active" else "DRAFT",
        "descriptionHtml": listing.description,
        "vendor": "",
        "productType": "",
        "createdAt": iso(listing.create_time),
        "updatedAt": iso(listing.update_time),
        "options": options,
        "variants": variants,
    }


def handle(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def order(shop: Shop, record: Order) -> dict[str, Any]:
    status = order_status(shop, record)
    number = int(record.order_sn)

    def line_items(_info: Any, **args: Any) -> dict[str, Any]:
        items = []
        for n, line in enumerate(record.lines, start=1):
            items.append(
                (
                    n,
                    {
                        "id": gid("LineItem", number * 100 + n),
                        "sku": line.seller_sku,
                        "title": line.seller_sku,
                        "quantity": line.quantity,
                        "variant": None,
                        "originalUnitPriceSet": {
                            "shopMoney": {
                                "amount": money(line.price),
                                "currencyCode": shop.currency,
                            }
                        },
                    },
                )
            )
        return connection(items, **args)

    return {
        "id": gid("Order", number),
        "legacyResourceId": record.order_sn,
        "name": f"#{record.order_sn}",
        "createdAt": iso(record.create_time),
        "updatedAt": iso(record.update_time),
        "cancelledAt": iso(status["cancelled_at"]) if status["cancelled_at"] else None,
        "closed": False,
        "displayFinancialStatus": status["financial"],
        "displayFulfillmentStatus": status["fulfillment"],
        "currencyCode": shop.currency,
        "lineItems": line_items,
    }


Resolver = Callable[..., Any]
