"""The inventory state machine's plumbing: services on a real database, observing, sending.

`tests/integration/inventory/test_state_machine.py` adds the rules and the invariants.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine

from services.common.auth import Principal, Role
from services.common.db import Database
from services.common.db.migrations import upgrade
from services.common.errors import FailedPrecondition
from services.common.idempotency import IdempotencyKey
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import Level, ReservationState
from services.inventory.service.catalog_listener import CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.reservations import ReservationService
from services.inventory.service.setup import SetupService
from services.inventory.service.stock import StockService
from tests.support.inventory import product_event
from tests.support.inventory_model import (
    INITIAL,
    SKUS,
    Call,
    Observed,
    catalog_message,
    outcome,
    read_observed,
)


class InventoryHarness(RuleBasedStateMachine):
    """One example's services, tenant and database (migrated first when `migrations`)."""

    def __init__(self, database_url: str, migrations: Path | None) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tenant = f"t-{uuid.uuid4().hex[:12]}"
        self.caller = Principal(self.tenant, Role.OPERATOR, "t")
        self.db = Database(database_url)
        if migrations is not None:
            self.run(upgrade(self.db, migrations))
        ids = itertools.count(1)
        # Ids that sort after the default location's (a uuid): ties between locations
        # then break the same way every run, so a failing example replays exactly.
        deps = InventoryDeps(db=self.db, new_id=lambda: f"z-{self.tenant}-{next(ids)}")
        self.stock = StockService(deps)
        self.reservations = ReservationService(deps)
        self.setup = SetupService(deps)
        self.listener = CatalogListener(deps)
        self.announcement = catalog_message(product_event(self.tenant, "p-1", INITIAL), 1)
        self.run(self.listener.handle(self.announcement))
        self.location_ids = {"default": ""}
        self.last_state: dict[str, ReservationState] = {}
        self.last_lines: dict[str, dict[str, int]] = {}
        self.last: Call | None = None
        self.keys = 0
        self.revision = 1
        # The latest observation while nothing has changed since (None once it may have).
        self.fresh: Observed | None = None

    def run(self, coro: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(coro)

    def change(self, coro: Awaitable[Any]) -> Any:
        """Run something that may change the database (forgets the last observation)."""
        self.fresh = None
        return self.run(coro)

    def teardown(self) -> None:
        try:
            self.run(self.db.dispose())
        finally:
            self.loop.close()

    # --- observing ----------------------------------------------------------------
    def observe(self) -> Observed:
        """Read the database now."""
        result: Observed = self.run(read_observed(self.db, self.tenant))
        self.fresh = result
        return result

    def current(self) -> Observed:
        """The database as it is: the last observation if nothing changed since."""
        return self.fresh or self.observe()

    # --- sending ------------------------------------------------------------------
    def _key(self, keyed: bool, name: str, request: Any) -> IdempotencyKey | None:
        self.keys += 1
        return IdempotencyKey.for_request(
            f"k-{self.keys}" if keyed else "", repr((name, request)).encode()
        )

    def send(
        self,
        name: str,
        request: Any,
        keyed: bool,
        natural: bool,
        send: Callable[[IdempotencyKey | None], Awaitable[Any]],
    ) -> Any:
        """Run one request; its result, or the FailedPrecondition it raised."""
        key = self._key(keyed, name, request)
        try:
            result = self.change(send(key))
        except FailedPrecondition as exc:
            result = exc
        self.last = Call(name, send, key, natural, outcome(result))
        return result

    def location(self, name: str) -> str:
        return self.location_ids.get(name, "")

    async def _records(self) -> dict[str, Any]:
        async with self.db.reader() as conn:
            return await InventoryRepository(conn, self.tenant).skus(list(SKUS))

    def _level(self, sku: str, location_id: str) -> Level:
        seen = self.current()
        if not location_id:
            location_id = next((loc.id for loc in seen.locations if loc.is_default), "")
        found = next((lv for lv in seen.levels[sku] if lv.location_id == location_id), None)
        return found or Level(location_id, 0, 0)
