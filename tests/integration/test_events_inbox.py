"""Handler de-duplication through the inbox, and idempotent stream/consumer set-up."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from nats.aio.client import Client
from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from services.common.db import Database
from services.common.events import (
    ConsumerSpec,
    EventMessage,
    StreamSpec,
    connect,
    ensure_consumer,
    ensure_streams,
    first_delivery,
)
from services.common.events.embedded_nats import EmbeddedNats
from tests.support.events import (
    Running,
    consumer_spec,
    kernel_database_fixture,
    nats_client_fixture,
    publish,
    scratch_stream_fixture,
    settled,
    wait_until,
)

effects_metadata = MetaData()
effects = Table("effects", effects_metadata, Column("event_id", String(64), primary_key=True))

nc = nats_client_fixture("test-inbox")
stream = scratch_stream_fixture()
db = kernel_database_fixture(effects_metadata)


async def test_inbox_first_delivery_in_the_callers_transaction(db: Database) -> None:
    async with db.transaction() as session:
        assert await first_delivery(session, "c1", "e1") is True
        assert await first_delivery(session, "c1", "e1") is False
        assert await first_delivery(session, "c2", "e1") is True  # per consumer

    async def record_then_fail() -> None:
        async with db.transaction() as session:
            assert await first_delivery(session, "c1", "e2") is True
            raise RuntimeError("handler failed after recording")

    with pytest.raises(RuntimeError):
        await record_then_fail()
    async with db.transaction() as session:
        # The rolled-back record is gone: the retry is a first delivery again.
        assert await first_delivery(session, "c1", "e2") is True
        assert await first_delivery(session, "c1", "e1") is False


async def test_redelivered_event_takes_effect_once_via_inbox(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    spec = consumer_spec(stream)
    calls: list[int] = []

    async def handler(msg: EventMessage) -> None:
        calls.append(msg.num_delivered)
        async with db.transaction() as session:
            if await first_delivery(session, msg.consumer, msg.event_id):
                await session.execute(insert(effects).values(event_id=msg.event_id))
        if msg.num_delivered == 1:
            # Committed but "crashed" before the ack: JetStream delivers it again.
            raise ConnectionResetError("lost before ack")

    event_id = await publish(js, stream)
    async with Running(js, spec, handler):
        await wait_until(lambda: _twice(calls))
        await wait_until(lambda: settled(js, spec))
    assert calls == [1, 2]
    async with db.reader() as session:
        rows = (await session.execute(select(effects.c.event_id))).scalars().all()
        assert rows == [event_id]
        assert (await session.execute(select(func.count()).select_from(effects))).scalar_one() == 1


async def test_ensure_streams_and_consumer_are_idempotent_and_race_safe(
    nc: Client, nats_server: EmbeddedNats
) -> None:
    js = nc.jetstream()
    tag = uuid.uuid4().hex[:12]
    spec = StreamSpec(f"T{tag}", (f"t{tag}.>",), "test stream")
    try:
        await ensure_streams(js, [spec])
        await ensure_streams(js, [spec])
        clients = [await connect(nats_server.url, f"r{i}") for i in range(4)]
        try:
            await asyncio.gather(*(ensure_streams(c.jetstream(), [spec], 1) for c in clients))
            fresh = StreamSpec(f"U{tag}", (f"u{tag}.>",))
            await asyncio.gather(*(ensure_streams(c.jetstream(), [fresh]) for c in clients))
            await js.delete_stream(fresh.name)
        finally:
            for c in clients:
                await c.close()
        info = await js.stream_info(spec.name)
        assert info.config.duplicate_window == 7200 and info.config.description == "test stream"

        # A changed spec updates the live stream in place.
        await ensure_streams(js, [StreamSpec(spec.name, (*spec.subjects, f"x{tag}.>"))])
        assert sorted((await js.stream_info(spec.name)).config.subjects or []) == sorted(
            [*spec.subjects, f"x{tag}.>"]
        )

        consumer = consumer_spec(spec)
        await asyncio.gather(*(ensure_consumer(js, consumer) for _ in range(4)))
        await ensure_consumer(js, ConsumerSpec(**{**consumer.__dict__, "ack_wait": 7.0}))
        assert (await js.consumer_info(spec.name, consumer.durable)).config.ack_wait == 7.0
    finally:
        await js.delete_stream(spec.name)


async def _twice(calls: list[int]) -> bool:
    return len(calls) >= 2
