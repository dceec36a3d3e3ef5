"""InventoryService over gRPC: translate protobuf <-> domain and call the use cases."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from services.catalog.entrypoints.proto_filters import (
    page_size_from_proto,
    platform_from_proto,
    platform_to_proto,
)
from services.common.errors import InvalidArgument
from services.common.proto_time import timestamp_of
from services.common.request_context import current_principal
from services.common.rpc.idempotency_key import idempotency_key_of
from services.common.rpc.types import Context
from services.inventory.domain.model import (
    ChannelBuffer,
    Location,
    Reservation,
    StockSource,
    StockView,
)
from services.inventory.entrypoints.proto_mapping import (
    location_to_proto,
    order_from_proto,
    reservation_to_proto,
    source_filter_from_proto,
    source_from_proto,
    source_to_proto,
    stock_view_to_proto,
)
from services.inventory.service.reservations import ReservationService
from services.inventory.service.setup import SetupService
from services.inventory.service.stock import StockService

_WithReservation = TypeVar(
    "_WithReservation",
    pb.ReserveResponse,
    pb.ReleaseResponse,
    pb.CommitResponse,
    pb.GetReservationResponse,
)


def _with_reservation(response: _WithReservation, reservation: Reservation) -> _WithReservation:
    """The response with the reservation written into it (not built apart, then copied)."""
    reservation_to_proto(reservation, into=response.reservation)
    return response


def _item(answer: tuple[StockView, dict[str, Location]]) -> pb.StockItem:
    return stock_view_to_proto(*answer)


class InventoryServicer(pb_grpc.InventoryServiceServicer):
    def __init__(
        self, stock: StockService, reservations: ReservationService, setup: SetupService
    ) -> None:
        self.stock = stock
        self.reservations = reservations
        self.setup = setup

    async def CreateLocation(
        self, request: pb.CreateLocationRequest, context: Context
    ) -> pb.CreateLocationResponse:
        loc = request.location
        location = Location(
            id="",
            code=loc.code.strip(),
            name=loc.name,
            is_default=loc.is_default,
            feeds=[platform_from_proto(p, f"location.feeds[{i}]") for i, p in enumerate(loc.feeds)],
        )
        created = await self.setup.create_location(
            current_principal(), location, idempotency_key_of(request)
        )
        return pb.CreateLocationResponse(location=location_to_proto(created))

    async def ListLocations(
        self, request: pb.ListLocationsRequest, context: Context
    ) -> pb.ListLocationsResponse:
        locations = await self.setup.locations(current_principal())
        return pb.ListLocationsResponse(locations=[location_to_proto(x) for x in locations])

    async def SetStock(self, request: pb.SetStockRequest, context: Context) -> pb.SetStockResponse:
        answer = await self.stock.set_stock(
            current_principal(),
            request.sku.strip(),
            request.location_id,
            request.quantity,
            source_from_proto(request.source, "source", StockSource.MANUAL),
            request.reason,
            request.reference,
            idempotency_key_of(request),
        )
        return pb.SetStockResponse(item=_item(answer))

    async def AdjustStock(
        self, request: pb.AdjustStockRequest, context: Context
    ) -> pb.AdjustStockResponse:
        answer = await self.stock.adjust_stock(
            current_principal(),
            request.sku.strip(),
            request.location_id,
            request.delta,
            source_from_proto(request.source, "source", StockSource.MANUAL),
            request.reason,
            request.reference,
            idempotency_key_of(request),
        )
        return pb.AdjustStockResponse(item=_item(answer))

    async def GetStock(self, request: pb.GetStockRequest, context: Context) -> pb.GetStockResponse:
        views, locations = await self.stock.get(current_principal(), list(request.skus))
        response = pb.GetStockResponse()
        for view in views:
            stock_view_to_proto(view, locations, into=response.items.add())
        return response

    async def ListStock(
        self, request: pb.ListStockRequest, context: Context
    ) -> pb.ListStockResponse:
        page = await self.stock.list_stock(
            current_principal(),
            request.low_stock_only,
            request.location_id,
            page_size_from_proto(request.page_size),
            request.page_token,
        )
        return pb.ListStockResponse(
            items=[stock_view_to_proto(v, page.locations) for v in page.views],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )

    async def Reserve(self, request: pb.ReserveRequest, context: Context) -> pb.ReserveResponse:
        reservation = await self.reservations.reserve(
            current_principal(),
            order_from_proto(request.order),
            [(line.sku.strip(), line.quantity) for line in request.lines],
            idempotency_key_of(request),
        )
        return _with_reservation(pb.ReserveResponse(), reservation)

    async def Release(self, request: pb.ReleaseRequest, context: Context) -> pb.ReleaseResponse:
        reservation = await self.reservations.release(
            current_principal(),
            order_from_proto(request.order),
            idempotency_key_of(request),
        )
        return _with_reservation(pb.ReleaseResponse(), reservation)

    async def Commit(self, request: pb.CommitRequest, context: Context) -> pb.CommitResponse:
        reservation = await self.reservations.commit(
            current_principal(),
            order_from_proto(request.order),
            idempotency_key_of(request),
        )
        return _with_reservation(pb.CommitResponse(), reservation)

    async def GetReservation(
        self, request: pb.GetReservationRequest, context: Context
    ) -> pb.GetReservationResponse:
        reservation = await self.reservations.get(
            current_principal(), order_from_proto(request.order)
        )
        return _with_reservation(pb.GetReservationResponse(), reservation)

    async def SetThreshold(
        self, request: pb.SetThresholdRequest, context: Context
    ) -> pb.SetThresholdResponse:
        await self.setup.set_threshold(
            current_principal(),
            request.sku.strip(),
            request.threshold,
            idempotency_key_of(request),
        )
        return pb.SetThresholdResponse(sku=request.sku.strip(), threshold=request.threshold)

    async def SetChannelBuffer(
        self, request: pb.SetChannelBufferRequest, context: Context
    ) -> pb.SetChannelBufferResponse:
        b = request.buffer
        percent = None
        if b.WhichOneof("amount") == "percent":
            try:
                percent = Decimal(b.percent)
            except InvalidOperation:
                raise InvalidArgument.single("buffer.percent", "must be a number") from None
        buffer = ChannelBuffer(
            platform=platform_from_proto(b.platform, "buffer.platform"),
            shop_id=b.shop_id,
            sku=b.sku.strip(),
            units=b.units if b.WhichOneof("amount") == "units" else None,
            percent=percent,
        )
        saved = await self.setup.set_buffer(
            current_principal(), buffer, idempotency_key_of(request)
        )
        out = pb.ChannelBuffer(
            platform=platform_to_proto(saved.platform), shop_id=saved.shop_id, sku=saved.sku
        )
        if saved.units is not None:
            out.units = saved.units
        else:
            out.percent = str(saved.percent)
        return pb.SetChannelBufferResponse(buffer=out)

    async def ListHistory(
        self, request: pb.ListHistoryRequest, context: Context
    ) -> pb.ListHistoryResponse:
        since = request.since.ToDatetime(tzinfo=UTC) if request.HasField("since") else None
        until = request.until.ToDatetime(tzinfo=UTC) if request.HasField("until") else None
        rows, token = await self.stock.history(
            current_principal(),
            request.sku.strip(),
            since,
            until,
            source_filter_from_proto(request.source),
            page_size_from_proto(request.page_size),
            request.page_token,
        )
        response = pb.ListHistoryResponse(next_page_token=token)
        for row in rows:
            entry = response.entries.add(
                id=row.id,
                sku=row.sku,
                location_id=row.location_id,
                delta_on_hand=row.delta_on_hand,
                delta_reserved=row.delta_reserved,
                on_hand_after=row.on_hand_after,
                reserved_after=row.reserved_after,
                reason=row.reason,
                source=source_to_proto(StockSource(row.source)),
                reference=row.reference,
                actor=row.actor,
            )
            entry.create_time.CopyFrom(timestamp_of(row.created_at))  # naive: UTC
        return response
