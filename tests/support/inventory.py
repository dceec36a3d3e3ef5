"""Run a real inventory service in-process and teach it SKUs the way the catalog does."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import grpc
import nats
from syncstore.catalog.v1 import product_pb2
from syncstore.events.v1 import catalog_events_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from services.common.events.outbox import event_headers, new_event_meta
from services.common.runtime import RunningService
from services.inventory.__main__ import make_runtime
from services.inventory.settings import InventorySettings

TOKENS = "op-a=tenant-a:operator,view-a=tenant-a:viewer,op-b=tenant-b:operator"


@asynccontextmanager
async def running_inventory(
    database_url: str, nats_url: str, **env: object
) -> AsyncIterator[RunningService]:
    """The service on these URLs; `env` overrides its settings (e.g. OUTBOX_RELAY)."""
    running = await make_runtime(inventory_settings(database_url, nats_url, **env)).start()
    try:
        yield running
    finally:
        await running.stop()


def inventory_settings(database_url: str, nats_url: str, **env: object) -> InventorySettings:
    """Settings of a test inventory (own port, no metrics, fast relay polls)."""
    return InventorySettings.model_validate(
        {
            "INVENTORY_GRPC_ADDR": "127.0.0.1:0",
            "INVENTORY_DATABASE_URL": database_url,
            "INVENTORY_METRICS_ADDR": "",
            "NATS_URL": nats_url,
            "SYNCSTORE_API_TOKENS": TOKENS,
            "OUTBOX_POLL_SECONDS": 0.2,
            "SHUTDOWN_GRACE_SECONDS": 5,
            "LOG_FORMAT": "json",
            **env,
        }
    )


class InventoryClient:
    """The stub plus a token, for tests."""

    def __init__(self, address: str, token: str) -> None:
        self.channel = grpc.aio.insecure_channel(address)
        self.stub = pb_grpc.InventoryServiceStub(self.channel)
        self.token = token

    def md(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)

    async def close(self) -> None:
        await self.channel.close()


def product_event(
    tenant: str,
    product_id: str,
    skus: Mapping[str, int | None],
    *,
    revision: int = 1,
    archived: bool = False,
    removed: tuple[str, ...] = (),
) -> catalog_events_pb2.ProductChanged:
    subject = "catalog.product.created" if revision == 1 else "catalog.product.updated"
    event = catalog_events_pb2.ProductChanged(
        meta=new_event_meta(subject, tenant, "", "test"),
        product_id=product_id,
        sku=product_id,
        revision=revision,
        status=product_pb2.PRODUCT_STATUS_ARCHIVED
        if archived
        else product_pb2.PRODUCT_STATUS_ACTIVE,
        removed_variant_skus=list(removed),
        change="import",
    )
    for sku, quantity in skus.items():
        variant = event.variants.add(sku=sku)
        if quantity is not None:
            variant.initial_quantity = quantity
    return event


async def publish(nats_url: str, event: catalog_events_pb2.ProductChanged, times: int = 1) -> None:
    """Publish as the catalog's relay does (same Nats-Msg-Id on every copy)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for _ in range(times):
            await js.publish(
                event.meta.type, event.SerializeToString(), headers=event_headers(event.meta)
            )
    finally:
        await nc.close()


async def announce(
    nats_url: str, client: InventoryClient, tenant: str, skus: Mapping[str, int | None]
) -> None:
    """Publish a catalog import of these SKUs and wait until inventory knows them."""
    await publish(nats_url, product_event(tenant, f"p-{uuid.uuid4().hex[:8]}", skus))
    await wait_known(client, list(skus))


async def wait_known(client: InventoryClient, skus: list[str], timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await client.stub.GetStock(pb.GetStockRequest(skus=skus), metadata=client.md())
            return
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise
            if asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.05)
