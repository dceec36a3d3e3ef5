"""Per-shop fault switches: latency, 5xx, timeouts, throttle storms and the rate limit.

Everything random draws from a `random.Random` seeded per shop, so a test that sets
the same switches and sends the same requests sees the same faults.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_RATE_LIMIT = 10.0  # requests/s per shop (Shopee and Lazada: configurable, default 10)


class Verdict(StrEnum):
    PASS = "pass"
    RATE_LIMITED = "rate_limited"  # the shop's real limit was exceeded
    THROTTLED = "throttled"  # a throttle storm (limit signal regardless of the caller's rate)
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"  # handle the request, then never answer in time


class RateLimiter:
    """A token bucket at `rate` per second with one second of burst."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._tokens = self.capacity
        self._clock = clock
        self._updated = clock()

    def allow(self) -> bool:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


@dataclass
class FaultSwitches:
    latency_min: float = 0.0
    latency_max: float = 0.0
    error_rate: float = 0.0  # share of requests answered with a 5xx
    timeout_rate: float = 0.0  # share of requests handled but answered after `hang_seconds`
    hang_seconds: float = 30.0
    throttle_storm: int = 0  # the next N requests get the platform's throttling answer
    timeout_next: int = 0  # the next N requests are handled, then answered too late
    rate_limit: float = DEFAULT_RATE_LIMIT
    seed: int = 0
    # Webhook delivery: share of messages lost, sent twice, or held back so a later one
    # overtakes them (sandbox/webhooks.py).
    webhook_drop_rate: float = 0.0
    webhook_duplicate_rate: float = 0.0
    webhook_reorder_rate: float = 0.0
    # Counters for tests.
    rate_limited: int = 0
    throttled: int = 0
    server_errors: int = 0
    timeouts: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)
    _limiter: RateLimiter | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._random.seed(self.seed)

    def configure(self, changes: Mapping[str, object]) -> None:
        """Apply an admin request's switches (unknown names raise KeyError)."""
        allowed = {
            "latency_min",
            "latency_max",
            "error_rate",
            "timeout_rate",
            "hang_seconds",
            "throttle_storm",
            "timeout_next",
            "rate_limit",
            "seed",
            "webhook_drop_rate",
            "webhook_duplicate_rate",
            "webhook_reorder_rate",
        }
        for name, value in changes.items():
            if name not in allowed:
                raise KeyError(name)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"{name} must be a number")
            counts = ("throttle_storm", "timeout_next", "seed")
            setattr(self, name, int(value) if name in counts else value)
        if "seed" in changes:
            self._random.seed(self.seed)
        if "rate_limit" in changes:
            self._limiter = None
        if self.latency_max < self.latency_min:
            self.latency_max = self.latency_min

    def roll(self, rate: float) -> bool:
        """True with probability `rate`, drawn from the shop's seeded generator."""
        return rate > 0 and self._random.random() < rate

    def latency(self) -> float:
        if self.latency_max <= 0:
            return 0.0
        return self._random.uniform(self.latency_min, self.latency_max)

    def decide(self, *, own_limit: bool = True) -> Verdict:
        """What happens to the next request. `own_limit`: count it against the shop's one
        rate-limit bucket (False where the platform's route applies its own limit)."""
        if own_limit and self.rate_limit > 0:
            if self._limiter is None:
                self._limiter = RateLimiter(self.rate_limit)
            if not self._limiter.allow():
                self.rate_limited += 1
                return Verdict.RATE_LIMITED
        if self.throttle_storm > 0:
            self.throttle_storm -= 1
            self.throttled += 1
            return Verdict.THROTTLED
        if self.timeout_next > 0:
            self.timeout_next -= 1
            self.timeouts += 1
            return Verdict.TIMEOUT
        if self.error_rate > 0 and self._random.random() < self.error_rate:
            self.server_errors += 1
            return Verdict.SERVER_ERROR
        if self.timeout_rate > 0 and self._random.random() < self.timeout_rate:
            self.timeouts += 1
            return Verdict.TIMEOUT
        return Verdict.PASS

    def snapshot(self) -> dict[str, object]:
        return {
            "latency_min": self.latency_min,
            "latency_max": self.latency_max,
            "error_rate": self.error_rate,
            "timeout_rate": self.timeout_rate,
            "hang_seconds": self.hang_seconds,
            "throttle_storm": self.throttle_storm,
            "timeout_next": self.timeout_next,
            "rate_limit": self.rate_limit,
            "seed": self.seed,
            "webhook_drop_rate": self.webhook_drop_rate,
            "webhook_duplicate_rate": self.webhook_duplicate_rate,
            "webhook_reorder_rate": self.webhook_reorder_rate,
            "rate_limited": self.rate_limited,
            "throttled": self.throttled,
            "server_errors": self.server_errors,
            "timeouts": self.timeouts,
        }
