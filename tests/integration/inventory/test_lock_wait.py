"""A writer that waited for a SKU's lock sees what the writer before it committed.

On PostgreSQL the locking read is one statement: its snapshot is taken before it
waits, so without a fresh read the levels (and a location added meanwhile) would be
those from before the other writer committed. A group commit's compare-and-set would
then always fail after a wait, and every order of the group be run again alone (two
replicas under load: a third of the throughput). On SQLite BEGIN IMMEDIATE already
orders the writers; the same assertions hold.
"""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import text

from services.common.auth import Principal, Role
from services.common.db import Database, DbConnection
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import Level, Location, StockSource
from services.inventory.service.catalog_listener import CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.setup import SetupService
from services.inventory.service.stock_change import StockChange
from tests.support.inventory import product_event
from tests.support.inventory_model import catalog_message

SKU = "L-1"


def _change(conn: DbConnection, tenant: str, deps: InventoryDeps, *, deferred: bool) -> StockChange:
    return StockChange(
        conn,
        tenant,
        deps.settings_cache,
        source=StockSource.MANUAL,
        reason="test",
        reference="lock-wait",
        actor="tester",
        now=deps.clock(),
        deferred=deferred,
    )


async def _until_waiting_for_a_lock(db: Database, backend_pid: int) -> None:
    """Until that PostgreSQL backend waits for a row lock (a condition, not a delay)."""
    query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    for _ in range(3000):
        async with db.reader() as conn:
            if (await conn.execute(query, {"pid": backend_pid})).scalar() == "Lock":
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the second writer never waited for the SKU's lock")


async def test_a_writer_that_waited_reads_the_committed_levels(migrated: Database) -> None:
    db = migrated
    tenant = f"wait-{random.getrandbits(32):x}"
    deps = InventoryDeps(db=db)
    await CatalogListener(deps).handle(catalog_message(product_event(tenant, "p", {SKU: 10}), 1))
    caller = Principal(tenant, Role.OPERATOR, "tester")
    second = await SetupService(deps).create_location(caller, Location(id="", code="second"), None)
    async with db.reader() as conn:
        main = (await InventoryRepository(conn, tenant).levels([SKU]))[SKU][0].location_id

    first_holds_lock = asyncio.Event()
    release_first = asyncio.Event()
    second_started: asyncio.Future[int] = asyncio.get_running_loop().create_future()  # its pid

    async def first_writer() -> None:
        # +5 at the main location and a new level at the second one, then hold the lock.
        async with db.transaction() as conn:
            change = _change(conn, tenant, deps, deferred=False)
            await change.lock([SKU])
            assert await change.apply(SKU, main, 5, 0)
            assert await change.apply(SKU, second.id, 3, 0)
            await change.finish()
            first_holds_lock.set()
            await release_first.wait()

    async def second_writer() -> dict[str, Level]:
        # A group commit's path: locked read, then changes checked against what it read.
        async with db.transaction() as conn:
            if not db.sqlite:
                pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                second_started.set_result(int(pid))
            change = _change(conn, tenant, deps, deferred=True)
            await change.lock([SKU])
            seen = {level.location_id: level for level in (await change.levels([SKU]))[SKU]}
            assert await change.apply(SKU, main, 0, 1)
            assert await change.apply(SKU, second.id, 0, 1)
            await change.finish()  # the compare-and-set: LevelConflict if `seen` was stale
        return seen

    first = asyncio.create_task(first_writer())
    await first_holds_lock.wait()
    second_task = asyncio.create_task(second_writer())
    if not db.sqlite:  # SQLite: the second writer waits for its turn to begin at all
        await _until_waiting_for_a_lock(db, await second_started)
    release_first.set()
    await first
    seen = await second_task

    assert seen == {main: Level(main, 15, 0), second.id: Level(second.id, 3, 0)}
    async with db.reader() as conn:
        repo = InventoryRepository(conn, tenant)
        levels = (await repo.levels([SKU]))[SKU]
        history = await repo.ledger_page(SKU, None, None, None, 0, 100)
    assert sorted(levels, key=lambda lv: lv.location_id) == sorted(
        [Level(main, 15, 1), Level(second.id, 3, 1)], key=lambda lv: lv.location_id
    )
    # The ledger still sums to the levels, per location.
    for level in levels:
        entries = [h for h in history if h.location_id == level.location_id]
        assert sum(h.delta_on_hand for h in entries) == level.on_hand
        assert sum(h.delta_reserved for h in entries) == level.reserved
