"""Handler de-duplication: remember (consumer, event id) in the handler's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.common.db.database import Database
from services.common.events.outbox import Executor
from services.common.events.tables import inbox


async def first_delivery(session: Executor, consumer: str, event_id: str) -> bool:
    """Record the event as processed by `consumer`; False if it already was (skip it)."""
    if not event_id:
        # Without an id there is nothing to de-duplicate on; refusing beats guessing.
        raise ValueError("event has no id (Nats-Msg-Id header missing)")
    values = {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}
    dialect = session.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed statement would
    # abort the caller's PostgreSQL transaction. A concurrent duplicate waits for the
    # first one's transaction and then inserts nothing, so exactly one handler wins.
    statement = (
        insert(inbox)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[inbox.c.consumer, inbox.c.event_id])
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount == 1


async def purge_inbox(db: Database, older_than: timedelta) -> int:
    """Forget entries older than any redelivery can be (> the stream's max age)."""
    cutoff = datetime.now(UTC) - older_than
    async with db.transaction() as session:
        result = await session.execute(delete(inbox).where(inbox.c.processed_at < cutoff))
    return cast(CursorResult[Any], result).rowcount
