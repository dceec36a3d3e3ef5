"""The one-statement stock read (`snapshot`) answers exactly what the three separate reads
it replaces answer: SKU records, levels and the settings stamp, on both databases."""

from __future__ import annotations

import random
from collections.abc import Sequence

from services.common.auth import Principal, Role
from services.common.db import Database
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import Level, Location, SkuRecord
from services.inventory.service.catalog_listener import CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.setup import SetupService
from tests.support.inventory import product_event
from tests.support.inventory_model import catalog_message

Read = tuple[dict[str, SkuRecord], dict[str, list[Level]], tuple[int | None, int] | None]


async def _separately(db: Database, tenant: str, wanted: Sequence[str]) -> Read:
    async with db.reader() as conn:
        repo = InventoryRepository(conn, tenant)
        records = await repo.skus(list(wanted))
        levels = await repo.levels(sorted(records))
        stamp = await repo.settings_stamp() if records else None
    return records, levels, stamp


async def _together(db: Database, tenant: str, wanted: Sequence[str]) -> Read:
    async with db.reader() as conn:
        found = await InventoryRepository(conn, tenant).snapshot(list(wanted))
    return found.records, found.levels, found.stamp


async def test_snapshot_matches_the_separate_reads(migrated: Database) -> None:
    db = migrated
    tenant = f"snap-{random.getrandbits(32):x}"
    deps = InventoryDeps(db=db)
    caller = Principal(tenant, Role.OPERATOR, "tester")
    listener = CatalogListener(deps)
    # S-1 and S-2 get stock at the default location; S-NONE is known but never stocked.
    event = product_event(tenant, "p", {"S-1": 4, "S-2": 0, "S-NONE": None})
    await listener.handle(catalog_message(event, 1))
    cases = [["S-1"], ["S-NONE"], ["S-2", "S-1", "S-NONE"], ["S-UNKNOWN"], ["S-1", "S-UNKNOWN"]]

    async def check() -> None:
        for wanted in cases:
            assert await _together(db, tenant, wanted) == await _separately(db, tenant, wanted)

    await check()
    before = (await _together(db, tenant, ["S-1"]))[2]

    setup = SetupService(deps)
    second = await setup.create_location(caller, Location(id="", code="second"), None)
    async with db.transaction() as conn:
        repo = InventoryRepository(conn, tenant)
        await repo.ensure_level("S-1", second.id)  # S-1 now has two levels
        await repo.set_default_threshold(7)
    await check()
    _, levels, stamp = await _together(db, tenant, ["S-1", "S-NONE"])
    assert len(levels["S-1"]) == 2 and levels["S-NONE"] == []
    assert before is not None and stamp is not None
    assert stamp[0] == 7 and stamp[1] > before[1]

    # Another tenant's rows never show.
    assert await _together(db, "someone-else", ["S-1"]) == ({}, {}, None)
