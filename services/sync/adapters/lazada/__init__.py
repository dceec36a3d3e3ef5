"""Lazada Open Platform (LazOP) adapter (MARKETPLACES.md §4, DESIGN §6).

`LazadaAdapter` is a facade over one module per job:
- signing: api_path + sorted k+v, UPPERCASE hex HMAC-SHA256, ms timestamps.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts), LazOP's `{code, type, message, request_id}` envelope and
  codes, token create and refresh (auth host).
- validation: payload checks before anything is sent; money as major-unit strings.
- listings: create (never duplicated), update (/product/update), get, find by seller
  SKU, list.
- inventory: update_prices/update_stock, ≤ 50 SKUs per price_quantity/update call.
- orders: list_orders/get_orders. webhooks: parse_webhook (message_type 0).

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 10/s, ⚠ Lazada
publishes no QPS figure) divided by `replicas`, so N replicas together stay under the
shop's limit without coordination (see rate_limit.py). Throttling (code 901 / E901 /
ApiCallLimit) is RETRYABLE with jittered backoff. Tokens, app secrets and signatures
are never logged: only path, status and code.
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
from services.sync.adapters.lazada import webhooks
from services.sync.adapters.lazada.client import (
    DEFAULT_AUTH_URL,
    DEFAULT_BASE_URL,
    LazadaClient,
    classify_code,
)
from services.sync.adapters.lazada.inventory import LazadaInventory
from services.sync.adapters.lazada.listings import LazadaListings
from services.sync.adapters.lazada.orders import LazadaOrders
from services.sync.adapters.lazada.validation import validate_draft
from services.sync.adapters.listing_updates import check_same_variants, push_prices_and_stock

__all__ = ["LazadaAdapter", "classify_code"]


class LazadaAdapter(PlatformFacade[LazadaClient, LazadaListings, LazadaInventory, LazadaOrders]):
    platform = Platform.LAZADA

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        auth_url: str | None = None,
        **options: Unpack[TransportOptions],
    ) -> None:
        """`base_url` is the regional gateway including `/rest`; `auth_url` the auth host
        (default: auth.lazada.com for the real gateway, else `base_url`, as the sandbox
        serves both under one prefix)."""
        if auth_url is None:
            auth_url = DEFAULT_AUTH_URL if base_url == DEFAULT_BASE_URL else base_url
        client = LazadaClient(base_url, auth_url, **options)
        super().__init__(
            client, LazadaListings(client), LazadaInventory(client), LazadaOrders(client)
        )
        self.base_url = client.base_url

    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        return self._client.authorization_url(shop, redirect_uri, state)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """/product/update with title, description, brand, category, images and SKU
        weights, then prices and stock through the batched price_quantity/update.

        A changed SKU set is refused PERMANENT before any write: /product/update needs
        a SkuId for every SKU (4216), so it cannot add one, and MARKETPLACES.md lists no
        call that removes a SKU."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        check_same_variants(self.platform, current, draft)
        await self._listings.update_product(shop, current, draft)
        await push_prices_and_stock(self, shop, current, draft)
        return current.ref()

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """message_type 0 → ORDER; 3 → PRODUCT per SKU; 6 (shallow stock) → STOCK."""
        return webhooks.parse_webhook(headers, raw_body)
