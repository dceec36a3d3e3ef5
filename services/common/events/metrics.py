"""Prometheus metrics of the event kernel: outbox lag, relay throughput, consumer outcomes."""

from __future__ import annotations

from typing import TypeVar

from prometheus_client import REGISTRY, Counter, Gauge

_M = TypeVar("_M", Counter, Gauge)


def _once(kind: type[_M], name: str, doc: str, labels: list[str]) -> _M:
    """Create a collector, or return the one already registered under `name`."""
    # The module is defined once per process, but a module imported under two names
    # (test runners, reloads) would otherwise die on "Duplicated timeseries".
    try:
        return kind(name, doc, labels)
    except ValueError:
        existing = REGISTRY._names_to_collectors.get(name)
        if isinstance(existing, kind):
            return existing
        raise


OUTBOX_UNSENT = _once(
    Gauge, "syncstore_outbox_unsent_rows", "Outbox rows not yet published, by relay.", ["relay"]
)
OUTBOX_OLDEST_AGE = _once(
    Gauge,
    "syncstore_outbox_oldest_unsent_age_seconds",
    "Age of the oldest unpublished outbox row (outbox lag), by relay.",
    ["relay"],
)
OUTBOX_PUBLISHED = _once(
    Counter,
    "syncstore_outbox_published_total",
    "Outbox rows published to JetStream and marked sent, by relay.",
    ["relay"],
)
OUTBOX_DUPLICATES = _once(
    Counter,
    "syncstore_outbox_duplicates_total",
    "Publishes JetStream dropped as duplicates (re-publish after a crash), by relay.",
    ["relay"],
)
OUTBOX_PUBLISH_ERRORS = _once(
    Counter,
    "syncstore_outbox_publish_errors_total",
    "Outbox rows whose publish failed and stay unsent for a retry, by relay.",
    ["relay"],
)
OUTBOX_DELETED = _once(
    Counter,
    "syncstore_outbox_deleted_total",
    "Published outbox rows removed by the periodic clean-up, by relay.",
    ["relay"],
)
CONSUMER_PROCESSED = _once(
    Counter,
    "syncstore_event_consumer_processed_total",
    "Events handled successfully and acknowledged, by consumer.",
    ["consumer"],
)
CONSUMER_FAILED = _once(
    Counter,
    "syncstore_event_consumer_failed_total",
    "Handler failures (each failed delivery counts once), by consumer.",
    ["consumer"],
)
CONSUMER_DEAD_LETTERED = _once(
    Counter,
    "syncstore_event_consumer_dead_lettered_total",
    "Events moved to the dead-letter subject, by consumer.",
    ["consumer"],
)
