"""The sandbox served by uvicorn in-process on a free port, for adapter tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
import uvicorn

from sandbox.app import create_app
from sandbox.state import SandboxState


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
