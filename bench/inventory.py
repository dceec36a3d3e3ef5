"""Inventory benchmark: prints JSON. Not a test; never gates CI.

For each database (a SQLite file always; PostgreSQL when --postgres-url or TEST_POSTGRES_URL
names a server: a fresh `bench_inventory_<random>` database, dropped at the end) it starts
nats-server and the inventory service, announces SKUs the way the catalog does (a
catalog.product.created event with initial quantities) and measures:

- Reserve throughput: N concurrent clients in a closed loop, each call a new order of 1-3
  lines over random SKUs, quantity 1; reservations/s, p50/p99 latency, errors by code;
- an oversell check: one SKU with 50 units, N clients reserving 1 unit each in a loop until
  FAILED_PRECONDITION; more than 50 successful reservations is an oversell, and GetStock
  must then show available 0 and reserved 50;
- GetStock (one SKU a call) on SQLite against a trivial asyncio servicer measured right after
  with the same client concurrency (the ratio is what counts on a shared, noisy machine).

The load generator runs in this process, sharing the machine with the service.

    .venv/bin/python -m bench.inventory [--seconds 5] [--concurrency 64]
        [--read-concurrency 32] [--postgres-url postgresql://user@host:port/db]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import grpc
import nats
from sqlalchemy.engine import make_url
from syncstore.catalog.v1 import catalog_service_pb2 as catalog_pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as catalog_pb_grpc
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2
from syncstore.events.v1 import catalog_events_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from bench.load import LoadResult, closed_loop
from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.common.events.outbox import event_headers, new_event_meta
from services.devrun import wait_serving

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
TENANT = "bench"
MD = (("authorization", f"Bearer {TOKEN}"),)
SKU_COUNT = 200
SKU_STOCK = 900_000  # under the service's 1,000,000 maximum quantity
OVERSELL_SKU = "BENCH-OVERSELL"
OVERSELL_STOCK = 50
CALL_TIMEOUT = 30.0


def _log(message: str) -> None:
    print(f"[bench.inventory] {message}", file=sys.stderr, flush=True)


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, grpc.aio.AioRpcError):
        return exc.code().name
    return f"client:{type(exc).__name__}"


async def _measure(
    call: Callable[[int], Awaitable[Any]], *, concurrency: int, seconds: float
) -> tuple[LoadResult, dict[str, int]]:
    """closed_loop plus the errors counted by gRPC status code, after a short warm-up."""
    codes: Counter[str] = Counter()

    async def counted(i: int) -> None:
        try:
            await call(i)
        except Exception as exc:
            codes[_error_code(exc)] += 1
            raise

    await closed_loop(counted, concurrency=concurrency, seconds=min(1.0, seconds / 5))
    codes.clear()
    result = await closed_loop(counted, concurrency=concurrency, seconds=seconds)
    return result, dict(sorted(codes.items()))


# -- the database --------------------------------------------------------------------------


def _admin_dsn(postgres_url: str) -> str:
    url = make_url(postgres_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _create_postgres(postgres_url: str) -> str:
    """A new database on the server; its postgresql+asyncpg:// URL for the service."""
    name = f"bench_inventory_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(_admin_dsn(postgres_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(postgres_url).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


