"""`make run`: NATS and the services on embedded defaults, a demo catalog, how to call it.

Everything lives under ./var (SQLite files, the JetStream store), so a second run
picks up where the first stopped. `--once` brings the mesh up, loads the demo, prints
the instructions and shuts down again (the e2e tests use it to keep `make run` true).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import typer
from grpc_health.v1 import health_pb2, health_pb2_grpc

from client.catalog import CatalogClient
from client.inventory import InventoryClient
from services.catalog.demo import demo_catalog_csv
from services.common.events.embedded_nats import EmbeddedNats, free_port

ROOT = Path(__file__).resolve().parents[1]
DEV_TOKEN = "dev-operator-token"


@dataclass
class ServiceProcess:
    name: str
    module: str
    grpc_addr: str
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = (log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module], env=env, stdout=log, stderr=log, cwd=ROOT
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def wait_serving(addr: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll the standard gRPC health service until SERVING (or the process died)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with grpc.aio.insecure_channel(addr) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while asyncio.get_running_loop().time() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"service at {addr} exited with {process.returncode}")
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"service at {addr} not serving after {timeout:.0f}s")


async def load_demo(addr: str, products: int) -> str:
    async with CatalogClient(addr, DEV_TOKEN) as client:
        page = await client.list_products(page_size=1)
        if page.total_size:
            return f"catalog already holds {page.total_size} products (kept from ./var)"
        result = await client.import_products(demo_catalog_csv(products))
        return f"imported the demo catalog: {result.created} products created"


async def wait_for_stock(catalog_addr: str, inventory_addr: str, timeout: float = 120) -> str:
    """Wait until inventory has learnt every demo SKU from the catalog's events."""
    async with CatalogClient(catalog_addr, DEV_TOKEN) as catalog:
        skus = [v.sku async for p in catalog.iter_products() for v in p.variants]
    deadline = asyncio.get_running_loop().time() + timeout
    async with InventoryClient(inventory_addr, DEV_TOKEN) as inventory:
        while True:
            try:
                items = []
                for start in range(0, len(skus), 1000):
                    items += await inventory.get_stock(skus[start : start + 1000])
                units = sum(item.on_hand for item in items)
                return f"inventory knows {len(items)} SKUs holding {units} units"
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError("inventory did not learn the demo SKUs in time") from exc
            await asyncio.sleep(0.5)


def instructions(addr: str, inventory_addr: str) -> str:
    return f"""
SyncStore is up.
  catalog   grpc://{addr}   (health, reflection on; metrics http://127.0.0.1:9151/metrics)
  inventory grpc://{inventory_addr}   (metrics http://127.0.0.1:9152/metrics)
  token     {DEV_TOKEN} (operator, tenant "demo"; viewer: dev-viewer-token)

Try:
  .venv/bin/syncctl stock low
  .venv/bin/syncctl stock get <variant-sku>
  .venv/bin/syncctl stock adjust <variant-sku> 10 --reason "received"
  .venv/bin/syncctl products list drone
  .venv/bin/syncctl products list --status draft
  .venv/bin/syncctl listing <product-id> --platform shopee
  .venv/bin/syncctl products export -o /tmp/catalog.csv
  grpcurl -plaintext -H 'authorization: Bearer {DEV_TOKEN}' {addr} \\
      syncstore.catalog.v1.CatalogService/ListProducts
"""


def main(
    once: bool = typer.Option(False, help="Bring up, load the demo, print, shut down."),
    products: int = typer.Option(500, help="Size of the generated demo catalog."),
    var_dir: Path = typer.Option(ROOT / "var", help="Where data and logs live."),
) -> None:
    """Bring SyncStore up on embedded defaults."""
    nats = EmbeddedNats(var_dir / "nats", port=_free_or(4222))
    nats.start()
    env = dict(os.environ)
    env["NATS_URL"] = nats.url
    env.setdefault("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'catalog.db'}")
    env.setdefault("INVENTORY_DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'inventory.db'}")
    env.setdefault(
        "SYNCSTORE_API_TOKENS", f"{DEV_TOKEN}=demo:operator,dev-viewer-token=demo:viewer"
    )
    env.setdefault("LOG_FORMAT", "json")
    catalog = ServiceProcess(
        "catalog", "services.catalog", env.get("CATALOG_GRPC_ADDR", "127.0.0.1:50051")
    )
    inventory = ServiceProcess(
        "inventory", "services.inventory", env.get("INVENTORY_GRPC_ADDR", "127.0.0.1:50052")
    )
    services = [catalog, inventory]
    try:
        for svc in services:
            svc.start(env, var_dir / "logs")
        for svc in services:
            assert svc.process is not None
            asyncio.run(wait_serving(svc.grpc_addr, svc.process))
        print(asyncio.run(load_demo(catalog.grpc_addr, products)))
        print(asyncio.run(wait_for_stock(catalog.grpc_addr, inventory.grpc_addr)))
        print(instructions(catalog.grpc_addr, inventory.grpc_addr))
        print(f"logs: {var_dir / 'logs'}; Ctrl-C stops everything.")
        if not once:
            signal.signal(signal.SIGTERM, _raise_interrupt)
            try:
                while all(s.process and s.process.poll() is None for s in services):
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
    finally:
        for svc in reversed(services):
            svc.stop()
        nats.stop()


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _free_or(port: int) -> int:
    """The wanted port if nothing listens there, else a free one."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return free_port()
    return port


if __name__ == "__main__":
    typer.run(main)
