"""Locations, low-stock thresholds and channel buffers."""

from __future__ import annotations

import re
from typing import Any

from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import InvalidArgument, NotFound, ViolationCollector
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import MAX_QUANTITY, ChannelBuffer, Location
from services.inventory.service.deps import InventoryDeps

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class SetupService:
    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps

    async def create_location(
        self, caller: Principal, location: Location, key: IdempotencyKey | None
    ) -> Location:
        errors = ViolationCollector()
        if not _CODE.match(location.code):
            errors.add("location.code", "1-64 of a-z, 0-9, '-' or '_', starting alphanumeric")
        if len(location.name) > 255:
            errors.add("location.name", "at most 255 characters")
        errors.raise_if_any()

        async def work(conn: DbConnection) -> dict[str, Any]:
            repo = InventoryRepository(conn, caller.tenant_id)
            existing = await repo.locations()
            if any(loc.code == location.code for loc in existing):
                raise InvalidArgument.single("location.code", f"{location.code!r} is taken")
            location.id = self.deps.new_id()
            location.created_at = self.deps.clock()
            # The first location is the default whatever the caller said: stock calls
            # without a location need one.
            location.is_default = location.is_default or not existing
            await repo.add_location(location)
            return {"id": location.id}

        answer = await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            "CreateLocation",
            key,
            work,
            conflict_message=f"location code {location.code!r} is taken",
        )
        return next(loc for loc in await self.locations(caller) if loc.id == answer["id"])

    async def locations(self, caller: Principal) -> list[Location]:
        async with self.deps.db.reader() as conn:
            return await InventoryRepository(conn, caller.tenant_id).locations()

    async def set_threshold(
        self, caller: Principal, sku: str, threshold: int, key: IdempotencyKey | None
    ) -> None:
        """A SKU's own threshold, or the tenant default when `sku` is empty."""
        if not 0 <= threshold <= MAX_QUANTITY:
            raise InvalidArgument.single("threshold", f"must be 0 to {MAX_QUANTITY:,}")

        async def work(conn: DbConnection) -> dict[str, Any]:
            repo = InventoryRepository(conn, caller.tenant_id)
            if not sku:
                await repo.set_default_threshold(threshold)
            elif await repo.sku(sku) is None:
                raise NotFound(f"unknown SKU {sku!r}")
            else:
                await repo.set_sku_threshold(sku, threshold)
            return {}

        await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            "SetThreshold",
            key,
            work,
            conflict_message="threshold changed concurrently; retry",
        )

    async def set_buffer(
        self, caller: Principal, buffer: ChannelBuffer, key: IdempotencyKey | None
    ) -> ChannelBuffer:
        errors = ViolationCollector()
        if (buffer.units is None) == (buffer.percent is None):
            errors.add("buffer.amount", "give exactly one of units or percent")
        if buffer.units is not None and not 0 <= buffer.units <= MAX_QUANTITY:
            errors.add("buffer.units", f"must be 0 to {MAX_QUANTITY:,}")
        if buffer.percent is not None and not 0 <= buffer.percent <= 100:
            errors.add("buffer.percent", "must be 0 to 100")
        errors.raise_if_any()

        async def work(conn: DbConnection) -> dict[str, Any]:
            repo = InventoryRepository(conn, caller.tenant_id)
            if buffer.sku and await repo.sku(buffer.sku) is None:
                raise NotFound(f"unknown SKU {buffer.sku!r}")
            await repo.put_buffer(buffer)
            return {}

        await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            "SetChannelBuffer",
            key,
            work,
            conflict_message="buffer changed concurrently; retry",
        )
        return buffer
