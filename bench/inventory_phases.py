"""Inventory benchmark phases: constants, the database, service start-up and announcing SKUs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import grpc
import nats
from sqlalchemy.engine import make_url
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2
from syncstore.events.v1 import catalog_events_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from services.common.events.outbox import event_headers, new_event_meta

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
TENANT = "bench"
MD = (("authorization", f"Bearer {TOKEN}"),)
SKU_COUNT = 200
SKU_STOCK = 900_000  # under the service's 1,000,000 maximum quantity
OVERSELL_SKU = "BENCH-OVERSELL"
OVERSELL_STOCK = 50
CALL_TIMEOUT = 30.0


def log(message: str) -> None:
    print(f"[bench.inventory] {message}", file=sys.stderr, flush=True)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# -- the database --------------------------------------------------------------------------


def _admin_dsn(postgres_url: str) -> str:
    url = make_url(postgres_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def create_postgres(postgres_url: str) -> str:
    """A new database on the server; its postgresql+asyncpg:// URL for the service."""
    name = f"bench_inventory_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(_admin_dsn(postgres_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(postgres_url).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def drop_postgres(postgres_url: str, service_url: str) -> None:
    name = make_url(service_url).database
    conn = await asyncpg.connect(_admin_dsn(postgres_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# -- the service ---------------------------------------------------------------------------


def _inventory_process(
    command: list[str], database_url: str, nats_url: str, log_path: Path, **env: str
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "INVENTORY_METRICS_ADDR": "",
        "INVENTORY_DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "SYNCSTORE_API_TOKENS": f"{TOKEN}={TENANT}:operator",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        **env,
    }
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.inventory", *command],
            env=environment,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )


def start_inventory(
    database_url: str, nats_url: str, port: int, log_path: Path, relay: str = "inline"
) -> subprocess.Popen[bytes]:
    """An inventory process; `relay="external"`: it leaves its outbox to `start_relay`."""
    return _inventory_process(
        ["serve"],
        database_url,
        nats_url,
        log_path,
        INVENTORY_GRPC_ADDR=f"127.0.0.1:{port}",
        OUTBOX_RELAY=relay,
    )


def start_relay(database_url: str, nats_url: str, log_path: Path) -> subprocess.Popen[bytes]:
    """The inventory's external outbox relay, as the Kubernetes sidecar runs it."""
    return _inventory_process(["relay"], database_url, nats_url, log_path)


def product_event(product_id: str, skus: dict[str, int]) -> catalog_events_pb2.ProductChanged:
    """A catalog import of `skus` with initial quantities, as the catalog publishes it."""
    event = catalog_events_pb2.ProductChanged(
        meta=new_event_meta("catalog.product.created", TENANT, "", "bench"),
        product_id=product_id,
        sku=product_id,
        revision=1,
        status=product_pb2.PRODUCT_STATUS_ACTIVE,
        change="import",
    )
    for sku, quantity in skus.items():
        event.variants.add(sku=sku, initial_quantity=quantity)
    return event


async def announce(nats_url: str, events: list[catalog_events_pb2.ProductChanged]) -> None:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for event in events:
            await js.publish(
                event.meta.type, event.SerializeToString(), headers=event_headers(event.meta)
            )
    finally:
        await nc.close()


async def wait_known(
    stub: pb_grpc.InventoryServiceAsyncStub, skus: list[str], timeout: float = 60.0
) -> None:
    """Poll GetStock until it stops answering NOT_FOUND for these SKUs."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            await stub.GetStock(pb.GetStockRequest(skus=skus), metadata=MD, timeout=CALL_TIMEOUT)
            return
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.05)


def order_ref(run_id: str, n: int | str) -> pb.OrderRef:
    return pb.OrderRef(
        platform=common_pb2.PLATFORM_SHOPEE, shop_id="bench", order_id=f"{run_id}-{n}"
    )
