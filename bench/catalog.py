"""Catalog benchmark: prints JSON. Not a test; never gates CI.

GetProduct / ListProducts throughput against a trivial asyncio servicer measured in the
same run (the ratio is what counts on a shared, noisy machine), import time of the
4,147-product Shopify file (or a generated one of the same size without ../shared),
and the catalog process's RSS idle and after the import.

    .venv/bin/python -m bench.catalog [--seconds 5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as pb_grpc

from bench.load import closed_loop
from client.catalog import CatalogClient
from services.catalog.demo import demo_catalog_csv
from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.devrun import wait_serving

ROOT = Path(__file__).resolve().parents[1]
SHARED_CSV = ROOT.parent / "shared" / "data" / "catalog-4147.shopify.csv"
TOKEN = "bench-token"


def _catalog_data() -> tuple[bytes, str]:
    if SHARED_CSV.exists():
        return SHARED_CSV.read_bytes(), str(SHARED_CSV.name)
    return demo_catalog_csv(4147), "generated-4147"


def _rss_mb(pid: int) -> float:
    return round(psutil.Process(pid).memory_info().rss / (1024 * 1024), 1)


async def run(seconds: float, concurrency: int, database_url: str | None) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    nats = EmbeddedNats(tmp / "nats")
    nats.start()
    port, trivial_port = free_port(), free_port()
    env = {
        **os.environ,
        "CATALOG_GRPC_ADDR": f"127.0.0.1:{port}",
        "CATALOG_METRICS_ADDR": "",
        "CATALOG_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp / 'catalog.db'}",
        "NATS_URL": nats.url,
        "SYNCSTORE_API_TOKENS": f"{TOKEN}=bench:operator",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
    }
    catalog = subprocess.Popen(
        [sys.executable, "-m", "services.catalog"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    trivial = subprocess.Popen(
        [sys.executable, "-m", "bench.trivial_server", str(trivial_port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    addr = f"127.0.0.1:{port}"
    try:
        await wait_serving(addr, catalog)
        assert trivial.stdout is not None and trivial.stdout.readline().strip() == b"ready"
        await asyncio.sleep(1)
        rss_idle = _rss_mb(catalog.pid)
        data, source = _catalog_data()
        async with CatalogClient(addr, TOKEN) as client:
            started = time.perf_counter()
            imported = await client.import_products(data)
            import_seconds = time.perf_counter() - started
            rss_after = _rss_mb(catalog.pid)
            ids = [p.id for p in (await client.list_products(page_size=200)).products]

            async def get_product(i: int) -> None:
                await client.get_product(ids[i % len(ids)])

            async def list_products(i: int) -> None:
                await client.list_products(["motor", "drone", "", "hqprop"][i % 4], page_size=50)

            get_result = await closed_loop(get_product, concurrency=concurrency, seconds=seconds)
            list_result = await closed_loop(list_products, concurrency=concurrency, seconds=seconds)

        import grpc

        async with grpc.aio.insecure_channel(f"127.0.0.1:{trivial_port}") as channel:
            stub = pb_grpc.CatalogServiceStub(channel)

            async def trivial_get(i: int) -> None:
                await stub.GetProduct(pb.GetProductRequest(product_id="x"))

            trivial_result = await closed_loop(
                trivial_get, concurrency=concurrency, seconds=seconds
            )
        return {
            "database": "postgresql" if database_url else "sqlite",
            "import_source": source,
            "import_created": imported.created,
            "import_failed": imported.failed,
            "import_seconds": round(import_seconds, 2),
            "get_product_rps": round(get_result.rps, 1),
            "get_product_p99_ms": round(get_result.p99_ms, 2),
            "get_product_errors": get_result.errors,
            "list_products_rps": round(list_result.rps, 1),
            "list_products_p99_ms": round(list_result.p99_ms, 2),
            "trivial_rps": round(trivial_result.rps, 1),
            "get_product_ratio": round(get_result.rps / trivial_result.rps, 3),
            "rss_idle_mb": rss_idle,
            "rss_after_import_mb": rss_after,
            "concurrency": concurrency,
            "seconds_per_measure": seconds,
            "targets": {
                "get_product_ratio": ">= 0.5",
                "import_seconds": "< 20 (SQLite)",
                "rss_mb": "< 200",
            },
        }
    finally:
        for proc in (catalog, trivial):
            proc.terminate()
            proc.wait(timeout=30)
        nats.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", default=None, help="e.g. postgresql+asyncpg://...")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.seconds, args.concurrency, args.database_url)), indent=2))


if __name__ == "__main__":
    main()
