"""WooCommerce listings: create (variable product + variations batch), get, find, list.

A draft with attributes becomes a `variable` product (its own SKU is the draft's, its
custom attributes list every option with `variation: true`), then one
`POST /products/<id>/variations/batch {create: [...]}` (≤ 100 variations: validation
caps a listing there). A draft without attributes is one `simple` product. Variants are
stock-managed (`manage_stock: true`). `ListingRef.variant_ids` maps seller SKU ->
variation id (simple products: the product id).

Never duplicated: when a create attempt fails retryably, the product is looked up by
its SKU (`GET /products?sku=`, which in wc/v3 also searches variations) before
sending again (and a resend refused as a duplicate SKU after such a lookup adopts the
product the first attempt stored meanwhile); variations already stored are not
created twice. A first attempt refused as a duplicate SKU stays PERMANENT: a product
we did not just create is not adopted silently (find_listing_by_seller_sku does that).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.sync.adapters.base import (
    ListingDraft,
    ListingRef,
    Page,
    RemoteListing,
    RemoteVariant,
    ShopAuth,
)
from services.sync.adapters.create_once import bucket_pause, create_or_find
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.woocommerce.client import (
    PAGE_SIZE,
    Location,
    WooCommerceClient,
    total_pages,
)
from services.sync.adapters.woocommerce.validation import (
    check_stock,
    permanent,
    shop_currency,
    to_money,
    to_price,
    validate_draft,
)

LISTING_PAGE = 20
DUPLICATE_SKU = "product_invalid_sku"  # core: "Invalid or duplicated SKU."


def product_body(shop: ShopAuth, draft: ListingDraft) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": draft.title,
        "status": "publish",
        "description": draft.description,
        "images": [{"src": url} for url in draft.images],
    }
    if draft.category_id.isdigit():
        body["categories"] = [{"id": int(draft.category_id)}]
    if not draft.option_names:
        only = draft.variants[0]
        return {
            **body,
            "type": "simple",
            "sku": only.seller_sku,
            "regular_price": to_price(shop, only.price),
            "manage_stock": True,
            "stock_quantity": check_stock(only.stock),
        }
    attributes = [
        {
            "name": name,
            "position": i,
            "visible": True,
            "variation": True,
            "options": list(dict.fromkeys(v.option_values[i] for v in draft.variants)),
        }
        for i, name in enumerate(draft.option_names)
    ]
    return {**body, "type": "variable", "sku": draft.seller_sku, "attributes": attributes}


def variation_bodies(shop: ShopAuth, draft: ListingDraft) -> dict[str, dict[str, Any]]:
    """Each variation's create body, by seller SKU."""
    return {
        v.seller_sku: {
            "sku": v.seller_sku,
            "regular_price": to_price(shop, v.price),
            "manage_stock": True,
            "stock_quantity": check_stock(v.stock),
            "attributes": [
                {"name": name, "option": v.option_values[i]}
                for i, name in enumerate(draft.option_names)
            ],
            **({"image": {"src": v.image_url}} if v.image_url else {}),
        }
        for v in draft.variants
    }


def remote_variant(record: Mapping[str, Any], currency: str) -> RemoteVariant:
    stock = record.get("stock_quantity")
    return RemoteVariant(
        seller_sku=str(record.get("sku") or ""),
        external_id=str(record["id"]),
        price=to_money(record.get("regular_price") or record.get("price"), currency),
        stock=int(stock) if stock is not None else None,
    )


def item_error(item: Mapping[str, Any]) -> AdapterError | None:
    """A batch item's `{id, error: {code, message, data}}` as a PERMANENT error."""
    error = item.get("error")
    if not isinstance(error, Mapping):
        return None
    return permanent(str(error.get("message") or ""), str(error.get("code") or "batch_item"))


