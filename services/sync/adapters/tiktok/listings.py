"""TikTok Shop products: create (SKUs + sales attributes), edit (partial_edit), get, find
by seller SKU, list; and the seller SKU -> (product, SKU, warehouses) index prices and
stock need.

Edit: `POST /product/202309/products/{product_id}/partial_edit` (Partial Edit Product,
[ECDOCS] lazykern/ecommerce-api-docs
`data/raw/tiktok/api-reference/products/partial-edit-product.spec.json`, a 202509 scrape;
the 202309 path is listed with the same fields by lywzx/tiktok-partner-api
`packages/tk-origin-api/src/products/PartialEditProduct.ts`), not the full
`PUT /product/202309/products/{product_id}`: the page says updates are handled per
top-level property and a property left out stays unchanged, so the SKUs (prices, stock,
sales attributes) need not be sent, whereas the full edit replaces every property and
deletes SKUs it does not list. We send `title`, `description` and
`package_weight{value, unit: KILOGRAM}` when they differ from get product, and make no
call when nothing differs: every edit sends the product to audit again. Prices and stock
go through the batched prices/update and inventory/update (no re-audit, per the page).
⚠ Not sent: `main_images[{uri}]` takes uris returned by the Upload Product Image API,
which neither this adapter nor the sandbox implements, and our drafts carry image URLs;
an edit leaves the product's images as they are. `brand_id` needs an id from Get Brands
(our drafts carry a brand name), so it is not sent either.

⚠ Warehouses: the create call needs a warehouse id; the shop's default one comes from
`shop.app["warehouse_id"]` (from the seller's warehouse list, not fetched here).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
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
from services.sync.adapters.create_once import create_or_find
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tiktok.client import TikTokClient
from services.sync.adapters.tiktok.validation import (
    check_new_title,
    edit_description,
    package_weight,
    permanent,
    price_wire,
    to_money,
    validate_draft,
)

PAGE = 50
SKU_FILTER = 10  # ⚠ search allows ≤ 10 sku_ids; we keep seller_skus to the same bound

PATH_PRODUCTS = "/product/202309/products"
PATH_SEARCH = "/product/202309/products/search"


def product_path(product_id: str) -> str:
    return f"{PATH_PRODUCTS}/{product_id}"


def partial_edit_path(product_id: str) -> str:
    return f"{PATH_PRODUCTS}/{product_id}/partial_edit"


@dataclass(frozen=True)
class _Target:
    product_id: str
    sku_id: str
    warehouses: tuple[str, ...]


class TikTokListings:
    def __init__(self, client: TikTokClient) -> None:
        self._client = client
        self._index: dict[str, dict[str, _Target]] = {}

    def index(self, shop: ShopAuth) -> dict[str, _Target]:
        return self._index.setdefault(shop.shop_id, {})

    def _warehouse(self, shop: ShopAuth) -> str:
        warehouse = shop.app.get("warehouse_id", "")
        if not warehouse:
            raise permanent("shop credentials need warehouse_id", "no_warehouse")
        return warehouse

    def remember(self, shop: ShopAuth, product: Mapping[str, Any]) -> RemoteListing:
        index = self.index(shop)
        variants = []
        for s in product.get("skus", []):
            inventory = s.get("inventory") or []
            warehouses = tuple(str(i["warehouse_id"]) for i in inventory)
            sku = str(s.get("seller_sku") or "")
            index[sku] = _Target(str(product["id"]), str(s["id"]), warehouses)
            stock = sum(int(i.get("quantity") or 0) for i in inventory) if inventory else None
            variants.append(RemoteVariant(sku, str(s["id"]), to_money(s.get("price")), stock))
        return RemoteListing(
            external_id=str(product["id"]),
            title=str(product.get("title") or ""),
            variants=variants,
            status=str(product.get("status") or ""),
        )

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        validate_draft(shop, draft)
        warehouse = self._warehouse(shop)
        body: dict[str, Any] = {
            "title": draft.title,
            "description": edit_description(draft),
            "category_id": draft.category_id,
            "main_images": [{"uri": uri} for uri in draft.images],
            "save_mode": "LISTING",
            "skus": [
                {
                    "sales_attributes": [
                        {"name": name, "value_name": value}
                        for name, value in zip(draft.option_names, v.option_values, strict=True)
                    ],
                    "seller_sku": v.seller_sku,
                    "price": price_wire(shop, v.price),
                    "inventory": [{"warehouse_id": warehouse, "quantity": v.stock}],
                }
                for v in draft.variants
            ],
        }
        weight = package_weight(draft)
        if weight is not None:
            body["package_weight"] = weight
        data = await self._create_once(shop, body, draft.variants[0].seller_sku)
        if isinstance(data, RemoteListing):
            return data.ref()
        ids = {str(s["seller_sku"]): str(s["id"]) for s in data.get("skus", [])}
        product_id = str(data["product_id"])
        index = self.index(shop)
        for sku, sku_id in ids.items():
            index[sku] = _Target(product_id, sku_id, (warehouse,))
        return ListingRef(product_id, ids)

    async def _create_once(
        self, shop: ShopAuth, body: Mapping[str, Any], first_sku: str
    ) -> dict[str, Any] | RemoteListing:
        """Create without a blind retry: after a retryable failure the platform may have
        stored the product, so look it up by seller SKU before sending it again."""

        async def create(single: RetryBudget) -> dict[str, Any]:
            return await self._client.call(shop, "POST", PATH_PRODUCTS, body=body, budget=single)

        def find() -> Awaitable[RemoteListing | None]:
            return self.find_listing_by_seller_sku(shop, first_sku)

        return await create_or_find(self._client.budget, create, find)

    async def product(self, shop: ShopAuth, external_id: str) -> dict[str, Any]:
        """The product as get product returns it."""
        if not external_id.isdigit():
            raise permanent(f"not a TikTok Shop product id: {external_id!r}")
        return await self._client.call(shop, "GET", product_path(external_id))

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        return self.remember(shop, await self.product(shop, external_id))

    async def partial_edit(
        self, shop: ShopAuth, product: Mapping[str, Any], draft: ListingDraft
    ) -> bool:
        """partial_edit with the draft's properties that differ from `product` (get
        product's data); False, without a request, when none does. A changed title is
        checked against the region's minimum length first (PERMANENT, no write)."""
        changes = product_changes(product, draft)
        if not changes:
            return False
        if "title" in changes:
            check_new_title(shop, changes["title"])
        await self._client.call(shop, "POST", partial_edit_path(str(product["id"])), body=changes)
        return True

    async def search(
        self, shop: ShopAuth, body: Mapping[str, Any], page_token: str = ""
    ) -> tuple[list[RemoteListing], str]:
        params = [("page_size", PAGE), ("page_token", page_token or None)]
        data = await self._client.call(shop, "POST", PATH_SEARCH, params=params, body=body)
        products = [self.remember(shop, p) for p in data.get("products", [])]
        return products, str(data.get("next_page_token") or "")

    async def find_by_skus(self, shop: ShopAuth, skus: Sequence[str]) -> None:
        """Fill the index for `skus` (search by seller SKU, ≤ 10 per filter)."""
        for i in range(0, len(skus), SKU_FILTER):
            token = ""
            while True:
                body = {"seller_skus": list(skus[i : i + SKU_FILTER])}
                _, token = await self.search(shop, body, token)
                if not token:
                    break

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        products, _ = await self.search(shop, {"seller_skus": [seller_sku]})
        for listing in products:
            if any(v.seller_sku == seller_sku for v in listing.variants):
                return listing
        return None

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        products, token = await self.search(shop, {}, page_token)
        return Page(products, token)


def product_changes(product: Mapping[str, Any], draft: ListingDraft) -> dict[str, Any]:
    """The partial_edit properties whose draft value differs from the product's."""
    changes: dict[str, Any] = {}
    if product.get("title") != draft.title:
        changes["title"] = draft.title
    if product.get("description") != edit_description(draft):
        changes["description"] = edit_description(draft)
    weight = package_weight(draft)
    if weight is not None and not _same_weight(product.get("package_weight"), weight):
        changes["package_weight"] = weight
    return changes


def _same_weight(given: Any, wanted: Mapping[str, str]) -> bool:
    if not isinstance(given, dict) or given.get("unit") != wanted["unit"]:
        return False
    try:
        return abs(float(str(given.get("value"))) - float(wanted["value"])) < 1e-9
    except (TypeError, ValueError):
        return False
