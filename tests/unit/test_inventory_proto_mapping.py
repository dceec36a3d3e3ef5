"""Inventory domain -> protobuf: every field, built alone or into a parent's field."""

from __future__ import annotations

from datetime import UTC, datetime

from syncstore.common.v1 import common_pb2
from syncstore.events.v1 import inventory_events_pb2 as ev
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.common.platforms import Platform
from services.inventory.domain.model import (
    Allocation,
    ChannelAvailability,
    Level,
    Location,
    OrderRef,
    Reservation,
    ReservationState,
    SkuRecord,
    StockView,
)
from services.inventory.entrypoints.proto_mapping import reservation_to_proto, stock_view_to_proto

_LOCATIONS = {"loc-a": Location("loc-a", "main"), "loc-b": Location("loc-b", "north")}


def _view() -> StockView:
    return StockView(
        sku="TEE-1",
        # loc-gone: a level whose location the caller's map does not hold.
        levels=[Level("loc-a", 10, 3), Level("loc-b", 4, 0), Level("loc-gone", 1, 1)],
        channels=[
            ChannelAvailability(Platform.SHOPEE, "", 9),
            ChannelAvailability(Platform.TOKOPEDIA, "shop-7", 0),
        ],
        threshold=12,
        record=SkuRecord("TEE-1", "prod-1", active=False, allow_backorder=True),
    )


def test_stock_item_carries_every_field() -> None:
    item = stock_view_to_proto(_view(), _LOCATIONS)
    assert (item.sku, item.on_hand, item.reserved, item.available) == ("TEE-1", 15, 4, 11)
    assert [
        (x.location_id, x.location_code, x.on_hand, x.reserved, x.available) for x in item.locations
    ] == [("loc-a", "main", 10, 3, 7), ("loc-b", "north", 4, 0, 4), ("loc-gone", "", 1, 1, 0)]
    assert [(c.platform, c.shop_id, c.available_to_sell) for c in item.channels] == [
        (common_pb2.PLATFORM_SHOPEE, "", 9),
        (common_pb2.PLATFORM_TOKOPEDIA, "shop-7", 0),
    ]
    assert (item.low_stock_threshold, item.low_stock) == (12, True)
    assert (item.allow_backorder, item.active, item.product_id) == (True, False, "prod-1")


def test_stock_item_into_a_parent_field_equals_one_built_alone() -> None:
    event = ev.StockLevelChanged(version=3)
    returned = stock_view_to_proto(_view(), _LOCATIONS, into=event.item)
    assert returned is event.item
    assert event.item == stock_view_to_proto(_view(), _LOCATIONS)
    response = pb.GetStockResponse()
    stock_view_to_proto(_view(), _LOCATIONS, into=response.items.add())
    assert list(response.items) == [stock_view_to_proto(_view(), _LOCATIONS)]


def test_reservation_carries_every_field_lines_in_sku_order() -> None:
    created = datetime(2026, 11, 21, 8, 0, 0, 250_000, tzinfo=UTC)
    updated = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    reservation = Reservation(
        OrderRef(Platform.LAZADA, "shop-1", "ord-9"),
        ReservationState.COMMITTED,
        {"SKU-B": 2, "SKU-A": 1},
        [Allocation("SKU-A", "loc-a", 1)],
        created,
        updated,
    )
    message = reservation_to_proto(reservation)
    assert (message.order.platform, message.order.shop_id, message.order.order_id) == (
        common_pb2.PLATFORM_LAZADA,
        "shop-1",
        "ord-9",
    )
    assert message.state == pb.RESERVATION_STATE_COMMITTED
    assert [(x.sku, x.quantity) for x in message.lines] == [("SKU-A", 1), ("SKU-B", 2)]
    assert message.create_time.ToDatetime(tzinfo=UTC) == created
    assert message.update_time.ToDatetime(tzinfo=UTC) == updated
    response = pb.ReserveResponse()
    assert reservation_to_proto(reservation, into=response.reservation) is response.reservation
    assert response.reservation == message


def test_reservation_without_times_leaves_them_unset() -> None:
    reservation = Reservation(
        OrderRef(Platform.SHOPEE, "", "ord-1"), ReservationState.RESERVED, {"SKU-A": 1}
    )
    message = reservation_to_proto(reservation)
    assert not message.HasField("create_time") and not message.HasField("update_time")