class WooCommerceListings:
    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client

    async def _variations(self, shop: ShopAuth, product_id: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        page, pages = 1, 1
        while page <= pages:
            reply = await self._client.call(
                shop,
                "GET",
                f"/products/{product_id}/variations",
                params=[("per_page", PAGE_SIZE), ("page", page)],
            )
            rows += list(reply.payload)
            pages = total_pages(reply.headers)
            page += 1
        return rows

    async def remote(self, shop: ShopAuth, record: Mapping[str, Any]) -> RemoteListing:
        """A product record as a listing (a variable product's variations are read)."""
        currency = shop_currency(shop)
        product_id = int(record["id"])
        index = self._client.index(shop)
        if record.get("type") == "variable":
            rows = await self._variations(shop, product_id)
            for row in rows:
                index[str(row.get("sku") or "")] = Location(product_id, int(row["id"]))
            variants = [remote_variant(r, currency) for r in rows]
        else:
            index[str(record.get("sku") or "")] = Location(product_id)
            variants = [remote_variant(record, currency)]
        index.pop("", None)
        return RemoteListing(
            external_id=str(product_id),
            title=str(record.get("name") or ""),
            variants=variants,
            status=str(record.get("status") or ""),
        )

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        if not external_id.isdigit():
            raise permanent(f"product id {external_id!r} is not a number", "not_found")
        reply = await self._client.call(shop, "GET", f"/products/{external_id}")
        return await self.remote(shop, reply.payload)

    async def _by_sku(self, shop: ShopAuth, seller_sku: str) -> dict[str, Any] | None:
        reply = await self._client.call(shop, "GET", "/products", params=[("sku", seller_sku)])
        # `sku` is split on commas by core; keep only the exact match.
        return next((r for r in reply.payload if r.get("sku") == seller_sku), None)

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        found = await self._by_sku(shop, seller_sku)
        if found is None:
            return None
        parent = int(found.get("parent_id") or 0)
        if parent:
            return await self.get_listing(shop, str(parent))
        return await self.remote(shop, found)

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        page = int(page_token or 1)
        reply = await self._client.call(
            shop,
            "GET",
            "/products",
            params=[
                ("per_page", LISTING_PAGE),
                ("page", page),
                ("orderby", "id"),
                ("order", "asc"),
            ],
        )
        items = [await self.remote(shop, r) for r in reply.payload]
        more = page < total_pages(reply.headers)
        return Page(items, str(page + 1) if more else "")

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        validate_draft(shop, draft)
        body = product_body(shop, draft)
        pending = variation_bodies(shop, draft) if draft.option_names else {}

        probed = False

        async def send_product(budget: RetryBudget) -> dict[str, Any]:
            try:
                reply = await self._client.call(shop, "POST", "/products", body=body, budget=budget)
            except AdapterError as exc:
                # The first attempt was still being stored when we probed: adopt it.
                found = await find_product() if probed and exc.code == DUPLICATE_SKU else None
                if found is None:
                    raise
                return found
            return dict(reply.payload)

        async def find_product() -> dict[str, Any] | None:
            nonlocal probed
            probed = True
            return await self._by_sku(shop, str(body["sku"]))

        budget, pause = self._client.budget, bucket_pause(lambda: self._client.bucket(shop))
        product = await create_or_find(budget, send_product, find_product, pause=pause)
        product_id = int(product["id"])
        if not pending:
            listing = await self.remote(shop, product)
            return listing.ref()
        path = f"/products/{product_id}/variations/batch"
        ids: dict[str, str] = {}

        async def send_variations(budget: RetryBudget) -> bool:
            create = list(pending.values())
            reply = await self._client.call(
                shop, "POST", path, body={"create": create}, budget=budget
            )
            for item in reply.payload.get("create") or []:
                error = item_error(item)
                if error is not None:
                    raise error
                ids[str(item.get("sku") or "")] = str(item["id"])
            return True

        async def drop_stored() -> bool | None:
            for row in await self._variations(shop, product_id):
                sku = str(row.get("sku") or "")
                if sku in pending:
                    del pending[sku]
                    ids[sku] = str(row["id"])
            return True if not pending else None

        await create_or_find(budget, send_variations, drop_stored, pause=pause)
        index = self._client.index(shop)
        for sku, variation_id in ids.items():
            index[sku] = Location(product_id, int(variation_id))
        return ListingRef(
            str(product_id), {v.seller_sku: ids[v.seller_sku] for v in draft.variants}
        )
