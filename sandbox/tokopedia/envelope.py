"""The Tokopedia sandbox's checks, envelope, rate limit and shop route wrapper (MARKETPLACES.md §3).

- Envelope: `{"header": {"process_time", "messages", "reason", "error_code"}, "data"}`;
  errors carry a string `error_code` and `data: null`.
- Auth: `Authorization: Bearer <token>` from /token; missing, unknown or expired ->
  HTTP 401. ⚠ The error body for a bad token is not in the docs we have; the sandbox
  answers the standard envelope with error_code "UNAUTHORIZED".
- Rate limit: one bucket per shop at `faults.rate_limit` (default 5/s, burst = rate), sent
  back on every answer as `X-Ratelimit-Limit/-Remaining/-Reset-After/-Full-Reset-After`;
  HTTP 429 when exceeded. Bulk endpoints count each payload item as one request; items
  over the limit fail alone with `ERR_TOO_MANY_REQUEST` inside a 200 (§3). ⚠ The docs set
  limits per endpoint; the sandbox keeps one bucket per shop (stricter).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.fault_gate import serve_with_faults
from sandbox.faults import Verdict
from sandbox.state import SandboxState, Shop

PLATFORM = "tokopedia"
MAX_BATCH = 100
TOO_MANY = "ERR_TOO_MANY_REQUEST"
OK_MESSAGE = "Your request has been processed successfully"


class TokopediaError(Exception):
    def __init__(self, status: int, error_code: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.error_code = error_code
        self.reason = reason


def _header(started: float, messages: str, reason: str, code: str) -> dict[str, Any]:
    elapsed = round(time.monotonic() - started, 6)
    return {"process_time": elapsed, "messages": messages, "reason": reason, "error_code": code}


def ok_response(data: Any, started: float, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"header": _header(started, OK_MESSAGE, "", ""), "data": data}, 200, headers
    )


def error_response(
    exc: TokopediaError, started: float, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "header": _header(
            started, "Your request has been failed to process", exc.reason, exc.error_code
        ),
        "data": None,
    }
    return JSONResponse(body, exc.status, headers)


class ItemLimiter:
    """A token bucket (`rate`/s, burst = rate) that can grant a batch some of its items."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
        self._updated = now

    def take(self, wanted: int) -> int:
        """How many of `wanted` items fit now (each one costs a token)."""
        self._refill()
        granted = min(wanted, int(self.tokens))
        self.tokens -= granted
        return granted

    def headers(self) -> dict[str, str]:
        self._refill()
        reset = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
        return {
            "X-Ratelimit-Limit": f"{self.rate:g} req/s (burst {self.capacity:g})",
            "X-Ratelimit-Remaining": str(int(self.tokens)),
            # §3: "-0.000000" while tokens remain.
            "X-Ratelimit-Reset-After": f"{reset:.6f}" if reset > 0 else "-0.000000",
            "X-Ratelimit-Full-Reset-After": f"{(self.capacity - self.tokens) / self.rate:.6f}",
        }


class Ctx:
    """A verified request: its shop, query, JSON body and (bulk) how many items may run."""

    def __init__(self, shop: Shop, request: Request, body: Any, allowed: int, started: float):
        self.shop = shop
        self.request = request
        self.body = body
        self.allowed = allowed
        self.started = started

    def q(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def q_int(self, name: str, *, default: int | None = None) -> int:
        raw = self.q(name)
        if raw == "":
            if default is None:
                raise TokopediaError(400, "INVALID_PARAMETER", f"{name} is required")
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise TokopediaError(400, "INVALID_PARAMETER", f"{name} must be an integer") from exc


Handler = Callable[[Ctx], Awaitable[Any]]


class TokopediaBase:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.limiters: dict[int, ItemLimiter] = {}

    def shops(self) -> dict[int, Shop]:
        return self.state.platform_shops(PLATFORM)

    def limiter(self, shop: Shop) -> ItemLimiter:
        rate = shop.faults.rate_limit if shop.faults.rate_limit > 0 else 1e9
        current = self.limiters.get(shop.shop_id)
        if current is None or current.rate != rate:
            current = self.limiters[shop.shop_id] = ItemLimiter(rate)
        return current

    def bearer_shop(self, request: Request) -> Shop:
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise TokopediaError(401, "UNAUTHORIZED", "missing bearer token")
        for shop in self.shops().values():
            if shop.access_token and shop.access_token == token:
                if time.time() >= shop.access_expires_at:
                    raise TokopediaError(401, "UNAUTHORIZED", "access token expired")
                return shop
        raise TokopediaError(401, "UNAUTHORIZED", "invalid access token")

    def _check_ids(self, request: Request, shop: Shop) -> None:
        fs_id = request.path_params.get("fs_id") or request.query_params.get("fs_id", "")
        if str(fs_id) != shop.credentials["fs_id"]:
            raise TokopediaError(403, "FORBIDDEN", "fs_id does not belong to this client")
        shop_id = request.query_params.get("shop_id")
        if shop_id is not None and shop_id != str(shop.shop_id):
            raise TokopediaError(403, "FORBIDDEN", "shop is not authorized for this client")

    async def _body(self, request: Request, bulk: bool) -> Any:
        if request.method != "POST":
            return None
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError as exc:
            raise TokopediaError(400, "INVALID_PARAMETER", "body is not valid JSON") from exc
        if bulk and (not isinstance(body, list) or not 1 <= len(body) <= MAX_BATCH):
            raise TokopediaError(400, "INVALID_PARAMETER", f"body must be 1 to {MAX_BATCH} items")
        return body

    def shop_route(
        self,
        path: str,
        method: str,
        handler: Handler,
        *,
        bulk: bool = False,
        count: Callable[[Any], int] | None = None,
    ) -> Route:
        """`bulk`: the body is an array of 1-100 items; each item (or `count(body)`)
        costs one token of the shop's limit."""

        async def endpoint(request: Request) -> Response:
            started = time.monotonic()
            try:
                shop = self.bearer_shop(request)
                self._check_ids(request, shop)
                body = await self._body(request, bulk)
            except TokopediaError as exc:
                return error_response(exc, started)
            # The limiter is consulted after the latency, so these are bound in over_limit,
            # which the gate calls before refuse, handle or the error answer.
            limiter: ItemLimiter
            allowed: int

            def over_limit() -> bool:
                # The shop's limit is ours to apply (per item); the other switches are shared.
                nonlocal limiter, allowed
                limiter = self.limiter(shop)
                allowed = limiter.take(count(body) if count else (len(body) if bulk else 1))
                return allowed == 0

            def refuse(verdict: Verdict) -> Response:
                if verdict is Verdict.SERVER_ERROR:
                    failure = TokopediaError(500, "INTERNAL_SERVER_ERROR", "internal server error")
                    return error_response(failure, started)
                headers = limiter.headers()
                if verdict is Verdict.THROTTLED:
                    # A storm is a limit signal whatever the bucket holds: answer as if empty.
                    headers["X-Ratelimit-Remaining"] = "0"
                    headers["X-Ratelimit-Reset-After"] = f"{1 / limiter.rate:.6f}"
                too_many = TokopediaError(429, TOO_MANY, "Too many requests")
                return error_response(too_many, started, headers)

            async def handle() -> Response:
                data = await handler(Ctx(shop, request, body, allowed, started))
                return ok_response(data, started, limiter.headers())

            return await serve_with_faults(
                shop,
                path,
                handle,
                refuse=refuse,
                error=TokopediaError,
                error_response=lambda exc: error_response(exc, started, limiter.headers()),
                over_limit=over_limit,
            )

        return Route(path, endpoint, methods=[method])
