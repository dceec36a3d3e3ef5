"""TikTok Shop sandbox authorization (MARKETPLACES.md §2.3) and authorized shops (§2.4).

- GET /api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code and
  GET /api/v2/token/refresh?app_key&app_secret&refresh_token&grant_type=refresh_token
  (the auth host, under the same /tiktok prefix). `access_token_expire_in` and
  `refresh_token_expire_in` are Unix timestamps. auth_code: single use, 30 minutes.
  Refresh tokens are single use here (the old one is spent by a refresh).
- ⚠ The seller-facing authorize page is not in MARKETPLACES.md; the sandbox serves
  GET /oauth/authorize?app_key&state&redirect_uri and redirects with `code` and `state`.
"""

from __future__ import annotations

import time
import uuid

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sandbox.state import SandboxState, Shop
from sandbox.tiktok.envelope import (
    INVALID_REQUEST,
    Ctx,
    TikTokBase,
    TikTokError,
    cipher_of,
    error_response,
    ok_response,
    param_error,
)

ACCESS_TTL = 7 * 86400  # §2.3: default lifetime 7 days
REFRESH_TTL = 30 * 86400  # ⚠ not stated in §2.3; the sandbox's choice
CODE_TTL = 30 * 60  # §2.3: auth_code valid 30 minutes, single use


class AuthRoutes(TikTokBase):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.codes: dict[str, tuple[int, float]] = {}

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        shop = self.by_app_key(q.get("app_key", ""))
        redirect = q.get("redirect_uri", "")
        if shop is None or not redirect:
            return error_response(TikTokError(400, INVALID_REQUEST, "Invalid app_key."))
        code = uuid.uuid4().hex
        self.codes[code] = (shop.shop_id, time.time() + CODE_TTL)
        sep = "&" if "?" in redirect else "?"
        state = q.get("state", "")
        return RedirectResponse(f"{redirect}{sep}code={code}&state={state}", 302)

    def _app(self, request: Request, grant_type: str) -> Shop:
        q = request.query_params
        shop = self.by_app_key(q.get("app_key", ""))
        if shop is None or q.get("app_secret", "") != shop.credentials["app_secret"]:
            raise TikTokError(401, INVALID_REQUEST, "Invalid app_key or app_secret.")
        if q.get("grant_type") != grant_type:
            raise param_error(f"grant_type must be {grant_type}.")
        return shop

    async def token_get(self, request: Request) -> Response:
        try:
            shop = self._app(request, "authorized_code")
            found = self.codes.pop(request.query_params.get("auth_code", ""), None)
            if found is None or found[0] != shop.shop_id or time.time() > found[1]:
                raise TikTokError(401, INVALID_REQUEST, "Invalid auth_code.")
        except TikTokError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        return ok_response(token_data(shop))

    async def token_refresh(self, request: Request) -> Response:
        try:
            shop = self._app(request, "refresh_token")
            given = request.query_params.get("refresh_token", "")
            if given != shop.refresh_token or time.time() >= shop.refresh_expires_at:
                raise TikTokError(401, INVALID_REQUEST, "Invalid refresh_token.")
        except TikTokError as exc:
            return error_response(exc)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)  # the old refresh token is spent
        return ok_response(token_data(shop))

    async def authorized_shops(self, ctx: Ctx) -> Response:
        s = ctx.shop
        return ok_response(
            {
                "shops": [
                    {
                        "id": str(s.shop_id),
                        "cipher": cipher_of(s),
                        "code": f"SB{s.shop_id}",
                        "name": f"Sandbox shop {s.shop_id}",
                        "region": s.credentials["region"],
                        "seller_type": "LOCAL",
                    }
                ]
            }
        )


def token_data(shop: Shop) -> dict[str, object]:
    return {
        "access_token": shop.access_token,
        "access_token_expire_in": int(shop.access_expires_at),
        "refresh_token": shop.refresh_token,
        "refresh_token_expire_in": int(shop.refresh_expires_at),
        "open_id": f"open-{shop.shop_id}",
        "seller_name": f"Sandbox shop {shop.shop_id}",
        "seller_base_region": shop.credentials["region"],
        "user_type": 0,
        "granted_scopes": ["seller.product.basic", "seller.order.info"],
    }
