"""Durable pull consumers: retry with explicit delays, then dead-letter; never drop silently.

Retry policy lives here, not in the consumer config (DESIGN §10): a consumer with
BackOff ignores AckWait, and nak(delay=...) is not governed by BackOff anyway. So the
server config sets AckWait (redelivery after a crash or hang) and MaxDeliver on purpose,
and each failure is nak'ed with the delay from `ConsumerSpec.backoff`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.events import metrics
from services.common.events.outbox import (
    CORRELATION_HEADER,
    EVENT_TYPE_HEADER,
    MSG_ID_HEADER,
    TENANT_HEADER,
)
from services.common.events.streams import dead_letter_subject
from services.common.logging import get_logger

log = get_logger("syncstore.events.consumer")

DEAD_REASON_HEADER = "Syncstore-Dead-Reason"
ORIGINAL_SUBJECT_HEADER = "Syncstore-Original-Subject"
DELIVERIES_HEADER = "Syncstore-Deliveries"
DEAD_CONSUMER_HEADER = "Syncstore-Dead-Consumer"
_REASON_LIMIT = 512
# Wait for a batch pull while draining a backlog: the messages are already there.
_BACKLOG_FETCH_TIMEOUT = 0.1

# Server-side MaxDeliver = app limit + this slack. The app dead-letters any failure at
# num_delivered >= its limit; if the process crashes (or its term is lost) on that final
# delivery, the extra server deliveries still reach the dead-letter branch. Residual
# risk: a process dying on every one of those too leaves the message neither handled nor
# dead-lettered once the server gives up (seen only as a MAX_DELIVERIES advisory).
MAX_DELIVER_SLACK = 2


class PermanentEventError(Exception):
    """Raised by a handler for an event that can never succeed: dead-letter it at once."""


@dataclass(frozen=True)
class EventMessage:
    """One delivered event as handlers see it."""

    subject: str
    data: bytes
    headers: Mapping[str, str]
    event_id: str
    num_delivered: int
    stream_sequence: int
    consumer: str

    @property
    def event_type(self) -> str:
        """The Syncstore-Event-Type header ("" if absent)."""
        return self.headers.get(EVENT_TYPE_HEADER, "")

    @property
    def tenant_id(self) -> str:
        """The Syncstore-Tenant header ("" if absent)."""
        return self.headers.get(TENANT_HEADER, "")

    @property
    def correlation_id(self) -> str:
        """The Syncstore-Correlation-Id header ("" if absent)."""
        return self.headers.get(CORRELATION_HEADER, "")


Handler = Callable[[EventMessage], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer and the retry policy the app applies to its failures."""

    stream: str
    durable: str
    filter_subjects: tuple[str, ...]
    ack_wait: float = 30.0
    max_deliver: int = 5
    backoff: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)
    batch: int = 64
    max_ack_pending: int = 1000
    dead_letter_subject: str | None = None
    # How long one pull waits for messages; also bounds how long `stop` takes to act.
    fetch_timeout: float = 1.0
    # None: a hung handler holds its message (heartbeats keep it) until the process dies.
    handler_timeout: float | None = None

    @property
    def dead_subject(self) -> str:
        """Where events this consumer gives up on go (default dead.<durable>)."""
        return self.dead_letter_subject or dead_letter_subject(self.durable)

    def retry_delay(self, num_delivered: int) -> float:
        """Nak delay after the `num_delivered`-th delivery failed."""
        if not self.backoff:
            return 0.0
        return self.backoff[min(max(num_delivered, 1) - 1, len(self.backoff) - 1)]

    def config(self) -> ConsumerConfig:
        """The server-side consumer config (deliberately without BackOff)."""
        if not self.filter_subjects:
            raise ValueError("a consumer needs at least one filter subject")
        single = len(self.filter_subjects) == 1
        return ConsumerConfig(
            name=self.durable,
            durable_name=self.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver + MAX_DELIVER_SLACK,
            max_ack_pending=self.max_ack_pending,
            filter_subject=self.filter_subjects[0] if single else None,
            filter_subjects=None if single else list(self.filter_subjects),
        )


async def ensure_consumer(js: JetStreamContext, spec: ConsumerSpec) -> None:
    """Create the durable consumer or update it to `spec` (create-or-update is idempotent)."""
    await js.add_consumer(spec.stream, spec.config())


async def run_consumer(
    js: JetStreamContext, spec: ConsumerSpec, handler: Handler, stop: asyncio.Event
) -> None:
    """Fetch and handle events until `stop` is set; survives NATS restarts."""
    retry = 0.5
    while not stop.is_set():
        try:
            await ensure_consumer(js, spec)
            sub = await js.pull_subscribe_bind(durable=spec.durable, stream=spec.stream)
        except Exception as error:
            log.warning("consumer set-up failed", consumer=spec.durable, error=repr(error))
            await _sleep(stop, retry)
            retry = min(retry * 2, 10.0)
            continue
        log.info("consumer started", consumer=spec.durable, stream=spec.stream)
        try:
            await _consume(js, sub, spec, handler, stop)
            retry = 0.5
        except Exception as error:
            # Consumer deleted, stream gone, connection closed...: set up again.
            log.warning("consumer loop error", consumer=spec.durable, error=repr(error))
            await _sleep(stop, retry)
            retry = min(retry * 2, 10.0)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
    log.info("consumer stopped", consumer=spec.durable)


