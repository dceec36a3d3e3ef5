"""Kernel tables every service database has: the transactional outbox and the handler inbox.

Each service's initial migration runs `kernel_metadata.create_all(bind=op.get_bind())`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

kernel_metadata = MetaData()

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_ID = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    kernel_metadata,
    # Monotonic id: the publish order, and the cursor the relay claims batches by.
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("tenant_id", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
)

# Partial index: only unsent rows, so the relay's "next batch" lookup stays tiny however
# many published rows wait for clean-up.
Index(
    "ix_outbox_unsent",
    outbox.c.id,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)
# For the periodic clean-up of old published rows. Partial: a row is inserted unsent,
# so every event would otherwise add an index entry (for NULL) that clean-up never reads.
Index(
    "ix_outbox_published_at",
    outbox.c.published_at,
    postgresql_where=outbox.c.published_at.is_not(None),
    sqlite_where=outbox.c.published_at.is_not(None),
)

inbox = Table(
    "inbox",
    kernel_metadata,
    Column("consumer", String(128), primary_key=True),
    # Wider than outbox ids: consumers also de-duplicate events minted elsewhere.
    Column("event_id", String(128), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

# For purging entries older than any possible redelivery.
Index("ix_inbox_processed_at", inbox.c.processed_at)
