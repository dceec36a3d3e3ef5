"""The WooCommerce sandbox's errors, auth, faults and shop route wrapper (MARKETPLACES.md §6).

- Errors are WP REST's `{"code", "message", "data": {"status"}}` with that HTTP status.
- Auth: auth.py (OAuth 1.0a over http, Basic over https); unauthenticated requests get
  core's permission errors (`woocommerce_rest_cannot_view` / `_cannot_create` / ...,
  401).
- Rate limit: ⚠ core has none (§6). The sandbox keeps the shared per-shop limit
  (`faults.rate_limit`, default 10/s) as a stand-in for a host or WAF in front of
  WordPress: 429 `{"code": "too_many_requests"}` with `Retry-After` (seconds). Throttle
  storms answer the same; 5xx is WordPress's fatal-error answer
  (`internal_server_error`, 500); timeouts are handled, then answered late.
- Pagination headers `X-WP-Total` / `X-WP-TotalPages`; `per_page` must be 1..100.
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.fault_gate import serve_with_faults
from sandbox.faults import Verdict
from sandbox.state import SandboxState, Shop
from sandbox.woocommerce.auth import (
    AuthError,
    Key,
    NonceStore,
    authenticate_basic,
    authenticate_oauth,
)

PLATFORM = "woocommerce"
API = "/wp-json/wc/v3"
MAX_PER_PAGE = 100
CANNOT = {
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
}


class WooError(Exception):
    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


def error_response(exc: WooError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body(), exc.status, headers)


def _refusal(verdict: Verdict, rate_limit: float) -> Response:
    if verdict is Verdict.SERVER_ERROR:
        fatal = WooError(
            500, "internal_server_error", "<p>There has been a critical error on this website.</p>"
        )
        return error_response(fatal)
    wait = max(1, math.ceil(1 / rate_limit)) if rate_limit > 0 else 1
    too_many = WooError(429, "too_many_requests", "Too many requests.")
    return error_response(too_many, {"Retry-After": str(wait)})


def invalid_param(name: str, reason: str) -> WooError:
    """WP REST's schema-validation answer."""
    return WooError(
        400, "rest_invalid_param", f"Invalid parameter(s): {name}", params={name: reason}
    )


class Ctx:
    """An authenticated request: its shop, query and JSON body."""

    def __init__(self, shop: Shop, request: Request, body: Any) -> None:
        self.shop = shop
        self.request = request
        self.body = body
        self.headers: dict[str, str] = {}

    def q(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def q_int(self, name: str, default: int) -> int:
        raw = self.q(name)
        if raw == "":
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid_param(name, f"{name} is not of type integer.") from exc

    def page(self, rows: list[Any]) -> list[Any]:
        """One page of `rows` (page, per_page), with X-WP-Total / X-WP-TotalPages set."""
        per_page = self.q_int("per_page", 10)
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise invalid_param(
                "per_page", f"per_page must be between 1 (inclusive) and {MAX_PER_PAGE} (inclusive)"
            )
        page = self.q_int("page", 1)
        if page < 1:
            raise invalid_param("page", "page must be greater than or equal to 1")
        self.headers["X-WP-Total"] = str(len(rows))
        self.headers["X-WP-TotalPages"] = str(math.ceil(len(rows) / per_page))
        return rows[(page - 1) * per_page : page * per_page]


Handler = Callable[[Ctx], Awaitable[Any]]


class WooBase:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.nonces: dict[str, NonceStore] = {}

    def shops(self) -> dict[int, Shop]:
        return self.state.platform_shops(PLATFORM)

    def key(self, consumer_key: str) -> Key | None:
        for shop in self.shops().values():
            if hmac.compare_digest(
                shop.credentials["consumer_key"].encode(), consumer_key.encode()
            ):
                return Key(shop.shop_id, shop.credentials["consumer_secret"])
        return None

    def nonce_store(self, consumer_key: str) -> NonceStore:
        return self.nonces.setdefault(consumer_key, NonceStore())

    def authenticate(self, request: Request) -> Shop:
        query = dict(request.query_params)
        authorization = request.headers.get("Authorization", "")
        # The URL as WordPress rebuilds it: home URL (scheme, host, /woocommerce) + path.
        url = str(request.url.replace(query=""))
        try:
            if request.url.scheme == "https":
                shop_id = authenticate_basic(query, authorization, self.key)
            else:
                shop_id = authenticate_oauth(
                    request.method, url, query, authorization, self.key, self.nonce_store
                )
        except AuthError as exc:
            raise WooError(401, exc.code, exc.message) from exc
        shop = self.shops().get(shop_id) if shop_id is not None else None
        if shop is None:
            code, message = CANNOT.get(request.method, CANNOT["POST"])
            raise WooError(401, code, message)
        return shop

    async def _body(self, request: Request) -> Any:
        if request.method not in ("POST", "PUT"):
            return None
        raw = await request.body()
        try:
            return json.loads(raw) if raw else {}
        except ValueError as exc:
            raise WooError(400, "rest_invalid_json", "Invalid JSON body passed.") from exc

    def shop_route(self, path: str, method: str, handler: Handler, status: int = 200) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                shop = self.authenticate(request)
                body = await self._body(request)
            except WooError as exc:
                return error_response(exc)

            async def handle() -> Response:
                ctx = Ctx(shop, request, body)
                data = await handler(ctx)
                return JSONResponse(data, status, ctx.headers)

            return await serve_with_faults(
                shop,
                path,
                handle,
                refuse=lambda verdict: _refusal(verdict, shop.faults.rate_limit),
                error=WooError,
                error_response=error_response,
            )

        return Route(API + path, endpoint, methods=[method])
