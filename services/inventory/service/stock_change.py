"""One write transaction's changes to stock: levels, ledger, versions, events, alerts.

Every path that moves stock (SetStock, AdjustStock, Reserve, Release, Commit, catalog
imports) goes through a StockChange, so the ledger, the events and the low-stock
alerts can never disagree with the levels.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.errors import InvalidArgument, NotFound
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.stock_events import record_level_changed, record_low_stock
from services.inventory.domain.availability import channel_availability
from services.inventory.domain.model import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    Level,
    Location,
    SkuRecord,
    StockSource,
    StockView,
)
from services.inventory.domain.thresholds import evaluate

DEFAULT_LOCATION_CODE = "main"


async def build_views(repo: InventoryRepository, records: dict[str, SkuRecord]) -> list[StockView]:
    """Current views of these SKUs (levels, channel figures, threshold)."""
    wanted = sorted(records)
    levels = await repo.levels(wanted)
    locations = {loc.id: loc for loc in await repo.locations()}
    buffers = await repo.buffers()
    default = await repo.default_threshold()
    views = []
    for sku in wanted:
        record = records[sku]
        threshold = record.threshold
        if threshold is None:
            threshold = DEFAULT_LOW_STOCK_THRESHOLD if default is None else default
        sku_levels = levels.get(sku, [])
        views.append(
            StockView(
                sku=sku,
                levels=sku_levels,
                channels=channel_availability(sku, sku_levels, locations, buffers),
                threshold=threshold,
                record=record,
            )
        )
    return views


class StockChange:
    """Collects level changes inside the caller's write transaction; `finish()` seals them."""

    def __init__(
        self,
        conn: AsyncConnection,
        tenant_id: str,
        *,
        source: StockSource,
        reason: str,
        reference: str,
        actor: str,
        now: datetime,
    ) -> None:
        self.conn = conn
        self.tenant = tenant_id
        self.repo = InventoryRepository(conn, tenant_id)
        self.source, self.reason, self.reference, self.actor = source, reason, reference, actor
        self.now = now
        self.records: dict[str, SkuRecord] = {}
        self._entries: list[dict[str, Any]] = []
        self._touched: set[str] = set()

    async def lock(self, skus: Iterable[str]) -> None:
        """Load and lock the SKUs (in SKU order, so concurrent writers never deadlock)."""
        wanted = sorted(set(skus))
        await self.repo.lock_skus(wanted)
        self.records.update(await self.repo.skus(wanted))
        unknown = [s for s in wanted if s not in self.records]
        if unknown:
            raise NotFound(f"unknown SKU: {', '.join(unknown)} (the catalog never announced it)")

    async def location(self, location_id: str, field: str = "location_id") -> Location:
        """The named location, or the tenant's default (created on first use) when empty."""
        locations = await self.repo.locations()
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
            id=f"{self.tenant}:{DEFAULT_LOCATION_CODE}",
            code=DEFAULT_LOCATION_CODE,
            name="Main warehouse",
            is_default=True,
            created_at=self.now,
        )
        await self.repo.add_location(default)
        return default

    async def levels(self, sku: str) -> list[Level]:
        return (await self.repo.levels([sku]))[sku]

    async def apply(self, sku: str, location_id: str, d_on_hand: int, d_reserved: int) -> bool:
        """Move one level by the deltas if the invariants allow it (False otherwise)."""
        if d_on_hand == 0 and d_reserved == 0:
            return True
        await self.repo.ensure_level(sku, location_id)
        result = await self.repo.change_level(
            sku,
            location_id,
            d_on_hand,
            d_reserved,
            backorder=self.records[sku].allow_backorder,
        )
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

    async def finish(self) -> list[StockView]:
        """Write the ledger, bump versions, enqueue level/low-stock events; the new views."""
        await self.repo.append_ledger(self._entries)
        touched = {sku: self.records[sku] for sku in sorted(self._touched)}
        if not touched:
            return []
        views = await build_views(self.repo, touched)
        locations = {loc.id: loc for loc in await self.repo.locations()}
        for view in views:
            outcome = evaluate(view.available, view.threshold, view.record.low_alerted)
            view.record.low_alerted = outcome.alerted_after
            view.record.version = await self.repo.bump_version(view.sku, outcome.alerted_after)
            await record_level_changed(
                self.conn, self.tenant, view, locations, self.source, self.reference
            )
            if outcome.alert:
                await record_low_stock(self.conn, self.tenant, view)
        return views
