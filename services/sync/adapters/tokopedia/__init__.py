"""Tokopedia Seller API adapter (MARKETPLACES.md §3, DESIGN §6).

`TokopediaAdapter` is a facade over one module per job:
- client: Bearer calls on the shared transport, error kinds, client-credentials tokens.
- validation: payload checks before anything is sent; prices are whole IDR.
- listings: create (variants as child products)/get/find/list.
- inventory: update_prices/update_stock by seller SKU, ≤ 100 items per call, paced per item.
- orders: list_orders/get_orders. webhooks: parse_webhook (and `verify`).

Authorization: Tokopedia has no seller consent redirect or authorization code: the app
is linked to the shop in Tokopedia's partner console, and the app's own client
credentials buy a token. So `authorization_url` only hands `state` (and the shop id)
back to `redirect_uri`, `exchange_code` ignores the code and fetches a client-credentials
token, and `refresh_token` fetches a new one (there is no refresh token).

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 5/s, §3) divided by
`replicas` (see rate_limit.py), capacity 1 so calls are paced evenly; each bulk item
takes a token of its own. Client secrets and tokens are never logged.
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
from services.sync.adapters.listing_updates import (
    push_prices_and_stock,
    refuse_undocumented_edit,
)
from services.sync.adapters.tokopedia import webhooks
from services.sync.adapters.tokopedia.client import (
    DEFAULT_ACCOUNTS_URL,
    DEFAULT_BASE_URL,
    TokopediaClient,
)
from services.sync.adapters.tokopedia.inventory import TokopediaInventory
from services.sync.adapters.tokopedia.listings import TokopediaListings
from services.sync.adapters.tokopedia.orders import TokopediaOrders
from services.sync.adapters.tokopedia.validation import validate_draft

__all__ = ["TokopediaAdapter"]

NO_EDIT_ENDPOINT = "MARKETPLACES.md §3 documents no Tokopedia edit-product endpoint"


class TokopediaAdapter(
    PlatformFacade[TokopediaClient, TokopediaListings, TokopediaInventory, TokopediaOrders]
):
    platform = Platform.TOKOPEDIA

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        accounts_url: str | None = None,
        **options: Unpack[TransportOptions],
    ) -> None:
        """`accounts_url` defaults to accounts.tokopedia.com for the real host, else to
        `base_url` (the sandbox serves both under /tokopedia)."""
        if accounts_url is None:
            accounts_url = DEFAULT_ACCOUNTS_URL if base_url == DEFAULT_BASE_URL else base_url
        client = TokopediaClient(base_url, accounts_url, **options)
        super().__init__(
            client, TokopediaListings(client), TokopediaInventory(client), TokopediaOrders(client)
        )

    @property
    def throttled_items(self) -> int:
        return self._inventory.throttled_items

    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        sep = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{sep}{urlencode({'state': state, 'shop_id': shop.shop_id})}"

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variants (price/update, stock/update).

        A changed variant set is refused PERMANENT before any write. A changed title is
        refused PERMANENT after prices and stock: §3 names "edit product V2" only in the
        rate-limit notes, with no path or payload, so no edit call is invented here."""
        validate_draft(draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft)
        refuse_undocumented_edit(self.platform, current, draft, NO_EDIT_ENDPOINT)
        return current.ref()

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """The order notification becomes an ORDER event; other notifications are ignored."""
        return webhooks.parse_webhook(headers, raw_body)
