"""Composition root of the catalog service: `python -m services.catalog [serve|migrate]`."""

from __future__ import annotations

from pathlib import Path

from syncstore.catalog.v1 import catalog_service_pb2, catalog_service_pb2_grpc

from services.catalog.entrypoints.servicer import CatalogServicer
from services.catalog.service.bulk import BulkService
from services.catalog.service.deps import CatalogDeps
from services.catalog.service.imports import ImportService
from services.catalog.service.listings import ListingService
from services.catalog.service.products import ProductService
from services.catalog.settings import CatalogSettings
from services.common.events.streams import CATALOG, DEAD_LETTERS
from services.common.rpc.server import ServiceRegistration
from services.common.runtime import Runtime, ServiceRuntime
from services.common.service_cli import service_cli

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = catalog_service_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name


def build_servicer(runtime: Runtime, settings: CatalogSettings) -> CatalogServicer:
    """Wire the use cases to the database and the outbox relay."""
    deps = CatalogDeps(
        db=runtime.db,
        notify_outbox=runtime.relay.notify,
        default_currency=settings.default_currency,
        default_market=settings.default_market,
    )
    return CatalogServicer(
        ProductService(deps), BulkService(deps), ImportService(deps), ListingService(deps)
    )


def make_runtime(settings: CatalogSettings) -> ServiceRuntime:
    return ServiceRuntime(
        name="catalog",
        settings=settings,
        database_url=settings.database_url,
        migrations=MIGRATIONS,
        grpc_addr=settings.grpc_addr,
        metrics_addr=settings.metrics_addr,
        streams=[CATALOG, DEAD_LETTERS],
        build=lambda runtime: [
            ServiceRegistration(
                build_servicer(runtime, settings),
                catalog_service_pb2_grpc.add_CatalogServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
    )


app = service_cli("The SyncStore catalog service.", lambda: make_runtime(CatalogSettings()))

if __name__ == "__main__":
    app()
