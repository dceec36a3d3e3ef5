"""Write events into the outbox inside the caller's transaction (the relay sends them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from google.protobuf.message import Message
from sqlalchemy import CursorResult, delete, insert, select
from syncstore.events.v1.event_meta_pb2 import EventMeta

from services.common.db import DbConnection
from services.common.db.database import Database
from services.common.db.list_param import column_arrays
from services.common.deps_defaults import random_hex_id
from services.common.events.tables import outbox
from services.common.proto_time import now_timestamp

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
    return EventMeta(
        event_id=random_hex_id(),
        tenant_id=tenant_id,
        type=type,
        occur_time=now_timestamp(),
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


# PostgreSQL: the outbox rows of some events as one data-modifying CTE, for a service
# that writes a whole transaction in one statement (the inventory's group commit: each
# round trip there also waits its turn on the event loop). Its parameters come from
# `outbox_arrays`; rows keep the events' order, so ids and the publish order follow it.
OUTBOX_ROWS_CTE_PG = """
    outbox_rows AS (
        INSERT INTO outbox (event_id, tenant_id, subject, payload, headers, created_at,
                            attempts)
        SELECT o.event_id, o.tenant_id, o.subject, o.payload, o.headers, o.created_at, 0
        FROM unnest(CAST(:ob_event_id AS text[]), CAST(:ob_tenant AS text[]),
                    CAST(:ob_subject AS text[]), CAST(:ob_payload AS bytea[]),
                    CAST(:ob_headers AS json[]), CAST(:ob_created AS timestamptz[]))
             WITH ORDINALITY
             AS o(event_id, tenant_id, subject, payload, headers, created_at, n)
        ORDER BY o.n
    )"""


def outbox_arrays(events: Sequence[PendingEvent]) -> dict[str, list[Any]]:
    """The parameters of OUTBOX_ROWS_CTE_PG for these events (checked as `enqueue` does)."""
    rows = [_row(e.subject, e.message, e.meta) for e in events]
    for row in rows:
        row["headers"] = json.dumps(row["headers"])  # the statement casts text to json
    return column_arrays(
        rows,
        {
            "ob_event_id": "event_id",
            "ob_tenant": "tenant_id",
            "ob_subject": "subject",
            "ob_payload": "payload",
            "ob_headers": "headers",
            "ob_created": "created_at",
        },
    )


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
