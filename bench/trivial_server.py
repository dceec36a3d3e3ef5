"""The ceiling: a CatalogService whose GetProduct returns a constant, no DB, no interceptors.

Run as `python -m bench.trivial_server PORT`; benchmarks compare real services to it.
"""

from __future__ import annotations

import asyncio
import sys

import grpc
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as pb_grpc
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from services.common.rpc.types import Context

_PRODUCT = product_pb2.Product(
    id="trivial",
    sku="TRIVIAL",
    title="Trivial Product",
    base_price=common_pb2.Money(currency="IDR", amount_minor=150_000),
    variants=[product_pb2.Variant(sku="TRIVIAL-1")],
)


class TrivialCatalog(pb_grpc.CatalogServiceServicer):
    async def GetProduct(
        self, request: pb.GetProductRequest, context: Context
    ) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=_PRODUCT)


async def main(port: int) -> None:
    server = grpc.aio.server()
    # Only GetProduct is served; the other RPCs answer UNIMPLEMENTED, as the base class does.
    pb_grpc.add_CatalogServiceServicer_to_server(TrivialCatalog(), server)  # type: ignore[abstract]
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("ready", flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
