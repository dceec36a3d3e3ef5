"""Write events into the outbox inside the caller's transaction (the relay sends them)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import CursorResult, delete, insert, select
from syncstore.events.v1.event_meta_pb2 import EventMeta

from services.common.db import DbConnection
from services.common.db.database import Database
from services.common.events.tables import outbox

MSG_ID_HEADER = "Nats-Msg-Id"
EVENT_TYPE_HEADER = "Syncstore-Event-Type"
TENANT_HEADER = "Syncstore-Tenant"
CORRELATION_HEADER = "Syncstore-Correlation-Id"
SOURCE_HEADER = "Syncstore-Source"

# Built once: enqueue runs in every write transaction of every service.
_INSERT = insert(outbox)

# The caller's open write transaction, as Database.transaction() yields it.
Executor = DbConnection


def new_event_meta(
    type: str, tenant_id: str, correlation_id: str = "", source: str = ""
) -> EventMeta:
    """A fresh EventMeta: random event id, occurred now."""
    occur_time = Timestamp()
    occur_time.GetCurrentTime()
    return EventMeta(
        event_id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        type=type,
        occur_time=occur_time,
        correlation_id=correlation_id,
        source=source,
    )


def event_headers(meta: EventMeta) -> dict[str, str]:
    """NATS headers for an event; Nats-Msg-Id makes JetStream drop re-published copies."""
    headers = {
        MSG_ID_HEADER: meta.event_id,
        EVENT_TYPE_HEADER: meta.type,
        TENANT_HEADER: meta.tenant_id,
    }
    # Empty header values are legal but noisy; consumers treat absent as empty.
    if meta.correlation_id:
        headers[CORRELATION_HEADER] = meta.correlation_id
    if meta.source:
        headers[SOURCE_HEADER] = meta.source
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name} must not contain line breaks")
    return headers


@dataclass(frozen=True)
class PendingEvent:
    """An event to enqueue: its subject, payload message and meta."""

    subject: str
    message: Message
    meta: EventMeta


async def enqueue_many(session: Executor, events: Sequence[PendingEvent]) -> None:
    """Enqueue several events with one batched insert, in order, in the caller's transaction."""
    if events:
        await session.execute(_INSERT, [_row(e.subject, e.message, e.meta) for e in events])


async def enqueue(session: Executor, *, subject: str, message: Message, meta: EventMeta) -> None:
    """Insert the event's outbox row in the caller's transaction; it commits with the change."""
    await session.execute(_INSERT, _row(subject, message, meta))


def _row(subject: str, message: Message, meta: EventMeta) -> dict[str, Any]:
    if not meta.event_id:
        raise ValueError("event meta has no event_id (use new_event_meta)")
    if not subject or " " in subject or subject.endswith("."):
        raise ValueError(f"invalid subject {subject!r}")
    return {
        "event_id": meta.event_id,
        "tenant_id": meta.tenant_id,
        "subject": subject,
        "payload": message.SerializeToString(),
        "headers": event_headers(meta),
        # Row time, not occur_time: the lag gauge measures time spent in the outbox.
        "created_at": datetime.now(UTC),
        "attempts": 0,
    }


async def delete_published(db: Database, older_than: timedelta, chunk: int = 5000) -> int:
    """Delete outbox rows published longer ago than `older_than`; returns rows deleted."""
    cutoff = datetime.now(UTC) - older_than
    total = 0
    while True:
        # Chunked: a big backlog must never hold the (SQLite: whole-database) write lock long.
        doomed = (
            select(outbox.c.id)
            .where(outbox.c.published_at < cutoff)
            .order_by(outbox.c.id)
            .limit(chunk)
            .scalar_subquery()
        )
        async with db.transaction() as session:
            result = await session.execute(delete(outbox).where(outbox.c.id.in_(doomed)))
        deleted = cast(CursorResult[Any], result).rowcount
        total += deleted
        if deleted < chunk:
            return total
