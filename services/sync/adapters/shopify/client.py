"""GraphQL Admin API calls on the shared transport, Shopify's error kinds, and tokens.

Every call is `POST <shop>/admin/api/<version>/graphql.json` with the
`X-Shopify-Access-Token` header (no request signing, MARKETPLACES.md §5). A call:
1. waits in `CostPlanner` until the shop's bucket (as Shopify last reported it) holds
   the document's requested cost;
2. goes through the transport's per-shop request pacing and tenacity retries within
   the budget; on AUTH (HTTP 401) the token is refreshed once, then the call is re-run;
3. is classified: THROTTLED (⚠ answered in a 200 here; a 429 is handled the same) and
   INTERNAL_SERVER_ERROR, 5xx, timeouts are RETRYABLE (a THROTTLED answer's wait comes
   from its throttleStatus); 401 is AUTH; MAX_COST_EXCEEDED, ACCESS_DENIED, other
   GraphQL errors and 4xx are PERMANENT with Shopify's code kept.
Tokens and secrets never reach a log line or an error message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Unpack

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.client_base import PlatformClient, TransportOptions
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopify.documents import API_VERSION, Doc
from services.sync.adapters.shopify.throttle import CostPlanner
from services.sync.adapters.shopify.validation import credential
from services.sync.adapters.tokens import access_token, authorized_call, fetch_tokens
from services.sync.adapters.transport import EnvelopeError, Reply

log = logging.getLogger(__name__)

# ⚠ GraphQL has no request-count limit; this only spaces requests (the cost planner
# does the real pacing). Per shop, divided by replicas.
REQUEST_PACE = 200.0
OAUTH_PATH = "/admin/oauth/access_token"
RETRYABLE_CODES = {"THROTTLED", "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"}
NO_EXPIRY = timedelta(days=365 * 100)


def oauth_envelope(payload: Mapping[str, Any]) -> EnvelopeError | None:
    """OAuth errors are `{"error", "error_description"}`: a refused code, client or
    refresh token is AUTH (re-authorize), never retried."""
    error = payload.get("error")
    if not error:
        return None
    return EnvelopeError(str(error), str(payload.get("error_description") or ""), FailureKind.AUTH)


class ShopifyClient(PlatformClient):
    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_version: str = API_VERSION,
        **options: Unpack[TransportOptions],
    ) -> None:
        super().__init__(Platform.SHOPIFY, REQUEST_PACE, **options)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.api_version = api_version
        self.planner = CostPlanner(options.get("replicas", 1))
        # Observed cost per document (tests and benchmarks read them).
        self.points_used = 0.0
        self.throttled = 0
        self.cost_mismatches: list[tuple[str, int, int]] = []

    def shop_url(self, shop: ShopAuth) -> str:
        """The shop's admin host: `https://<shop>.myshopify.com`, or the sandbox's prefix."""
        if self.base_url:
            return self.base_url
        (domain,) = credential(shop, "shop_domain")
        return f"https://{domain}"

    @property
    def graphql_path(self) -> str:
        return f"/admin/api/{self.api_version}/graphql.json"

    # -- GraphQL ------------------------------------------------------------------------
    async def graphql(
        self,
        shop: ShopAuth,
        doc: Doc,
        variables: Mapping[str, Any],
        *,
        budget: RetryBudget | None = None,
    ) -> dict[str, Any]:
        """The `data` of one document, paced by cost, retried, refreshed once on AUTH."""
        body = {"query": doc.text, "variables": dict(variables), "operationName": doc.name}

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._attempt(shop, doc, body)

        return await authorized_call(self.http, shop, attempt, self.refresh_token, budget=budget)

    async def _attempt(self, shop: ShopAuth, doc: Doc, body: Mapping[str, Any]) -> dict[str, Any]:
        token = access_token(self.http, shop)
        url = self.shop_url(shop) + self.graphql_path
        headers = {"X-Shopify-Access-Token": token}
        ticket = await self.planner.reserve(shop.shop_id, doc.cost)
        try:
            reply = await self.http.exchange(
                "POST", self.graphql_path, lambda: url, json_body=body, headers=headers
            )
        except AdapterError:
            self.planner.settle(ticket, None, charged=True)
            raise
        return self._read(shop, doc, ticket, reply)

    def _read(self, shop: ShopAuth, doc: Doc, ticket: Any, reply: Reply) -> dict[str, Any]:
        payload = reply.payload if isinstance(reply.payload, dict) else {}
        cost = (payload.get("extensions") or {}).get("cost")
        errors = payload.get("errors")
        codes = [
            str((e.get("extensions") or {}).get("code") or "")
            for e in errors or []
            if isinstance(e, dict)
        ]
        throttled = "THROTTLED" in codes
        self.planner.settle(ticket, cost, charged=not throttled)
        if isinstance(cost, dict):
            self._account(doc, cost)
        if throttled:
            self.throttled += 1
            wait = self.planner.wait_for(shop.shop_id, doc.cost, cost)
            log.info("shopify %s throttled, waiting %.2fs", doc.name, wait)
            raise AdapterError(
                FailureKind.RETRYABLE,
                Platform.SHOPIFY,
                "Throttled",
                code="THROTTLED",
                http_status=reply.status,
                retry_after=wait or None,
            )
        if errors:
            first = errors[0] if isinstance(errors[0], dict) else {"message": str(errors[0])}
            code = next((c for c in codes if c), "graphql_error")
            kind = FailureKind.RETRYABLE if code in RETRYABLE_CODES else FailureKind.PERMANENT
            log.warning("shopify %s -> %s", doc.name, code)
            raise AdapterError(
                kind,
                Platform.SHOPIFY,
                str(first.get("message") or ""),
                code=code,
                http_status=reply.status,
            )
        data = payload.get("data")
        if not isinstance(data, dict):
            raise AdapterError(
                FailureKind.RETRYABLE, Platform.SHOPIFY, "answer has no data", code="no_data"
            )
        return data

    def _account(self, doc: Doc, cost: Mapping[str, Any]) -> None:
        requested, actual = cost.get("requestedQueryCost"), cost.get("actualQueryCost")
        if isinstance(actual, int | float):
            self.points_used += float(actual)
        if isinstance(requested, int) and requested != doc.cost:
            self.cost_mismatches.append((doc.name, doc.cost, requested))

    # -- OAuth tokens -------------------------------------------------------------------
    async def _token(self, shop: ShopAuth, body: Mapping[str, Any]) -> TokenPair:
        url = self.shop_url(shop) + OAUTH_PATH

        def attempt() -> Awaitable[dict[str, Any]]:
            return self.http.send(
                "POST", OAUTH_PATH, lambda: url, body=body, read_envelope=oauth_envelope
            )

        return await fetch_tokens(self.http, shop, attempt, token_pair)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        """An expiring offline token (`expiring=1`) and its refresh token."""
        client_id, client_secret = credential(shop, "client_id", "client_secret")
        body = {
            "client_id": client_id,
            "client_secret": client_secret,
            "code": code,
            "expiring": 1,
        }
        return await self._token(shop, body)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Exchange the refresh token for a new pair, stored on `shop` at once."""
        if shop.tokens is None or not shop.tokens.refresh_token:
            raise AdapterError(
                FailureKind.AUTH, Platform.SHOPIFY, "no refresh token", code="no_token"
            )
        client_id, client_secret = credential(shop, "client_id", "client_secret")
        body = {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "refresh_token",
            "refresh_token": shop.tokens.refresh_token,
        }
        return await self._token(shop, body)


def token_pair(payload: Mapping[str, Any]) -> TokenPair:
    now = datetime.now(UTC)
    expires_in = payload.get("expires_in")
    refresh_in = payload.get("refresh_token_expires_in")
    return TokenPair(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload.get("refresh_token") or ""),
        access_expires_at=now + (timedelta(seconds=int(expires_in)) if expires_in else NO_EXPIRY),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
    )
