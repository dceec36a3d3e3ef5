"""Tokopedia's accounts host in the sandbox: `POST /token?grant_type=client_credentials`.

`Authorization: Basic base64(client_id:client_secret)` -> `{"access_token", "expires_in",
"token_type": "Bearer"}` (MARKETPLACES.md §3). ⚠ Lifetime: the example says 30 days
(2592000 s), 2021 news says 2 weeks and that a new token is only issued once the old one
has expired; the sandbox uses 30 days and, while the current token is valid, answers
that same token with its remaining lifetime. ⚠ The error shape of the accounts host is
not documented; the sandbox answers RFC 6749 §5.2 (`{"error", "error_description"}`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.tokopedia.envelope import TokopediaBase

ACCESS_TTL = 30 * 86400


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status)


class AuthRoutes(TokopediaBase):
    async def token(self, request: Request) -> Response:
        if request.query_params.get("grant_type") != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", "grant_type must be client_credentials"
            )
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, secret = decoded.partition(":")
        shop = next(
            (s for s in self.shops().values() if s.credentials["client_id"] == client_id), None
        )
        if (
            scheme.lower() != "basic"
            or shop is None
            or not hmac.compare_digest(secret, shop.credentials["client_secret"])
        ):
            return _oauth_error(401, "invalid_client", "client authentication failed")
        now = time.time()
        if not shop.access_token or now >= shop.access_expires_at:
            shop.issue_tokens(ACCESS_TTL, 0)
            shop.refresh_token = ""  # client_credentials has no refresh token
        return JSONResponse(
            {
                "access_token": shop.access_token,
                "expires_in": int(shop.access_expires_at - now),
                "token_type": "Bearer",
            }
        )
