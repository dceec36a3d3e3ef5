"""A typed asyncio client for InventoryService."""

from __future__ import annotations

import uuid
from types import TracebackType

import grpc
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc


class InventoryClient:
    """`async with InventoryClient("127.0.0.1:50052", token) as c: await c.get_stock(["SKU"])`."""

    def __init__(self, target: str, token: str, *, timeout: float = 30.0) -> None:
        self._token = token
        self.timeout = timeout
        self.channel = grpc.aio.insecure_channel(target)
        self.stub = pb_grpc.InventoryServiceStub(self.channel)

    async def __aenter__(self) -> InventoryClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.channel.close()

    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self._token}"), ("x-request-id", uuid.uuid4().hex))

    async def get_stock(self, skus: list[str]) -> list[pb.StockItem]:
        response = await self.stub.GetStock(
            pb.GetStockRequest(skus=skus), metadata=self.metadata(), timeout=self.timeout
        )
        return list(response.items)

    async def set_stock(
        self,
        sku: str,
        quantity: int,
        *,
        location_id: str = "",
        reason: str = "",
        idempotency_key: str = "",
    ) -> pb.StockItem:
        response = await self.stub.SetStock(
            pb.SetStockRequest(
                sku=sku,
                quantity=quantity,
                location_id=location_id,
                reason=reason,
                idempotency_key=idempotency_key,
            ),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return response.item

    async def adjust_stock(
        self,
        sku: str,
        delta: int,
        *,
        location_id: str = "",
        reason: str = "",
        idempotency_key: str = "",
    ) -> pb.StockItem:
        response = await self.stub.AdjustStock(
            pb.AdjustStockRequest(
                sku=sku,
                delta=delta,
                location_id=location_id,
                reason=reason,
                idempotency_key=idempotency_key,
            ),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return response.item

    async def list_stock(
        self, *, low_stock_only: bool = False, page_size: int = 50, page_token: str = ""
    ) -> pb.ListStockResponse:
        return await self.stub.ListStock(
            pb.ListStockRequest(
                low_stock_only=low_stock_only, page_size=page_size, page_token=page_token
            ),
            metadata=self.metadata(),
            timeout=self.timeout,
        )

    async def history(self, sku: str, page_size: int = 50) -> list[pb.LedgerEntry]:
        response = await self.stub.ListHistory(
            pb.ListHistoryRequest(sku=sku, page_size=page_size),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return list(response.entries)
