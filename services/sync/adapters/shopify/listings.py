"""Shopify products: create with productSet, read by id, find by SKU, list by cursor.

A create is one `productSet` (synchronous) carrying options, variants, SKUs, prices
and the location's starting stock. It is never blindly re-sent: after a retryable
failure (a timeout may hide a product Shopify stored) the draft's SKUs are looked up
first, and a product found is returned instead of a duplicate. `userErrors` make the
create PERMANENT with Shopify's code and field kept.
"""

from __future__ import annotations

import asyncio
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
from services.sync.adapters.create_once import create_or_find
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopify import documents as docs
from services.sync.adapters.shopify.client import ShopifyClient
from services.sync.adapters.shopify.skus import SkuIndex, sku_query
from services.sync.adapters.shopify.validation import (
    credential,
    permanent,
    to_amount,
    to_money,
    validate_draft,
)


def user_error(errors: Sequence[Mapping[str, Any]]) -> AdapterError:
    """The first userError as a PERMANENT failure (code and field kept)."""
    first = errors[0]
    field = ".".join(str(f) for f in first.get("field") or [])
    message = str(first.get("message") or "")
    return permanent(
        f"{field}: {message}" if field else message, str(first.get("code") or "user_error")
    )


class ShopifyListings:
    def __init__(self, client: ShopifyClient, index: SkuIndex) -> None:
        self._client = client
        self._index = index

    def _input(self, shop: ShopAuth, draft: ListingDraft) -> dict[str, Any]:
        (location_id,) = credential(shop, "location_id")
        names = list(draft.option_names)
        if names:
            rows = [list(v.option_values) for v in draft.variants]
        else:  # Shopify always has an option: "Title" / "Default Title" for one variant
            names = ["Title"]
            single = len(draft.variants) == 1
            rows = [["Default Title" if single else v.seller_sku] for v in draft.variants]
        options = []
        for n, name in enumerate(names):
            values = list(dict.fromkeys(row[n] for row in rows))
            options.append({"name": name, "values": [{"name": v} for v in values]})
        variants = []
        for v, row in zip(draft.variants, rows, strict=True):
            entry: dict[str, Any] = {
                "optionValues": [
                    {"optionName": n, "name": x} for n, x in zip(names, row, strict=True)
                ],
                "price": to_amount(shop, v.price),
                "inventoryItem": {"sku": v.seller_sku, "tracked": True},
                "inventoryQuantities": [
                    {"locationId": location_id, "name": "available", "quantity": v.stock}
                ],
            }
            if v.barcode:
                entry["barcode"] = v.barcode
            variants.append(entry)
        return {
            "title": draft.title,
            "descriptionHtml": draft.description,
            "vendor": draft.brand,
            "status": "ACTIVE",
            "productOptions": options,
            "variants": variants,
        }

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        validate_draft(shop, draft)
        variables = {"input": self._input(shop, draft)}
        budget = self._client.http.budget
        skus = [v.seller_sku for v in draft.variants]

        async def create(single: RetryBudget) -> ListingRef:
            data = await self._client.graphql(shop, docs.PRODUCT_SET, variables, budget=single)
            payload = data.get("productSet") or {}
            if payload.get("userErrors"):
                raise user_error(payload["userErrors"])
            product = payload.get("product") or {}
            nodes = ((product.get("variants") or {}).get("nodes")) or []
            self._index.remember_created(shop, str(product.get("id") or ""), nodes)
            return ListingRef(
                str(product.get("id") or ""), {str(n.get("sku")): str(n.get("id")) for n in nodes}
            )

        async def find() -> ListingRef | None:
            # The create may have been stored before its answer was lost.
            found = await self._index.lookup(shop, skus)
            if not found:
                return None
            product_id = next(iter(found.values())).product_id
            return (await self.get_listing(shop, product_id)).ref()

        async def pause(exc: AdapterError, attempt: int) -> None:
            # A THROTTLED answer's wait (0 means none: back off instead).
            backoff = min(budget.max_backoff, budget.initial_backoff * 2**attempt)
            await asyncio.sleep(exc.retry_after or backoff)

        return await create_or_find(
            budget,
            create,
            find,
            pause=pause,
            # THROTTLED is refused before running: nothing was stored, nothing to look up.
            may_have_stored=lambda exc: exc.code != "THROTTLED",
            # This create has always been bounded by the budget's attempts alone.
            deadline=False,
        )

    async def update_listing(
        self, shop: ShopAuth, current: RemoteListing, draft: ListingDraft
    ) -> ListingRef:
        """productSet with the product's id: the draft becomes the product's whole state
        (title, options, variants; a SKU missing from the draft is deleted, a new one
        created with its stock). Existing variants keep their quantity here: stock goes
        through the compare-and-set of update_stock. The draft is validated (the caller
        checks, before reading `current`)."""
        existing = {v.seller_sku: v.external_id for v in current.variants}
        product = self._input(shop, draft)
        for entry, variant in zip(product["variants"], draft.variants, strict=True):
            if variant.seller_sku in existing:
                entry["id"] = existing[variant.seller_sku]
                del entry["inventoryQuantities"]
        variables = {"input": {"id": current.external_id, **product}}
        data = await self._client.graphql(shop, docs.PRODUCT_SET, variables)
        payload = data.get("productSet") or {}
        if payload.get("userErrors"):
            raise user_error(payload["userErrors"])
        nodes = (((payload.get("product") or {}).get("variants") or {}).get("nodes")) or []
        self._index.remember_created(shop, current.external_id, nodes)
        return ListingRef(current.external_id, {str(n.get("sku")): str(n.get("id")) for n in nodes})

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        """The product with every variant (250 per page)."""
        after: str | None = None
        title, status, variants = "", "", []
        while True:
            data = await self._client.graphql(
                shop, docs.PRODUCT, {"id": external_id, "after": after}
            )
            product = data.get("product")
            if not isinstance(product, dict):
                raise permanent(f"product {external_id} not found", "not_found")
            title, status = str(product.get("title") or ""), str(product.get("status") or "")
            connection = product.get("variants") or {}
            variants += [to_variant(shop, n) for n in connection.get("nodes") or []]
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                break
            after = page.get("endCursor")
        return RemoteListing(external_id, title, variants, status)

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        found = await self._index.lookup(shop, [seller_sku])
        if seller_sku not in found:
            return None
        return await self.get_listing(shop, found[seller_sku].product_id)

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        """Pages of 5 products by cursor; a product with more than 100 variants is read
        whole with product(id)."""
        data = await self._client.graphql(shop, docs.PRODUCTS, {"after": page_token or None})
        connection = data.get("products") or {}
        items = []
        for product in connection.get("nodes") or []:
            variants = product.get("variants") or {}
            if (variants.get("pageInfo") or {}).get("hasNextPage"):
                items.append(await self.get_listing(shop, str(product["id"])))
                continue
            items.append(
                RemoteListing(
                    str(product.get("id") or ""),
                    str(product.get("title") or ""),
                    [to_variant(shop, n) for n in variants.get("nodes") or []],
                    str(product.get("status") or ""),
                )
            )
        page = connection.get("pageInfo") or {}
        token = str(page.get("endCursor") or "") if page.get("hasNextPage") else ""
        return Page(items, token)


def to_variant(shop: ShopAuth, node: Mapping[str, Any]) -> RemoteVariant:
    quantity = node.get("inventoryQuantity")
    return RemoteVariant(
        seller_sku=str(node.get("sku") or ""),
        external_id=str(node.get("id") or ""),
        price=to_money(node.get("price"), shop.app.get("currency", "")),
        stock=int(quantity) if quantity is not None else None,
    )


__all__ = ["ShopifyListings", "sku_query", "user_error"]
