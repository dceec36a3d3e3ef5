"""Locations, buffers, thresholds, and the inventory.* events they cause."""

from __future__ import annotations

from typing import Any

from syncstore.common.v1 import common_pb2
from syncstore.events.v1 import inventory_events_pb2 as ev
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from tests.integration.inventory.conftest import Inventory
from tests.support.inventory import announce
from tests.support.jetstream import wait_for_messages


def _channels(item: pb.StockItem) -> dict[tuple[int, str], int]:
    return {(c.platform, c.shop_id): c.available_to_sell for c in item.channels}


async def test_locations_and_buffers_shape_available_to_sell(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"C-1": 10})
    stub, md = inventory.a.stub, inventory.a.md()
    extra = await stub.CreateLocation(
        pb.CreateLocationRequest(
            location=pb.Location(
                code="shopee-wh", name="Shopee fulfilment", feeds=[common_pb2.PLATFORM_SHOPEE]
            )
        ),
        metadata=md,
    )
    locations = (await stub.ListLocations(pb.ListLocationsRequest(), metadata=md)).locations
    assert [(x.code, x.is_default) for x in locations] == [("main", True), ("shopee-wh", False)]
    await stub.SetStock(
        pb.SetStockRequest(sku="C-1", location_id=extra.location.id, quantity=4), metadata=md
    )
    await stub.SetChannelBuffer(
        pb.SetChannelBufferRequest(
            buffer=pb.ChannelBuffer(platform=common_pb2.PLATFORM_LAZADA, units=3)
        ),
        metadata=md,
    )
    await stub.SetChannelBuffer(
        pb.SetChannelBufferRequest(
            buffer=pb.ChannelBuffer(platform=common_pb2.PLATFORM_SHOPEE, shop_id="s2", percent="50")
        ),
        metadata=md,
    )
    item = (await stub.GetStock(pb.GetStockRequest(skus=["C-1"]), metadata=md)).items[0]
    assert item.on_hand == 14
    channels = _channels(item)
    assert channels[(common_pb2.PLATFORM_SHOPEE, "")] == 14
    assert channels[(common_pb2.PLATFORM_SHOPEE, "s2")] == 7
    assert channels[(common_pb2.PLATFORM_LAZADA, "")] == 7  # 10 from main, minus 3
    assert channels[(common_pb2.PLATFORM_SHOPIFY, "")] == 10


async def test_level_and_low_stock_events(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"E-1": 8})
    stub, md = inventory.a.stub, inventory.a.md()
    await stub.SetThreshold(pb.SetThresholdRequest(sku="E-1", threshold=5), metadata=md)
    for delta in (-2, -2, -1, 3, -4):  # 6, 4 (cross), 3, 6 (recover), 2 (cross again)
        await stub.AdjustStock(pb.AdjustStockRequest(sku="E-1", delta=delta), metadata=md)

    def about(msg: Any) -> bool:
        return bool(msg.headers.get("Syncstore-Tenant") == "tenant-a")

    levels = await wait_for_messages(
        inventory.nats_url, "INVENTORY", "inventory.level.changed", about, count=6
    )
    changed = [ev.StockLevelChanged.FromString(m.data) for m in levels]
    assert [c.item.on_hand for c in changed] == [8, 6, 4, 3, 6, 2]
    assert [c.version for c in changed] == [1, 2, 3, 4, 5, 6]
    lows = await wait_for_messages(
        inventory.nats_url, "INVENTORY", "inventory.low_stock", about, count=2
    )
    assert [ev.LowStock.FromString(m.data).available for m in lows] == [4, 2]


async def test_list_stock_low_only_and_pages(inventory: Inventory) -> None:
    await announce(
        inventory.nats_url, inventory.a, "tenant-a", {f"L-{i:02d}": i * 2 for i in range(12)}
    )
    stub, md = inventory.a.stub, inventory.a.md()
    low = await stub.ListStock(pb.ListStockRequest(low_stock_only=True), metadata=md)
    assert [i.sku for i in low.items] == ["L-00", "L-01", "L-02"]  # available <= 5
    seen, token = [], ""
    while True:
        page = await stub.ListStock(pb.ListStockRequest(page_size=5, page_token=token), metadata=md)
        seen += [i.sku for i in page.items]
        token = page.next_page_token
        if not token:
            break
    assert seen == [f"L-{i:02d}" for i in range(12)] and page.total_size == 12
