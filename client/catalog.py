"""A typed asyncio client for CatalogService: adds the bearer token and request ids."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from types import TracebackType

import grpc
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as pb_grpc
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

IMPORT_CHUNK_BYTES = 1024 * 1024


class CatalogClient:
    """`async with CatalogClient("127.0.0.1:50051", token) as c: await c.get_product(id)`."""

    def __init__(self, target: str, token: str, *, timeout: float = 30.0) -> None:
        self.target = target
        self._token = token
        self.timeout = timeout
        self.channel = grpc.aio.insecure_channel(
            target, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        )
        self.stub = pb_grpc.CatalogServiceStub(self.channel)

    async def __aenter__(self) -> CatalogClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.channel.close()

    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self._token}"), ("x-request-id", uuid.uuid4().hex))

    async def create_product(
        self, product: product_pb2.Product, idempotency_key: str = ""
    ) -> product_pb2.Product:
        response = await self.stub.CreateProduct(
            pb.CreateProductRequest(product=product, idempotency_key=idempotency_key),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return response.product

    async def get_product(self, product_id: str = "", sku: str = "") -> product_pb2.Product:
        response = await self.stub.GetProduct(
            pb.GetProductRequest(product_id=product_id, sku=sku),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return response.product

    async def list_products(
        self,
        query: str = "",
        *,
        filter: pb.ProductFilter | None = None,
        order_by: str = "",
        page_size: int = 50,
        page_token: str = "",
    ) -> pb.ListProductsResponse:
        return await self.stub.ListProducts(
            pb.ListProductsRequest(
                query=query,
                filter=filter,
                order_by=order_by,
                page_size=page_size,
                page_token=page_token,
            ),
            metadata=self.metadata(),
            timeout=self.timeout,
        )

    async def iter_products(
        self, query: str = "", *, filter: pb.ProductFilter | None = None
    ) -> AsyncIterator[product_pb2.Product]:
        """Every matching product, following page tokens."""
        token = ""
        while True:
            page = await self.list_products(query, filter=filter, page_size=200, page_token=token)
            for product in page.products:
                yield product
            token = page.next_page_token
            if not token:
                return

    async def import_products(
        self,
        data: bytes | Iterable[bytes],
        *,
        dry_run: bool = False,
        currency: str = "",
        idempotency_key: str = "",
    ) -> pb.ImportProductsResponse:
        """Stream a Shopify product CSV in 1 MiB chunks."""
        chunks: Iterable[bytes]
        if isinstance(data, bytes):
            chunks = [
                data[i : i + IMPORT_CHUNK_BYTES] for i in range(0, len(data), IMPORT_CHUNK_BYTES)
            ]
        else:
            chunks = data

        async def requests() -> AsyncIterator[pb.ImportProductsRequest]:
            first = True
            for chunk in chunks:
                if first:
                    yield pb.ImportProductsRequest(
                        chunk=chunk,
                        dry_run=dry_run,
                        currency=currency,
                        idempotency_key=idempotency_key,
                    )
                    first = False
                else:
                    yield pb.ImportProductsRequest(chunk=chunk)

        return await self.stub.ImportProducts(
            requests(), metadata=self.metadata(), timeout=max(self.timeout, 600.0)
        )

    async def export_products(self, filter: pb.ProductFilter | None = None) -> bytes:
        parts: list[bytes] = []
        call = self.stub.ExportProducts(
            pb.ExportProductsRequest(filter=filter),
            metadata=self.metadata(),
            timeout=max(self.timeout, 600.0),
        )
        async for message in call:
            parts.append(message.chunk)
        return b"".join(parts)

    async def get_platform_listing(
        self, product_id: str, platform: common_pb2.Platform.ValueType, market: str = ""
    ) -> pb.PlatformListing:
        response = await self.stub.GetPlatformListing(
            pb.GetPlatformListingRequest(product_id=product_id, platform=platform, market=market),
            metadata=self.metadata(),
            timeout=self.timeout,
        )
        return response.listing
