"""Webhook delivery from the sandbox to a shop's registered URL, for every platform.

Each platform supplies the body, its signed headers and its `RetryPolicy` (how long it
waits for an answer, which answers count as received, and the delays before each
retry). This module owns what they share: the retry loop, time compression for tests
(the registration's `time_scale`: 0.001 turns Lazada's 30-minute interval into 1.8 s), the
per-shop drop / duplicate / reorder switches (`FaultSwitches.webhook_*`), and a
delivery log tests read through `GET /_sandbox/<platform>/shops/<id>/webhook`.
"""

from __future__ import annotations

import asyncio
import contextlib
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
class RetryPolicy:
    """How a platform delivers: `delays[n]` is the wait before retry n+1 (platform time)."""

    delays: tuple[float, ...]
    ack_timeout: float = 5.0
    received: Callable[[int], bool] = answered_2xx
    # WooCommerce disables a webhook after this many consecutive failed deliveries.
    disable_after_failures: int | None = None
    # Shopee and TikTok Shop count an answer as received only when its body is empty.
    empty_body: bool = False


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
        url = hooks.url
        async with httpx.AsyncClient(timeout=policy.ack_timeout) as client:
            for _ in range(copies):
                delivered = await _attempts(
                    client, url, record, headers, policy, hooks.time_scale, overtaken
                )
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
    url: str,
    record: DeliveryRecord,
    headers: dict[str, str],
    policy: RetryPolicy,
    time_scale: float,
    overtaken: list[asyncio.Event],
) -> bool:
    for attempt in range(len(policy.delays) + 1):
        record.attempts += 1
        try:
            response = await client.post(url, content=record.body, headers=headers)
            record.last_status = response.status_code
            if policy.received(response.status_code) and not (
                policy.empty_body and response.content
            ):
                record.delivered = True
                return True
        except httpx.HTTPError:
            record.last_status = None
        finally:
            _release(overtaken)  # the first attempt is out: held messages may follow
        if attempt < len(policy.delays):
            await pause(policy.delays[attempt] * time_scale)
    return False


async def pause(seconds: float) -> None:
    """The wait between attempts (a seam, so tests can record the schedule)."""
    await asyncio.sleep(seconds)


def _release(events: list[asyncio.Event]) -> None:
    for event in events:
        event.set()
