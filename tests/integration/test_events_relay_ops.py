"""The relay in operation: NATS outages, lag gauges, clean-up of published rows."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from nats.aio.client import Client
from sqlalchemy import func, select

from services.common.db import Database
from services.common.events import (
    OutboxRelay,
    StreamSpec,
    connect,
    enqueue,
    ensure_streams,
    new_event_meta,
    outbox,
)
from services.common.events.embedded_nats import EmbeddedNats
from tests.support.events import (
    add_widget_with_event,
    app_metadata,
    kernel_database_fixture,
    nats_client_fixture,
    sample,
    scratch_stream_fixture,
    stream_messages,
    unsent,
    wait_until,
)

db = kernel_database_fixture(app_metadata)
nc = nats_client_fixture("test-relay-ops")
stream = scratch_stream_fixture()


async def test_relay_survives_nats_restart(db: Database, tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    await server.astart()
    client = await connect(server.url, "relay-restart")
    stop = asyncio.Event()
    try:
        tag = uuid.uuid4().hex[:8]
        spec = StreamSpec(f"R{tag}", (f"r{tag}.>",))
        js = client.jetstream()
        await ensure_streams(js, [spec])
        relay = OutboxRelay(
            db, js, poll_interval=0.05, publish_timeout=0.5, max_backoff=0.3, name=f"restart-{tag}"
        )
        task = asyncio.create_task(relay.run(stop))
        first = await add_widget_with_event(db, spec, "before")
        relay.notify()

        async def all_sent() -> bool:
            return await unsent(db) == 0

        await wait_until(all_sent)
        await asyncio.to_thread(server.stop)
        during = [await add_widget_with_event(db, spec, f"down{i}") for i in range(5)]
        relay.notify()
        await wait_until(lambda: _has_errors(relay.name))
        assert await unsent(db) == 5 and relay.nats_unreachable
        async with db.reader() as session:
            failed = (await session.execute(select(outbox).where(outbox.c.attempts > 0))).all()
        # Only the first row was tried: the rest did not queue up behind a dead connection.
        assert [row.event_id for row in failed] == [during[0].event_id]
        assert failed[0].last_error and "Timeout" in failed[0].last_error
        await server.astart()  # same port and store: the stream survives
        await wait_until(all_sent, timeout=20)
        ids = [msg_id for _, msg_id in await stream_messages(js, spec)]
        assert sorted(ids) == sorted([first.event_id] + [m.event_id for m in during])
        stop.set()
        await asyncio.wait_for(task, 10)
    finally:
        stop.set()
        await client.close()
        await asyncio.to_thread(server.stop)


async def _has_errors(relay: str) -> bool:
    return sample("syncstore_outbox_publish_errors_total", relay) > 0


async def test_lag_gauges_and_cleanup_of_published_rows(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    relay = OutboxRelay(db, nc.jetstream(), name=f"r-{uuid.uuid4().hex[:8]}")
    for i in range(3):
        await add_widget_with_event(db, stream, f"w{i}")
    assert await relay.refresh_metrics() == 3
    assert sample("syncstore_outbox_unsent_rows", relay.name) == 3
    assert sample("syncstore_outbox_oldest_unsent_age_seconds", relay.name) >= 0
    await relay.publish_pending()
    await add_widget_with_event(db, stream, "late")  # stays unsent: must survive clean-up
    assert await relay.cleanup_published(older_than_hours=24) == 0
    assert await relay.cleanup_published(older_than_hours=0) == 3
    assert await unsent(db) == 1
    async with db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(outbox))).scalar_one() == 1


async def test_a_refused_row_is_held_without_blocking_the_rows_behind_it(
    db: Database, nc: Client, stream: StreamSpec
) -> None:
    js = nc.jetstream()
    before = await add_widget_with_event(db, stream, "before")
    refused = new_event_meta("widget.created", "tenant-a")
    async with db.transaction() as session:  # a subject no stream listens on
        subject = f"nowhere{uuid.uuid4().hex[:8]}.x"
        await enqueue(session, subject=subject, message=refused, meta=refused)
    after = await add_widget_with_event(db, stream, "after")
    relay = OutboxRelay(db, js, name=f"r-{uuid.uuid4().hex[:8]}", poll_interval=5)
    assert await relay.publish_pending() == 2
    assert relay.last_failures == 1 and not relay.nats_unreachable  # no global backoff
    assert [i for _, i in await stream_messages(js, stream)] == [before.event_id, after.event_id]
    assert await relay.publish_pending() == 0  # held for a while, not hammered
    async with db.reader() as session:
        row = (await session.execute(select(outbox).where(outbox.c.published_at.is_(None)))).one()
    assert row.event_id == refused.event_id and row.attempts == 1
    assert row.last_error and "NoStreamResponse" in row.last_error