async def _consume(
    js: JetStreamContext,
    sub: JetStreamContext.PullSubscription,
    spec: ConsumerSpec,
    handler: Handler,
    stop: asyncio.Event,
) -> None:
    # nats-py's multi-message fetch, once its first message arrives on a waiting pull,
    # waits out the whole timeout for the batch to fill: an idle consumer would add up
    # to `fetch_timeout` of latency to every trickling event. So an idle consumer pulls
    # one message (returned the moment it arrives) and switches to full batches, with a
    # short wait, only while the previous pull came back full (a backlog).
    size = 1
    while not stop.is_set():
        timeout = spec.fetch_timeout if size == 1 else _BACKLOG_FETCH_TIMEOUT
        try:
            msgs = await sub.fetch(size, timeout=timeout)
        except (TimeoutError, nats.errors.TimeoutError):
            # Nothing to do, or NATS is reconnecting: either way, pull again.
            size = 1
            continue
        size = spec.batch if len(msgs) >= size else 1
        unsettled = list(msgs)
        heartbeat = asyncio.create_task(_heartbeat(unsettled, spec.ack_wait / 2))
        try:
            while unsettled:
                if stop.is_set():
                    # Hand the rest of the batch back now rather than after AckWait.
                    for msg in unsettled:
                        with contextlib.suppress(Exception):
                            await msg.nak()
                    return
                msg = unsettled[0]
                await _handle(js, msg, spec, handler)
                unsettled.pop(0)
        finally:
            heartbeat.cancel()


async def _heartbeat(unsettled: list[Msg], interval: float) -> None:
    """Keep the in-flight message and the fetched-but-queued ones from timing out."""
    while True:
        await asyncio.sleep(interval)
        for msg in list(unsettled):
            with contextlib.suppress(Exception):
                await msg.in_progress()


async def _handle(js: JetStreamContext, msg: Msg, spec: ConsumerSpec, handler: Handler) -> None:
    meta = msg.metadata
    headers = dict(msg.headers or {})
    event = EventMessage(
        subject=msg.subject,
        data=msg.data,
        headers=headers,
        event_id=headers.get(MSG_ID_HEADER, ""),
        num_delivered=meta.num_delivered,
        stream_sequence=meta.sequence.stream,
        consumer=spec.durable,
    )
    try:
        if spec.handler_timeout is None:
            await handler(event)
        else:
            await asyncio.wait_for(handler(event), spec.handler_timeout)
    except PermanentEventError as error:
        metrics.CONSUMER_FAILED.labels(spec.durable).inc()
        await _dead_letter(js, msg, event, spec, _reason(error))
        return
    except Exception as error:
        metrics.CONSUMER_FAILED.labels(spec.durable).inc()
        if event.num_delivered >= spec.max_deliver:
            await _dead_letter(js, msg, event, spec, _reason(error))
            return
        delay = spec.retry_delay(event.num_delivered)
        log.info(
            "event failed; will retry",
            consumer=spec.durable,
            id=event.event_id,
            deliveries=event.num_delivered,
            retry_in=delay,
            error=_reason(error),
        )
        await _settle(msg.nak(delay=delay), spec)
        return
    await _settle(msg.ack(), spec)
    metrics.CONSUMER_PROCESSED.labels(spec.durable).inc()


async def _dead_letter(
    js: JetStreamContext, msg: Msg, event: EventMessage, spec: ConsumerSpec, reason: str
) -> None:
    """Publish the event to the dead-letter subject, then terminate the original."""
    # Drop the original's Nats-* headers: an Expected-Stream header would make the
    # dead-letter publish fail, and its Msg-Id must change (see below).
    headers = {k: v for k, v in event.headers.items() if not k.startswith("Nats-")}
    # A stable id, so a dead letter published again (crash before the term) is stored once.
    dead_id = event.event_id or f"{spec.stream}-{event.stream_sequence}"
    headers[MSG_ID_HEADER] = f"dead-{dead_id}"
    headers[DEAD_REASON_HEADER] = reason
    headers[ORIGINAL_SUBJECT_HEADER] = event.subject
    headers[DELIVERIES_HEADER] = str(event.num_delivered)
    headers[DEAD_CONSUMER_HEADER] = spec.durable
    try:
        await js.publish(spec.dead_subject, event.data, headers=headers)
    except Exception as error:
        # Never ack what we could not park: retry the whole delivery later.
        log.error("dead-letter failed", consumer=spec.durable, id=event.event_id, error=repr(error))
        await _settle(msg.nak(delay=spec.retry_delay(event.num_delivered)), spec)
        return
    await _settle(msg.term(), spec)
    metrics.CONSUMER_DEAD_LETTERED.labels(spec.durable).inc()
    log.warning(
        "event dead-lettered",
        consumer=spec.durable,
        event_id=event.event_id,
        subject=event.subject,
        deliveries=event.num_delivered,
        reason=reason,
    )


async def _settle(action: Awaitable[None], spec: ConsumerSpec) -> None:
    try:
        await action
    except Exception as error:
        # A lost ack/nak only means a redelivery after AckWait; handlers are idempotent.
        log.warning("ack failed", consumer=spec.durable, error=repr(error))


def _reason(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    # Header values cannot carry line breaks.
    return " ".join(text.split())[:_REASON_LIMIT]


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
