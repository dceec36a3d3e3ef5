"""Replaying every event and every request a second time changes nothing.

Catalog events arrive at least once and out of order; callers retry with the same
idempotency key, and marketplaces deliver the same order again. None of that may move
stock, grow the ledger or the outbox, or change a reservation.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import grpc
import nats
import pytest
from google.protobuf.message import Message
from sqlalchemy import Table, func, select
from syncstore.common.v1 import common_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.common.db import Database
from services.common.db.migrations import upgrade
from services.common.events.consumer import EventMessage
from services.common.events.outbox import event_headers
from services.common.events.tables import inbox, outbox
from services.common.idempotency import idempotency_keys
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.tables import (
    channel_buffers,
    ledger,
    locations,
    reservations,
    skus,
    stock_levels,
    tenant_settings,
)
from services.inventory.service.catalog_listener import CONSUMER, CatalogListener
from services.inventory.service.deps import InventoryDeps
from tests.integration.inventory.conftest import MIGRATIONS, Inventory
from tests.support.grpc_errors import expect_error
from tests.support.inventory import announce, product_event, publish, wait_known

TENANT = "tenant-a"

pytestmark = pytest.mark.timeout(120)


# --- what "nothing changed" means -------------------------------------------------------
async def _rows(db: Database, table: Table, order_by: Any) -> list[tuple[Any, ...]]:
    async with db.reader() as conn:
        return [tuple(r) for r in await conn.execute(select(table).order_by(*order_by))]


async def _count(db: Database, table: Table) -> int:
    async with db.reader() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def database_state(db: Database) -> dict[str, Any]:
    """Every inventory table, the outbox (its events) and the idempotency keys, in full."""
    return {
        "skus": await _rows(db, skus, [skus.c.tenant_id, skus.c.sku]),
        "locations": await _rows(db, locations, [locations.c.id]),
        "levels": await _rows(
            db,
            stock_levels,
            [stock_levels.c.tenant_id, stock_levels.c.sku, stock_levels.c.location_id],
        ),
        "ledger": await _rows(db, ledger, [ledger.c.id]),
        "reservations": await _rows(
            db, reservations, [reservations.c.tenant_id, reservations.c.order_id]
        ),
        "buffers": await _rows(
            db,
            channel_buffers,
            [channel_buffers.c.tenant_id, channel_buffers.c.platform, channel_buffers.c.sku],
        ),
        "settings": await _rows(db, tenant_settings, [tenant_settings.c.tenant_id]),
        "outbox": [
            (row[1], row[3])  # event id and subject: published_at moves as the relay works
            for row in await _rows(db, outbox, [outbox.c.id])
        ],
        "idempotency_keys": await _count(db, idempotency_keys),
    }


def delivery(event: Any, *, sequence: int = 1, attempt: int = 1) -> EventMessage:
    """A catalog event as the consumer hands it to the listener."""
    return EventMessage(
        subject=event.meta.type,
        data=event.SerializeToString(),
        headers=event_headers(event.meta),
        event_id=event.meta.event_id,
        num_delivered=attempt,
        stream_sequence=sequence,
        consumer=CONSUMER.durable,
    )


# --- (a) catalog events -----------------------------------------------------------------
async def test_a_catalog_event_handled_twice_changes_nothing(migrated: Database) -> None:
    listener = CatalogListener(InventoryDeps(db=migrated))
    created = product_event(TENANT, "p-1", {"C-1": 12, "C-2": None, "C-3": 4})
    await listener.handle(delivery(created))
    first = await database_state(migrated)
    assert len(first["ledger"]) == 2 and len(first["skus"]) == 3

    # The same delivery again, a redelivery after a lost ack, and a copy republished
    # under another stream sequence: the inbox drops all of them.
    await listener.handle(delivery(created))
    await listener.handle(delivery(created, attempt=2))
    await listener.handle(delivery(created, sequence=7))
    assert await database_state(migrated) == first
    assert await _count(migrated, inbox) == 1


async def test_an_older_revision_arriving_late_is_ignored(migrated: Database) -> None:
    listener = CatalogListener(InventoryDeps(db=migrated))
    await listener.handle(delivery(product_event(TENANT, "p-2", {"L-1": 5, "L-2": 3})))
    # Revision 3 archives the product and drops L-2 ...
    newer = product_event(TENANT, "p-2", {"L-1": None}, revision=3, archived=True, removed=("L-2",))
    await listener.handle(delivery(newer, sequence=3))
    settled = await database_state(migrated)
    async with migrated.reader() as conn:
        known = await conn.execute(
            select(skus.c.sku, skus.c.active, skus.c.catalog_revision).order_by(skus.c.sku)
        )
        assert [tuple(r) for r in known] == [("L-1", False, 3), ("L-2", False, 3)]

    # ... so revision 2 (both active, with import quantities) arriving afterwards, and
    # revision 3 redelivered, change nothing.
    older = product_event(TENANT, "p-2", {"L-1": 50, "L-2": 50}, revision=2)
    await listener.handle(delivery(older, sequence=2))
    await listener.handle(delivery(newer, sequence=3, attempt=2))
    after = await database_state(migrated)
    assert after == settled


async def test_catalog_redelivery_over_nats_changes_nothing(inventory: Inventory) -> None:
    """Through the real consumer: JetStream drops a same-id copy, the inbox any other copy."""
    event = product_event(TENANT, f"p-{uuid.uuid4().hex[:8]}", {"N-1": 9})
    await publish(inventory.nats_url, event, times=2)
    await wait_known(inventory.a, ["N-1"])
    md, stub = inventory.a.md(), inventory.a.stub
    before = await stub.GetStock(pb.GetStockRequest(skus=["N-1"]), metadata=md)
    history = await stub.ListHistory(pb.ListHistoryRequest(sku="N-1"), metadata=md)

    nc = await nats.connect(inventory.nats_url)
    try:
        js = nc.jetstream()
        assert (await js.stream_info("CATALOG")).state.messages == 1  # same Nats-Msg-Id
        # The same event under another message id (as after the duplicate window).
        headers = {**event_headers(event.meta), "Nats-Msg-Id": uuid.uuid4().hex}
        ack = await js.publish(event.meta.type, event.SerializeToString(), headers=headers)
        assert not ack.duplicate
        deadline = asyncio.get_running_loop().time() + 20
        while True:  # until the listener has handled (acked) the copy
            info = await js.consumer_info("CATALOG", CONSUMER.durable)
            if info.ack_floor.stream_seq >= ack.seq and not info.num_ack_pending:
                break
            assert asyncio.get_running_loop().time() < deadline, info
            await asyncio.sleep(0.05)
    finally:
        await nc.close()
    assert await stub.GetStock(pb.GetStockRequest(skus=["N-1"]), metadata=md) == before
    assert await stub.ListHistory(pb.ListHistoryRequest(sku="N-1"), metadata=md) == history


# --- (b) requests -----------------------------------------------------------------------
def _order(order_id: str) -> pb.OrderRef:
    return pb.OrderRef(platform=common_pb2.PLATFORM_SHOPEE, shop_id="s-1", order_id=order_id)


def _lines(**quantities: int) -> list[pb.ReservationLine]:
    return [
        pb.ReservationLine(sku=sku.replace("_", "-"), quantity=q) for sku, q in quantities.items()
    ]


async def _send(inventory: Inventory, method: str, request: Message) -> Any:
    return await getattr(inventory.a.stub, method)(request, metadata=inventory.a.md())


async def api_state(inventory: Inventory, sku_names: list[str], orders: list[str]) -> Any:
    """What the API shows: stock, locations, the whole ledger, the reservations."""
    md, stub = inventory.a.md(), inventory.a.stub
    stock = await stub.GetStock(pb.GetStockRequest(skus=sku_names), metadata=md)
    places = await stub.ListLocations(pb.ListLocationsRequest(), metadata=md)
    entries: list[Any] = []
    token = ""
    while True:
        page = await stub.ListHistory(
            pb.ListHistoryRequest(page_size=50, page_token=token), metadata=md
        )
        entries += page.entries
        token = page.next_page_token
        if not token:
            break
    held = [
        (await stub.GetReservation(pb.GetReservationRequest(order=_order(o)), metadata=md))
        for o in orders
    ]
    return stock, places, entries, held


async def test_every_mutating_rpc_sent_twice_with_its_key(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, TENANT, {"R-1": 10, "R-2": 3})
    db = Database(inventory.database_url)
    try:
        location = pb.Location(code="backroom", name="Back room")
        create = pb.CreateLocationRequest(location=location, idempotency_key="k-location")
        created = await _send(inventory, "CreateLocation", create)
        state = await database_state(db)
        assert await _send(inventory, "CreateLocation", create) == created
        assert await database_state(db) == state
        backroom = created.location.id
        requests: list[tuple[str, Message]] = [
            ("CreateLocation", create),
            ("SetStock", pb.SetStockRequest(sku="R-1", quantity=20, idempotency_key="k-set")),
            (
                "SetStock",
                pb.SetStockRequest(
                    sku="R-1", location_id=backroom, quantity=5, idempotency_key="k-set-back"
                ),
            ),
            ("AdjustStock", pb.AdjustStockRequest(sku="R-2", delta=7, idempotency_key="k-adj")),
            ("AdjustStock", pb.AdjustStockRequest(sku="R-1", delta=-2, idempotency_key="k-adj2")),
            (
                "SetThreshold",
                pb.SetThresholdRequest(sku="R-1", threshold=4, idempotency_key="k-th"),
            ),
            ("SetThreshold", pb.SetThresholdRequest(threshold=2, idempotency_key="k-th-default")),
            (
                "SetChannelBuffer",
                pb.SetChannelBufferRequest(
                    buffer=pb.ChannelBuffer(platform=common_pb2.PLATFORM_SHOPEE, units=2),
                    idempotency_key="k-buf",
                ),
            ),
            (
                "SetChannelBuffer",
                pb.SetChannelBufferRequest(
                    buffer=pb.ChannelBuffer(
                        platform=common_pb2.PLATFORM_LAZADA, sku="R-1", percent="10"
                    ),
                    idempotency_key="k-buf-pct",
                ),
            ),
            (
                "Reserve",
                pb.ReserveRequest(
                    order=_order("o-1"), lines=_lines(R_1=3, R_2=2), idempotency_key="k-r1"
                ),
            ),
            (
                "Reserve",
                pb.ReserveRequest(order=_order("o-2"), lines=_lines(R_1=1), idempotency_key="k-r2"),
            ),
            (
                "Reserve",  # o-1 amended
                pb.ReserveRequest(
                    order=_order("o-1"), lines=_lines(R_1=4, R_2=1), idempotency_key="k-r1b"
                ),
            ),
            ("Release", pb.ReleaseRequest(order=_order("o-2"), idempotency_key="k-rel")),
            ("Commit", pb.CommitRequest(order=_order("o-1"), idempotency_key="k-com")),
            # A cancellation that overtook its order: remembered as released.
            ("Release", pb.ReleaseRequest(order=_order("o-3"), idempotency_key="k-rel3")),
            (
                "Reserve",
                pb.ReserveRequest(order=_order("o-3"), lines=_lines(R_2=1), idempotency_key="k-r3"),
            ),
        ]
        sku_names, orders = ["R-1", "R-2"], ["o-1", "o-2", "o-3"]

        # Each request twice in a row: the same answer, and the second changes nothing
        # (CreateLocation was sent twice above).
        for method, request in requests[1:]:
            first = await _send(inventory, method, request)
            state = await database_state(db)
            again = await _send(inventory, method, request)
            assert again == first, method
            assert await database_state(db) == state, (method, request)

        # Every request a third time, after all the others: still nothing changes.
        settled_db = await database_state(db)
        settled_api = await api_state(inventory, sku_names, orders)
        for method, request in requests:
            await _send(inventory, method, request)
        assert await database_state(db) == settled_db
        assert await api_state(inventory, sku_names, orders) == settled_api

        # The sequence did what it says (so the replays above had something to repeat).
        stock, _, entries, held = settled_api
        r1, r2 = stock.items
        assert (r1.on_hand, r1.reserved, r2.on_hand, r2.reserved) == (19, 0, 9, 0)
        assert [h.reservation.state for h in held] == [
            pb.RESERVATION_STATE_COMMITTED,
            pb.RESERVATION_STATE_RELEASED,
            pb.RESERVATION_STATE_RELEASED,
        ]
        assert not held[2].reservation.lines  # the late order after its cancellation held nothing
        assert len(settled_db["outbox"]) > 0 and len(entries) == len(settled_db["ledger"])

        # A key reused for a different request is refused, and changes nothing either.
        await expect_error(
            inventory.a.stub.SetStock(
                pb.SetStockRequest(sku="R-1", quantity=99, idempotency_key="k-set"),
                metadata=inventory.a.md(),
            ),
            grpc.StatusCode.ALREADY_EXISTS,
        )
        assert await database_state(db) == settled_db
    finally:
        await db.dispose()


async def test_the_same_order_twice_without_a_key_reserves_once(inventory: Inventory) -> None:
    await announce(inventory.nats_url, inventory.a, TENANT, {"W-1": 5, "W-2": 5})
    db = Database(inventory.database_url)
    try:
        request = pb.ReserveRequest(order=_order("web-1"), lines=_lines(W_1=2, W_2=1))
        first = await _send(inventory, "Reserve", request)
        state = await database_state(db)
        # The marketplace delivers the order again, lines listed the other way round.
        again = await _send(inventory, "Reserve", request)
        reordered = pb.ReserveRequest(order=_order("web-1"), lines=_lines(W_2=1, W_1=2))
        third = await _send(inventory, "Reserve", reordered)
        assert again == first
        assert third.reservation.create_time == first.reservation.create_time
        assert third.reservation.update_time == first.reservation.update_time
        assert await database_state(db) == state
        stock = await inventory.a.stub.GetStock(
            pb.GetStockRequest(skus=["W-1", "W-2"]), metadata=inventory.a.md()
        )
        assert [(i.reserved, i.available) for i in stock.items] == [(2, 3), (1, 4)]
    finally:
        await db.dispose()


async def test_stale_import_quantity_is_not_applied(tmp_path: Path) -> None:
    """A late, older import must not stock a SKU a newer revision archived."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'stale.db'}")
    try:
        await upgrade(db, MIGRATIONS)
        listener = CatalogListener(InventoryDeps(db=db))
        for event in (
            product_event("tenant-a", "p", {"L-3": None}, revision=1),
            product_event("tenant-a", "p", {"L-3": None}, revision=3, archived=True),
            product_event("tenant-a", "p", {"L-3": 50}, revision=2),
        ):
            await listener.handle(delivery(event))
        async with db.reader() as conn:
            levels = await InventoryRepository(conn, "tenant-a").levels(["L-3"])
        assert levels == {"L-3": []}
    finally:
        await db.dispose()
