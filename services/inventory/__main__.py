"""Composition root of the inventory service: `python -m services.inventory [serve|migrate]`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from syncstore.inventory.v1 import inventory_service_pb2, inventory_service_pb2_grpc

from services.common.events.consumer import run_consumer
from services.common.events.streams import CATALOG, DEAD_LETTERS, INVENTORY
from services.common.rpc.server import ServiceRegistration
from services.common.runtime import Runtime, ServiceRuntime
from services.common.service_cli import service_cli
from services.inventory.entrypoints.servicer import InventoryServicer
from services.inventory.service.catalog_listener import CONSUMER, CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.reservations import ReservationService
from services.inventory.service.setup import SetupService
from services.inventory.service.stock import StockService
from services.inventory.settings import InventorySettings

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = inventory_service_pb2.DESCRIPTOR.services_by_name["InventoryService"].full_name


def _deps(runtime: Runtime) -> InventoryDeps:
    return InventoryDeps(db=runtime.db, notify_outbox=runtime.relay.notify)


def _listen_to_catalog(runtime: Runtime, stop: asyncio.Event) -> asyncio.Task[None]:
    listener = CatalogListener(_deps(runtime))
    return asyncio.create_task(
        run_consumer(runtime.js, CONSUMER, listener.handle, stop), name="inventory-catalog"
    )


def make_runtime(settings: InventorySettings) -> ServiceRuntime:
    def build(runtime: Runtime) -> list[ServiceRegistration]:
        deps = _deps(runtime)
        servicer = InventoryServicer(
            StockService(deps),
            ReservationService(deps, max_batch=settings.reserve_group_max),
            SetupService(deps),
        )
        return [
            ServiceRegistration(
                servicer,
                inventory_service_pb2_grpc.add_InventoryServiceServicer_to_server,
                SERVICE_NAME,
            )
        ]

    return ServiceRuntime(
        name="inventory",
        settings=settings,
        database_url=settings.database_url,
        migrations=MIGRATIONS,
        grpc_addr=settings.grpc_addr,
        metrics_addr=settings.metrics_addr,
        streams=[CATALOG, INVENTORY, DEAD_LETTERS],
        build=build,
        background=[_listen_to_catalog],
    )


app = service_cli("The SyncStore inventory service.", lambda: make_runtime(InventorySettings()))

if __name__ == "__main__":
    app()
