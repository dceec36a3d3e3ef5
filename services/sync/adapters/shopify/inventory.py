"""Shopify prices and stock.

Prices: `productVariantsBulkUpdate`, one call per product (≤ 250 variants, the input
array cap). Stock: `inventorySetQuantities` on the "available" quantity at the shop's
location, ≤ 250 quantities a call from any products, as a compare-and-set: each
quantity carries `changeFromQuantity` = the quantity just read (mandatory in 2026-07,
MARKETPLACES.md §5), and the mutation carries `@idempotent(key:)` (required since
2026-04), one key per batch kept across its retries so a retried batch is applied once.

Both mutations are all-or-nothing when a userError comes back: the failing rows (by the
index in `field`) fail PERMANENT with Shopify's code, the others are sent again without
them. A stale compare (CHANGE_FROM_QUANTITY_STALE: the quantity moved between our read
and our write, e.g. an order) is re-read and re-sent once; still stale, it fails
RETRYABLE for the caller to try later. SKUs not found on Shopify fail PERMANENT
(not_found) without a request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.shopify import documents as docs
from services.sync.adapters.shopify.client import ShopifyClient
from services.sync.adapters.shopify.skus import SkuIndex, VariantInfo
from services.sync.adapters.shopify.validation import (
    check_stock,
    credential,
    permanent,
    to_amount,
)

BATCH = 250  # input arrays are capped at 250 items
STALE = "CHANGE_FROM_QUANTITY_STALE"
PARALLEL_WRITES = 4


def _row_errors(errors: Sequence[Mapping[str, Any]], array: str) -> tuple[dict[int, Any], Any]:
    """userErrors by row index (`field` = [..., array, "<i>", ...]), and any others."""
    by_row: dict[int, Any] = {}
    general = None
    for error in errors:
        field = [str(f) for f in error.get("field") or []]
        if array in field and field.index(array) + 1 < len(field):
            index = field[field.index(array) + 1]
            if index.isdigit():
                by_row.setdefault(int(index), error)
                continue
        general = general or error
    return by_row, general


def _error(error: Mapping[str, Any], kind: FailureKind = FailureKind.PERMANENT) -> AdapterError:
    code = str(error.get("code") or "user_error")
    return AdapterError(kind, Platform.SHOPIFY, str(error.get("message") or ""), code=code)


def _target(update: StockUpdate) -> int:
    """The quantity to set, once checked."""
    check_stock(update.quantity)
    return update.quantity


class ShopifyInventory:
    def __init__(self, client: ShopifyClient, index: SkuIndex) -> None:
        self._client = client
        self._index = index

    async def _ids(
        self, shop: ShopAuth, skus: Sequence[str], fresh: bool
    ) -> dict[str, VariantInfo]:
        """Known ids (or fresh lookups: always when quantities are needed)."""
        known = {s: i for s in skus if (i := self._index.known(shop, s)) is not None}
        missing = list(skus) if fresh else [s for s in skus if s not in known]
        if missing:
            known.update(await self._index.lookup(shop, missing))
        return known

    # -- prices ---------------------------------------------------------------------------
    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        amounts, invalid = checked_values(prices, lambda p: to_amount(shop, p.price))
        outcome: dict[str, AdapterError | None] = {}
        ids = await self._ids(shop, list(amounts), fresh=False)
        by_product: dict[str, list[str]] = {}
        for sku in amounts:
            if sku not in ids:
                outcome[sku] = permanent(f"SKU {sku} not found on Shopify", "not_found")
            else:
                by_product.setdefault(ids[sku].product_id, []).append(sku)
        gate = asyncio.Semaphore(PARALLEL_WRITES)

        async def one(product_id: str, skus: list[str]) -> None:
            async with gate:
                for chunk in (skus[i : i + BATCH] for i in range(0, len(skus), BATCH)):
                    await self._price_batch(shop, product_id, chunk, amounts, ids, outcome)

        await asyncio.gather(*(one(p, s) for p, s in by_product.items()))
        return item_results(prices, outcome, invalid)

    async def _price_batch(
        self,
        shop: ShopAuth,
        product_id: str,
        skus: list[str],
        amounts: Mapping[str, str],
        ids: Mapping[str, VariantInfo],
        outcome: dict[str, AdapterError | None],
    ) -> None:
        pending = list(skus)
        while pending:
            variables = {
                "productId": product_id,
                "variants": [{"id": ids[s].variant_id, "price": amounts[s]} for s in pending],
            }
            try:
                data = await self._client.graphql(shop, docs.VARIANTS_BULK_UPDATE, variables)
            except AdapterError as exc:
                outcome.update({s: exc for s in pending})
                return
            errors = (data.get("productVariantsBulkUpdate") or {}).get("userErrors") or []
            if not errors:
                outcome.update({s: None for s in pending})
                return
            by_row, general = _row_errors(errors, "variants")
            if general is not None or not by_row:
                outcome.update({s: _error(general or errors[0]) for s in pending})
                return
            for index, error in by_row.items():
                if index < len(pending):
                    outcome[pending[index]] = _error(error)
                    self._index.forget(shop, pending[index])
            pending = [s for n, s in enumerate(pending) if n not in by_row]

    # -- stock ----------------------------------------------------------------------------
    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        (location_id,) = credential(shop, "location_id")
        targets, invalid = checked_values(stock, _target)
        outcome: dict[str, AdapterError | None] = {}
        skus = list(targets)
        gate = asyncio.Semaphore(PARALLEL_WRITES)

        async def one(chunk: list[str]) -> None:
            async with gate:
                await self._stock_batch(shop, location_id, chunk, targets, outcome)

        await asyncio.gather(*(one(skus[i : i + BATCH]) for i in range(0, len(skus), BATCH)))
        return item_results(stock, outcome, invalid)

    async def _stock_batch(
        self,
        shop: ShopAuth,
        location_id: str,
        skus: list[str],
        targets: Mapping[str, int],
        outcome: dict[str, AdapterError | None],
    ) -> None:
        try:
            ids = await self._ids(shop, skus, fresh=True)
        except AdapterError as exc:
            outcome.update({s: exc for s in skus})
            return
        pending = []
        for sku in skus:
            if sku not in ids:
                outcome[sku] = permanent(f"SKU {sku} not found on Shopify", "not_found")
            else:
                pending.append(sku)
        rereads = 1
        while pending:
            stale = await self._set(shop, location_id, pending, targets, ids, outcome)
            if not stale:
                return
            if rereads == 0:
                for sku in stale:
                    outcome[sku] = AdapterError(
                        FailureKind.RETRYABLE,
                        Platform.SHOPIFY,
                        "the quantity changed while it was being set",
                        code=STALE,
                    )
                return
            rereads -= 1
            try:
                ids.update(await self._index.lookup(shop, stale))
            except AdapterError as exc:
                outcome.update({s: exc for s in stale})
                return
            pending = stale

    async def _set(
        self,
        shop: ShopAuth,
        location_id: str,
        skus: list[str],
        targets: Mapping[str, int],
        ids: Mapping[str, VariantInfo],
        outcome: dict[str, AdapterError | None],
    ) -> list[str]:
        """Sets the batch (dropping rows Shopify refuses); returns the SKUs found stale."""
        pending, stale = list(skus), list[str]()
        while pending:
            quantities = [
                {
                    "inventoryItemId": ids[s].inventory_item_id,
                    "locationId": location_id,
                    "quantity": targets[s],
                    "changeFromQuantity": ids[s].available,
                }
                for s in pending
            ]
            variables = {
                "input": {"name": "available", "reason": "correction", "quantities": quantities},
                # One key per exact request, kept across its retries (transport-level).
                "key": str(uuid.uuid4()),
            }
            try:
                data = await self._client.graphql(shop, docs.INVENTORY_SET, variables)
            except AdapterError as exc:
                outcome.update({s: exc for s in pending})
                return stale
            errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
            if not errors:
                outcome.update({s: None for s in pending})
                return stale
            by_row, general = _row_errors(errors, "quantities")
            if general is not None or not by_row:
                outcome.update({s: _error(general or errors[0]) for s in pending})
                return stale
            for index, error in by_row.items():
                if index >= len(pending):
                    continue
                if error.get("code") == STALE:
                    stale.append(pending[index])
                else:
                    outcome[pending[index]] = _error(error)
            pending = [s for n, s in enumerate(pending) if n not in by_row]
        return stale
