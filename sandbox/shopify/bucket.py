"""Shopify's leaky bucket of query-cost points, per app and shop (MARKETPLACES.md §5).

Defaults: restore rate 100 points/s (the Standard plan's current figure). ⚠ The bucket
size for the current figures is not published in the sources; 2000 points is used (the
same 20 s of restore as the older documented 1000-point / 50 points/s bucket). A query
needs room for its requested cost before it runs; afterwards the difference between
requested and actual cost is refunded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

RESTORE_RATE = 100.0
MAXIMUM_AVAILABLE = 2000.0


@dataclass
class CostBucket:
    maximum: float = MAXIMUM_AVAILABLE
    restore_rate: float = RESTORE_RATE
    clock: Callable[[], float] = time.monotonic
    available: float = MAXIMUM_AVAILABLE
    updated: float = field(default_factory=time.monotonic)

    def _restore(self) -> None:
        now = self.clock()
        self.available = min(
            self.maximum, self.available + (now - self.updated) * self.restore_rate
        )
        self.updated = now

    def take(self, cost: int) -> bool:
        """Deduct `cost` if the bucket holds it; False means THROTTLED."""
        self._restore()
        if self.available < cost:
            return False
        self.available -= cost
        return True

    def refund(self, points: float) -> None:
        self._restore()
        self.available = min(self.maximum, self.available + max(0.0, points))

    def status(self) -> dict[str, float]:
        self._restore()
        return {
            "maximumAvailable": self.maximum,
            "currentlyAvailable": round(self.available, 1),
            "restoreRate": self.restore_rate,
        }

    def configure(self, maximum: float, restore_rate: float) -> None:
        self.maximum, self.restore_rate = maximum, restore_rate
        self.available = min(self.available, maximum)
