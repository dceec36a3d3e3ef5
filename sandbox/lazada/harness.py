"""A Lazada-only sandbox app and an in-process uvicorn server on a free port.

For tests and benchmarks that need Lazada before sandbox/app.py mounts it:
`create_app(state)` is the same mounting app.py does for Shopee (`/lazada` and
`/_sandbox/lazada`), plus any extra routes (e.g. a push receiver).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from sandbox.lazada import admin_routes, api_routes
from sandbox.state import SandboxState


def create_app(state: SandboxState, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    app = Starlette(
        routes=[
            *extra_routes,
            Mount("/_sandbox", routes=admin_routes(state)),
            Mount("/lazada", routes=api_routes(state)),
        ]
    )
    app.state.sandbox = state
    return app


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1:<free port>; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.01)
        if not server.started:
            raise RuntimeError("sandbox did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
