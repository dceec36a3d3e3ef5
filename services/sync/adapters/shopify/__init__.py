"""Shopify adapter on the GraphQL Admin API (MARKETPLACES.md §5, DESIGN §6).

`ShopifyAdapter` is a facade over one module per job (the plain hand-overs to them come
from the shared `PlatformFacade`; only authorization_url, update_listing and
parse_webhook are Shopify's own):
- documents: the GraphQL documents and their calculated costs (API version 2026-07).
- client: `POST /admin/api/<version>/graphql.json` with X-Shopify-Access-Token on the
  shared transport; errors classified (THROTTLED retryable, 401 AUTH → refresh once,
  userErrors / GraphQL errors PERMANENT with the code kept); OAuth token exchange and
  refresh of expiring offline tokens.
- throttle: `CostPlanner` paces calls from the bucket Shopify reports in
  `extensions.cost.throttleStatus` (waits for enough points before a query of known
  cost) instead of waiting for THROTTLED.
- validation: checks before any request; listings (productSet), skus (lookups by
  SKU), inventory (productVariantsBulkUpdate, inventorySetQuantities compare-and-set
  with @idempotent), orders, oauth (consent URL, callback hmac), webhooks.

Shop credentials in `ShopAuth.app`: `shop_domain`, `client_id`, `client_secret`,
`location_id` (the gid stock is set at), `currency`. Tokens are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack

from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingRef,
    ShopAuth,
    StockUpdate,
    WebhookEvent,
)
from services.sync.adapters.client_base import TransportOptions
from services.sync.adapters.facade import PlatformFacade
from services.sync.adapters.shopify import oauth, webhooks
from services.sync.adapters.shopify.client import ShopifyClient
from services.sync.adapters.shopify.documents import API_VERSION
from services.sync.adapters.shopify.inventory import ShopifyInventory
from services.sync.adapters.shopify.listings import ShopifyListings
from services.sync.adapters.shopify.orders import ShopifyOrders
from services.sync.adapters.shopify.skus import SkuIndex
from services.sync.adapters.shopify.validation import credential, validate_draft

__all__ = ["ShopifyAdapter", "verify_callback", "verify_webhook"]

verify_callback = oauth.verify_callback
verify_webhook = webhooks.verify_webhook


class ShopifyAdapter(
    PlatformFacade[ShopifyClient, ShopifyListings, ShopifyInventory, ShopifyOrders]
):
    platform = Platform.SHOPIFY

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_version: str = API_VERSION,
        **options: Unpack[TransportOptions],
    ) -> None:
        """`base_url` None: each shop at `https://<shop_domain>`; else one host for all
        shops (the sandbox's `/shopify` prefix)."""
        client = ShopifyClient(base_url, api_version=api_version, **options)
        # One SKU index shared by listings, inventory and webhooks (SKU -> variant ids).
        self._index = SkuIndex(client)
        super().__init__(
            client,
            ShopifyListings(client, self._index),
            ShopifyInventory(client, self._index),
            ShopifyOrders(client),
        )

    @property
    def client(self) -> ShopifyClient:
        """Cost accounting for tests and benchmarks (points used, THROTTLED seen)."""
        return self._client

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        (client_id,) = credential(shop, "client_id")
        scopes = shop.app.get("scopes", oauth.SCOPES)
        return oauth.authorization_url(
            self._client.shop_url(shop), client_id, redirect_uri, state, scopes
        )

    # -- listings -------------------------------------------------------------------
    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """productSet with the product id (title, options, variants, prices), then the
        stock of the variants that already existed by compare-and-set."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        updated = await self._listings.update_listing(shop, current, draft)
        kept = {v.seller_sku for v in current.variants}
        stock = [StockUpdate(v.seller_sku, v.stock) for v in draft.variants if v.seller_sku in kept]
        for result in await self.update_stock(shop, stock):
            if result.error is not None:
                raise result.error
        return updated

    # -- webhooks -------------------------------------------------------------------
    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """Verify X-Shopify-Hmac-Sha256 with `verify_webhook` first; see webhooks.py."""
        return webhooks.parse_webhook(headers, raw_body, self._index.sku_of_item)
