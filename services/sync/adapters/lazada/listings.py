"""Lazada listings: /product/create, /product/update, /product/item/get, /products/get (§4.3).

Payload documents are built in product_payload (JSON, ⚠ see there). A create
that failed retryably is never blindly re-sent: the seller SKUs are looked up first
(`sku_seller_list`), so a create the platform stored before its answer was lost is
found instead of duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from services.sync.adapters.base import (
    ListingDraft,
    ListingRef,
    Page,
    RemoteListing,
    RemoteVariant,
    ShopAuth,
)
from services.sync.adapters.create_once import create_or_find, sleep_backoff
from services.sync.adapters.lazada.client import LazadaClient
from services.sync.adapters.lazada.product_payload import create_payload, update_payload
from services.sync.adapters.lazada.validation import permanent, validate_draft
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import from_major, shop_currency

PAGE = 50  # /products/get limit max
SKU_FILTER = 100  # sku_seller_list max

PATH_CREATE = "/product/create"
PATH_UPDATE = "/product/update"
PATH_ITEM_GET = "/product/item/get"
PATH_PRODUCTS_GET = "/products/get"


class LazadaListings:
    def __init__(self, client: LazadaClient) -> None:
        self._client = client

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        validate_draft(shop, draft)
        payload = create_payload(shop, draft)
        skus = [v.seller_sku for v in draft.variants]

        async def create(single: RetryBudget) -> ListingRef:
            answer = await self._client.call(
                shop, "POST", PATH_CREATE, [("payload", payload)], budget=single
            )
            data = answer.get("data") or {}
            ids = {str(s["seller_sku"]): str(s["sku_id"]) for s in data.get("sku_list", [])}
            return ListingRef(str(data["item_id"]), ids)

        async def find() -> ListingRef | None:
            found = await self.find_by_skus(shop, skus)
            if not found:
                return None
            return found[0].ref()

        budget = self._client.budget
        return await create_or_find(budget, create, find, pause=sleep_backoff(budget))

    async def update_product(
        self, shop: ShopAuth, current: RemoteListing, draft: ListingDraft
    ) -> None:
        """Send the draft's attributes, images and SKU weights to /product/update.

        The draft is validated and its SKU set matches `current` (the caller checks);
        the call is idempotent, so the client's normal retries apply."""
        sku_ids = {v.seller_sku: v.external_id for v in current.variants}
        payload = update_payload(current.external_id, sku_ids, draft)
        await self._client.call(shop, "POST", PATH_UPDATE, [("payload", payload)])

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        if not external_id.isdigit():
            raise permanent(f"not a Lazada item id: {external_id!r}")
        answer = await self._client.call(shop, "GET", PATH_ITEM_GET, [("item_id", external_id)])
        return to_remote(shop, answer.get("data") or {})

    async def find_by_skus(self, shop: ShopAuth, skus: Sequence[str]) -> list[RemoteListing]:
        found: dict[str, RemoteListing] = {}
        for i in range(0, len(skus), SKU_FILTER):
            chunk = list(skus[i : i + SKU_FILTER])
            offset = 0
            while True:
                page = await self._products(shop, offset, [("sku_seller_list", json.dumps(chunk))])
                for listing in page:
                    found[listing.external_id] = listing
                if len(page) < PAGE:
                    break
                offset += PAGE
        return list(found.values())

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        for listing in await self.find_by_skus(shop, [seller_sku]):
            if any(v.seller_sku == seller_sku for v in listing.variants):
                return listing
        return None

    async def _products(
        self, shop: ShopAuth, offset: int, extra: Sequence[tuple[str, Any]] = ()
    ) -> list[RemoteListing]:
        params = [("filter", "all"), ("limit", PAGE), ("offset", offset), *extra]
        answer = await self._client.call(shop, "GET", PATH_PRODUCTS_GET, params)
        products = (answer.get("data") or {}).get("products") or []
        return [to_remote(shop, p) for p in products]

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        """Pages of 50 by offset (⚠ offset is deprecated and capped at 10,000 by Lazada)."""
        offset = int(page_token or 0)
        items = await self._products(shop, offset)
        return Page(items, str(offset + PAGE) if len(items) == PAGE else "")


def to_remote(shop: ShopAuth, product: Mapping[str, Any]) -> RemoteListing:
    currency = shop_currency(shop)
    variants = []
    for s in product.get("skus") or []:
        quantity = s.get("quantity")
        variants.append(
            RemoteVariant(
                seller_sku=str(s.get("SellerSku") or ""),
                external_id=str(s.get("SkuId") or ""),
                price=from_major(s.get("price"), currency),
                stock=int(quantity) if quantity is not None else None,
            )
        )
    attributes = product.get("attributes") or {}
    return RemoteListing(
        external_id=str(product.get("item_id") or ""),
        title=str(attributes.get("name") or ""),
        variants=variants,
        status=str(product.get("status") or ""),
    )
