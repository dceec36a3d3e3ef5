"""Stream, consumer and header declarations of the event kernel (no servers)."""

from __future__ import annotations

import re
from itertools import combinations

import pytest
from nats.js.api import RetentionPolicy, StorageType
from prometheus_client import Counter

from services.common.events import (
    ALL_STREAMS,
    CATALOG,
    DEAD_LETTERS,
    SYNC,
    SYNC_JOBS,
    ConsumerSpec,
    EventMessage,
    StreamSpec,
    event_headers,
    metrics,
    new_event_meta,
)
from services.common.events.consumer import MAX_DELIVER_SLACK, _reason

DAY = 86400.0


def _overlap(a: str, b: str) -> bool:
    """Whether two NATS subject filters can match a common subject."""
    ta, tb = a.split("."), b.split(".")
    for i, (x, y) in enumerate(zip(ta, tb, strict=False)):
        if x == ">" or y == ">":
            return True
        if x != y and "*" not in (x, y):
            return False
        if i == min(len(ta), len(tb)) - 1:
            return len(ta) == len(tb)
    return False


def test_event_streams_keep_a_week_on_disk_with_a_two_hour_duplicate_window() -> None:
    for spec in ALL_STREAMS:
        config = spec.config(1)
        assert config.storage == StorageType.FILE
        assert config.duplicate_window == 2 * 3600
        assert config.num_replicas == 1
    for spec in (s for s in ALL_STREAMS if s is not DEAD_LETTERS):
        assert spec.config().max_age == 7 * DAY
    assert DEAD_LETTERS.config().max_age == 30 * DAY
    assert DEAD_LETTERS.subjects == ("dead.>",)
    assert CATALOG.config(3).num_replicas == 3


def test_sync_jobs_is_a_work_queue_and_the_rest_are_limits_streams() -> None:
    assert SYNC_JOBS.config().retention == RetentionPolicy.WORK_QUEUE
    assert SYNC_JOBS.subjects == ("sync.jobs.>",)
    assert SYNC.config().retention == RetentionPolicy.LIMITS
    assert {s.name for s in ALL_STREAMS} == {
        "CATALOG",
        "INVENTORY",
        "WEBHOOKS",
        "SYNC",
        "SYNC_JOBS",
        "DEAD_LETTERS",
    }


def test_no_two_streams_claim_the_same_subject() -> None:
    subjects = [(s.name, subj) for s in ALL_STREAMS for subj in s.subjects]
    for (name_a, a), (name_b, b) in combinations(subjects, 2):
        if name_a != name_b:
            assert not _overlap(a, b), (a, b)
    assert _overlap("sync.>", "sync.jobs.>") and not _overlap("sync.batch.>", "sync.jobs.>")


def test_stream_spec_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="replicas"):
        CATALOG.config(0)
    with pytest.raises(ValueError, match="duplicate_window"):
        StreamSpec("X", ("x.>",), max_age=60).config()


def test_consumer_config_sets_ack_wait_and_max_deliver_but_never_backoff() -> None:
    spec = ConsumerSpec("CATALOG", "sync-catalog", ("catalog.product.>",), ack_wait=12.0)
    config = spec.config()
    assert config.backoff is None  # BackOff would silently override AckWait
    assert config.ack_wait == 12.0
    assert config.max_deliver == spec.max_deliver + MAX_DELIVER_SLACK
    assert config.durable_name == "sync-catalog" and config.filter_subject == "catalog.product.>"
    assert config.max_ack_pending == 1000
    assert spec.dead_subject == "dead.sync-catalog"
    many = ConsumerSpec(
        "SYNC", "d", ("sync.batch.>", "sync.events.>"), dead_letter_subject="dead.x"
    )
    assert many.config().filter_subjects == ["sync.batch.>", "sync.events.>"]
    assert many.config().filter_subject is None and many.dead_subject == "dead.x"
    with pytest.raises(ValueError, match="filter"):
        ConsumerSpec("S", "d", ()).config()


def test_retry_delay_walks_the_backoff_and_stays_on_its_last_step() -> None:
    spec = ConsumerSpec("S", "d", ("s.>",), backoff=(1.0, 5.0, 30.0))
    assert [spec.retry_delay(n) for n in range(1, 6)] == [1.0, 5.0, 30.0, 30.0, 30.0]
    assert ConsumerSpec("S", "d", ("s.>",), backoff=()).retry_delay(3) == 0.0


def test_new_event_meta_and_headers() -> None:
    meta = new_event_meta("catalog.product.updated", "tenant-a", "corr-9", "catalog")
    assert re.fullmatch(r"[0-9a-f]{32}", meta.event_id)
    assert meta.occur_time.seconds > 0
    assert new_event_meta("t", "x").event_id != meta.event_id
    assert event_headers(meta) == {
        "Nats-Msg-Id": meta.event_id,
        "Syncstore-Event-Type": "catalog.product.updated",
        "Syncstore-Tenant": "tenant-a",
        "Syncstore-Correlation-Id": "corr-9",
        "Syncstore-Source": "catalog",
    }
    bare = event_headers(new_event_meta("t", "x"))
    assert "Syncstore-Correlation-Id" not in bare
    with pytest.raises(ValueError, match="line breaks"):
        event_headers(new_event_meta("t", "x", correlation_id="a\r\nb"))


def test_dead_reason_is_one_bounded_header_line() -> None:
    assert _reason(ValueError("a\r\nb\tc")) == "ValueError: a b c"
    assert _reason(RuntimeError()) == "RuntimeError"
    assert len(_reason(ValueError("x" * 5000))) == 512


def test_event_message_exposes_kernel_headers() -> None:
    msg = EventMessage(
        subject="catalog.product.created",
        data=b"",
        headers={"Syncstore-Tenant": "t1", "Syncstore-Event-Type": "catalog.product.created"},
        event_id="e1",
        num_delivered=1,
        stream_sequence=7,
        consumer="c",
    )
    assert (msg.tenant_id, msg.event_type, msg.correlation_id) == (
        "t1",
        "catalog.product.created",
        "",
    )


def test_metrics_survive_a_second_definition() -> None:
    again = metrics._once(Counter, "syncstore_outbox_published_total", "dup", ["relay"])
    assert again is metrics.OUTBOX_PUBLISHED
