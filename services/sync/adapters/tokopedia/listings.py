"""Tokopedia listings: create (v3, variants as child products), get, find by SKU, list.

A product with variants is a parent whose children each have their own product id,
SKU, price and stock; `ListingRef.variant_ids` maps seller SKU -> child product id.
⚠ Variant `selection[].id` should be a variant type id from Tokopedia's get-variant-by-
category API (not implemented); we send 0 with free-text option values, which the
sandbox accepts. ⚠ The create path and answer are not in MARKETPLACES.md §3 (see
sandbox/tokopedia/products.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
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
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokopedia.client import TokopediaClient, fs_id
from services.sync.adapters.tokopedia.validation import (
    check_stock,
    permanent,
    to_money,
    to_rupiah,
    validate_draft,
)
from services.sync.adapters.transport import Reply

PRODUCT_PAGE = 50


def path_create(shop: ShopAuth) -> str:
    return f"/v3/products/fs/{fs_id(shop)}/create"


def path_info(shop: ShopAuth) -> str:
    return f"/inventory/v1/fs/{fs_id(shop)}/product/info"


def product_body(draft: ListingDraft) -> dict[str, Any]:
    first = draft.variants[0]
    product: dict[str, Any] = {
        "name": draft.title,
        "condition": "NEW",
        "description": draft.description or draft.title,
        "sku": draft.seller_sku if draft.option_names else first.seller_sku,
        "price": min(to_rupiah(v.price) for v in draft.variants),
        "status": "LIMITED",
        "stock": check_stock(first.stock),
        "min_order": 1,
        "category_id": int(draft.category_id),
        "price_currency": "IDR",
        "weight": draft.package_grams(),
        "weight_unit": "GR",
        "is_free_return": False,
        "is_must_insurance": False,
        "pictures": [{"file_path": url} for url in draft.images],
    }
    if draft.option_names:
        options: list[list[str]] = [[] for _ in draft.option_names]
        for v in draft.variants:
            for tier, value in enumerate(v.option_values):
                if value not in options[tier]:
                    options[tier].append(value)
        product["variant"] = {
            "products": [
                {
                    "is_primary": i == 0,
                    "status": "LIMITED",
                    "price": to_rupiah(v.price),
                    "stock": check_stock(v.stock),
                    "sku": v.seller_sku,
                    "combination": [options[t].index(x) for t, x in enumerate(v.option_values)],
                }
                for i, v in enumerate(draft.variants)
            ],
            "selection": [
                {
                    "id": 0,
                    "unit_id": 0,
                    "options": [{"hex_code": "", "unit_value_id": 0, "value": o} for o in opts],
                }
                for opts in options
            ],
        }
    return {"products": [product]}


def _variant(record: Mapping[str, Any]) -> RemoteVariant:
    return RemoteVariant(
        seller_sku=str((record.get("other") or {}).get("sku") or ""),
        external_id=str(record["basic"]["productID"]),
        price=to_money((record.get("price") or {}).get("value")),
        stock=(record.get("stock") or {}).get("value"),
    )


class TokopediaListings:
    def __init__(self, client: TokopediaClient) -> None:
        self._client = client

    async def _info(self, shop: ShopAuth, **params: Any) -> list[dict[str, Any]]:
        reply = await self._client.call(shop, "GET", path_info(shop), params=params.items())
        return list(reply.payload.get("data") or [])

    async def _remote(self, shop: ShopAuth, record: Mapping[str, Any]) -> RemoteListing:
        basic = record["basic"]
        children = (record.get("variant") or {}).get("childrenID") or []
        rows: Sequence[Mapping[str, Any]] = [record]
        if children:
            rows = await self._info(shop, product_id=",".join(str(c) for c in children))
        return RemoteListing(
            external_id=str(basic["productID"]),
            title=str(basic.get("name") or ""),
            variants=[_variant(r) for r in rows],
            status=str(basic.get("status") or ""),
        )

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        found = await self._info(shop, product_id=external_id)
        if not found:
            raise permanent(f"product {external_id} not found", "not_found")
        return await self._remote(shop, found[0])

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        found = await self._info(shop, sku=seller_sku)
        if not found:
            return None
        parent = int((found[0].get("variant") or {}).get("parentID") or 0)
        if parent:
            return await self.get_listing(shop, str(parent))
        return await self._remote(shop, found[0])

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        page = int(page_token or 1)
        records = await self._info(shop, shop_id=shop.shop_id, page=page, per_page=PRODUCT_PAGE)
        items = [await self._remote(shop, r) for r in records]
        return Page(items, str(page + 1) if len(records) == PRODUCT_PAGE else "")

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        """Never duplicated: after a failed attempt, the first variant's SKU is looked up."""
        validate_draft(draft)
        body = product_body(draft)
        path = path_create(shop)

        def create(single: RetryBudget) -> Awaitable[Reply]:
            params = [("shop_id", shop.shop_id)]
            return self._client.call(shop, "POST", path, params=params, body=body, budget=single)

        def find() -> Awaitable[RemoteListing | None]:
            return self.find_listing_by_seller_sku(shop, draft.variants[0].seller_sku)

        # After a throttled answer the next call waits in the shop's bucket.
        pause = bucket_pause(lambda: self._client.bucket(shop))
        reply = await create_or_find(self._client.budget, create, find, pause=pause)
        if isinstance(reply, RemoteListing):
            return reply.ref()
        data = reply.payload.get("data") or {}
        failed = data.get("failed_rows_data") or []
        if failed:
            errors = failed[0].get("error") or []
            raise permanent(
                "; ".join(str(e) for e in errors) or "create failed", "failed_rows_data"
            )
        product_id = str(data["success_rows_data"][0]["product_id"])
        return (await self.get_listing(shop, product_id)).ref()
