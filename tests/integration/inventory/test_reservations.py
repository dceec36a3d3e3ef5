"""Reservation rules: amendments, tombstones, archived SKUs, tenants."""

from __future__ import annotations

import asyncio

import grpc
from syncstore.common.v1 import common_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from tests.integration.inventory.conftest import Inventory
from tests.support.grpc_errors import expect_error, precondition_violations
from tests.support.inventory import announce, product_event, publish, wait_known


def _order(order_id: str) -> pb.OrderRef:
    return pb.OrderRef(platform=common_pb2.PLATFORM_TIKTOK_SHOP, shop_id="t1", order_id=order_id)


def _lines(**quantities: int) -> list[pb.ReservationLine]:
    return [pb.ReservationLine(sku=s.replace("_", "-"), quantity=q) for s, q in quantities.items()]


async def _levels(inv: Inventory, *skus: str) -> list[tuple[int, int]]:
    got = await inv.a.stub.GetStock(pb.GetStockRequest(skus=list(skus)), metadata=inv.a.md())
    return [(i.on_hand, i.reserved) for i in got.items]


async def test_amended_order_adjusts_by_the_difference(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"M-1": 10, "M-2": 10})
    stub, md = inventory.a.stub, inventory.a.md()
    await stub.Reserve(
        pb.ReserveRequest(order=_order("o1"), lines=_lines(M_1=2, M_2=2)), metadata=md
    )
    again = await stub.Reserve(
        pb.ReserveRequest(order=_order("o1"), lines=_lines(M_1=2, M_2=2)), metadata=md
    )
    assert await _levels(inventory, "M-1", "M-2") == [(10, 2), (10, 2)]  # same order: once
    amended = await stub.Reserve(
        pb.ReserveRequest(order=_order("o1"), lines=_lines(M_1=5)), metadata=md
    )
    assert [(line.sku, line.quantity) for line in amended.reservation.lines] == [("M-1", 5)]
    assert again.reservation.state == pb.RESERVATION_STATE_RESERVED
    assert await _levels(inventory, "M-1", "M-2") == [(10, 5), (10, 0)]


async def test_short_lines_are_all_listed(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"P-1": 1, "P-2": 0, "P-3": 9})
    error = await expect_error(
        inventory.a.stub.Reserve(
            pb.ReserveRequest(order=_order("big"), lines=_lines(P_1=2, P_2=1, P_3=1)),
            metadata=inventory.a.md(),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    violations = {v.subject: v.description for v in precondition_violations(error)}
    assert violations == {"P-1": "requested 2, available 1", "P-2": "requested 1, available 0"}
    assert await _levels(inventory, "P-1", "P-3") == [(1, 0), (9, 0)]


async def test_cancel_before_create_is_remembered(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"T-1": 5})
    stub, md = inventory.a.stub, inventory.a.md()
    released = await stub.Release(pb.ReleaseRequest(order=_order("late")), metadata=md)
    assert released.reservation.state == pb.RESERVATION_STATE_RELEASED
    late = await stub.Reserve(
        pb.ReserveRequest(order=_order("late"), lines=_lines(T_1=2)), metadata=md
    )
    assert late.reservation.state == pb.RESERVATION_STATE_RELEASED
    assert await _levels(inventory, "T-1") == [(5, 0)]
    await expect_error(
        stub.Commit(pb.CommitRequest(order=_order("never")), metadata=md), grpc.StatusCode.NOT_FOUND
    )


async def test_archived_sku_rejects_new_reservations(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"Z-1": 5})
    await publish(
        inventory.nats_url,
        product_event("tenant-a", "zp", {"Z-1": None}, revision=2, archived=True),
    )
    stub, md = inventory.a.stub, inventory.a.md()
    for _ in range(200):  # until the listener has applied the archive
        item = (await stub.GetStock(pb.GetStockRequest(skus=["Z-1"]), metadata=md)).items[0]
        if not item.active:
            break
        await asyncio.sleep(0.05)
    assert not item.active
    error = await expect_error(
        stub.Reserve(pb.ReserveRequest(order=_order("z"), lines=_lines(Z_1=1)), metadata=md),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert precondition_violations(error)[0].type == "ARCHIVED"


async def test_tenants_and_roles(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, "tenant-a", {"TA-1": 5})
    b, md_b = inventory.b.stub, inventory.b.md()
    await expect_error(
        b.GetStock(pb.GetStockRequest(skus=["TA-1"]), metadata=md_b), grpc.StatusCode.NOT_FOUND
    )
    await expect_error(
        b.SetStock(pb.SetStockRequest(sku="TA-1", quantity=1), metadata=md_b),
        grpc.StatusCode.NOT_FOUND,
    )
    await expect_error(
        b.Reserve(pb.ReserveRequest(order=_order("x"), lines=_lines(TA_1=1)), metadata=md_b),
        grpc.StatusCode.NOT_FOUND,
    )
    assert (await b.ListStock(pb.ListStockRequest(), metadata=md_b)).total_size == 0
    assert len((await b.ListHistory(pb.ListHistoryRequest(), metadata=md_b)).entries) == 0
    await expect_error(
        inventory.viewer.stub.SetStock(
            pb.SetStockRequest(sku="TA-1", quantity=1), metadata=inventory.viewer.md()
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await announce(inventory.nats_url, inventory.b, "tenant-b", {"TA-1": 1})
    assert await _levels(inventory, "TA-1") == [(5, 0)]  # B's own TA-1 is another SKU
    await wait_known(inventory.b, ["TA-1"])
