"""Fixtures for the sandbox tests: the four SEA platforms served side by side, and
webhook timing taken out of real time. Each adapter test serves its own platform
(tests.support.sandbox_admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio

from sandbox import lazada, shopee, tiktok, tokopedia, webhooks
from sandbox.lazada import push as lazada_push
from sandbox.shopee import push as shopee_push
from sandbox.tiktok import push as tiktok_push
from tests.support.sandbox_admin import ServedPlatform, serve_platforms

SEA_PLATFORMS: dict[str, Any] = {
    "shopee": shopee,
    "tiktok": tiktok,
    "lazada": lazada,
    "tokopedia": tokopedia,
}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sea() -> AsyncIterator[dict[str, ServedPlatform]]:
    """Shopee, TikTok Shop, Lazada and Tokopedia, each served on its own with `/hook`."""
    routes = {name: (p.admin_routes, p.api_routes) for name, p in SEA_PLATFORMS.items()}
    async with serve_platforms(routes) as served:
        yield served


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