async def _drop_postgres(postgres_url: str, service_url: str) -> None:
    name = make_url(service_url).database
    conn = await asyncpg.connect(_admin_dsn(postgres_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# -- the service ---------------------------------------------------------------------------


def _start_inventory(
    database_url: str, nats_url: str, port: int, log_path: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "INVENTORY_GRPC_ADDR": f"127.0.0.1:{port}",
        "INVENTORY_METRICS_ADDR": "",
        "INVENTORY_DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "SYNCSTORE_API_TOKENS": f"{TOKEN}={TENANT}:operator",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.inventory"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )


def _product_event(product_id: str, skus: dict[str, int]) -> catalog_events_pb2.ProductChanged:
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


async def _announce(nats_url: str, events: list[catalog_events_pb2.ProductChanged]) -> None:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for event in events:
            await js.publish(
                event.meta.type, event.SerializeToString(), headers=event_headers(event.meta)
            )
    finally:
        await nc.close()


async def _wait_known(
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


def _order(run_id: str, n: int | str) -> pb.OrderRef:
    return pb.OrderRef(
        platform=common_pb2.PLATFORM_SHOPEE, shop_id="bench", order_id=f"{run_id}-{n}"
    )


# -- the measures --------------------------------------------------------------------------


@dataclass
class DatabaseFigures:
    reserve: LoadResult
    reserve_errors: dict[str, int]
    get_stock: LoadResult
    get_stock_errors: dict[str, int]
    oversell: dict[str, Any]
    trivial: LoadResult | None = None
    timings: dict[str, float] = field(default_factory=dict)


async def _reserve_load(
    stub: pb_grpc.InventoryServiceAsyncStub, skus: list[str], concurrency: int, seconds: float
) -> tuple[LoadResult, dict[str, int]]:
    run_id = f"r{uuid.uuid4().hex[:8]}"
    rng = random.Random(1)

    async def reserve(i: int) -> None:
        picked = rng.sample(skus, rng.randint(1, 3))
        request = pb.ReserveRequest(
            order=_order(run_id, i), lines=[pb.ReservationLine(sku=s, quantity=1) for s in picked]
        )
        await stub.Reserve(request, metadata=MD, timeout=CALL_TIMEOUT)

    return await _measure(reserve, concurrency=concurrency, seconds=seconds)


async def _get_stock_load(
    stub: pb_grpc.InventoryServiceAsyncStub, skus: list[str], concurrency: int, seconds: float
) -> tuple[LoadResult, dict[str, int]]:
    async def get_stock(i: int) -> None:
        request = pb.GetStockRequest(skus=[skus[i % len(skus)]])
        await stub.GetStock(request, metadata=MD, timeout=CALL_TIMEOUT)

    return await _measure(get_stock, concurrency=concurrency, seconds=seconds)


async def _trivial_load(port: int, concurrency: int, seconds: float) -> LoadResult:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = catalog_pb_grpc.CatalogServiceStub(channel)

        async def trivial_get(i: int) -> None:
            await stub.GetProduct(catalog_pb.GetProductRequest(product_id="x"), timeout=30)

        result, _ = await _measure(trivial_get, concurrency=concurrency, seconds=seconds)
        return result


async def _oversell(stub: pb_grpc.InventoryServiceAsyncStub, concurrency: int) -> dict[str, Any]:
    """N clients each reserve 1 unit of a 50-unit SKU in a loop until FAILED_PRECONDITION."""
    run_id = f"o{uuid.uuid4().hex[:8]}"
    ok = 0
    failed_precondition = 0
    other: Counter[str] = Counter()
    deadline = time.monotonic() + 120

    async def client(worker: int) -> None:
        nonlocal ok, failed_precondition
        attempt = 0
        while time.monotonic() < deadline:
            request = pb.ReserveRequest(
                order=_order(run_id, f"{worker}-{attempt}"),
                lines=[pb.ReservationLine(sku=OVERSELL_SKU, quantity=1)],
            )
            attempt += 1
            try:
                await stub.Reserve(request, metadata=MD, timeout=CALL_TIMEOUT)
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    failed_precondition += 1
                    return
                other[exc.code().name] += 1
                await asyncio.sleep(0.01)
                continue
            ok += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(w) for w in range(concurrency)))
    elapsed = time.perf_counter() - started
    reply = await stub.GetStock(
        pb.GetStockRequest(skus=[OVERSELL_SKU]), metadata=MD, timeout=CALL_TIMEOUT
    )
    item = reply.items[0]
    return {
        "stock": OVERSELL_STOCK,
        "clients": concurrency,
        "ok": ok,
        "failed_precondition": failed_precondition,
        "other_errors": dict(sorted(other.items())),
        "oversold": max(0, ok - OVERSELL_STOCK),
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "available": item.available,
        "stock_ok": item.available == 0 and item.reserved == OVERSELL_STOCK,
        "seconds": round(elapsed, 2),
    }


async def _bench_database(
    kind: str,
    database_url: str,
    tmp: Path,
    *,
    seconds: float,
    concurrency: int,
    read_concurrency: int,
    trivial_port: int | None,
) -> DatabaseFigures:
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 2)
        mark = now

    nats_server = EmbeddedNats(tmp / f"nats-{kind}")
    service: subprocess.Popen[bytes] | None = None
    log_path = tmp / f"inventory-{kind}.log"
    try:
        nats_server.start()
        port = free_port()
        addr = f"127.0.0.1:{port}"
        service = _start_inventory(database_url, nats_server.url, port, log_path)
        _log(f"{kind}: inventory pid {service.pid} at {addr}")
        await wait_serving(addr, service)
        lap("start_s")

        skus = [f"BENCH-{n:04d}" for n in range(SKU_COUNT)]
        await _announce(
            nats_server.url,
            [
                _product_event("bench-p1", {s: SKU_STOCK for s in skus[: SKU_COUNT // 2]}),
                _product_event("bench-p2", {s: SKU_STOCK for s in skus[SKU_COUNT // 2 :]}),
                _product_event("bench-oversell", {OVERSELL_SKU: OVERSELL_STOCK}),
            ],
        )
        async with grpc.aio.insecure_channel(addr) as channel:
            stub = pb_grpc.InventoryServiceStub(channel)
            await _wait_known(stub, [*skus, OVERSELL_SKU])
            lap("announce_s")

            reserve, reserve_errors = await _reserve_load(stub, skus, concurrency, seconds)
            lap("reserve_s")
            _log(f"{kind}: reserve {reserve.rps:.1f}/s p99 {reserve.p99_ms:.1f} ms")

            get_stock, get_stock_errors = await _get_stock_load(
                stub, skus, read_concurrency, seconds
            )
            lap("get_stock_s")
            _log(f"{kind}: get_stock {get_stock.rps:.1f}/s")
            trivial = None
            if trivial_port is not None:
                trivial = await _trivial_load(trivial_port, read_concurrency, seconds)
                lap("trivial_s")
                _log(f"{kind}: trivial {trivial.rps:.1f}/s")

            oversell = await _oversell(stub, concurrency)
            lap("oversell_s")
            _log(f"{kind}: oversell {oversell}")
        return DatabaseFigures(
            reserve=reserve,
            reserve_errors=reserve_errors,
            get_stock=get_stock,
            get_stock_errors=get_stock_errors,
            oversell=oversell,
            trivial=trivial,
            timings=timings,
        )
    except BaseException:
        if log_path.exists():
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            _log(f"{kind}: service log tail:\n" + "\n".join(tail))
        raise
    finally:
        _stop(service)
        nats_server.stop()


# -- the run -------------------------------------------------------------------------------


def _ms(value: float) -> float:
    return round(value, 2)


async def run(
    seconds: float, concurrency: int, read_concurrency: int, postgres_url: str | None
) -> dict[str, object]:
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench-inventory-"))
    trivial: subprocess.Popen[bytes] | None = None
    pg_service_url: str | None = None
    try:
        trivial_port = free_port()
        trivial = subprocess.Popen(
            [sys.executable, "-m", "bench.trivial_server", str(trivial_port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert trivial.stdout is not None and trivial.stdout.readline().strip() == b"ready"

        sqlite = await _bench_database(
            "sqlite",
            f"sqlite+aiosqlite:///{tmp / 'inventory.db'}",
            tmp,
            seconds=seconds,
            concurrency=concurrency,
            read_concurrency=read_concurrency,
            trivial_port=trivial_port,
        )
        _stop(trivial)
        postgres: DatabaseFigures | None = None
        if postgres_url:
            pg_service_url = await _create_postgres(postgres_url)
            postgres = await _bench_database(
                "postgres",
                pg_service_url,
                tmp,
                seconds=seconds,
                concurrency=concurrency,
                read_concurrency=read_concurrency,
                trivial_port=None,
            )
    finally:
        _stop(trivial)
        if postgres_url and pg_service_url:
            await _drop_postgres(postgres_url, pg_service_url)
        shutil.rmtree(tmp, ignore_errors=True)

    assert sqlite.trivial is not None
    pg = postgres
    oversold = sqlite.oversell["oversold"] + (pg.oversell["oversold"] if pg else 0)
    return {
        "reserve_rps_sqlite": round(sqlite.reserve.rps, 1),
        "reserve_p50_ms_sqlite": _ms(sqlite.reserve.p50_ms),
        "reserve_p99_ms_sqlite": _ms(sqlite.reserve.p99_ms),
        "reserve_errors_sqlite": sqlite.reserve_errors,
        "reserve_rps_postgres": round(pg.reserve.rps, 1) if pg else None,
        "reserve_p50_ms_postgres": _ms(pg.reserve.p50_ms) if pg else None,
        "reserve_p99_ms_postgres": _ms(pg.reserve.p99_ms) if pg else None,
        "reserve_errors_postgres": pg.reserve_errors if pg else None,
        "get_stock_rps": round(sqlite.get_stock.rps, 1),
        "get_stock_p99_ms": _ms(sqlite.get_stock.p99_ms),
        "get_stock_errors": sqlite.get_stock_errors,
        "trivial_rps": round(sqlite.trivial.rps, 1),
        "get_stock_ratio": round(sqlite.get_stock.rps / sqlite.trivial.rps, 3)
        if sqlite.trivial.rps
        else None,
        "get_stock_rps_postgres": round(pg.get_stock.rps, 1) if pg else None,
        "oversold": oversold,
        "oversell_stock_ok": sqlite.oversell["stock_ok"]
        and (pg.oversell["stock_ok"] if pg else True),
        "oversell_sqlite": sqlite.oversell,
        "oversell_postgres": pg.oversell if pg else None,
        "postgres": postgres_url is not None,
        "skus": SKU_COUNT,
        "units_per_sku": SKU_STOCK,
        "concurrency": concurrency,
        "read_concurrency": read_concurrency,
        "seconds_per_measure": seconds,
        "timings_s": {"sqlite": sqlite.timings, "postgres": pg.timings if pg else None},
        "wall_seconds": round(time.perf_counter() - started, 1),
        "targets": {
            "reserve_rps_postgres": ">= 500",
            "reserve_p99_ms_postgres": "< 50",
            "get_stock_ratio": ">= 0.5",
            "oversold": "== 0",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=64, help="Reserve clients")
    parser.add_argument(
        "--read-concurrency", type=int, default=32, help="GetStock and trivial clients"
    )
    parser.add_argument(
        "--postgres-url",
        default=None,
        help="postgresql://user@host:port/db (default: $TEST_POSTGRES_URL; none: SQLite only)",
    )
    args = parser.parse_args()
    postgres_url = args.postgres_url or os.environ.get("TEST_POSTGRES_URL") or None
    figures = asyncio.run(run(args.seconds, args.concurrency, args.read_concurrency, postgres_url))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
