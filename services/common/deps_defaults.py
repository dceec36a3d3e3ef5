"""Defaults for the clock, ids and outbox wake-up that every service's use cases take.

Tests replace them (a fixed clock, predictable ids); the composition roots wire the
outbox relay's notify in place of `no_notify`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def no_notify() -> None:
    """Nothing to wake (no relay in this process)."""
