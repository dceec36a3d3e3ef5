"""datetime -> google.protobuf.Timestamp, the one conversion every service's mapping uses.

Written by hand because the well-known type's own helpers are slow for a hot path:
`Timestamp.FromDatetime` goes through `utctimetuple()` and `calendar.timegm`, about
3.3 µs a call against 0.85 µs here (timeit), and a Reserve builds several (its answer,
its events' times). The result is the same, a test holds them equal.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH_AWARE = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_NANOS = 1_000_000_000


def timestamp_of(value: datetime) -> Timestamp:
    """`value` as a Timestamp; a naive datetime is taken as UTC (as FromDatetime does)."""
    stamp = Timestamp()
    set_timestamp(stamp, value)
    return stamp


def set_timestamp(target: Timestamp, value: datetime) -> None:
    """`timestamp_of` written into a message's own Timestamp field (no message copied)."""
    delta = value - (_EPOCH_NAIVE if value.tzinfo is None else _EPOCH_AWARE)
    target.seconds = delta.days * 86_400 + delta.seconds
    target.nanos = delta.microseconds * 1000


def now_timestamp() -> Timestamp:
    """The current time as a Timestamp."""
    nanos = time.time_ns()
    return Timestamp(seconds=nanos // _NANOS, nanos=nanos % _NANOS)
