"""The Shopee sandbox's request checks and envelopes (MARKETPLACES.md §1.1-1.3).

- missing sign -> error_param "There is no sign in query."; stale timestamp ->
  error_param "Timestamp is expired."; bad sign -> error_sign "Wrong sign.";
  unknown/expired token -> invalid_acceess_token (sic); unknown partner ->
  invalid_partner_id.
- ⚠ The HTTP status Shopee uses for errors is not documented (§1.3). The sandbox
  answers 403 for auth/sign failures, 400 for parameter errors, 404 for unknown items,
  429 with error_rate_limit for throttling and 500 with error_server for injected
  5xx; clients must read the body's `error` code either way.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.fault_gate import serve_with_faults
from sandbox.faults import Verdict
from sandbox.json_body import json_object
from sandbox.shopee import signing
from sandbox.state import Listing, SandboxState, Shop

PLATFORM = "shopee"


class ShopeeError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def param_error(message: str, module: str = "") -> ShopeeError:
    return ShopeeError(400, f"{module}.error_param" if module else "error_param", message)


def error_response(exc: ShopeeError) -> JSONResponse:
    return JSONResponse(
        {"request_id": uuid.uuid4().hex, "error": exc.error, "message": exc.message},
        status_code=exc.status,
    )


def _refusal(verdict: Verdict) -> Response:
    if verdict is Verdict.SERVER_ERROR:
        failure = ShopeeError(500, "error_server", "Something wrong. Please try later.")
        return error_response(failure)
    return error_response(
        ShopeeError(
            429,
            "error_rate_limit",
            "Too many requests. You have reached the rate limit. Please try again later.",
        )
    )


def ok_response(response: dict[str, Any], warning: str = "") -> JSONResponse:
    return JSONResponse(
        {
            "request_id": uuid.uuid4().hex,
            "error": "",
            "message": "",
            "warning": warning,
            "response": response,
        }
    )


class Ctx:
    """A verified request: the shop it acts on and its parsed parameters."""

    def __init__(self, shop: Shop, query: dict[str, list[str]], body: dict[str, Any]) -> None:
        self.shop = shop
        self.query = query
        self.body = body

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def q_int(self, name: str, *, required: bool = False, default: int = 0) -> int:
        raw = self.q(name)
        if raw is None or raw == "":
            if required:
                raise param_error(f"invalid field {name}: value must Not Null")
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise param_error(f"invalid field {name}: must be an integer") from exc


Handler = Callable[[Ctx], Awaitable[Response]]


class ShopeeBase:
    """State lookups, the common signature/token checks and the shop route wrapper."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # -- lookups --------------------------------------------------------------------
    def shops(self) -> dict[int, Shop]:
        return self.state.platform_shops(PLATFORM)

    def partner_key(self, partner_id: str) -> str | None:
        for shop in self.shops().values():
            if shop.credentials["partner_id"] == partner_id:
                return shop.credentials["partner_key"]
        return None

    # -- the common request checks (§1.1) ---------------------------------------------
    def _common(self, request: Request, api_path: str, *, shop_api: bool) -> tuple[str, str]:
        q = request.query_params
        partner_id = q.get("partner_id", "")
        timestamp = q.get("timestamp", "")
        given = q.get("sign", "")
        if not given:
            raise param_error("There is no sign in query.")
        if not partner_id:
            raise param_error("There is no partner_id in query.")
        if not timestamp:
            raise param_error("There is no timestamp in query.")
        try:
            ts = int(timestamp)
        except ValueError as exc:
            raise param_error("Invalid timestamp.") from exc
        if abs(time.time() - ts) > signing.TIMESTAMP_WINDOW_SECONDS:
            raise param_error("Timestamp is expired.")
        key = self.partner_key(partner_id)
        if key is None:
            raise ShopeeError(403, "invalid_partner_id", "Invalid partner_id.")
        if shop_api:
            base = signing.base_string(
                partner_id, api_path, timestamp, q.get("access_token", ""), q.get("shop_id", "")
            )
        else:
            base = signing.base_string(partner_id, api_path, timestamp)
        if not signing.verify(key, base, given):
            raise ShopeeError(403, "error_sign", "Wrong sign.")
        return partner_id, key

    def _shop_for(self, request: Request, partner_id: str) -> Shop:
        q = request.query_params
        access_token = q.get("access_token", "")
        if not access_token:
            raise param_error("There is no access_token in query.")
        try:
            shop_id = int(q.get("shop_id", ""))
        except ValueError as exc:
            raise param_error("There is no shop_id in query.") from exc
        shop = self.shops().get(shop_id)
        if shop is None or shop.credentials["partner_id"] != partner_id:
            raise ShopeeError(403, "error_auth", "Invalid shop_id or the shop is not authorized.")
        if access_token != shop.access_token or time.time() >= shop.access_expires_at:
            raise ShopeeError(403, "invalid_acceess_token", "Invalid access_token.")
        return shop

    async def _body(self, request: Request) -> dict[str, Any]:
        if request.method != "POST":
            return {}
        try:
            return json_object(await request.body())
        except ValueError as exc:
            raise param_error(f"Request {exc}.") from exc

    def shop_route(self, api_path: str, method: str, handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                partner_id, _ = self._common(request, api_path, shop_api=True)
                shop = self._shop_for(request, partner_id)
            except ShopeeError as exc:
                return error_response(exc)

            async def handle() -> Response:
                body = await self._body(request)
                return await handler(Ctx(shop, query_multi(request), body))

            return await serve_with_faults(
                shop,
                api_path,
                handle,
                refuse=_refusal,
                error=ShopeeError,
                error_response=error_response,
            )

        return Route(api_path, endpoint, methods=[method])

    def _listing(self, ctx: Ctx, item_id: int) -> Listing:
        listing = ctx.shop.listings.get(item_id)
        if listing is None:
            raise ShopeeError(404, "product.error_item_not_found", f"Item {item_id} not found.")
        return listing


# -- wire helpers -------------------------------------------------------------------
def query_multi(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out


def int_field(body: dict[str, Any], name: str, module: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise param_error(f"invalid field {name}: value must Not Null", module)
    return value
