"""Lazada sandbox authorization: the seller's consent page and token create/refresh (§4.2).

`/auth/token/create` takes a `code` (valid 30 min, single use); `/auth/token/refresh`
takes the latest `refresh_token` (single use here: a refresh issues a new pair).
Lifetimes of a test app: token 7 days, refresh 30 days (⚠ one quick-start page says
14 days; the longer value is used).
"""

from __future__ import annotations

import time
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sandbox.lazada.envelope import (
    LazadaBase,
    LazadaError,
    all_params,
    error_response,
    missing,
)
from sandbox.state import SandboxState, Shop

ACCESS_TTL = 7 * 86400
REFRESH_TTL = 30 * 86400
CODE_TTL = 30 * 60


class AuthRoutes(LazadaBase):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.codes: dict[str, tuple[int, float]] = {}  # code -> (seller_id, expires)

    async def authorize(self, request: Request) -> Response:
        """`/oauth/authorize?response_type=code&client_id=<app_key>&redirect_uri=...`."""
        q = request.query_params
        shop = self.app_shop(q.get("client_id", ""))
        redirect = q.get("redirect_uri", "")
        if shop is None or not redirect or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = uuid.uuid4().hex
        self.codes[code] = (shop.shop_id, time.time() + CODE_TTL)
        sep = "&" if "?" in redirect else "?"
        state = q.get("state", "")
        extra = f"&state={state}" if state else ""
        return RedirectResponse(f"{redirect}{sep}code={code}{extra}", 302)

    async def token_create(self, request: Request) -> Response:
        try:
            params = await all_params(request)
            shop = self.check("/auth/token/create", params)
            code = params.get("code", "")
            if not code:
                raise missing("code")
            found = self.codes.pop(code, None)
            if found is None or found[0] != shop.shop_id or time.time() > found[1]:
                raise LazadaError("InvalidCode", "Invalid authorization code", "ISV")
        except LazadaError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        return token_response(shop)

    async def token_refresh(self, request: Request) -> Response:
        try:
            params = await all_params(request)
            shop = self.check("/auth/token/refresh", params)
            given = params.get("refresh_token", "")
            if not given:
                raise missing("refresh_token")
            if given != shop.refresh_token or time.time() >= shop.refresh_expires_at:
                raise LazadaError("IllegalRefreshToken", "Invalid refresh token", "ISV")
        except LazadaError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        return token_response(shop)


def token_response(shop: Shop) -> JSONResponse:
    """Token APIs answer at the top level (no `data`), as the LazOP docs show."""
    now = time.time()
    seller_id = str(shop.shop_id)
    return JSONResponse(
        {
            "code": "0",
            "request_id": uuid.uuid4().hex,
            "access_token": shop.access_token,
            "refresh_token": shop.refresh_token,
            "expires_in": int(shop.access_expires_at - now),
            "refresh_expires_in": int(shop.refresh_expires_at - now),
            "account": f"seller{seller_id}@sandbox.example",
            "account_platform": "seller_center",
            "country": "sg",
            "country_user_info": [
                {"country": "sg", "seller_id": seller_id, "user_id": seller_id, "short_code": ""}
            ],
        }
    )
