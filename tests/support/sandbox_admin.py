"""One platform's sandbox served over real HTTP for adapter tests, with its admin API.

`serve_platform` mounts only that platform's routes (admin under `/_sandbox`, the API
under `/<platform>`) next to `/hook`, a webhook receiver that records deliveries and
can be told to fail or given a script of answers, so a test does not depend on the
other platforms being mounted. `ServedPlatform` calls the admin API
(`/_sandbox/<platform>/shops/...`), creates shops, finds the sandbox's shop records and
waits for their webhooks; `serve_platforms` serves several platforms side by side.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from sandbox import webhooks
from sandbox.lazada.harness import serve
from sandbox.state import SandboxState, Shop

Routes = Callable[[SandboxState], Sequence[BaseRoute]]


@dataclass
class ServedPlatform:
    url: str
    state: SandboxState
    platform: str
    # Deliveries `/hook` accepted: (headers, raw body).
    hooks: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    # What `/hook` answers a delivery it records.
    hook_status: int = 200
    # `/hook` answers 500 this many times first, recording nothing in `hooks`.
    fail_next: int = 0
    # Answers (status, body) `/hook` gives next, before falling back to the above;
    # a scripted answer is recorded in `received`, not in `hooks`.
    script: list[tuple[int, bytes]] = field(default_factory=list)
    # Every delivery `/hook` saw, whatever it answered: (headers, raw body).
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def hook_url(self) -> str:
        return self.url + "/hook"

    def answer(self, *answers: int | tuple[int, bytes]) -> None:
        """Script `/hook`'s next answers (a status, or status and body), after them as
        `fail_next` and `hook_status` say (200, no body, by default); forgets what it
        received."""
        self.script = [a if isinstance(a, tuple) else (a, b"") for a in answers]
        self.received.clear()

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of every delivery `/hook` saw."""
        return [json.loads(body) for _, body in self.received]

    async def admin_call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """`method /_sandbox/<platform>/shops/<path>` (path "" is the shops collection)."""
        async with httpx.AsyncClient(base_url=self.url) as client:
            url = f"/_sandbox/{self.platform}/shops" + (f"/{path}" if path else "")
            return await client.request(method, url, **kw)

    async def admin(self, method: str, path: str, **kw: Any) -> Any:
        """An admin call that must succeed; its JSON answer."""
        r = await self.admin_call(method, path, **kw)
        assert r.status_code < 300, r.text
        return r.json()

    async def create_shop(self, **settings: Any) -> dict[str, Any]:
        """`POST shops` with `settings`; the new shop's credentials and settings."""
        r = await self.admin_call("POST", "", json=settings)
        assert r.status_code == 201, r.text
        answer: dict[str, Any] = r.json()
        return answer

    async def hooked_shop(
        self, sku_prefix: str, *, price: float, stock: int, time_scale: float = 0.0
    ) -> dict[str, Any]:
        """A new shop (default settings) whose webhooks go to `/hook`, `time_scale` times
        the platform's retry schedule, with one listing `<sku_prefix>-<shop_id>` seeded
        at `price` and `stock`: its credentials and settings, and the SKU under "sku"."""
        shop = await self.create_shop()
        one = shop["shop_id"]
        hook = {"url": self.hook_url, "time_scale": time_scale}
        r = await self.admin_call("POST", f"{one}/webhook", json=hook)
        assert r.status_code == 200 and r.json()["url"] == self.hook_url, r.text
        shop["sku"] = f"{sku_prefix}-{one}"
        seed = {"seller_sku": shop["sku"], "price": price, "stock": stock}
        r = await self.admin_call("POST", f"{one}/listings", json=seed)
        assert r.status_code == 201, r.text
        return shop

    async def place_order(self, shop: dict[str, Any], quantity: int) -> dict[str, Any]:
        """`POST shops/<id>/orders`: a buyer orders `quantity` of a `hooked_shop`'s SKU."""
        lines = {"lines": [{"seller_sku": shop["sku"], "quantity": quantity}]}
        r = await self.admin_call("POST", f"{shop['shop_id']}/orders", json=lines)
        assert r.status_code == 201, r.text
        placed: dict[str, Any] = r.json()
        return placed

    async def listings(self, shop_id: int | str) -> list[dict[str, Any]]:
        """`GET shops/<shop_id>/listings`: the shop's listings as the sandbox stores them."""
        r = await self.admin_call("GET", f"{shop_id}/listings")
        assert r.status_code == 200, r.text
        listings: list[dict[str, Any]] = r.json()["listings"]
        return listings

    def requests(self, shop_id: int | str) -> list[str]:
        """The paths of every API request the shop has received, oldest first."""
        return [path for _, path in self.shop(shop_id).requests]

    def shop(self, shop_id: int | str) -> Shop:
        """The sandbox's record of a shop."""
        found = self.state.shop(self.platform, int(shop_id))
        assert found is not None, f"no {self.platform} shop {shop_id}"
        return found

    async def settle(self, shop_id: int | str) -> None:
        """Wait until every webhook the shop queued has been delivered or given up."""
        await webhooks.drain(self.shop(shop_id))


def platform_app(
    platform: str,
    admin_routes: Routes,
    api_routes: Routes,
    state: SandboxState,
    *extra: BaseRoute,
) -> Starlette:
    """One platform's sandbox as an app: admin under `/_sandbox`, the API under
    `/<platform>`, after any `extra` routes (served, or in process by ASGI transport)."""
    return Starlette(
        routes=[
            *extra,
            Mount("/_sandbox", routes=admin_routes(state)),
            Mount(f"/{platform}", routes=api_routes(state)),
        ]
    )


@asynccontextmanager
async def serve_platform(
    platform: str, admin_routes: Routes, api_routes: Routes, *, seed: int = 7
) -> AsyncIterator[ServedPlatform]:
    """The platform's sandbox (a fresh state) and `/hook` on a free local port."""
    served = ServedPlatform("", SandboxState(seed=seed), platform)

    async def hook(request: Request) -> Response:
        body = await request.body()
        served.received.append((dict(request.headers), body))
        if served.script:
            status, answer = served.script.pop(0)
            return Response(content=answer, status_code=status)
        if served.fail_next > 0:
            served.fail_next -= 1
            return Response(status_code=500)
        served.hooks.append((dict(request.headers), body))
        return Response(status_code=served.hook_status)

    hook_route = Route("/hook", hook, methods=["POST"])
    app = platform_app(platform, admin_routes, api_routes, served.state, hook_route)
    async with serve(app) as url:
        served.url = url
        yield served


@asynccontextmanager
async def serve_platforms(
    platforms: dict[str, tuple[Routes, Routes]], *, seed: int = 7
) -> AsyncIterator[dict[str, ServedPlatform]]:
    """`serve_platform` for each name: (admin routes, API routes), each with its own state."""
    async with AsyncExitStack() as stack:
        yield {
            name: await stack.enter_async_context(serve_platform(name, admin, api, seed=seed))
            for name, (admin, api) in platforms.items()
        }
