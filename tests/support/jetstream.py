"""Read what a service published to JetStream (an ephemeral consumer per call)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy


async def wait_for_messages(
    nats_url: str,
    stream: str,
    subject: str,
    predicate: Callable[[Any], bool],
    count: int,
    timeout: float = 15.0,
) -> list[Any]:
    """Messages of `stream` on `subject` that satisfy `predicate`; waits until `count` are seen.

    Returns every matching message present once `count` were found (so a test can also
    assert there is no duplicate), re-reading the stream from the start each round.
    """
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found: list[Any] = []
            sub = await js.pull_subscribe(
                subject,
                stream=stream,
                config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=5),
            )
            while True:
                try:
                    batch = await sub.fetch(256, timeout=0.5)
                except TimeoutError:  # nats' own, or asyncio's when fetch's deadline runs out
                    break
                for msg in batch:
                    await msg.ack()
                    if predicate(msg):
                        found.append(msg)
            await sub.unsubscribe()
            if len(found) >= count or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.2)
    finally:
        await nc.close()
