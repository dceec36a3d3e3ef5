"""Shopee Open Platform v2 adapter (MARKETPLACES.md §1, DESIGN §6).

`ShopeeAdapter` is a facade over one module per job:
- signing: shop / public base strings, lowercase hex HMAC-SHA256.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts), Shopee's error codes, token exchange and refresh.
- validation: payload checks before anything is sent; money in major units.
- listings: create/edit (update_item)/get/find/list and the seller SKU -> model index.
- inventory: update_prices/update_stock, grouped per item in chunks of 50.
- orders: list_orders/get_orders. webhooks: parse_webhook.

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 10/s, ⚠ Shopee
publishes no numbers) divided by `replicas`, so N replicas together stay under the
shop's limit without coordination (see rate_limit.py). Capacity 1: calls are paced
evenly rather than sent in bursts, so network jitter never pushes the platform's own
bucket over its limit. Tokens, partner keys and signatures are never logged: only
path, status and code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack

from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingRef,
    ShopAuth,
    WebhookEvent,
)
from services.sync.adapters.client_base import TransportOptions
from services.sync.adapters.facade import PlatformFacade
from services.sync.adapters.listing_updates import check_same_variants, push_prices_and_stock
from services.sync.adapters.shopee import webhooks
from services.sync.adapters.shopee.client import DEFAULT_BASE_URL, ShopeeClient, classify_code
from services.sync.adapters.shopee.inventory import ShopeeInventory
from services.sync.adapters.shopee.listings import ShopeeListings, _Target
from services.sync.adapters.shopee.orders import ShopeeOrders
from services.sync.adapters.shopee.validation import validate_edit

__all__ = ["ShopeeAdapter", "_Target", "classify_code"]


class ShopeeAdapter(PlatformFacade[ShopeeClient, ShopeeListings, ShopeeInventory, ShopeeOrders]):
    platform = Platform.SHOPEE

    def __init__(
        self, base_url: str = DEFAULT_BASE_URL, **options: Unpack[TransportOptions]
    ) -> None:
        client = ShopeeClient(base_url, **options)
        listings = ShopeeListings(client)
        super().__init__(client, listings, ShopeeInventory(client, listings), ShopeeOrders(client))
        self.base_url = client.base_url

    def _index(self, shop: ShopAuth) -> dict[str, _Target]:
        return self._listings.index(shop)

    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        return self._client.authorization_url(shop, redirect_uri, state)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """update_item with the item's changed name, description, weight, category and
        brand (see listings.py; ⚠ images are not sent: they need upload_image ids), then
        prices and stock of its models through the batched update_price/update_stock.

        Validated first (validate_edit: no request for an invalid draft). A changed
        model set is refused PERMANENT before any write: add_model exists but
        MARKETPLACES.md lists no call that deletes a model, so we do not half-apply it."""
        validate_edit(shop, draft)
        item = await self._listings.item(shop, ref.external_id)
        current = await self._listings.to_remote(shop, item)
        check_same_variants(self.platform, current, draft)
        await self._listings.update_item(shop, item, draft)
        await push_prices_and_stock(self, shop, current, draft)
        return current.ref()  # indexed when read (to_remote)

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """Code 3 → ORDER; 7 and 8 → STOCK (re-read); 6 → PRODUCT; other codes ignored."""
        return webhooks.parse_webhook(headers, raw_body)
