"""TikTok Shop Partner API (202309+) adapter (MARKETPLACES.md §2, DESIGN §6).

`TikTokAdapter` is a facade over one module per job:
- signing: app_secret-wrapped string over path, sorted query and raw body; HMAC-SHA256.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts; the sign covers the exact body bytes sent),
  `x-tts-access-token`, `shop_cipher`, TikTok's codes, token get/refresh.
- validation: checks before anything is sent; money as decimal strings.
- listings: products with SKUs and sales attributes, partial_edit; the seller SKU index.
- inventory: prices and stock, one call per product (all warehouses of a SKU).
- orders: search by update time and detail. webhooks: parse_webhook.

Rate limit: TikTok allows 50 req/s per API and shop (§2.2); we keep one `TokenBucket`
per shop for all APIs at `shop.rate_limit` (default 50) divided by `replicas` — never
over any API's limit, so N replicas together stay under it without coordination (see
rate_limit.py). App secrets, tokens and signatures are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack
from urllib.parse import urlencode

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
from services.sync.adapters.tiktok import webhooks
from services.sync.adapters.tiktok.client import (
    DEFAULT_AUTH_URL,
    DEFAULT_BASE_URL,
    TikTokClient,
    classify_code,
)
from services.sync.adapters.tiktok.inventory import TikTokInventory
from services.sync.adapters.tiktok.listings import TikTokListings, _Target
from services.sync.adapters.tiktok.orders import TikTokOrders
from services.sync.adapters.tiktok.validation import app_key_of, validate_edit

__all__ = ["TikTokAdapter", "_Target", "classify_code"]


class TikTokAdapter(PlatformFacade[TikTokClient, TikTokListings, TikTokInventory, TikTokOrders]):
    platform = Platform.TIKTOK_SHOP

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        auth_url: str | None = None,
        **options: Unpack[TransportOptions],
    ) -> None:
        client = TikTokClient(
            base_url, auth_url if auth_url is not None else DEFAULT_AUTH_URL, **options
        )
        listings = TikTokListings(client)
        super().__init__(client, listings, TikTokInventory(client, listings), TikTokOrders(client))

    def _index(self, shop: ShopAuth) -> dict[str, _Target]:
        return self._listings.index(shop)

    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        """⚠ The seller authorize page is not in MARKETPLACES.md (the real one is the
        service's authorization link in Partner Center); the sandbox serves this form."""
        query = urlencode(
            {"app_key": app_key_of(shop), "state": state, "redirect_uri": redirect_uri}
        )
        return f"{self._client.auth_url}/oauth/authorize?{query}"

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """partial_edit with the product's changed title, description and package
        weight (see listings.py; ⚠ images are not sent: they need Upload Product Image
        uris), then prices and stock of its SKUs through prices/update and
        inventory/update.

        Validated first (validate_edit: no request for an invalid draft; a changed title
        is also checked against the region's minimum before the edit is sent). A
        changed SKU set is refused PERMANENT before any write: partial_edit would add
        and delete SKUs only when sent the whole SKU list, which we do not half-apply."""
        validate_edit(shop, draft)
        product = await self._listings.product(shop, ref.external_id)
        current = self._listings.remember(shop, product)
        check_same_variants(self.platform, current, draft, "SKU")
        await self._listings.partial_edit(shop, product, draft)
        await push_prices_and_stock(self, shop, current, draft, variant_word="SKU")
        return current.ref()

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """Type 1 → ORDER; 27 INVENTORY_STATUS_CHANGE → STOCK; product types → PRODUCT."""
        return webhooks.parse_webhook(headers, raw_body)
