"""The sandbox served by uvicorn in-process on a free port, for adapter tests."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import webhooks
from sandbox.app import create_app
from sandbox.lazada import push as lazada_push
from sandbox.lazada.harness import serve
from sandbox.shopee import push as shopee_push
from sandbox.state import SandboxState
from sandbox.tiktok import push as tiktok_push


@dataclass
class RunningSandbox:
    url: str
    state: SandboxState


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[RunningSandbox]:
    state = SandboxState(seed=7)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(state),
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "sandbox did not start"
    yield RunningSandbox(f"http://127.0.0.1:{port}", state)
    server.should_exit = True
    await task
    sock.close()


@dataclass
class WebhookReceiver:
    """A local webhook endpoint: answers from a script of statuses, records each delivery."""

    url: str = ""
    script: list[tuple[int, bytes]] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def answer(self, *answers: int | tuple[int, bytes]) -> None:
        """The next answers (a status, or status and body); 200 with no body after them."""
        self.script = [a if isinstance(a, tuple) else (a, b"") for a in answers]
        self.received.clear()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    async def hook(request: Request) -> Response:
        receiver.received.append((dict(request.headers), await request.body()))
        status, body = receiver.script.pop(0) if receiver.script else (200, b"")
        return Response(content=body, status_code=status)

    async with serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as url:
        receiver.url = url + "/hook"
        yield receiver


@pytest.fixture
def webhook_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait between webhook attempts, recorded instead of slept."""
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(webhooks, "pause", record)
    return waited


@pytest.fixture
def patient_timers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take real time out of webhook outcomes on a loaded machine: the platforms' ack
    timeouts (Lazada's is 500 ms) become 60 s, and a message held back for reordering
    waits up to 60 s for the one that overtakes it."""
    for module in (lazada_push, shopee_push, tiktok_push):
        monkeypatch.setattr(module, "POLICY", replace(module.POLICY, ack_timeout=60.0))
    monkeypatch.setattr(webhooks, "REORDER_HOLD_SECONDS", 60.0)


async def admin_call(
    sandbox: RunningSandbox, platform: str, method: str, path: str, **kw: Any
) -> httpx.Response:
    """`method /_sandbox/<platform>/shops/<path>` (path "" is the shops collection)."""
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        url = f"/_sandbox/{platform}/shops" + (f"/{path}" if path else "")
        return await client.request(method, url, **kw)


async def settle(sandbox: RunningSandbox, platform: str, shop_id: int | str) -> None:
    """Wait until every webhook the shop queued has been delivered or given up."""
    shop = sandbox.state.shop(platform, int(shop_id))
    assert shop is not None
    await webhooks.drain(shop)
