"""Lazada prices and stock: /product/price_quantity/update takes ≤ 50 SKUs per call
(20 recommended, §4.3), from any products, identified by SellerSku.

The payload is the documented XML form `<Request><Product><Skus><Sku>…`. A 200 with
code "0" means every SKU was applied; a partial failure comes back with a per-SKU
`detail` list (`seller_sku`, `message`): those SKUs fail PERMANENT, the rest succeed.
Any other error fails the whole batch with its own kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.lazada.client import LazadaClient
from services.sync.adapters.lazada.validation import check_stock, permanent, to_major

BATCH = 50
PARTIAL_CODES = frozenset({"500"})  # ⚠ with a non-empty `detail` list (sandbox shape)
PATH_PRICE_QUANTITY = "/product/price_quantity/update"


def xml_payload(field: str, values: Mapping[str, str]) -> str:
    request = Element("Request")
    skus = SubElement(SubElement(request, "Product"), "Skus")
    for sku, value in values.items():
        entry = SubElement(skus, "Sku")
        SubElement(entry, "SellerSku").text = sku
        SubElement(entry, field).text = value
    return tostring(request, encoding="unicode")


class LazadaInventory:
    def __init__(self, client: LazadaClient) -> None:
        self._client = client

    async def _batched(
        self, shop: ShopAuth, field: str, values: Mapping[str, str]
    ) -> dict[str, AdapterError | None]:
        outcome: dict[str, AdapterError | None] = {}
        skus = list(values)
        chunks = [skus[i : i + BATCH] for i in range(0, len(skus), BATCH)]

        async def one(chunk: list[str]) -> None:
            payload = xml_payload(field, {s: values[s] for s in chunk})
            try:
                answer = await self._client.call(
                    shop, "POST", PATH_PRICE_QUANTITY, [("payload", payload)], accept=PARTIAL_CODES
                )
            except AdapterError as exc:
                for sku in chunk:
                    outcome[sku] = exc
                return
            failed = {
                str(d.get("seller_sku") or ""): str(d.get("message") or "")
                for d in answer.get("detail") or []
                if isinstance(d, dict)
            }
            for sku in chunk:
                outcome[sku] = permanent(failed[sku], "detail") if sku in failed else None

        await asyncio.gather(*(one(c) for c in chunks))
        return outcome

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(prices, lambda p: to_major(shop, p.price))
        outcome = await self._batched(shop, "Price", values)
        return item_results(prices, outcome, invalid)

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(stock, lambda s: str(check_stock(s.quantity)))
        outcome = await self._batched(shop, "Quantity", values)
        return item_results(stock, outcome, invalid)
