"""Inventory domain <-> protobuf (structural checks only; rules live in the domain)."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.catalog.entrypoints.proto_filters import platform_from_proto, platform_to_proto
from services.common.errors import InvalidArgument, ViolationCollector
from services.common.proto_time import set_timestamp, timestamp_of
from services.inventory.domain.model import (
    Location,
    OrderRef,
    Reservation,
    ReservationState,
    StockSource,
    StockView,
)

_SOURCES: dict[StockSource, pb.StockSource.ValueType] = {
    StockSource.MANUAL: pb.STOCK_SOURCE_MANUAL,
    StockSource.ORDER: pb.STOCK_SOURCE_ORDER,
    StockSource.WEBHOOK: pb.STOCK_SOURCE_WEBHOOK,
    StockSource.SYNC: pb.STOCK_SOURCE_SYNC,
    StockSource.IMPORT: pb.STOCK_SOURCE_IMPORT,
    StockSource.RECONCILE: pb.STOCK_SOURCE_RECONCILE,
}
_SOURCES_BACK = {v: k for k, v in _SOURCES.items()}
_STATES: dict[ReservationState, pb.ReservationState.ValueType] = {
    ReservationState.RESERVED: pb.RESERVATION_STATE_RESERVED,
    ReservationState.COMMITTED: pb.RESERVATION_STATE_COMMITTED,
    ReservationState.RELEASED: pb.RESERVATION_STATE_RELEASED,
}


def _timestamp(value: datetime | None) -> Timestamp | None:
    return None if value is None else timestamp_of(value)


def source_to_proto(source: StockSource) -> pb.StockSource.ValueType:
    return _SOURCES[source]


def source_from_proto(value: int, field: str, default: StockSource | None) -> StockSource:
    """Unspecified -> `default` (an error when there is none)."""
    if value == pb.STOCK_SOURCE_UNSPECIFIED and default is not None:
        return default
    if value not in _SOURCES_BACK:
        names = ", ".join(pb.StockSource.Name(v) for v in _SOURCES.values())
        raise InvalidArgument.single(field, f"must be one of {names}")
    return _SOURCES_BACK[value]  # type: ignore[index]


def source_filter_from_proto(value: int, field: str = "source") -> StockSource | None:
    return None if value == pb.STOCK_SOURCE_UNSPECIFIED else source_from_proto(value, field, None)


def order_from_proto(order: pb.OrderRef, field: str = "order") -> OrderRef:
    errors = ViolationCollector()
    if not order.order_id.strip():
        errors.add(f"{field}.order_id", "required")
    if len(order.order_id) > 128 or len(order.shop_id) > 128:
        errors.add(field, "order_id and shop_id are at most 128 characters")
    try:
        platform = platform_from_proto(order.platform, f"{field}.platform")
    except InvalidArgument as exc:
        errors.violations.extend(exc.violations)
    errors.raise_if_any()
    return OrderRef(platform, order.shop_id, order.order_id.strip())


# The two mappers below fill a message field by field, into one the caller may hand in
# (a response's or an event's own field). Built from keyword arguments instead, every
# nested message is made on its own and then copied into its parent (timeit, both in
# one process: a SKU's StockItem 14.5 against 10.1 µs, a Reservation 8.9 against 5.2,
# a Reserve answer 17.1 against 8.2), paid for each SKU's level event and the answer of
# every Reserve and GetStock.


def reservation_to_proto(
    reservation: Reservation, into: pb.Reservation | None = None
) -> pb.Reservation:
    """The reservation as a message: `into`, filled, when given (it starts empty)."""
    message = pb.Reservation() if into is None else into
    order = reservation.order
    message.order.platform = platform_to_proto(order.platform)
    message.order.shop_id = order.shop_id
    message.order.order_id = order.order_id
    message.state = _STATES[reservation.state]
    add_line = message.lines.add
    for sku, quantity in sorted(reservation.lines.items()):
        add_line(sku=sku, quantity=quantity)
    if reservation.created_at is not None:
        set_timestamp(message.create_time, reservation.created_at)
    if reservation.updated_at is not None:
        set_timestamp(message.update_time, reservation.updated_at)
    return message


def stock_view_to_proto(
    view: StockView, locations: dict[str, Location], into: pb.StockItem | None = None
) -> pb.StockItem:
    """The view as a StockItem: `into`, filled, when given (it starts empty)."""
    item = pb.StockItem() if into is None else into
    item.sku = view.sku
    item.on_hand, item.reserved, item.available = view.on_hand, view.reserved, view.available
    add_level = item.locations.add
    for level in view.levels:
        known = locations.get(level.location_id)
        add_level(
            location_id=level.location_id,
            location_code=known.code if known is not None else "",
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
        )
    add_channel = item.channels.add
    for channel in view.channels:
        add_channel(
            platform=platform_to_proto(channel.platform),
            shop_id=channel.shop_id,
            available_to_sell=channel.available_to_sell,
        )
    item.low_stock_threshold = view.threshold
    item.low_stock = view.low_stock
    record = view.record
    item.allow_backorder, item.active = record.allow_backorder, record.active
    item.product_id = record.product_id
    return item


def location_to_proto(location: Location) -> pb.Location:
    return pb.Location(
        id=location.id,
        code=location.code,
        name=location.name,
        is_default=location.is_default,
        feeds=[platform_to_proto(p) for p in location.feeds],
        create_time=_timestamp(location.created_at),
    )
