"""Inventory domain <-> protobuf (structural checks only; rules live in the domain)."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.catalog.entrypoints.proto_filters import platform_from_proto, platform_to_proto
from services.common.errors import InvalidArgument, ViolationCollector
from services.common.proto_time import timestamp_of
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


def order_to_proto(order: OrderRef) -> pb.OrderRef:
    return pb.OrderRef(
        platform=platform_to_proto(order.platform), shop_id=order.shop_id, order_id=order.order_id
    )


def reservation_to_proto(reservation: Reservation) -> pb.Reservation:
    return pb.Reservation(
        order=order_to_proto(reservation.order),
        state=_STATES[reservation.state],
        lines=[pb.ReservationLine(sku=s, quantity=q) for s, q in sorted(reservation.lines.items())],
        create_time=_timestamp(reservation.created_at),
        update_time=_timestamp(reservation.updated_at),
    )


def stock_view_to_proto(view: StockView, locations: dict[str, Location]) -> pb.StockItem:
    return pb.StockItem(
        sku=view.sku,
        on_hand=view.on_hand,
        reserved=view.reserved,
        available=view.available,
        locations=[
            pb.LocationLevel(
                location_id=level.location_id,
                location_code=locations[level.location_id].code
                if level.location_id in locations
                else "",
                on_hand=level.on_hand,
                reserved=level.reserved,
                available=level.available,
            )
            for level in view.levels
        ],
        channels=[
            pb.ChannelAvailability(
                platform=platform_to_proto(c.platform),
                shop_id=c.shop_id,
                available_to_sell=c.available_to_sell,
            )
            for c in view.channels
        ],
        low_stock_threshold=view.threshold,
        low_stock=view.low_stock,
        allow_backorder=view.record.allow_backorder,
        active=view.record.active,
        product_id=view.record.product_id,
    )


def location_to_proto(location: Location) -> pb.Location:
    return pb.Location(
        id=location.id,
        code=location.code,
        name=location.name,
        is_default=location.is_default,
        feeds=[platform_to_proto(p) for p in location.feeds],
        create_time=_timestamp(location.created_at),
    )
