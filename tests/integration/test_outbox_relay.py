"""Outbox + relay against a real nats-server and real databases: once, in order, no loss."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from nats.aio.client import Client
from sqlalchemy import func, insert, select
from syncstore.events.v1.event_meta_pb2 import EventMeta

from services.common.db import Database
from services.common.events import OutboxRelay, StreamSpec, connect, enqueue, new_event_meta, outbox
from services.common.events.embedded_nats import EmbeddedNats
from services.common.events.relay import OutboxRow
from tests.support.events import (
    add_widget_with_event,
    app_metadata,
    kernel_database_fixture,
    nats_client_fixture,
    sample,
    scratch_stream_fixture,
    stream_messages,
    subject_of,
    unsent,
    wait_until,
    widgets,
)

db = kernel_database_fixture(app_metadata)
nc = nats_client_fixture("test-relay")
stream = scratch_stream_fixture()


async def test_committed_change_is_published_once_with_headers(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    meta = await add_widget_with_event(db, stream, "w1")
    relay = OutboxRelay(db, js, name=f"r-{uuid.uuid4().hex[:8]}")
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    messages = await stream_messages(js, stream)
    assert messages == [(meta.SerializeToString(), meta.event_id)]
    raw = await js.get_msg(stream.name, 1)
    assert raw.subject == subject_of(stream, "widget.created")
    headers = raw.headers or {}
    assert headers["Syncstore-Event-Type"] == "widget.created"
    assert headers["Syncstore-Tenant"] == "tenant-a"
    assert headers["Syncstore-Correlation-Id"] == "corr-1"
    assert EventMeta.FromString(raw.data or b"").event_id == meta.event_id
    async with db.reader() as session:
        row = (await session.execute(select(outbox))).one()
    assert row.published_at is not None and row.attempts == 0
    assert sample("syncstore_outbox_published_total", relay.name) == 1


async def test_rolled_back_change_publishes_nothing(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    meta = new_event_meta("widget.created", "tenant-a")

    async def change_that_fails() -> None:
        async with db.transaction() as session:
            await session.execute(insert(widgets).values(name="never"))
            await enqueue(session, subject=subject_of(stream, "x"), message=meta, meta=meta)
            raise RuntimeError("business rule failed")

    with pytest.raises(RuntimeError, match="business rule"):
        await change_that_fails()
    async with db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(outbox))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(widgets))).scalar_one() == 0
    js = nc.jetstream()
    assert await OutboxRelay(db, js).publish_pending() == 0
    assert (await js.stream_info(stream.name)).state.messages == 0


class CrashAfterPublish(OutboxRelay):
    async def _after_publish(self, rows: Sequence[OutboxRow]) -> None:
        raise RuntimeError("simulated crash between publish and mark-sent")


async def test_crash_before_mark_sent_republishes_and_stream_drops_the_copy(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    meta = await add_widget_with_event(db, stream, "w1")
    with pytest.raises(RuntimeError, match="simulated crash"):
        await CrashAfterPublish(db, js).publish_pending()
    assert await unsent(db) == 1  # the mark-sent never committed
    assert (await js.stream_info(stream.name)).state.messages == 1

    relay = OutboxRelay(db, js, name=f"r-{uuid.uuid4().hex[:8]}")
    assert await relay.publish_pending() == 1
    assert await unsent(db) == 0
    assert await stream_messages(js, stream) == [(meta.SerializeToString(), meta.event_id)]
    assert sample("syncstore_outbox_duplicates_total", relay.name) == 1


async def test_one_relay_preserves_outbox_order_across_batches(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    metas = [await add_widget_with_event(db, stream, f"w{i}") for i in range(150)]
    relay = OutboxRelay(db, js, batch_size=32)
    assert await relay.publish_pending() == 150
    ids = [msg_id for _, msg_id in await stream_messages(js, stream)]
    assert ids == [m.event_id for m in metas]


async def test_two_relays_publish_every_event_exactly_once(
    db: Database, nats_server: EmbeddedNats, stream: StreamSpec
) -> None:
    clients = [await connect(nats_server.url, f"relay-{i}") for i in range(2)]
    tag = uuid.uuid4().hex[:8]
    relays = [
        OutboxRelay(db, c.jetstream(), batch_size=32, poll_interval=0.01, name=f"{tag}-{i}")
        for i, c in enumerate(clients)
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(stop)) for r in relays]
    expected: list[str] = []
    try:
        # Enqueue while both relays run, in transactions of 25, so they race for rows.
        for _ in range(20):
            async with db.transaction() as session:
                for _ in range(25):
                    meta = new_event_meta("widget.created", "tenant-a")
                    subject = subject_of(stream, "widget.created")
                    await enqueue(session, subject=subject, message=meta, meta=meta)
                    expected.append(meta.event_id)
            for r in relays:
                r.notify()

        async def all_sent() -> bool:
            return await unsent(db) == 0

        await wait_until(all_sent)
        ids = [msg_id for _, msg_id in await stream_messages(clients[0].jetstream(), stream)]
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        for c in clients:
            await c.close()
    assert len(ids) == 500 and sorted(ids) == sorted(expected)
    # JetStream's duplicate window would hide a double publish; the acks would not.
    assert sum(sample("syncstore_outbox_duplicates_total", r.name) for r in relays) == 0
    assert sum(sample("syncstore_outbox_published_total", r.name) for r in relays) == 500


class PausingRelay(OutboxRelay):
    """Holds its claimed batch (and its transaction) until released."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.paused = asyncio.Event()
        self.release = asyncio.Event()

    async def _after_publish(self, rows: Sequence[OutboxRow]) -> None:
        if not self.release.is_set():
            self.paused.set()
            await self.release.wait()


async def test_a_relay_never_publishes_rows_another_relay_holds(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    metas = [await add_widget_with_event(db, stream, f"w{i}") for i in range(100)]
    tag = uuid.uuid4().hex[:8]
    holder = PausingRelay(db, js, batch_size=32, name=f"{tag}-holder")
    other = OutboxRelay(db, js, batch_size=32, name=f"{tag}-other")
    held = asyncio.create_task(holder.publish_pending())
    await asyncio.wait_for(holder.paused.wait(), 10)
    other_pass = asyncio.create_task(other.publish_pending())
    if db.sqlite:
        # BEGIN IMMEDIATE: the second relay queues behind the first one's transaction.
        await asyncio.sleep(0.3)
        assert not other_pass.done()
        holder.release.set()
        assert await held + await other_pass == 100
    else:
        # SKIP LOCKED: the second relay takes the rows after the held batch, right away.
        assert await asyncio.wait_for(other_pass, 10) == 68
        holder.release.set()
        assert await held == 32
    assert await unsent(db) == 0
    ids = [msg_id for _, msg_id in await stream_messages(js, stream)]
    assert sorted(ids) == sorted(m.event_id for m in metas) and len(ids) == 100
    assert sample("syncstore_outbox_duplicates_total", holder.name) == 0
    assert sample("syncstore_outbox_duplicates_total", other.name) == 0
