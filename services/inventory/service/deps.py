"""What the inventory's use cases need from outside (wired in __main__)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.common.db import Database
from services.common.deps_defaults import new_id, no_notify, utc_now
from services.inventory.service.stock_settings import SettingsCache


@dataclass
class InventoryDeps:
    db: Database
    notify_outbox: Callable[[], None] = no_notify
    clock: Callable[[], datetime] = field(default=utc_now)
    new_id: Callable[[], str] = field(default=new_id)
    settings_cache: SettingsCache = field(default_factory=SettingsCache)
