"""Finding variants by seller SKU: `productVariants(query: "sku:…")`, 50 SKUs a query.

Each hit carries what price and stock updates need: the variant and product ids, the
inventory item id and the quantity "available" at the shop's location (the `from` of
a compare-and-set). Ids are remembered per shop; quantities are always read fresh.
⚠ Shopify does not make SKUs unique: when two variants share a SKU the first (lowest
id) is taken.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.sync.adapters.base import ShopAuth
from services.sync.adapters.shopify import documents as docs
from services.sync.adapters.shopify.client import ShopifyClient
from services.sync.adapters.shopify.validation import credential

PARALLEL_LOOKUPS = 4  # queries in flight per call; the cost planner paces them anyway


@dataclass(frozen=True)
class VariantInfo:
    variant_id: str
    product_id: str
    inventory_item_id: str
    available: int | None = None


def sku_query(skus: Sequence[str]) -> str:
    """`sku:"A" OR sku:"B"` (values quoted, quotes and backslashes escaped)."""
    quoted = ('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in skus)
    return " OR ".join(f"sku:{q}" for q in quoted)


class SkuIndex:
    def __init__(self, client: ShopifyClient) -> None:
        self._client = client
        self._known: dict[str, dict[str, VariantInfo]] = {}
        # inventory item id -> SKU, per shop (webhooks carry only the item id).
        self._by_item: dict[str, dict[str, str]] = {}

    def _remember(self, shop: ShopAuth, sku: str, info: VariantInfo) -> None:
        self._known.setdefault(shop.shop_id, {})[sku] = info
        # Webhooks name the shop by its domain; calls by shop_id: index both.
        for key in {shop.shop_id, shop.app.get("shop_domain", "")}:
            self._by_item.setdefault(key, {})[info.inventory_item_id] = sku

    def remember_created(
        self, shop: ShopAuth, product_id: str, nodes: Sequence[Mapping[str, Any]]
    ) -> None:
        for node in nodes:
            item = str((node.get("inventoryItem") or {}).get("id") or "")
            info = VariantInfo(str(node.get("id") or ""), product_id, item)
            self._remember(shop, str(node.get("sku") or ""), info)

    def known(self, shop: ShopAuth, sku: str) -> VariantInfo | None:
        return self._known.get(shop.shop_id, {}).get(sku)

    def forget(self, shop: ShopAuth, sku: str) -> None:
        self._known.get(shop.shop_id, {}).pop(sku, None)

    def sku_of_item(self, shop_key: str, inventory_item_id: str) -> str:
        """The SKU of an inventory item seen before, for any shop key ("" if unknown)."""
        return self._by_item.get(shop_key, {}).get(inventory_item_id, "")

    async def lookup(self, shop: ShopAuth, skus: Sequence[str]) -> dict[str, VariantInfo]:
        """Fresh ids and available quantities of the SKUs found (absent: not on Shopify)."""
        (location_id,) = credential(shop, "location_id")
        wanted = list(dict.fromkeys(skus))
        chunks = [
            wanted[i : i + docs.LOOKUP_BATCH] for i in range(0, len(wanted), docs.LOOKUP_BATCH)
        ]
        found: dict[str, VariantInfo] = {}
        gate = asyncio.Semaphore(PARALLEL_LOOKUPS)

        async def one(chunk: list[str]) -> None:
            pending = chunk
            while pending:
                variables = {
                    "query": sku_query(pending),
                    "first": len(pending),
                    "locationId": location_id,
                }
                async with gate:
                    data = await self._client.graphql(shop, docs.lookup(len(pending)), variables)
                nodes = (data.get("productVariants") or {}).get("nodes") or []
                for node in nodes:
                    self._take(shop, node, pending, found)
                missing = [s for s in pending if s not in found]
                # A full page may hide SKUs behind variants sharing a SKU: ask again.
                if len(nodes) < len(pending) or len(missing) in (0, len(pending)):
                    return
                pending = missing

        await asyncio.gather(*(one(c) for c in chunks))
        return found

    def _take(
        self,
        shop: ShopAuth,
        node: Mapping[str, Any],
        wanted: Sequence[str],
        found: dict[str, VariantInfo],
    ) -> None:
        sku = str(node.get("sku") or "")
        if sku not in wanted or sku in found:
            return  # the first (lowest id) variant of a SKU wins
        item = node.get("inventoryItem") or {}
        quantities = (item.get("inventoryLevel") or {}).get("quantities") or []
        available = quantities[0].get("quantity") if quantities else None
        info = VariantInfo(
            str(node.get("id") or ""),
            str((node.get("product") or {}).get("id") or ""),
            str(item.get("id") or ""),
            int(available) if available is not None else None,
        )
        found[sku] = info
        self._remember(shop, sku, info)
