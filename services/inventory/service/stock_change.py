"""One write transaction's changes to stock: levels, ledger, versions, events, alerts.

Every path that moves stock (SetStock, AdjustStock, Reserve, Release, Commit, catalog
imports) goes through a StockChange, so the ledger, the events and the low-stock
alerts can never disagree with the levels. It also keeps the statement count low
(measured: round trips dominate a Reserve): levels read once and then tracked in
memory, versions and events written in one batch each.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.common.db import DbConnection
from services.common.errors import InvalidArgument, NotFound
from services.common.events.outbox import PendingEvent
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.stock_events import level_changed_event, low_stock_event
from services.inventory.adapters.stock_writes import LevelWrite, TransactionWrites
from services.inventory.domain.model import (
    Level,
    Location,
    Reservation,
    SkuRecord,
    StockSource,
    StockView,
)
from services.inventory.domain.thresholds import evaluate
from services.inventory.service.stock_settings import SettingsCache, StockSettings, build_views

DEFAULT_LOCATION_CODE = "main"


class StockChange:
    """Collects level changes inside the caller's write transaction; `finish()` seals them."""

    def __init__(
        self,
        conn: DbConnection,
        tenant_id: str,
        cache: SettingsCache,
        *,
        source: StockSource,
        reason: str,
        reference: str,
        actor: str,
        now: datetime,
        deferred: bool = False,
    ) -> None:
        self.tenant = tenant_id
        self.repo = InventoryRepository(conn, tenant_id)
        self.conn = conn
        self.cache = cache
        self.source, self.reason, self.reference, self.actor = source, reason, reference, actor
        self.now = now
        self.records: dict[str, SkuRecord] = {}
        self.events: list[PendingEvent] = []
        # New reservations, inserted with the rest in `finish()`.
        self.new_reservations: list[Reservation] = []
        self._entries: list[dict[str, Any]] = []
        self._touched: set[str] = set()
        self._levels: dict[str, dict[str, Level]] = {}
        self._settings: StockSettings | None = None
        # Deferred mode (group commit): levels change in memory and are written once, in
        # `finish()`, compare-and-set against the levels read at the start.
        self.deferred = deferred
        self._read: dict[tuple[str, str], Level] = {}

    async def settings(self) -> StockSettings:
        if self._settings is None:
            self._settings = await self.cache.get(self.repo)
        return self._settings

    async def lock(self, skus: Iterable[str]) -> None:
        """Load and lock the SKUs (in SKU order, so concurrent writers never deadlock).

        The same statement reads their levels and the settings stamp: every writer
        needs both next, and under load each round trip also waits its turn on the
        event loop (bench/inventory.py: about 1 ms a statement at 500 reservations/s).
        """
        wanted = sorted({sku for sku in skus if sku not in self.records})
        if not wanted:
            return
        found = await self.repo.snapshot(wanted, lock=True)
        self.records.update(found.records)
        for sku, levels in found.levels.items():
            self._levels.setdefault(sku, {lv.location_id: lv for lv in levels})
        if found.stamp is not None and self._settings is None:
            self._settings = await self.cache.get(self.repo, found.stamp)
        unknown = [s for s in wanted if s not in self.records]
        if unknown:
            raise NotFound(f"unknown SKU: {', '.join(unknown)} (the catalog never announced it)")

    async def location(self, location_id: str, field: str = "location_id") -> Location:
        """The named location, or the tenant's default (created on first use) when empty."""
        locations = list((await self.settings()).locations.values())
        if location_id:
            for loc in locations:
                if loc.id == location_id:
                    return loc
            raise InvalidArgument.single(field, f"unknown location {location_id!r}")
        for loc in locations:
            if loc.is_default:
                return loc
        if locations:
            raise InvalidArgument.single(
                field, "this tenant has several locations and no default: name one"
            )
        default = Location(
            # Deterministic, so two writers creating it at once collide on the key and
            # the loser's retry finds the winner's row.
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"syncstore:{self.tenant}:main")),
            code=DEFAULT_LOCATION_CODE,
            name="Main warehouse",
            is_default=True,
            created_at=self.now,
        )
        await self.repo.add_location(default)
        self._settings = None
        return default

    async def levels(self, skus: Iterable[str]) -> dict[str, list[Level]]:
        """Current levels per SKU (read once per transaction, then tracked in memory)."""
        tracked = await self._tracked(skus)
        return {sku: list(levels.values()) for sku, levels in tracked.items()}

    async def _tracked(self, skus: Iterable[str]) -> dict[str, dict[str, Level]]:
        wanted = set(skus)
        missing = sorted(sku for sku in wanted if sku not in self._levels)
        if missing:
            for sku, found in (await self.repo.levels(missing)).items():
                self._levels[sku] = {lv.location_id: lv for lv in found}
        return {sku: self._levels[sku] for sku in wanted}

    async def apply(self, sku: str, location_id: str, d_on_hand: int, d_reserved: int) -> bool:
        """Move one level by the deltas if the invariants allow it (False otherwise)."""
        if d_on_hand == 0 and d_reserved == 0:
            return True
        if self.deferred:
            result = await self._apply_in_memory(sku, location_id, d_on_hand, d_reserved)
        else:
            known = self._levels.get(sku)
            if known is None or location_id not in known:
                await self.repo.ensure_level(sku, location_id)
            result = await self.repo.change_level(
                sku,
                location_id,
                d_on_hand,
                d_reserved,
                backorder=self.records[sku].allow_backorder,
            )
            if result is not None and known is not None:
                known[location_id] = Level(location_id, result[0], result[1])
        if result is None:
            return False
        self._entries.append(
            {
                "sku": sku,
                "location_id": location_id,
                "delta_on_hand": d_on_hand,
                "delta_reserved": d_reserved,
                "on_hand_after": result[0],
                "reserved_after": result[1],
                "reason": self.reason,
                "source": self.source.value,
                "reference": self.reference,
                "actor": self.actor,
                "created_at": self.now,
            }
        )
        self._touched.add(sku)
        return True

    async def _apply_in_memory(
        self, sku: str, location_id: str, d_on_hand: int, d_reserved: int
    ) -> tuple[int, int] | None:
        """The same invariants as the conditional UPDATE, checked on the tracked levels."""
        known = self._levels.get(sku)
        if known is None:
            known = (await self._tracked([sku]))[sku]
        level = known.get(location_id)
        if level is None:
            await self.repo.ensure_level(sku, location_id)
            level = known[location_id] = Level(location_id, 0, 0)
        self._read.setdefault((sku, location_id), level)
        on_hand, reserved = level.on_hand + d_on_hand, level.reserved + d_reserved
        if on_hand < 0 or reserved < 0:
            return None
        if not self.records[sku].allow_backorder and on_hand - reserved < 0:
            return None
        known[location_id] = Level(location_id, on_hand, reserved)
        return on_hand, reserved

    def checkpoint(self) -> tuple[Any, ...]:
        """What `restore` needs to undo everything applied after this point (in memory)."""
        return (
            len(self._entries),
            len(self.events),
            set(self._touched),
            {sku: dict(levels) for sku, levels in self._levels.items()},
            dict(self._read),
        )

    def restore(self, point: tuple[Any, ...]) -> None:
        """Forget the changes applied since `point` (deferred mode: nothing was written)."""
        entries, events, touched, levels, read = point
        del self._entries[entries:]
        del self.events[events:]
        self._touched, self._levels, self._read = touched, levels, read

    def _level_writes(self) -> list[LevelWrite]:
        """Deferred mode: each level changed in memory, with the level read before it."""
        return [
            (sku, location_id, before, self._levels[sku][location_id])
            for (sku, location_id), before in self._read.items()
            if self._levels[sku][location_id] != before
        ]

    async def finish(self) -> list[StockView]:
        """Write levels, ledger, versions and every event of the transaction; the new views."""
        touched = {sku: self.records[sku] for sku in sorted(self._touched)}
        views: list[StockView] = []
        level_events: list[PendingEvent] = []
        if touched:
            settings = await self.settings()
            views = build_views(touched, await self.levels(touched), settings)
            for view in views:
                outcome = evaluate(view.available, view.threshold, view.record.low_alerted)
                view.record.low_alerted = outcome.alerted_after
                view.record.version += 1
                level_events.append(
                    level_changed_event(
                        self.tenant, view, settings.locations, self.source, self.reference
                    )
                )
                if outcome.alert:
                    level_events.append(low_stock_event(self.tenant, view))
        await self.repo.write_changes(
            TransactionWrites(
                levels=self._level_writes() if self.deferred else [],
                entries=self._entries,
                records=[v.record for v in views],
                reservations=self.new_reservations,
                events=level_events + self.events,
            )
        )
        return views
