"""What the catalog's use cases need from the outside world (wired in __main__)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.common.db import Database
from services.common.deps_defaults import new_id, no_notify, utc_now


@dataclass
class CatalogDeps:
    db: Database
    # Wakes the outbox relay after a commit so events leave at once, not at the next poll.
    notify_outbox: Callable[[], None] = no_notify
    default_currency: str = "IDR"
    default_market: str = "ID"
    clock: Callable[[], datetime] = field(default=utc_now)
    new_id: Callable[[], str] = field(default=new_id)
