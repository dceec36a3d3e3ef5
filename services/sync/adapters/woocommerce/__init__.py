"""WooCommerce REST API (wc/v3) adapter (MARKETPLACES.md §6, DESIGN §6).

`WooCommerceAdapter` is a facade over one module per job (the plain hand-overs to them
come from the shared `PlatformFacade`; only authorization_url, update_listing and
parse_webhook are WooCommerce's own):
- oauth: OAuth 1.0a one-legged signing over http, Basic over https (as core verifies).
- client: calls on the shared transport, error kinds, the per-shop SKU index, and the
  token calls that are not supported.
- validation: payload checks before anything is sent; decimal-string prices.
- listings: variable product + variations batch create, get/find by SKU/list.
- inventory: update_prices/update_stock through the batch endpoints (≤ 100 items).
- orders: list_orders/get_orders. webhooks: parse_webhook (and `verify`).

Authorization: the WooCommerce REST API has no OAuth token flow; REST keys (consumer
key and secret) are issued in WP admin (WooCommerce → Settings → Advanced → REST API)
and never expire. Core also has a key-generation redirect (`/wc-auth/v1/authorize`),
but MARKETPLACES.md §6 does not document it, so it is not implemented:
`authorization_url`, `exchange_code` and `refresh_token` raise PERMANENT
`not_supported`, and a 401 fails at once as AUTH.

Rate limit: ⚠ core has none (§6); one `TokenBucket` per shop at `shop.rate_limit`
(default 10/s) divided by `replicas` paces calls, and 429/Retry-After from the host is
honoured. Keys and signatures are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack

from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingRef, ShopAuth, WebhookEvent
from services.sync.adapters.client_base import TransportOptions
from services.sync.adapters.facade import PlatformFacade
from services.sync.adapters.listing_updates import push_prices_and_stock
from services.sync.adapters.woocommerce import webhooks
from services.sync.adapters.woocommerce.client import WooCommerceClient, no_tokens
from services.sync.adapters.woocommerce.inventory import WooCommerceInventory
from services.sync.adapters.woocommerce.listings import WooCommerceListings
from services.sync.adapters.woocommerce.orders import WooCommerceOrders
from services.sync.adapters.woocommerce.validation import validate_draft

__all__ = ["WooCommerceAdapter"]


class WooCommerceAdapter(
    PlatformFacade[WooCommerceClient, WooCommerceListings, WooCommerceInventory, WooCommerceOrders]
):
    platform = Platform.WOOCOMMERCE

    def __init__(self, site_url: str, **options: Unpack[TransportOptions]) -> None:
        client = WooCommerceClient(site_url, **options)
        super().__init__(
            client,
            WooCommerceListings(client),
            WooCommerceInventory(client),
            WooCommerceOrders(client),
        )

    # -- authorization (exchange_code and refresh_token: the client's not_supported) ----
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        raise no_tokens()

    # -- listings -------------------------------------------------------------------
    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variations (⚠ name/description/attribute
        changes are not sent yet; a changed variation set is PERMANENT)."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft, variant_word="variation")
        return current.ref()

    # -- webhooks -------------------------------------------------------------------
    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """order.created/updated -> ORDER, product.updated -> PRODUCT; others ignored."""
        return webhooks.parse_webhook(headers, raw_body)
