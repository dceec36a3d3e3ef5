"""Shopee listings: create, edit (update_item), get, find by seller SKU, list; and the
SKU -> model index.

update_item ([SHP-SCHEMA] congminh1254/shopee-sdk `schemas/v2.product.update_item.json`):
POST with `item_id` and only the fields to change; a field left out keeps its value. We
send `item_name`, `description`, `weight` (kg; the schema: it "will overwrite the weight
of all models under this item"), `category_id` and `brand{brand_id: 0,
original_brand_name}` when they differ from get_item_base_info, and make no call when
nothing differs. ⚠ Not sent: `image{image_id_list}` takes ids returned by
`v2.media_space.upload_image`, which neither this adapter nor the sandbox implements, and
our drafts carry image URLs, so an edit leaves the item's images as they are; the draft
has no package dimensions, so `dimension` is not sent either.

⚠ `init_tier_variation` accepts the newer `standardise_tier_variation` (needs Shopee's
variation ids from get_variations) or the older `tier_variation[{name,
option_list[{option}]}]`; we send the older, free-text form.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import from_major
from services.sync.adapters.shopee.client import ShopeeClient
from services.sync.adapters.shopee.validation import (
    edit_description,
    permanent,
    to_major,
    validate_draft,
    weight_kg,
)

ITEM_PAGE = 100  # get_item_list page_size max
BASE_INFO_BATCH = 50  # get_item_base_info item_id_list max

PATH_ADD_ITEM = "/api/v2/product/add_item"
PATH_INIT_TIER = "/api/v2/product/init_tier_variation"
PATH_ITEM_LIST = "/api/v2/product/get_item_list"
PATH_BASE_INFO = "/api/v2/product/get_item_base_info"
PATH_MODEL_LIST = "/api/v2/product/get_model_list"
PATH_UPDATE_ITEM = "/api/v2/product/update_item"


@dataclass(frozen=True)
class _Target:
    item_id: int
    model_id: int


class ShopeeListings:
    def __init__(self, client: ShopeeClient) -> None:
        self._client = client
        self._sku_index: dict[str, dict[str, _Target]] = {}

    def index(self, shop: ShopAuth) -> dict[str, _Target]:
        return self._sku_index.setdefault(shop.shop_id, {})

    def remember(self, shop: ShopAuth, listing: RemoteListing) -> None:
        """Index the listing's seller SKUs (every listing read goes through `to_remote`)."""
        index = self.index(shop)
        for v in listing.variants:
            index[v.seller_sku] = _Target(int(listing.external_id), int(v.external_id))

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        validate_draft(shop, draft)
        with_models = bool(draft.option_names)
        first = draft.variants[0]
        item_sku = draft.seller_sku if with_models else first.seller_sku
        body: dict[str, Any] = {
            "item_name": draft.title,
            "description": edit_description(draft),
            "category_id": int(draft.category_id),
            "weight": weight_kg(draft),
            "original_price": to_major(shop, min(v.price for v in draft.variants)),
            "seller_stock": [{"stock": first.stock if not with_models else 0}],
            "item_sku": item_sku,
            "item_status": "NORMAL",
            "condition": "NEW",
            "image": {"image_id_list": list(draft.images)},
        }
        if draft.brand:
            body["brand"] = {"brand_id": 0, "original_brand_name": draft.brand}
        item_id, existing = await self._add_item_once(shop, body, item_sku)
        # Found after a lost answer: done, unless its models were never defined.
        has_models = existing is not None and any(v.external_id != "0" for v in existing.variants)
        if existing is not None and (has_models or not with_models):
            return existing.ref()  # indexed when read (to_remote)
        if not with_models:
            ref = ListingRef(str(item_id), {first.seller_sku: "0"})
            self.index(shop)[first.seller_sku] = _Target(item_id, 0)
            return ref
        options: list[list[str]] = [[] for _ in draft.option_names]
        for v in draft.variants:
            for tier, value in enumerate(v.option_values):
                if value not in options[tier]:
                    options[tier].append(value)
        models = [
            {
                "tier_index": [options[t].index(val) for t, val in enumerate(v.option_values)],
                "original_price": to_major(shop, v.price),
                "model_sku": v.seller_sku,
                "seller_stock": [{"stock": v.stock}],
            }
            for v in draft.variants
        ]
        payload = await self._client.call(
            shop,
            "POST",
            PATH_INIT_TIER,
            body={
                "item_id": item_id,
                "tier_variation": [
                    {"name": name, "option_list": [{"option": o} for o in options[t]]}
                    for t, name in enumerate(draft.option_names)
                ],
                "model": models,
            },
        )
        variant_ids: dict[str, str] = {}
        index = self.index(shop)
        for m in payload.get("response", {}).get("model", []):
            sku = str(m.get("model_sku") or "")
            variant_ids[sku] = str(m["model_id"])
            index[sku] = _Target(item_id, int(m["model_id"]))
        return ListingRef(str(item_id), variant_ids)

    async def _add_item_once(
        self, shop: ShopAuth, body: Mapping[str, Any], item_sku: str
    ) -> tuple[int, RemoteListing | None]:
        """add_item, never duplicated: after a failed attempt, look the SKU up first."""

        async def create(single: RetryBudget) -> tuple[int, None]:
            payload = await self._client.call(shop, "POST", PATH_ADD_ITEM, body=body, budget=single)
            return int(payload["response"]["item_id"]), None

        async def find() -> tuple[int, RemoteListing] | None:
            found = await self.find_listing_by_seller_sku(shop, item_sku)
            return None if found is None else (int(found.external_id), found)

        budget = self._client.budget
        return await create_or_find(budget, create, find, pause=sleep_backoff(budget))

    async def base_info(self, shop: ShopAuth, item_ids: Sequence[int]) -> list[dict[str, Any]]:
        chunks = [
            item_ids[i : i + BASE_INFO_BATCH] for i in range(0, len(item_ids), BASE_INFO_BATCH)
        ]

        async def one(chunk: Sequence[int]) -> list[dict[str, Any]]:
            payload = await self._client.call(
                shop,
                "GET",
                PATH_BASE_INFO,
                params=[("item_id_list", ",".join(str(i) for i in chunk))],
            )
            return list(payload.get("response", {}).get("item_list", []))

        results = await asyncio.gather(*(one(c) for c in chunks))
        return [item for chunk in results for item in chunk]

    async def to_remote(self, shop: ShopAuth, item: Mapping[str, Any]) -> RemoteListing:
        item_id = int(item["item_id"])
        variants: list[RemoteVariant] = []
        if item.get("has_model"):
            payload = await self._client.call(
                shop, "GET", PATH_MODEL_LIST, params=[("item_id", item_id)]
            )
            for m in payload.get("response", {}).get("model", []):
                variants.append(_variant(m, str(m.get("model_sku") or ""), m["model_id"]))
        else:
            variants.append(_variant(item, str(item.get("item_sku") or ""), 0))
        listing = RemoteListing(
            external_id=str(item_id),
            title=str(item.get("item_name") or ""),
            variants=variants,
            status=str(item.get("item_status") or ""),
        )
        self.remember(shop, listing)
        return listing

    async def item(self, shop: ShopAuth, external_id: str) -> dict[str, Any]:
        """One item's get_item_base_info entry."""
        try:
            item_id = int(external_id)
        except ValueError as exc:
            raise permanent(f"not a Shopee item id: {external_id!r}") from exc
        items = await self.base_info(shop, [item_id])
        if not items:
            raise permanent(f"item {item_id} not found", "product.error_item_not_found")
        return items[0]

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        return await self.to_remote(shop, await self.item(shop, external_id))

    async def update_item(
        self, shop: ShopAuth, item: Mapping[str, Any], draft: ListingDraft
    ) -> bool:
        """update_item with the draft's fields that differ from `item` (its base info);
        False, without a request, when none does."""
        changes = item_changes(item, draft)
        if not changes:
            return False
        body = {"item_id": int(item["item_id"]), **changes}
        await self._client.call(shop, "POST", PATH_UPDATE_ITEM, body=body)
        return True

    async def item_ids(self, shop: ShopAuth) -> list[int]:
        ids: list[int] = []
        offset = 0
        while True:
            payload = await self._client.call(
                shop, "GET", PATH_ITEM_LIST, params=_item_list_params(offset, ITEM_PAGE)
            )
            response = payload.get("response", {})
            ids += [int(x["item_id"]) for x in response.get("item", [])]
            if not response.get("has_next_page"):
                return ids
            offset = int(response["next_offset"])

    async def scan(self, shop: ShopAuth) -> list[dict[str, Any]]:
        """Base info of every NORMAL/UNLIST item of the shop."""
        return await self.base_info(shop, await self.item_ids(shop))

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        """Scan the shop: item_sku first (base info, 50 per call), then model SKUs."""
        items = await self.scan(shop)
        for item in items:
            if item.get("item_sku") == seller_sku:
                return await self.to_remote(shop, item)
        for item in items:
            if item.get("has_model"):
                listing = await self.to_remote(shop, item)
                if any(v.seller_sku == seller_sku for v in listing.variants):
                    return listing
        return None

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        offset = int(page_token or 0)
        payload = await self._client.call(
            shop, "GET", PATH_ITEM_LIST, params=_item_list_params(offset, BASE_INFO_BATCH)
        )
        response = payload.get("response", {})
        ids = [int(x["item_id"]) for x in response.get("item", [])]
        items = await self.base_info(shop, ids) if ids else []
        listings = list(await asyncio.gather(*(self.to_remote(shop, i) for i in items)))
        token = str(response.get("next_offset")) if response.get("has_next_page") else ""
        return Page(listings, token)


