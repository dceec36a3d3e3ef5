"""A running inventory per test, on its own nats-server (no other test's catalog history)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.common.db import Database
from services.common.db.migrations import upgrade
from services.common.events.embedded_nats import EmbeddedNats
from services.common.runtime import RunningService
from tests.support.inventory import InventoryClient, running_inventory

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "inventory" / "migrations"


@dataclass
class Inventory:
    service: RunningService
    nats_url: str
    database_url: str
    a: InventoryClient
    viewer: InventoryClient
    b: InventoryClient


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def inventory(database_url: str, own_nats: EmbeddedNats) -> AsyncIterator[Inventory]:
    async with running_inventory(database_url, own_nats.url) as service:
        clients = [InventoryClient(service.address, t) for t in ("op-a", "view-a", "op-b")]
        try:
            yield Inventory(service, own_nats.url, database_url, *clients)
        finally:
            for c in clients:
                await c.close()


@pytest.fixture
async def migrated(database_url: str) -> AsyncIterator[Database]:
    """The test database with the inventory's schema, without a running service."""
    db = Database(database_url)
    await upgrade(db, MIGRATIONS)
    try:
        yield db
    finally:
        await db.dispose()
