"""Start a real catalog service in-process (real DB, real NATS) for integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.catalog.__main__ import make_runtime
from services.catalog.settings import CatalogSettings
from services.common.runtime import RunningService

TOKENS = "op-a=tenant-a:operator,view-a=tenant-a:viewer,op-b=tenant-b:operator,svc=tenant-a:service"


@asynccontextmanager
async def running_catalog(database_url: str, nats_url: str) -> AsyncIterator[RunningService]:
    settings = CatalogSettings.model_validate(
        {
            "CATALOG_GRPC_ADDR": "127.0.0.1:0",
            "CATALOG_DATABASE_URL": database_url,
            "CATALOG_METRICS_ADDR": "",
            "NATS_URL": nats_url,
            "SYNCSTORE_API_TOKENS": TOKENS,
            "OUTBOX_POLL_SECONDS": 0.2,
            "SHUTDOWN_GRACE_SECONDS": 5,
            "LOG_FORMAT": "json",
        }
    )
    running = await make_runtime(settings).start()
    try:
        yield running
    finally:
        await running.stop()
