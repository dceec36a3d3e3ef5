"""A token bucket per shop: each adapter call waits for a token before it is sent.

Sharing a shop's limit across replicas: every sync replica runs its own bucket at
`limit / replicas` (SYNC_REPLICAS, default 1), so the replicas together never exceed
the platform's limit without talking to each other. It wastes headroom only while
some replicas are idle — the simple, failure-free choice; jobs of one shop are spread
over replicas by the work queue, so in steady state each uses its share.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class TokenBucket:
    """`rate` tokens per second, bursts up to `capacity`; `acquire()` waits for one."""

    def __init__(
        self,
        rate: float,
        capacity: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._clock = clock
        self._updated = clock()
        self._lock = asyncio.Lock()
        self._paused_until = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def delay(self) -> float:
        """Seconds until a token is free (0 when one is free now)."""
        self._refill()
        wait_pause = max(0.0, self._paused_until - self._clock())
        wait_token = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate
        return max(wait_pause, wait_token)

    async def acquire(self) -> None:
        # One waiter at a time keeps the order fair (first come, first served).
        async with self._lock:
            # Sleeping for exactly the computed wait is the point here: nothing else
            # signals that a token has become free.
            while (wait := self.delay()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            self._tokens -= 1

    def pause(self, seconds: float) -> None:
        """The platform said "slow down" (429 / Retry-After): send nothing for a while."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = min(self._tokens, 0.0)


class ShopLimiter:
    """One bucket per (platform, shop), each at the shop's limit divided by replicas."""

    def __init__(self, replicas: int = 1) -> None:
        self.replicas = max(1, replicas)
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, platform: str, shop_id: str, limit_per_second: float) -> TokenBucket:
        key = (platform, shop_id)
        share = limit_per_second / self.replicas
        existing = self._buckets.get(key)
        if existing is None or existing.rate != share:
            existing = self._buckets[key] = TokenBucket(share, capacity=max(1.0, share))
        return existing
