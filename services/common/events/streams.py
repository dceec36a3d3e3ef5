"""The mesh's JetStream streams (DESIGN §4), declared once and created by `ensure_streams`."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

HOUR = 3600.0
DAY = 24 * HOUR

# Deliberately far above JetStream's 2-minute default. The outbox relay re-publishes a
# row whose "sent" mark was lost (crash, database down, NATS ack lost) on its next pass,
# possibly only after the relay or its database has been down for a while; JetStream
# drops the copy only if it arrives within this window of the first publish. So the
# window is the longest relay outage we absorb without a duplicate event reaching
# consumers (beyond it, consumers' inbox de-duplication still protects effects).
# The price is memory: the server keeps every message id of the window in RAM.
DUPLICATE_WINDOW = 2 * HOUR


@dataclass(frozen=True)
class StreamSpec:
    """What a stream should look like; replicas are chosen per deployment, not here."""

    name: str
    subjects: tuple[str, ...]
    description: str = ""
    retention: RetentionPolicy = RetentionPolicy.LIMITS
    max_age: float = 7 * DAY
    duplicate_window: float = DUPLICATE_WINDOW
    storage: StorageType = StorageType.FILE

    def config(self, replicas: int = 1) -> StreamConfig:
        """The nats-py StreamConfig for this spec with `replicas` copies."""
        if replicas < 1:
            raise ValueError("replicas must be >= 1")
        if self.duplicate_window > self.max_age:
            # The server rejects it; fail early with a clearer message.
            raise ValueError(f"{self.name}: duplicate_window exceeds max_age")
        return StreamConfig(
            name=self.name,
            description=self.description or None,
            subjects=list(self.subjects),
            retention=self.retention,
            max_age=self.max_age,
            duplicate_window=self.duplicate_window,
            storage=self.storage,
            num_replicas=replicas,
            discard=DiscardPolicy.OLD,
        )


CATALOG = StreamSpec(
    "CATALOG", ("catalog.>",), "Product changes published by catalog through its outbox."
)
INVENTORY = StreamSpec(
    "INVENTORY", ("inventory.>",), "Stock levels and reservations published by inventory."
)
WEBHOOKS = StreamSpec(
    "WEBHOOKS", ("webhook.>",), "Verified, de-duplicated marketplace webhooks from gateway."
)
# Subjects of streams in one account must not overlap, so SYNC lists its families
# explicitly and leaves sync.jobs.> to the work queue below.
SYNC = StreamSpec(
    "SYNC", ("sync.batch.>", "sync.events.>"), "Sync batches and sync outcome events."
)
# Work queue: a job message is removed once a worker acknowledges it.
SYNC_JOBS = StreamSpec(
    "SYNC_JOBS",
    ("sync.jobs.>",),
    "Marketplace push jobs by priority (work queue).",
    retention=RetentionPolicy.WORK_QUEUE,
)
DEAD_LETTERS = StreamSpec(
    "DEAD_LETTERS",
    ("dead.>",),
    "Events a consumer gave up on, with the reason; kept for inspection and replay.",
    max_age=30 * DAY,
)

ALL_STREAMS: tuple[StreamSpec, ...] = (CATALOG, INVENTORY, WEBHOOKS, SYNC, SYNC_JOBS, DEAD_LETTERS)


def dead_letter_subject(durable: str) -> str:
    """The dead-letter subject of a consumer: `dead.<durable>` (inside DEAD_LETTERS)."""
    return f"dead.{durable}"
