"""Tokopedia prices and stock: `POST /inventory/v1/fs/:fs_id/{price,stock}/update`.

Arrays of ≤ 100 `{sku, new_price|new_stock}` (MARKETPLACES.md §3), addressed by seller
SKU, so no id lookup is needed. Every item counts against the shop's limit: a call of
n items waits for n tokens (`TokopediaClient.call(items=n)`), and a call carries at most
one item under the shop's burst (see `batch_size`). Per-item failures come back in
`failed_rows_data` inside a 200; `ERR_TOO_MANY_REQUEST` items are throttled, not wrong:
the bucket pauses for `X-Ratelimit-Reset-After` and they are sent again (within the
retry budget's attempts); any other message fails that SKU alone, PERMANENT.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.tokopedia.client import (
    TOO_MANY,
    TokopediaClient,
    fs_id,
    throttle_wait,
)
from services.sync.adapters.tokopedia.validation import check_stock, to_rupiah

BATCH = 100  # §3: ≤ 100 items per call


class TokopediaInventory:
    def __init__(self, client: TokopediaClient) -> None:
        self._client = client
        # Items the platform answered ERR_TOO_MANY_REQUEST (tests and benchmarks read it).
        self.throttled_items = 0

    async def _send(
        self, shop: ShopAuth, kind: str, field: str, values: Mapping[str, int]
    ) -> dict[str, AdapterError | None]:
        """Batches of ≤ batch_size items, sent one after another (the bucket paces them)."""
        path = f"/inventory/v1/fs/{fs_id(shop)}/{kind}/update"
        outcome: dict[str, AdapterError | None] = {}
        pending = list(values)
        size = self._client.batch_size(shop, BATCH)
        for _ in range(self._client.budget.attempts):
            throttled: list[str] = []
            for start in range(0, len(pending), size):
                chunk = pending[start : start + size]
                body = [{"sku": sku, field: values[sku]} for sku in chunk]
                try:
                    reply = await self._client.call(
                        shop,
                        "POST",
                        path,
                        params=[("shop_id", shop.shop_id)],
                        body=body,
                        items=len(chunk),
                    )
                except AdapterError as exc:
                    outcome.update(dict.fromkeys(chunk, exc))
                    continue
                data = reply.payload.get("data") or {}
                failed = {str(r.get("sku") or ""): r for r in data.get("failed_rows_data") or []}
                for sku in chunk:
                    row = failed.get(sku)
                    message = str(row.get("message") or "") if row else ""
                    if row is None:
                        outcome[sku] = None
                    elif message == TOO_MANY:
                        throttled.append(sku)
                        outcome[sku] = AdapterError(
                            FailureKind.RETRYABLE, shop.platform, message, code=TOO_MANY
                        )
                    else:
                        outcome[sku] = AdapterError(
                            FailureKind.PERMANENT, shop.platform, message, code="failed_rows_data"
                        )
                if throttled:
                    wait = throttle_wait(reply.headers)
                    self._client.bucket(shop).pause(wait if wait else 1.0)
            self.throttled_items += len(throttled)
            if not throttled:
                break
            pending = throttled
            await asyncio.sleep(0)
        return outcome

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        return await self._update(shop, prices, "price", "new_price", lambda p: to_rupiah(p.price))

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        return await self._update(
            shop, stock, "stock", "new_stock", lambda s: check_stock(s.quantity)
        )

    async def _update(
        self,
        shop: ShopAuth,
        updates: Sequence[Any],
        kind: str,
        field: str,
        value: Callable[[Any], int],
    ) -> list[ItemResult]:
        values, invalid = checked_values(updates, value)
        outcome = await self._send(shop, kind, field, values) if values else {}
        return item_results(updates, outcome, invalid)
