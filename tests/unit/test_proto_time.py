"""The kernel's Timestamp conversion agrees with protobuf's own, for any datetime."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from services.common.deps_defaults import random_hex_id
from services.common.proto_time import now_timestamp, set_timestamp, timestamp_of

_ZONES = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-9, minutes=-30))]
)


def _reference(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), _ZONES)
def test_timestamp_of_matches_from_datetime(value: datetime, zone: timezone | None) -> None:
    value = value.replace(tzinfo=zone)
    assert timestamp_of(value) == _reference(value)
    in_place = Timestamp(seconds=-1, nanos=7)  # every field overwritten
    set_timestamp(in_place, value)
    assert in_place == _reference(value)


def test_timestamp_of_edges() -> None:
    for value in (
        datetime(1970, 1, 1),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2026, 11, 21, 7, 0, 0, 1, tzinfo=timezone(timedelta(hours=7))),
    ):
        assert timestamp_of(value) == _reference(value)
    assert timestamp_of(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC)) == Timestamp(
        seconds=1, nanos=5000
    )


def test_now_timestamp_is_now() -> None:
    before = time.time_ns()
    stamp = now_timestamp()
    after = time.time_ns()
    assert 0 <= stamp.nanos < 1_000_000_000
    assert before <= stamp.ToNanoseconds() <= after


def test_random_hex_ids_are_128_bit_hex_and_distinct() -> None:
    ids = {random_hex_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 and i == i.lower() for i in ids)
