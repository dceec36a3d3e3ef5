"""Webhook delivery from the sandbox to a shop's registered URL, for every platform.

Each platform supplies the body, its signed headers and its `RetryPolicy` (how long it
waits for an answer, which answers count as received, and the delays before each
retry). This module owns what they share: the retry loop, time compression for tests
(the registration's `time_scale`: 0.001 turns Lazada's 30-minute interval into 1.8 s), the
per-shop drop / duplicate / reorder switches (`FaultSwitches.webhook_*`), disabling a
registration (consecutive failures, or a success rate under a floor), and a delivery
log tests read through `GET /_sandbox/<platform>/shops/<id>/webhook`.

Reordering: a held message goes out right after the shop's next message has made its
first attempt (or after `REORDER_HOLD_SECONDS` if none comes), so the overtaking order
is certain, not a race.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from sandbox.state import Shop

# A message held back for reordering waits until the shop's next message has made its
# first attempt, at most this long (real seconds), so reordering never turns into a loss.
REORDER_HOLD_SECONDS = 1.0


def answered_2xx(status: int) -> bool:
    return 200 <= status < 300


@dataclass(frozen=True)
class SuccessFloor:
    """Disable the registration once more than `min_pushes` attempts went out within the
    last `window` seconds (platform time) and under `rate` of them were received."""

    min_pushes: int
    window: float
    rate: float


@dataclass(frozen=True)
class RetryPolicy:
    """How a platform delivers: `delays[n]` is the wait before retry n+1 (platform time)."""

    delays: tuple[float, ...]
    ack_timeout: float = 5.0
    received: Callable[[int], bool] = answered_2xx
    # WooCommerce disables a webhook after this many consecutive failed deliveries.
    disable_after_failures: int | None = None
    # Shopee and TikTok Shop count an answer as received only when its body is empty.
    empty_body: bool = False
    # Shopee disables a subscription whose recent success rate falls too low.
    disable_below: SuccessFloor | None = None


NO_RETRY = RetryPolicy(delays=())


@dataclass
class DeliveryRecord:
    """One message's fate, for tests and demos."""

    topic: str
    body: bytes
    attempts: int = 0
    delivered: bool = False
    last_status: int | None = None
    dropped: bool = False
    duplicate: bool = False
    held: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "attempts": self.attempts,
            "delivered": self.delivered,
            "last_status": self.last_status,
            "dropped": self.dropped,
            "duplicate": self.duplicate,
            "held": self.held,
            "body": self.body.decode(errors="replace"),
        }


@dataclass
class ShopWebhooks:
    """A shop's webhook registration, delivery log and the tasks still delivering."""

    url: str = ""
    time_scale: float = 1.0
    disabled: bool = False
    consecutive_failures: int = 0
    log: list[DeliveryRecord] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    # Held-back messages, each released once the next message has made its first attempt.
    waiting: list[asyncio.Event] = field(default_factory=list)
    # (monotonic time, received) of recent attempts, for `RetryPolicy.disable_below`.
    outcomes: deque[tuple[float, bool]] = field(default_factory=deque)

    def snapshot(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "time_scale": self.time_scale,
            "disabled": self.disabled,
            "pending": len(self.tasks),
            "deliveries": [record.as_json() for record in self.log],
        }


def send(
    shop: Shop,
    body: bytes,
    headers: Mapping[str, str],
    policy: RetryPolicy,
    *,
    topic: str = "",
) -> DeliveryRecord | None:
    """Queue one message for the shop's URL; None when no URL is registered or disabled."""
    hooks = shop.webhooks
    if not hooks.url or hooks.disabled:
        return None
    faults = shop.faults
    record = DeliveryRecord(topic=topic, body=body)
    hooks.log.append(record)
    # Messages held back for reordering go out after this one's first attempt: it overtakes them.
    overtaken, hooks.waiting = hooks.waiting, []
    if faults.roll(faults.webhook_drop_rate):
        record.dropped = True
        _release(overtaken)
        return record
    record.held = faults.roll(faults.webhook_reorder_rate)
    hold = asyncio.Event() if record.held else None
    if hold is not None:
        hooks.waiting.append(hold)
    copies = 2 if faults.roll(faults.webhook_duplicate_rate) else 1
    record.duplicate = copies == 2
    task = asyncio.create_task(
        _deliver(hooks, record, dict(headers), policy, copies, hold, overtaken)
    )
    hooks.tasks.add(task)
    task.add_done_callback(hooks.tasks.discard)
    return record


async def drain(shop: Shop) -> None:
    """Wait until every queued delivery of the shop has finished (tests)."""
    while shop.webhooks.tasks:
        await asyncio.gather(*list(shop.webhooks.tasks), return_exceptions=True)


async def _deliver(
    hooks: ShopWebhooks,
    record: DeliveryRecord,
    headers: dict[str, str],
    policy: RetryPolicy,
    copies: int,
    hold: asyncio.Event | None,
    overtaken: list[asyncio.Event],
) -> None:
    try:
        if hold is not None:
            # When nothing overtakes it in time, it is sent anyway.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(hold.wait(), REORDER_HOLD_SECONDS)
        async with httpx.AsyncClient(timeout=policy.ack_timeout) as client:
            for _ in range(copies):
                delivered = await _attempts(client, hooks, record, headers, policy, overtaken)
                if not delivered:
                    hooks.consecutive_failures += 1
                    limit = policy.disable_after_failures
                    if limit is not None and hooks.consecutive_failures >= limit:
                        hooks.disabled = True
                    return
                hooks.consecutive_failures = 0
    finally:
        _release(overtaken)


async def _attempts(
    client: httpx.AsyncClient,
    hooks: ShopWebhooks,
    record: DeliveryRecord,
    headers: dict[str, str],
    policy: RetryPolicy,
    overtaken: list[asyncio.Event],
) -> bool:
    url = hooks.url
    for attempt in range(len(policy.delays) + 1):
        if hooks.disabled:
            return False  # a disabled subscription gets nothing, retries included
        record.attempts += 1
        received = False
        try:
            response = await client.post(url, content=record.body, headers=headers)
            record.last_status = response.status_code
            received = policy.received(response.status_code) and not (
                policy.empty_body and response.content
            )
        except httpx.HTTPError:
            record.last_status = None
        finally:
            _release(overtaken)  # the first attempt is out: held messages may follow
        _count(hooks, policy, received)
        if received:
            record.delivered = True
            return True
        if attempt < len(policy.delays):
            await pause(policy.delays[attempt] * hooks.time_scale)
    return False


def _count(hooks: ShopWebhooks, policy: RetryPolicy, received: bool) -> None:
    """Track the recent success rate; disable the registration below the policy's floor.

    The window is platform time, compressed like the delays (time_scale 0 leaves it empty).
    """
    floor = policy.disable_below
    if floor is None:
        return
    now = time.monotonic()
    hooks.outcomes.append((now, received))
    while hooks.outcomes and hooks.outcomes[0][0] < now - floor.window * hooks.time_scale:
        hooks.outcomes.popleft()
    total = len(hooks.outcomes)
    ok = sum(1 for _, good in hooks.outcomes if good)
    if total > floor.min_pushes and ok < floor.rate * total:
        hooks.disabled = True


async def pause(seconds: float) -> None:
    """The wait between attempts (a seam, so tests can record the schedule)."""
    await asyncio.sleep(seconds)


def _release(events: list[asyncio.Event]) -> None:
    for event in events:
        event.set()
