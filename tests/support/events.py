"""Helpers and fixture factories shared by the event-kernel tests.

Everything here talks to the real nats-server and databases of the test session; names
are made unique per test so tests never see each other's streams or consumers.

A test module takes the fixtures it needs by name::

    nc = nats_client_fixture("test-relay")
    stream = scratch_stream_fixture()
    db = kernel_database_fixture(app_metadata)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from prometheus_client import REGISTRY
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from syncstore.events.v1.event_meta_pb2 import EventMeta

from services.common.db import Database
from services.common.events import (
    DEAD_LETTERS,
    ConsumerSpec,
    Handler,
    StreamSpec,
    connect,
    enqueue,
    ensure_streams,
    kernel_metadata,
    new_event_meta,
    outbox,
    run_consumer,
)
from services.common.events.embedded_nats import EmbeddedNats

# A stand-in for a service's own table: the "change" an event describes.
app_metadata = MetaData()
widgets = Table(
    "widgets",
    app_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
)


async def wait_until(
    condition: Callable[[], Awaitable[bool]], timeout: float = 15.0, interval: float = 0.02
) -> None:
    """Poll `condition` until true; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


@asynccontextmanager
async def kernel_database(url: str, *extra: MetaData) -> AsyncIterator[Database]:
    """A Database with the kernel tables (and any test tables) created."""
    database = Database(url)
    async with database.engine.begin() as conn:
        await conn.run_sync(kernel_metadata.create_all)
        for metadata in extra:
            await conn.run_sync(metadata.create_all)
    try:
        yield database
    finally:
        await database.dispose()


@asynccontextmanager
async def scratch_stream(js: JetStreamContext, prefix: str = "t") -> AsyncIterator[StreamSpec]:
    """A stream of its own (plus DEAD_LETTERS), deleted afterwards."""
    tag = uuid.uuid4().hex[:12]
    spec = StreamSpec(f"{prefix.upper()}{tag}", (f"{prefix}{tag}.>",))
    await ensure_streams(js, [spec, DEAD_LETTERS])
    try:
        yield spec
    finally:
        await js.delete_stream(spec.name)


def nats_client_fixture(client_name: str) -> Callable[..., object]:
    """A fixture `nc`: a client of the session's nats-server, named `client_name`."""

    @pytest.fixture
    async def nc(nats_server: EmbeddedNats) -> AsyncIterator[Client]:
        client = await connect(nats_server.url, client_name)
        yield client
        await client.close()

    return nc


def scratch_stream_fixture() -> Callable[..., object]:
    """A fixture `stream`: a `scratch_stream` on the test's `nc` client."""

    @pytest.fixture
    async def stream(nc: Client) -> AsyncIterator[StreamSpec]:
        async with scratch_stream(nc.jetstream()) as spec:
            yield spec

    return stream


def kernel_database_fixture(*extra: MetaData) -> Callable[..., object]:
    """A fixture `db`: a `kernel_database` (plus `extra` tables) on the test's `database_url`."""

    @pytest.fixture
    async def db(database_url: str) -> AsyncIterator[Database]:
        async with kernel_database(database_url, *extra) as database:
            yield database

    return db


def subject_of(spec: StreamSpec, name: str) -> str:
    """A subject inside the scratch stream."""
    return spec.subjects[0].replace(">", name)


async def add_widget_with_event(db: Database, spec: StreamSpec, name: str) -> EventMeta:
    """A committed change and its event, in one transaction."""
    meta = new_event_meta("widget.created", "tenant-a", correlation_id="corr-1", source="test")
    async with db.transaction() as session:
        await session.execute(insert(widgets).values(name=name))
        await enqueue(session, subject=subject_of(spec, "widget.created"), message=meta, meta=meta)
    return meta


async def stream_messages(js: JetStreamContext, spec: StreamSpec) -> list[tuple[bytes, str]]:
    """(payload, Nats-Msg-Id) of every message in the stream, in stream order."""
    info = await js.stream_info(spec.name)
    assert info.state.messages == info.state.last_seq  # nothing deleted: seq = position
    out = []
    for seq in range(1, info.state.last_seq + 1):
        msg = await js.get_msg(spec.name, seq)
        out.append((msg.data or b"", (msg.headers or {}).get("Nats-Msg-Id", "")))
    return out


async def unsent(db: Database) -> int:
    """Outbox rows not yet marked published."""
    async with db.reader() as session:
        query = select(func.count()).where(outbox.c.published_at.is_(None))
        return int((await session.execute(query)).scalar_one())


def sample(name: str, relay: str) -> float:
    """A relay metric's current value (0 when never touched)."""
    return REGISTRY.get_sample_value(name, {"relay": relay}) or 0.0


def consumer_spec(stream: StreamSpec, **overrides: Any) -> ConsumerSpec:
    """A consumer with a unique durable and test-sized timings."""
    settings: dict[str, Any] = {
        "stream": stream.name,
        "durable": f"c{uuid.uuid4().hex[:12]}",
        "filter_subjects": stream.subjects,
        "ack_wait": 2.0,
        "max_deliver": 3,
        "backoff": (0.05, 0.1),
        "fetch_timeout": 0.5,
    }
    settings.update(overrides)
    return ConsumerSpec(**settings)


async def publish(
    js: JetStreamContext, stream: StreamSpec, name: str = "thing.happened", event_id: str = ""
) -> str:
    """Publish one event straight to the stream; returns its event id."""
    event_id = event_id or uuid.uuid4().hex
    headers = {"Nats-Msg-Id": event_id, "Syncstore-Tenant": "tenant-a"}
    await js.publish(subject_of(stream, name), f"payload-{event_id}".encode(), headers=headers)
    return event_id


class Running:
    """A consumer loop in the background, stopped (and checked to stop) on exit."""

    def __init__(self, js: JetStreamContext, spec: ConsumerSpec, handler: Handler) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(run_consumer(js, spec, handler, self.stop))

    async def __aenter__(self) -> Running:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 10)


async def settled(js: JetStreamContext, spec: ConsumerSpec) -> bool:
    """Every message of the stream acked or terminated: no (re)delivery can follow."""
    try:
        info = await js.consumer_info(spec.stream, spec.durable)
    except NotFoundError:  # the loop has not created it yet
        return False
    # The ack floor, not just the pending counters: right after creation those can
    # briefly read zero under load before the consumer has counted its backlog.
    last = (await js.stream_info(spec.stream)).state.last_seq
    floor = info.ack_floor.stream_seq if info.ack_floor else 0
    return bool(info.num_pending == 0 and info.num_ack_pending == 0 and floor >= last)


async def dead_letter(js: JetStreamContext, spec: ConsumerSpec) -> RawStreamMsg:
    """Wait for the consumer's dead letter and return it."""
    found: list[RawStreamMsg] = []

    async def arrived() -> bool:
        try:
            found.append(await js.get_last_msg(DEAD_LETTERS.name, spec.dead_subject))
        except NotFoundError:
            return False
        return True

    await wait_until(arrived)
    return found[0]
