"""What the inventory's use cases need from outside (wired in __main__)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.common.db import Database
from services.inventory.service.stock_settings import SettingsCache


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return str(uuid.uuid4())


def _no_notify() -> None:
    return None


@dataclass
class InventoryDeps:
    db: Database
    notify_outbox: Callable[[], None] = _no_notify
    clock: Callable[[], datetime] = field(default=_now)
    new_id: Callable[[], str] = field(default=_new_id)
    settings_cache: SettingsCache = field(default_factory=SettingsCache)
