"""Shopee sandbox public API: authorization and tokens (MARKETPLACES.md §1.1, §1.2)."""

from __future__ import annotations

import time
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sandbox.shopee.envelope import (
    ShopeeBase,
    ShopeeError,
    error_response,
    int_field,
    param_error,
)
from sandbox.state import SandboxState, Shop

ACCESS_TTL = 4 * 3600  # §1.2: access_token valid 4 hours
REFRESH_TTL = 30 * 86400  # §1.2: refresh_token valid 30 days, single use
CODE_TTL = 600  # §1.2: code single use, 10 minutes


class AuthRoutes(ShopeeBase):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.codes: dict[str, tuple[int, float]] = {}  # code -> (shop_id, expires)

    async def auth_partner(self, request: Request) -> Response:
        path = "/api/v2/shop/auth_partner"
        try:
            partner_id, _ = self._common(request, path, shop_api=False)
        except ShopeeError as exc:
            return error_response(exc)
        redirect = request.query_params.get("redirect", "")
        if not redirect:
            return error_response(param_error("There is no redirect in query."))
        shop = next(s for s in self.shops().values() if s.credentials["partner_id"] == partner_id)
        code = uuid.uuid4().hex
        self.codes[code] = (shop.shop_id, time.time() + CODE_TTL)
        sep = "&" if "?" in redirect else "?"
        return RedirectResponse(f"{redirect}{sep}code={code}&shop_id={shop.shop_id}", 302)

    async def token_get(self, request: Request) -> Response:
        path = "/api/v2/auth/token/get"
        try:
            partner_id, _ = self._common(request, path, shop_api=False)
            body = await self._body(request)
            code = str(body.get("code") or "")
            shop_id = int_field(body, "shop_id", "auth")
            found = self.codes.pop(code, None)
            if found is None or found[0] != shop_id or time.time() > found[1]:
                raise ShopeeError(403, "error_auth", "Invalid code.")
            shop = self._partner_shop(partner_id, shop_id)
        except ShopeeError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        return token_response(shop)

    async def refresh(self, request: Request) -> Response:
        path = "/api/v2/auth/access_token/get"
        try:
            partner_id, _ = self._common(request, path, shop_api=False)
            body = await self._body(request)
            shop = self._partner_shop(partner_id, int_field(body, "shop_id", "auth"))
            given = str(body.get("refresh_token") or "")
            if given != shop.refresh_token or time.time() >= shop.refresh_expires_at:
                raise ShopeeError(403, "error_auth", "Invalid refresh_token.")
        except ShopeeError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)  # the old refresh token is now spent
        return token_response(shop)

    def _partner_shop(self, partner_id: str, shop_id: int) -> Shop:
        shop = self.shops().get(shop_id)
        if shop is None or shop.credentials["partner_id"] != partner_id:
            raise ShopeeError(403, "error_auth", "Invalid shop_id.")
        return shop


def token_response(shop: Shop) -> JSONResponse:
    return JSONResponse(
        {
            "request_id": uuid.uuid4().hex,
            "error": "",
            "message": "",
            "access_token": shop.access_token,
            "refresh_token": shop.refresh_token,
            "expire_in": ACCESS_TTL,
            "shop_id": shop.shop_id,
            "partner_id": int(shop.credentials["partner_id"]),
        }
    )
