"""The sandbox ASGI app: each platform under its own prefix, the admin API under /_sandbox/.

Only Shopee is implemented so far; other platforms mount the same way
(`/tiktok`, `/tokopedia`, `/lazada`).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from sandbox import shopee
from sandbox.state import SandboxState


def create_app(state: SandboxState | None = None) -> Starlette:
    state = state if state is not None else SandboxState()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "platforms": ["shopee"]})

    app = Starlette(
        routes=[
            Route("/_sandbox/health", health, methods=["GET"]),
            Mount("/_sandbox", routes=[*shopee.admin_routes(state)]),
            Mount("/shopee", routes=shopee.api_routes(state)),
        ]
    )
    app.state.sandbox = state
    return app
