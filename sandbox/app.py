"""The sandbox ASGI app: each platform under its own prefix, the admin API under /_sandbox/.

Each platform package exposes `api_routes(state)` (mounted under its prefix, so the
platform's own path follows it) and `admin_routes(state)` (under /_sandbox/<platform>/).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from sandbox import lazada, shopee, shopify, tiktok, tokopedia, woocommerce
from sandbox.state import SandboxState

PLATFORMS: list[tuple[str, Any]] = [
    ("shopee", shopee),
    ("tiktok", tiktok),
    ("lazada", lazada),
    ("tokopedia", tokopedia),
    ("shopify", shopify),
    ("woocommerce", woocommerce),
]


def create_app(state: SandboxState | None = None) -> Starlette:
    state = state if state is not None else SandboxState()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "platforms": [name for name, _ in PLATFORMS]})

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health, methods=["GET"]),
            Mount(
                "/_sandbox",
                routes=[route for _, p in PLATFORMS for route in p.admin_routes(state)],
            ),
            *(Mount(f"/{name}", routes=p.api_routes(state)) for name, p in PLATFORMS),
        ]
    )
    app.state.sandbox = state
    return app
