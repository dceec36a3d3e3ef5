"""The marketplaces SyncStore speaks to, as one enum shared by every service."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    SHOPEE = "shopee"
    TIKTOK_SHOP = "tiktok_shop"
    TOKOPEDIA = "tokopedia"
    LAZADA = "lazada"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
