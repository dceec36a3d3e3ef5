"""What every platform client is built from: the shared transport and its options.

A platform client subclasses `PlatformClient` and adds its signing, envelopes and token
endpoints; `TransportOptions` are the keyword options an adapter passes through to the
transport unchanged (so the list is written once, not in every adapter and client).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, Unpack

import httpx

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.transport import HttpTransport


class TransportOptions(TypedDict, total=False):
    """`HttpTransport`'s tuning, as the adapters' constructors accept it (all optional)."""

    timeout: httpx.Timeout | None
    transport: httpx.AsyncBaseTransport | None
    retry_budget: RetryBudget | None
    replicas: int
    max_connections: int


class PlatformClient:
    """One platform's `HttpTransport` (pooled client, per-shop buckets, retry budget)."""

    def __init__(
        self,
        platform: Platform,
        default_rate: float,
        *,
        throttle_wait: Callable[[httpx.Headers], float | None] | None = None,
        **options: Unpack[TransportOptions],
    ) -> None:
        self.http = HttpTransport(
            platform, default_rate=default_rate, throttle_wait=throttle_wait, **options
        )

    @property
    def budget(self) -> RetryBudget:
        return self.http.budget

    async def aclose(self) -> None:
        await self.http.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self.http.bucket(shop)
