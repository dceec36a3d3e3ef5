"""Planning GraphQL calls from the cost budget Shopify reports (MARKETPLACES.md §5).

Every answer carries `extensions.cost.throttleStatus{maximumAvailable,
currentlyAvailable, restoreRate}`. `CostPlanner` keeps a model of each shop's bucket
and, before a query of known cost is sent, waits until the model holds that many
points (then deducts them), so the adapter paces itself instead of collecting
THROTTLED errors. After an answer the model adopts what Shopify says, less the points
of this client's other requests still in flight (the conservative reading: some of
them may already be counted), and refunds requested − actual cost.

Until the first answer the bucket is unknown: one request probes it while the others
wait. With N replicas each paces itself at restoreRate / N (the bucket is per app and
shop, shared by every replica); the reported `currentlyAvailable` covers them all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Points kept in hand: Shopify reports currentlyAvailable rounded, and a query must
# not arrive a fraction of a point early.
MARGIN = 1.0


@dataclass
class _Bucket:
    maximum: float = 0.0
    available: float = 0.0
    rate: float = 0.0
    updated: float = 0.0
    known: bool = False
    probing: bool = False
    in_flight: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    learned: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Reservation:
    shop_key: str
    cost: float
    probe: bool


class CostPlanner:
    def __init__(self, replicas: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self.replicas = max(1, replicas)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        # Seconds spent waiting for points, for benchmarks.
        self.waited = 0.0

    def _bucket(self, shop_key: str) -> _Bucket:
        return self._buckets.setdefault(shop_key, _Bucket())

    def _restore(self, b: _Bucket) -> None:
        # Points of requests still in flight are not charged yet: a full bucket on
        # Shopify's side stops restoring, so the model may fill only up to
        # maximum − in flight (else a request that travels slowly is counted twice).
        now = self._clock()
        b.available = min(b.maximum - b.in_flight, b.available + (now - b.updated) * b.rate)
        b.updated = now

    def status(self, shop_key: str) -> dict[str, float] | None:
        """The modelled bucket (None before Shopify has reported it)."""
        b = self._buckets.get(shop_key)
        if b is None or not b.known:
            return None
        self._restore(b)
        return {"maximumAvailable": b.maximum, "available": b.available, "restoreRate": b.rate}

    async def reserve(self, shop_key: str, cost: float) -> Reservation:
        """Wait until the modelled bucket holds `cost` points, then take them."""
        b = self._bucket(shop_key)
        while not b.known:
            if not b.probing:
                b.probing = True
                b.in_flight += cost
                return Reservation(shop_key, cost, probe=True)
            await b.learned.wait()
        async with b.lock:  # first come, first served
            while True:
                self._restore(b)
                if b.available >= cost + MARGIN or cost > b.maximum:
                    break
                wait = (cost + MARGIN - b.available) / b.rate
                started = self._clock()
                await asyncio.sleep(wait)
                self.waited += self._clock() - started
            b.available -= cost
            b.in_flight += cost
        return Reservation(shop_key, cost, probe=False)

    def settle(self, ticket: Reservation, cost: Mapping[str, Any] | None, charged: bool) -> None:
        """An answer arrived (or not): adopt Shopify's figures, refund what was unused.

        `charged` is False when Shopify refused the query (THROTTLED) before running it.
        """
        b = self._bucket(ticket.shop_key)
        b.in_flight = max(0.0, b.in_flight - ticket.cost)
        status = (cost or {}).get("throttleStatus") if cost else None
        if not isinstance(status, Mapping):
            if ticket.probe:
                b.probing = False  # let another request probe
            return
        maximum = float(status.get("maximumAvailable") or 0.0)
        reported = float(status.get("currentlyAvailable") or 0.0)
        rate = float(status.get("restoreRate") or 0.0) / self.replicas
        if maximum <= 0 or rate <= 0:
            return
        if not b.known:
            b.maximum, b.rate, b.available, b.updated = maximum, rate, reported, self._clock()
            b.available -= b.in_flight
            b.known = True
            b.learned.set()
            return
        self._restore(b)
        b.maximum, b.rate = maximum, rate
        actual = (cost or {}).get("actualQueryCost")
        if not charged:
            b.available += ticket.cost
        elif isinstance(actual, int | float):
            b.available += max(0.0, ticket.cost - float(actual))
        b.available = min(b.available, reported - b.in_flight, b.maximum)

    def wait_for(self, shop_key: str, cost: float, reported: Mapping[str, Any] | None) -> float:
        """Seconds until `cost` points are back, from a THROTTLED answer's status."""
        status = (reported or {}).get("throttleStatus")
        if not isinstance(status, Mapping):
            return 0.0
        available = float(status.get("currentlyAvailable") or 0.0)
        rate = float(status.get("restoreRate") or 0.0)
        if rate <= 0:
            return 0.0
        return max(0.0, (cost - available) / rate)
