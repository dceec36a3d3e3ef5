"""inventory.* events, enqueued in the outbox inside the change's own transaction."""

from __future__ import annotations

from syncstore.events.v1 import inventory_events_pb2 as ev

from services.common.events.outbox import PendingEvent, new_event_meta
from services.common.request_context import correlation_id
from services.inventory.domain.model import Location, Reservation, StockSource, StockView
from services.inventory.entrypoints.proto_mapping import (
    reservation_to_proto,
    source_to_proto,
    stock_view_to_proto,
)

SOURCE = "inventory"


def level_changed_event(
    tenant_id: str,
    view: StockView,
    locations: dict[str, Location],
    source: StockSource,
    reference: str,
) -> PendingEvent:
    subject = "inventory.level.changed"
    message = ev.StockLevelChanged(
        meta=new_event_meta(subject, tenant_id, correlation_id(), SOURCE),
        version=view.record.version,
        reference=reference,
        source=source_to_proto(source),
    )
    stock_view_to_proto(view, locations, into=message.item)
    return PendingEvent(subject, message, message.meta)


def low_stock_event(tenant_id: str, view: StockView) -> PendingEvent:
    subject = "inventory.low_stock"
    message = ev.LowStock(
        meta=new_event_meta(subject, tenant_id, correlation_id(), SOURCE),
        sku=view.sku,
        available=view.available,
        threshold=view.threshold,
    )
    return PendingEvent(subject, message, message.meta)


def reservation_event(tenant_id: str, reservation: Reservation, change: str) -> PendingEvent:
    """inventory.reservation.<change> with the reservation as it now stands."""
    subject = f"inventory.reservation.{change}"
    message = ev.ReservationChanged(
        meta=new_event_meta(subject, tenant_id, correlation_id(), SOURCE)
    )
    reservation_to_proto(reservation, into=message.reservation)
    return PendingEvent(subject, message, message.meta)
