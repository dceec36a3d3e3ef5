"""Query root fields of the Shopify sandbox: shop, product(s), productVariant(s), order(s).

Filters use the search syntax subset in store.py: products by `sku`, `id`, `title`,
`updated_at`; variants by `sku`, `id`, `product_id`; orders by `id`, `updated_at`,
`created_at`. Sorting is by id unless `sortKey: UPDATED_AT` (orders and products).
"""

from __future__ import annotations

from typing import Any

from sandbox.shopify import nodes
from sandbox.shopify.store import extras, find_variant, gid, gid_number, matches, parse_search
from sandbox.state import Shop


def query_root(shop: Shop) -> dict[str, Any]:
    def shop_field(_info: Any) -> dict[str, Any]:
        return {
            "id": gid("Shop", shop.shop_id),
            "name": shop.credentials.get("shop_domain", ""),
            "myshopifyDomain": shop.credentials.get("shop_domain", ""),
            "currencyCode": shop.currency,
        }

    def location(_info: Any, id: str | None = None) -> dict[str, Any] | None:
        if id is not None and gid_number(id, "Location") != extras(shop).location_id:
            return None
        return nodes.location(shop)

    def product(_info: Any, id: str) -> dict[str, Any] | None:
        number = gid_number(id, "Product")
        listing = shop.listings.get(number) if number is not None else None
        return nodes.product(shop, listing) if listing else None

    def products(
        _info: Any,
        query: str = "",
        reverse: bool = False,
        **page: Any,
    ) -> dict[str, Any]:
        sort_key = page.pop("sortKey", "ID")
        terms, any_of = parse_search(query or "")

        def fields(listing: Any) -> Any:
            return lambda name: {
                "id": str(listing.item_id),
                "title": listing.name,
                "updated_at": float(listing.update_time),
                "created_at": float(listing.create_time),
            }.get(name)

        found = []
        for listing in shop.listings.values():
            by_sku = [t for t in terms if t.name == "sku"]
            others = [t for t in terms if t.name != "sku"]
            sku_hit = any(m.seller_sku == t.value for t in by_sku for m in listing.models)
            rest_hit = matches(others, any_of, fields(listing))
            ok = (
                (sku_hit or (bool(others) and rest_hit))
                if any_of
                else ((sku_hit or not by_sku) and rest_hit)
            )
            if ok:
                found.append(listing)
        key = (lambda x: (x.update_time, x.item_id)) if sort_key == "UPDATED_AT" else None
        found.sort(key=key or (lambda x: x.item_id), reverse=reverse)
        # Cursors follow the sort: ids when sorted by id ascending, else positions.
        by_id = sort_key == "ID" and not reverse
        items = [(x.item_id if by_id else n, nodes.product(shop, x)) for n, x in enumerate(found)]
        return nodes.connection(items, **page)

    def product_variant(_info: Any, id: str) -> dict[str, Any] | None:
        number = gid_number(id, "ProductVariant")
        found = find_variant(shop, number) if number is not None else None
        return nodes.variant(shop, *found) if found else None

    def product_variants(
        _info: Any, query: str = "", reverse: bool = False, **page: Any
    ) -> dict[str, Any]:
        terms, any_of = parse_search(query or "")
        found = []
        for listing in shop.listings.values():
            for model in listing.models:
                values = {
                    "sku": model.seller_sku,
                    "id": str(model.model_id),
                    "product_id": str(listing.item_id),
                    "updated_at": float(listing.update_time),
                }
                if matches(terms, any_of, values.get):
                    found.append((listing, model))
        found.sort(key=lambda x: x[1].model_id, reverse=reverse)
        items = [
            (m.model_id if not reverse else n, nodes.variant(shop, x, m))
            for n, (x, m) in enumerate(found)
        ]
        return nodes.connection(items, **page)

    def order(_info: Any, id: str) -> dict[str, Any] | None:
        record = shop.orders.get(str(gid_number(id, "Order")))
        return nodes.order(shop, record) if record else None

    def orders(
        _info: Any,
        query: str = "",
        reverse: bool = False,
        **page: Any,
    ) -> dict[str, Any]:
        sort_key = page.pop("sortKey", "ID")
        terms, any_of = parse_search(query or "")
        found = [
            o
            for o in shop.orders.values()
            if matches(
                terms,
                any_of,
                {
                    "id": o.order_sn,
                    "updated_at": float(o.update_time),
                    "created_at": float(o.create_time),
                }.get,
            )
        ]
        if sort_key == "UPDATED_AT":
            found.sort(key=lambda o: (o.update_time, int(o.order_sn)), reverse=reverse)
            # Cursors must follow the sort: the position is the key.
            items = [(n, nodes.order(shop, o)) for n, o in enumerate(found)]
        else:
            found.sort(key=lambda o: int(o.order_sn), reverse=reverse)
            items = [
                (int(o.order_sn) if not reverse else n, nodes.order(shop, o))
                for n, o in enumerate(found)
            ]
        return nodes.connection(items, **page)

    return {
        "shop": shop_field,
        "location": location,
        "product": product,
        "products": products,
        "productVariant": product_variant,
        "productVariants": product_variants,
        "order": order,
        "orders": orders,
    }
