"""The Lazada sandbox's request checks and LazOP envelopes (MARKETPLACES.md §4.1-4.2).

Envelope: success `{"code": "0", "request_id", "data"}`; errors `{"type", "code",
"message", "request_id"}` with type SYSTEM / ISV / ISP.
⚠ MARKETPLACES.md gives the throttling code (901) and E204 but not the gateway's own
codes or HTTP statuses. The sandbox answers gateway errors with HTTP 200 (as LazOP
does; clients must read `code`) and these codes: MissingParameter, InvalidTimestamp
(outside 7200 s), IncompleteSignature (wrong sign), InvalidAppKey, IllegalAccessToken
(unknown/expired token). Throttling: code 901 (HTTP 200). Injected 5xx: HTTP 500,
type ISP, code InternalError.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.fault_gate import serve_with_faults
from sandbox.faults import Verdict
from sandbox.lazada import signing
from sandbox.state import SandboxState, Shop

PLATFORM = "lazada"
THROTTLE_MESSAGE = (
    "Limit service request speed in server side temporarily. API level QPS limiting flow, "
    "please retry in the next second"
)


class LazadaError(Exception):
    def __init__(self, code: str, message: str, type_: str = "ISV", status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.type = type_
        self.status = status
        self.detail: list[dict[str, Any]] = []


def missing(name: str) -> LazadaError:
    return LazadaError("MissingParameter", f"The input parameter “{name}” that is mandatory")


def invalid(message: str) -> LazadaError:
    return LazadaError("InvalidParameter", message)


def error_response(exc: LazadaError) -> JSONResponse:
    body: dict[str, Any] = {
        "type": exc.type,
        "code": exc.code,
        "message": exc.message,
        "request_id": uuid.uuid4().hex,
    }
    if exc.detail:
        body["detail"] = exc.detail
    return JSONResponse(body, status_code=exc.status)


def _refusal(verdict: Verdict) -> Response:
    if verdict is Verdict.SERVER_ERROR:
        return error_response(
            LazadaError("InternalError", "The request processing failed", "ISP", 500)
        )
    return error_response(LazadaError("901", THROTTLE_MESSAGE, "ISP"))


def ok_response(data: Any) -> JSONResponse:
    return JSONResponse({"code": "0", "request_id": uuid.uuid4().hex, "data": data})


class Ctx:
    """A verified request: its shop and its (query + form) parameters."""

    def __init__(self, shop: Shop, params: dict[str, str]) -> None:
        self.shop = shop
        self.params = params

    def get(self, name: str, default: str = "") -> str:
        return self.params.get(name, default)

    def int(self, name: str, default: int) -> int:
        raw = self.params.get(name, "")
        if raw == "":
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid(f"Invalid {name}") from exc


Handler = Callable[[Ctx], Awaitable[Response]]


async def all_params(request: Request) -> dict[str, str]:
    """System and business params: query string and, for POST, form fields."""
    params = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        # urlencoded forms are parsed here (python-multipart is not a dependency).
        if content_type.startswith("application/x-www-form-urlencoded"):
            body = (await request.body()).decode("utf-8", "replace")
            params.update(parse_qsl(body, keep_blank_values=True))
    return params


class LazadaBase:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def shops(self) -> dict[int, Shop]:
        return self.state.platform_shops(PLATFORM)

    def app_shop(self, app_key: str) -> Shop | None:
        return next((s for s in self.shops().values() if s.credentials["app_key"] == app_key), None)

    def check(self, api_path: str, params: dict[str, str]) -> Shop:
        """Signature and timestamp checks (§4.1); returns the app's shop."""
        for name in ("app_key", "timestamp", "sign_method", "sign"):
            if not params.get(name):
                raise missing(name)
        if params["sign_method"] != "sha256":
            raise invalid("Unsupported sign_method")
        try:
            ts_ms = int(params["timestamp"])
        except ValueError as exc:
            raise LazadaError("InvalidTimestamp", "Invalid timestamp", "SYSTEM") from exc
        if abs(time.time() - ts_ms / 1000) > signing.TIMESTAMP_WINDOW_SECONDS:
            raise LazadaError("InvalidTimestamp", "Timestamp is expired", "SYSTEM")
        shop = self.app_shop(params["app_key"])
        if shop is None:
            raise LazadaError("InvalidAppKey", "Specified app key is invalid", "SYSTEM")
        if not signing.verify(shop.credentials["app_secret"], api_path, params, params["sign"]):
            raise LazadaError(
                "IncompleteSignature",
                "The request signature does not conform to platform standards",
                "ISV",
            )
        return shop

    def shop_route(
        self, api_path: str, methods: list[str], handler: Handler, prefix: str = ""
    ) -> Route:
        """A seller API at `prefix + api_path`; the signature covers `api_path` only."""

        async def endpoint(request: Request) -> Response:
            try:
                params = await all_params(request)
                shop = self.check(api_path, params)
                token = params.get("access_token", "")
                if not token:
                    raise missing("access_token")
                if token != shop.access_token or time.time() >= shop.access_expires_at:
                    raise LazadaError(
                        "IllegalAccessToken",
                        "The specified access token is invalid or expired",
                        "ISV",
                    )
            except LazadaError as exc:
                return error_response(exc)

            async def handle() -> Response:
                return await handler(Ctx(shop, params))

            return await serve_with_faults(
                shop,
                api_path,
                handle,
                refuse=_refusal,
                error=LazadaError,
                error_response=error_response,
            )

        return Route(prefix + api_path, endpoint, methods=methods)
