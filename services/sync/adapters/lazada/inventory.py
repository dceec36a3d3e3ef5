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
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.lazada.client import LazadaClient
from services.sync.adapters.lazada.validation import permanent, to_major

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
        values: dict[str, str] = {}
        invalid: dict[str, AdapterError] = {}
        for p in prices:
            try:
                values[p.seller_sku] = to_major(shop, p.price)
                invalid.pop(p.seller_sku, None)
            except AdapterError as exc:
                invalid[p.seller_sku] = exc
                values.pop(p.seller_sku, None)
        outcome = await self._batched(shop, "Price", values)
        return _results(prices, outcome, invalid)

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        values: dict[str, str] = {}
        invalid: dict[str, AdapterError] = {}
        for s in stock:
            if s.quantity < 0:
                invalid[s.seller_sku] = permanent("stock must be >= 0")
                values.pop(s.seller_sku, None)
            else:
                values[s.seller_sku] = str(s.quantity)
                invalid.pop(s.seller_sku, None)
        outcome = await self._batched(shop, "Quantity", values)
        return _results(stock, outcome, invalid)


def _results(
    updates: Sequence[PriceUpdate] | Sequence[StockUpdate],
    outcome: Mapping[str, AdapterError | None],
    invalid: Mapping[str, AdapterError],
) -> list[ItemResult]:
    results: list[ItemResult] = []
    seen: set[str] = set()
    for u in updates:
        if u.seller_sku in seen:
            continue  # one result per SKU; the last update of a SKU wins
        seen.add(u.seller_sku)
        results.append(
            ItemResult(u.seller_sku, invalid.get(u.seller_sku) or outcome.get(u.seller_sku))
        )
    return results
