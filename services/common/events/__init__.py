"""The event kernel shared by every service: streams, outbox + relay, consumers, inbox."""

from services.common.events.consumer import (
    ConsumerSpec,
    EventMessage,
    Handler,
    PermanentEventError,
    ensure_consumer,
    run_consumer,
)
from services.common.events.inbox import first_delivery, purge_inbox
from services.common.events.jetstream import connect, ensure_streams
from services.common.events.outbox import Executor, enqueue, event_headers, new_event_meta
from services.common.events.relay import OutboxRelay
from services.common.events.streams import (
    ALL_STREAMS,
    CATALOG,
    DEAD_LETTERS,
    DUPLICATE_WINDOW,
    INVENTORY,
    SYNC,
    SYNC_JOBS,
    WEBHOOKS,
    StreamSpec,
)
from services.common.events.tables import inbox, kernel_metadata, outbox

__all__ = [
    "ALL_STREAMS",
    "CATALOG",
    "DEAD_LETTERS",
    "DUPLICATE_WINDOW",
    "INVENTORY",
    "SYNC",
    "SYNC_JOBS",
    "WEBHOOKS",
    "ConsumerSpec",
    "EventMessage",
    "Executor",
    "Handler",
    "OutboxRelay",
    "PermanentEventError",
    "StreamSpec",
    "connect",
    "enqueue",
    "ensure_consumer",
    "ensure_streams",
    "event_headers",
    "first_delivery",
    "inbox",
    "kernel_metadata",
    "new_event_meta",
    "outbox",
    "purge_inbox",
    "run_consumer",
]
