"""Lazada /product/create and /product/update payload documents."""

from __future__ import annotations

import json
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.lazada.product_payload import create_payload, update_payload

SHOP = ShopAuth(Platform.LAZADA, "1", {"currency": "SGD"})


def _draft(images: list[str]) -> ListingDraft:
    return ListingDraft(
        seller_sku="P",
        title="Mug",
        description="",
        category_id="42",
        brand="",
        images=images,
        option_names=["colour"],
        variants=[
            ListingVariant("P-R", ["Red"], Money("SGD", 1250), 3),
            ListingVariant("P-B", ["Blue"], Money("SGD", 1300), 4, weight_grams=800),
        ],
        weight_grams=500,
    )


def _product(document: str) -> dict[str, Any]:
    product: dict[str, Any] = json.loads(document)["Request"]["Product"]
    return product


def test_update_names_item_and_skus_and_leaves_price_and_quantity_out() -> None:
    product = _product(update_payload("77", {"P-R": "901", "P-B": "902"}, _draft(["u1", "u2"])))
    assert product == {
        "ItemId": "77",
        "PrimaryCategory": "42",
        "Attributes": {"name": "Mug", "description": "Mug", "brand": "No Brand"},
        "Images": {"Image": ["u1", "u2"]},
        "Skus": {
            "Sku": [
                {"SkuId": "901", "SellerSku": "P-R", "package_weight": "0.5", "colour": "Red"},
                {"SkuId": "902", "SellerSku": "P-B", "package_weight": "0.8", "colour": "Blue"},
            ]
        },
    }


def test_update_without_images_leaves_images_out() -> None:
    product = _product(update_payload("77", {"P-R": "901", "P-B": "902"}, _draft([])))
    assert "Images" not in product


def test_create_carries_price_and_quantity_per_sku() -> None:
    product = _product(create_payload(SHOP, _draft(["u1"])))
    assert "ItemId" not in product
    assert [(s["SellerSku"], s["price"], s["quantity"]) for s in product["Skus"]["Sku"]] == [
        ("P-R", "12.50", "3"),
        ("P-B", "13.00", "4"),
    ]
