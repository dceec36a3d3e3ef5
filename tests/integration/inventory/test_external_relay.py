"""OUTBOX_RELAY=external: the service leaves its outbox to a relay process of its own
(`python -m services.inventory relay`), which publishes every event."""

from __future__ import annotations

import asyncio
from typing import Any

from syncstore.events.v1 import inventory_events_pb2 as ev
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.common.events.embedded_nats import EmbeddedNats
from services.inventory.__main__ import make_runtime
from tests.support.events import unsent, wait_until
from tests.support.inventory import InventoryClient, announce, inventory_settings, running_inventory
from tests.support.jetstream import wait_for_messages

EXTERNAL = {"OUTBOX_RELAY": "external"}


async def test_an_external_relay_publishes_what_the_service_leaves(
    database_url: str, own_nats: EmbeddedNats
) -> None:
    async with running_inventory(database_url, own_nats.url, **EXTERNAL) as service:
        client = InventoryClient(service.address, "op-a")
        try:
            await announce(own_nats.url, client, "tenant-a", {"X-1": 5})
            await client.stub.SetStock(
                pb.SetStockRequest(sku="X-1", quantity=9), metadata=client.md()
            )
            # Longer than the service's relay poll (0.2 s): an inline relay would have
            # published by now.
            await asyncio.sleep(0.6)
            db = service.runtime.db
            left = await unsent(db)
            assert left >= 2  # the import's level and the SetStock's level

            stop = asyncio.Event()
            runtime = make_runtime(inventory_settings(database_url, own_nats.url, **EXTERNAL))
            relay = asyncio.create_task(runtime.relay(poll_seconds=0.05, stop=stop))

            async def drained() -> bool:
                return await unsent(db) == 0

            await wait_until(drained)
            stop.set()
            await asyncio.wait_for(relay, 10)
        finally:
            await client.close()

    def about(msg: Any) -> bool:
        return bool(msg.headers.get("Syncstore-Tenant") == "tenant-a")

    levels = await wait_for_messages(
        own_nats.url, "INVENTORY", "inventory.level.changed", about, count=2
    )
    assert [ev.StockLevelChanged.FromString(m.data).item.on_hand for m in levels] == [5, 9]
