"""Defaults for the clock, ids and outbox wake-up that every service's use cases take.

Tests replace them (a fixed clock, predictable ids); the composition roots wire the
outbox relay's notify in place of `no_notify`.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def random_hex_id() -> str:
    """128 random bits as 32 hex digits: event and request ids.

    The same randomness as uuid4 (os.urandom) without building a UUID object, which
    made `uuid4().hex` five times slower (3.3 µs against 0.65 µs, timeit); a Reserve
    takes several of these.
    """
    return os.urandom(16).hex()


def no_notify() -> None:
    """Nothing to wake (no relay in this process)."""
