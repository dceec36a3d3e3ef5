"""The TikTok Shop sandbox's request checks and envelope (MARKETPLACES.md §2.1, §2.2).

Envelope: `{"code", "message", "request_id", "data"}`, code 0 = success. Codes (§2.1
common-errors): 106001 invalid sign; 36009004 missing sign, invalid access token or
app_key, timestamp out of range, unexpected shop_cipher; 105002 token expired; 106013
shop_cipher missing; 36009002 too many requests (HTTP 429, §2.2).
⚠ HTTP statuses other than 429 are not documented: the sandbox answers 401 for
sign/token/timestamp failures, 400 for parameter errors (code 40006, ⚠ a sandbox
choice: no product error codes are listed in MARKETPLACES.md), 404 for unknown
products (40006 too) and 500 with 36009007 for injected server errors.
Rate limit (§2.2): 50 req/s per API and shop by default; each API path template has its
own bucket per shop.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.fault_gate import serve_with_faults
from sandbox.faults import RateLimiter, Verdict
from sandbox.json_body import json_object
from sandbox.state import SandboxState, Shop
from sandbox.tiktok import signing

PLATFORM = "tiktok"
DEFAULT_RATE_LIMIT = 50.0

INVALID_SIGN = 106001
INVALID_REQUEST = 36009004
TOKEN_EXPIRED = 105002
CIPHER_MISSING = 106013
TOO_MANY_REQUESTS = 36009002
SERVER_ERROR = 36009007
PARAM_ERROR = 40006  # ⚠ sandbox choice (see module docstring)


class TikTokError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def param_error(message: str, status: int = 400) -> TikTokError:
    return TikTokError(status, PARAM_ERROR, message)


def error_response(exc: TikTokError) -> JSONResponse:
    return JSONResponse(
        {"code": exc.code, "message": exc.message, "request_id": uuid.uuid4().hex, "data": None},
        status_code=exc.status,
    )


def _refusal(verdict: Verdict) -> Response:
    if verdict is Verdict.SERVER_ERROR:
        return error_response(TikTokError(500, SERVER_ERROR, "Internal error."))
    return error_response(TikTokError(429, TOO_MANY_REQUESTS, "Too many requests."))


def ok_response(data: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": 0, "message": "Success", "request_id": uuid.uuid4().hex, "data": data or {}}
    )


class Ctx:
    def __init__(self, shop: Shop, request: Request, body: dict[str, Any]) -> None:
        self.shop = shop
        self.request = request
        self.body = body

    def q(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def page(self) -> tuple[int, int]:
        """A search's page_token (an offset into the results) and page_size (1-100)."""
        try:
            size = int(self.q("page_size"))
            start = int(self.q("page_token") or 0)
        except ValueError as exc:
            raise param_error("page_size and page_token must be integers.") from exc
        if not 1 <= size <= 100:
            raise param_error("page_size must be between 1 and 100.")
        return start, size


T = TypeVar("T")


def paged(found: list[T], start: int, size: int) -> tuple[list[T], dict[str, Any]]:
    """The page of `found` from `start`, and the search answer's total and next token."""
    more = start + size < len(found)
    return found[start : start + size], {
        "total_count": len(found),
        "next_page_token": str(start + size) if more else "",
    }


Handler = Callable[[Ctx], Awaitable[Response]]


def cipher_of(shop: Shop) -> str:
    return shop.credentials["shop_cipher"]


class TikTokBase:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._limiters: dict[tuple[int, str], RateLimiter] = {}

    def shops(self) -> dict[int, Shop]:
        return self.state.platform_shops(PLATFORM)

    def by_app_key(self, app_key: str) -> Shop | None:
        return next((s for s in self.shops().values() if s.credentials["app_key"] == app_key), None)

    async def verify(self, request: Request, api_path: str, *, cipher: bool) -> Shop:
        """§2.1 checks, in order: sign present, app_key, timestamp, sign, token, cipher."""
        q = request.query_params
        given, app_key, raw_ts = q.get("sign", ""), q.get("app_key", ""), q.get("timestamp", "")
        if not given:
            raise TikTokError(401, INVALID_REQUEST, "The sign is missing.")
        app = self.by_app_key(app_key)
        if app is None:
            raise TikTokError(401, INVALID_REQUEST, "Invalid app_key.")
        try:
            ts = int(raw_ts)
        except ValueError as exc:
            raise TikTokError(401, INVALID_REQUEST, "Invalid timestamp.") from exc
        if not signing.timestamp_ok(ts, time.time()):
            raise TikTokError(401, INVALID_REQUEST, "Timestamp is out of the valid range.")
        body = await request.body()
        base = signing.base_string(
            app.credentials["app_secret"],
            api_path,
            q.multi_items(),
            body,
            request.headers.get("content-type", ""),
        )
        if not signing.verify(app.credentials["app_secret"], base, given):
            raise TikTokError(401, INVALID_SIGN, "Invalid sign.")
        token = request.headers.get("x-tts-access-token", "")
        shop = next((s for s in self.shops().values() if s.access_token == token), None)
        if not token or shop is None or shop.credentials["app_key"] != app_key:
            raise TikTokError(401, INVALID_REQUEST, "Invalid access token.")
        if time.time() >= shop.access_expires_at:
            raise TikTokError(401, TOKEN_EXPIRED, "Access token is expired.")
        given_cipher = q.get("shop_cipher", "")
        if cipher and not given_cipher:
            raise TikTokError(400, CIPHER_MISSING, "shop_cipher is required.")
        if given_cipher and given_cipher != cipher_of(shop):
            raise TikTokError(401, INVALID_REQUEST, "Unexpected shop_cipher.")
        return shop

    def _limited(self, shop: Shop, template: str) -> bool:
        rate = shop.faults.rate_limit
        if rate <= 0:
            return False
        key = (shop.shop_id, template)
        limiter = self._limiters.get(key)
        if limiter is None or limiter.rate != rate:
            limiter = self._limiters[key] = RateLimiter(rate)
        return not limiter.allow()

    def shop_route(
        self, template: str, method: str, handler: Handler, *, cipher: bool = True
    ) -> Route:
        async def endpoint(request: Request) -> Response:
            api_path = template.format(**request.path_params)
            try:
                shop = await self.verify(request, api_path, cipher=cipher)
            except TikTokError as exc:
                return error_response(exc)

            async def handle() -> Response:
                return await handler(Ctx(shop, request, await self._body(request)))

            return await serve_with_faults(
                shop,
                api_path,
                handle,
                refuse=_refusal,
                error=TikTokError,
                error_response=error_response,
                # The limit is per API here, not the shop's one bucket.
                over_limit=lambda: self._limited(shop, template),
            )

        return Route(template, endpoint, methods=[method])

    async def _body(self, request: Request) -> dict[str, Any]:
        try:
            return json_object(await request.body())
        except ValueError as exc:
            raise param_error(f"Request {exc}.") from exc
