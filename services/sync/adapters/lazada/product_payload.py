"""LazOP `payload` documents for /product/create and /product/update (§4.3).

Both are JSON `{"Request": {"Product": {...}}}` (⚠ the docs ask for XML but the official
CreateProduct demo sends JSON; the gateway accepts both, so we send the demo's form).
The update document names the product by `ItemId` and every SKU by `SkuId` (the
UpdateProduct API page in [ECDOCS] `data/raw/lazada/apis/product-api/updateproduct.json`,
error 4216 "Sku id is a mandatory parameter when updating a product"), and leaves price
and quantity out: that page says not to use /product/update for inventory or price,
which go through the batched /product/price_quantity/update instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.lazada.validation import to_major


def _attributes(draft: ListingDraft) -> dict[str, Any]:
    return {
        "name": draft.title,
        "description": draft.description or draft.title,
        "brand": draft.brand or "No Brand",
    }


def _sku_details(draft: ListingDraft, v: ListingVariant) -> dict[str, Any]:
    """What describes a SKU besides price and stock: its options and package weight (kg)."""
    sku: dict[str, Any] = {"SellerSku": v.seller_sku}
    grams = v.weight_grams or draft.weight_grams
    if grams:
        sku["package_weight"] = str(grams / 1000)
    for name, value in zip(draft.option_names, v.option_values, strict=False):
        sku[name] = value
    return sku


def _document(product: Mapping[str, Any]) -> str:
    return json.dumps({"Request": {"Product": product}}, separators=(",", ":"))


def create_payload(shop: ShopAuth, draft: ListingDraft) -> str:
    skus = [
        {
            **_sku_details(draft, v),
            "quantity": str(v.stock),
            "price": to_major(shop, v.price),
        }
        for v in draft.variants
    ]
    product = {
        "PrimaryCategory": draft.category_id,
        "Images": {"Image": list(draft.images)},
        "Attributes": _attributes(draft),
        "Skus": {"Sku": skus},
    }
    return _document(product)


def update_payload(item_id: str, sku_ids: Mapping[str, str], draft: ListingDraft) -> str:
    """Title, description, brand, category, images and per-SKU weight of an existing item.

    `sku_ids` maps each draft seller SKU to its Lazada SkuId (the caller has checked the
    variant set is unchanged). No images in the draft leaves the item's images as they
    are: an empty list would remove the main image, which Lazada refuses (4139)."""
    skus = [{"SkuId": sku_ids[v.seller_sku], **_sku_details(draft, v)} for v in draft.variants]
    product: dict[str, Any] = {
        "ItemId": item_id,
        "PrimaryCategory": draft.category_id,
        "Attributes": _attributes(draft),
        "Skus": {"Sku": skus},
    }
    if draft.images:
        product["Images"] = {"Image": list(draft.images)}
    return _document(product)
