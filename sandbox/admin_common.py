"""What every platform's admin API shares: errors, JSON bodies, fault switches, request
logs and token expiry. Each platform's admin class finds its shops (`_shop`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.json_body import json_object
from sandbox.state import Shop


def bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} for an empty body; ValueError for a non-object)."""
    return json_object(await request.body())


class ShopAdminBase:
    def _shop(self, request: Request) -> Shop | None:
        raise NotImplementedError

    async def _json(self, request: Request) -> dict[str, Any]:
        return await read_json(request)

    async def faults(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        if request.method == "POST":
            try:
                shop.faults.configure(await self._json(request))
            except (KeyError, ValueError) as exc:
                return bad(f"bad fault switch: {exc}")
        return JSONResponse(shop.faults.snapshot())

    async def requests(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        return JSONResponse({"requests": [[t, path] for t, path in shop.requests]})

    async def webhook(self, request: Request) -> Response:
        """POST {"url", "time_scale"?} registers the push address; GET shows the deliveries."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        if request.method == "POST":
            try:
                body = await self._json(request)
                time_scale = float(body.get("time_scale", shop.webhooks.time_scale))
            except (TypeError, ValueError) as exc:
                return bad(f"bad webhook registration: {exc}")
            if time_scale < 0:
                return bad("time_scale must be >= 0")
            shop.webhooks.url = str(body.get("url") or "")
            shop.webhooks.time_scale = time_scale
            shop.webhooks.disabled = False
            shop.webhooks.consecutive_failures = 0
            shop.webhooks.outcomes.clear()
        return JSONResponse(shop.webhooks.snapshot())

    async def expire_token(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        shop.access_expires_at = 0.0
        return JSONResponse({"shop_id": shop.shop_id, "expired": True})