def item_changes(item: Mapping[str, Any], draft: ListingDraft) -> dict[str, Any]:
    """The update_item fields whose draft value differs from the item's base info."""
    changes: dict[str, Any] = {}
    if item.get("item_name") != draft.title:
        changes["item_name"] = draft.title
    if item.get("description") != edit_description(draft):
        changes["description"] = edit_description(draft)
    weight = weight_kg(draft)
    if not _same_number(item.get("weight"), weight):
        changes["weight"] = weight
    category = int(draft.category_id)
    if not _same_number(item.get("category_id"), category):
        changes["category_id"] = category
    brand = item.get("brand") or {}
    if draft.brand and (
        not isinstance(brand, dict) or brand.get("original_brand_name") != draft.brand
    ):
        changes["brand"] = {"brand_id": 0, "original_brand_name": draft.brand}
    return changes


def _same_number(given: Any, wanted: float) -> bool:
    """Base info numbers may come as JSON numbers or strings."""
    try:
        return given is not None and abs(float(given) - wanted) < 1e-9
    except (TypeError, ValueError):
        return False


def _item_list_params(offset: int, size: int) -> list[tuple[str, Any]]:
    return [
        ("offset", offset),
        ("page_size", size),
        ("item_status", "NORMAL"),
        ("item_status", "UNLIST"),
    ]


def _variant(entry: Mapping[str, Any], sku: str, model_id: Any) -> RemoteVariant:
    prices = entry.get("price_info") or []
    price = None
    if prices:
        info = prices[0]
        price = from_major(info.get("original_price"), str(info.get("currency") or ""))
    stock_info = entry.get("stock_info_v2") or {}
    seller = stock_info.get("seller_stock")
    stock = sum(int(s.get("stock", 0)) for s in seller) if seller is not None else None
    return RemoteVariant(seller_sku=sku, external_id=str(model_id), price=price, stock=stock)
