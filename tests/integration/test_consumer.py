"""Durable pull consumers against a real nats-server: ack, retry, dead-letter, stop, restart."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from nats.aio.client import Client
from nats.js import JetStreamContext

from services.common.events import (
    EventMessage,
    PermanentEventError,
    StreamSpec,
    connect,
    ensure_streams,
)
from services.common.events.embedded_nats import EmbeddedNats
from tests.support.events import (
    Running,
    consumer_spec,
    dead_letter,
    nats_client_fixture,
    publish,
    scratch_stream_fixture,
    settled,
    wait_until,
)

nc = nats_client_fixture("test-consumer")
stream = scratch_stream_fixture()


async def test_success_is_acked_once_and_never_redelivered(nc: Client, stream: StreamSpec) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream)
    seen: list[EventMessage] = []

    async def handler(msg: EventMessage) -> None:
        seen.append(msg)

    ids = [await publish(js, stream) for _ in range(3)]
    async with Running(js, spec, handler):
        await wait_until(lambda: _count(seen, 3))
        await wait_until(lambda: settled(js, spec))
    assert [m.event_id for m in seen] == ids
    assert all(m.num_delivered == 1 for m in seen)
    assert seen[0].tenant_id == "tenant-a" and seen[0].consumer == spec.durable
    assert seen[0].data == f"payload-{ids[0]}".encode()
    assert [m.stream_sequence for m in seen] == [1, 2, 3]


async def test_transient_failures_are_retried_then_processed_once(
    nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream)
    deliveries: list[int] = []
    processed: list[str] = []

    async def handler(msg: EventMessage) -> None:
        deliveries.append(msg.num_delivered)
        if msg.num_delivered < 3:
            raise ConnectionError("downstream unavailable")
        processed.append(msg.event_id)

    event_id = await publish(js, stream)
    async with Running(js, spec, handler):
        await wait_until(lambda: _count(processed, 1))
        await wait_until(lambda: settled(js, spec))
    assert deliveries == [1, 2, 3]
    assert processed == [event_id]


async def test_permanent_error_is_dead_lettered_at_once(nc: Client, stream: StreamSpec) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream)
    calls: list[int] = []

    async def handler(msg: EventMessage) -> None:
        calls.append(msg.num_delivered)
        raise PermanentEventError("unknown product\r\nsecond line")

    event_id = await publish(js, stream, "bad.event")
    async with Running(js, spec, handler):
        dead = await dead_letter(js, spec)
        await wait_until(lambda: settled(js, spec))
    headers = dead.headers or {}
    assert calls == [1]
    assert dead.data == f"payload-{event_id}".encode()
    assert headers["Nats-Msg-Id"] == f"dead-{event_id}"
    assert headers["Syncstore-Dead-Reason"] == "PermanentEventError: unknown product second line"
    assert headers["Syncstore-Original-Subject"] == stream.subjects[0].replace(">", "bad.event")
    assert headers["Syncstore-Deliveries"] == "1"
    assert headers["Syncstore-Tenant"] == "tenant-a"  # the original headers travel along


async def test_always_failing_event_is_dead_lettered_after_max_deliver(
    nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream, max_deliver=3)
    calls: list[int] = []

    async def handler(msg: EventMessage) -> None:
        calls.append(msg.num_delivered)
        raise ValueError("still broken")

    event_id = await publish(js, stream)
    async with Running(js, spec, handler):
        dead = await dead_letter(js, spec)
        await wait_until(lambda: settled(js, spec))
    headers = dead.headers or {}
    assert calls == [1, 2, 3]
    assert headers["Syncstore-Deliveries"] == "3"
    assert headers["Syncstore-Dead-Reason"] == "ValueError: still broken"
    assert headers["Nats-Msg-Id"] == f"dead-{event_id}"
    # The server allows a little more than the app, so the app's last delivery always comes.
    info = await js.consumer_info(spec.stream, spec.durable)
    assert info.config.max_deliver == 5 and not info.config.backoff


async def test_consumer_keeps_consuming_across_a_nats_restart(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    await server.astart()
    client = await connect(server.url, "consumer-restart")
    try:
        js = client.jetstream()
        tag = uuid.uuid4().hex[:8]
        stream = StreamSpec(f"R{tag}", (f"r{tag}.>",))
        await ensure_streams(js, [stream])
        spec = consumer_spec(stream)
        seen: list[str] = []

        async def handler(msg: EventMessage) -> None:
            seen.append(msg.event_id)

        async with Running(js, spec, handler):
            first = await publish(js, stream)
            await wait_until(lambda: _contains(seen, first))
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(0.5)  # let the loop hit the outage
            await server.astart()
            second = await _publish_when_back(js, stream)
            await wait_until(lambda: _contains(seen, second), timeout=20)
        assert seen == [first, second]
    finally:
        await client.close()
        await asyncio.to_thread(server.stop)


async def _contains(items: list[str], item: str) -> bool:
    return item in items


async def _count(items: list[Any], n: int) -> bool:
    return len(items) >= n


async def _publish_when_back(js: JetStreamContext, stream: StreamSpec) -> str:
    # Retries reuse the event id: a try that timed out but landed is then stored once.
    event_id = uuid.uuid4().hex

    async def published() -> bool:
        try:
            await publish(js, stream, event_id=event_id)
        except Exception:
            return False
        return True

    await wait_until(published, timeout=20, interval=0.2)
    return event_id


async def test_stop_finishes_the_in_flight_event_and_hands_back_the_rest(
    nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream, batch=8)
    started = asyncio.Event()
    release = asyncio.Event()
    done: list[str] = []

    async def handler(msg: EventMessage) -> None:
        started.set()
        await release.wait()
        done.append(msg.event_id)

    first = await publish(js, stream)
    running = Running(js, spec, handler)
    await asyncio.wait_for(started.wait(), 10)
    others = [await publish(js, stream) for _ in range(3)]
    running.stop.set()
    release.set()
    await asyncio.wait_for(running.task, 10)
    assert done == [first]  # the in-flight one completed, nothing new was started

    # The in-flight event was acked; the rest are still there for the next replica.
    seen: list[str] = []

    async def record(msg: EventMessage) -> None:
        seen.append(msg.event_id)

    async with Running(js, spec, record):
        await wait_until(lambda: _count(seen, 3))
        await wait_until(lambda: settled(js, spec))
    assert seen == others
