"""SetStock / AdjustStock / GetStock / ListStock / history, over real gRPC."""

from __future__ import annotations

from typing import Any

import grpc
from syncstore.common.v1 import common_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from tests.integration.inventory.conftest import Inventory
from tests.support.grpc_errors import bad_request_fields, expect_error
from tests.support.inventory import announce


async def test_import_quantity_becomes_stock(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"A-1": 12, "A-2": None})
    got = await inventory.a.stub.GetStock(
        pb.GetStockRequest(skus=["A-1", "A-2"]), metadata=inventory.a.md()
    )
    first, second = got.items
    assert (first.on_hand, first.reserved, first.available) == (12, 0, 12)
    assert second.on_hand == 0 and second.low_stock
    assert len(first.channels) == 6
    assert all(c.available_to_sell == 12 for c in first.channels)


async def test_set_adjust_and_history(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"S-1": None})
    md = inventory.a.md()
    stub = inventory.a.stub
    item = (
        await stub.SetStock(pb.SetStockRequest(sku="S-1", quantity=40, reason="count"), metadata=md)
    ).item
    assert item.on_hand == 40
    item = (
        await stub.AdjustStock(
            pb.AdjustStockRequest(sku="S-1", delta=-5, reason="damaged"), metadata=md
        )
    ).item
    assert item.on_hand == 35
    same = (await stub.SetStock(pb.SetStockRequest(sku="S-1", quantity=35), metadata=md)).item
    assert same.on_hand == 35
    history = await stub.ListHistory(pb.ListHistoryRequest(sku="S-1"), metadata=md)
    assert [(e.delta_on_hand, e.on_hand_after) for e in history.entries] == [(40, 40), (-5, 35)]


async def test_bad_input_names_the_field(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"B-1": 1})
    md, stub = inventory.a.md(), inventory.a.stub
    cases: list[tuple[Any, str]] = [
        (stub.SetStock(pb.SetStockRequest(sku="B-1", quantity=-1), metadata=md), "quantity"),
        (stub.AdjustStock(pb.AdjustStockRequest(sku="B-1", delta=0), metadata=md), "delta"),
        (
            stub.SetStock(
                pb.SetStockRequest(sku="B-1", quantity=1, location_id="nope"), metadata=md
            ),
            "location_id",
        ),
        (stub.SetStock(pb.SetStockRequest(sku="B-1", quantity=2_000_000), metadata=md), "quantity"),
    ]
    for call, field in cases:
        error = await expect_error(call, grpc.StatusCode.INVALID_ARGUMENT)
        assert field in bad_request_fields(error)
    await expect_error(
        stub.GetStock(pb.GetStockRequest(skus=["NEVER-ANNOUNCED"]), metadata=md),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_reserve_commit_release_cycle(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"R-1": 10, "R-2": 3})
    md, stub = inventory.a.md(), inventory.a.stub
    order = pb.OrderRef(platform=common_pb2.PLATFORM_SHOPEE, shop_id="s1", order_id="o-1")
    lines = [pb.ReservationLine(sku="R-1", quantity=4), pb.ReservationLine(sku="R-2", quantity=3)]
    reserved = await stub.Reserve(pb.ReserveRequest(order=order, lines=lines), metadata=md)
    assert reserved.reservation.state == pb.RESERVATION_STATE_RESERVED
    stock = await stub.GetStock(pb.GetStockRequest(skus=["R-1", "R-2"]), metadata=md)
    assert [(i.on_hand, i.reserved, i.available) for i in stock.items] == [(10, 4, 6), (3, 3, 0)]

    short = pb.OrderRef(platform=common_pb2.PLATFORM_LAZADA, shop_id="l1", order_id="o-2")
    error = await expect_error(
        stub.Reserve(
            pb.ReserveRequest(
                order=short,
                lines=[
                    pb.ReservationLine(sku="R-1", quantity=1),
                    pb.ReservationLine(sku="R-2", quantity=1),
                ],
            ),
            metadata=md,
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert "R-2" in (error.details() or "")
    after = await stub.GetStock(pb.GetStockRequest(skus=["R-1"]), metadata=md)
    assert after.items[0].reserved == 4  # all or nothing: R-1 was not taken either

    committed = await stub.Commit(pb.CommitRequest(order=order), metadata=md)
    assert committed.reservation.state == pb.RESERVATION_STATE_COMMITTED
    stock = await stub.GetStock(pb.GetStockRequest(skus=["R-1", "R-2"]), metadata=md)
    assert [(i.on_hand, i.reserved) for i in stock.items] == [(6, 0), (0, 0)]
    ignored = await stub.Release(pb.ReleaseRequest(order=order), metadata=md)
    assert ignored.reservation.state == pb.RESERVATION_STATE_COMMITTED
