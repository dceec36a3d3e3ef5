"""Concurrent orders from several client processes against two inventory replicas.

Two `python -m services.inventory` processes share one database (SQLite file, or
PostgreSQL when TEST_POSTGRES_URL is set); four client processes fire their Reserves
at both at once. Correctness never depends on timing: whatever the interleaving, the
counts, levels and ledger asserted here are the only right answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.devrun import wait_serving
from tests.support.inventory import InventoryClient, product_event, publish, wait_known
from tests.support.reserve_load import order_ref

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "op-a"
CLIENT_PROCESSES = 4

pytestmark = pytest.mark.timeout(240)


def _replica_env(database_url: str, nats_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "INVENTORY_GRPC_ADDR": f"127.0.0.1:{port}",
        "INVENTORY_DATABASE_URL": database_url,
        "INVENTORY_METRICS_ADDR": "",
        "NATS_URL": nats_url,
        "SYNCSTORE_API_TOKENS": f"{TOKEN}=tenant-a:operator",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "SHUTDOWN_GRACE_SECONDS": "5",
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Replicas:
    addresses: list[str]
    clients: list[InventoryClient]


@asynccontextmanager
async def two_replicas(database_url: str, nats_url: str, log_dir: Path) -> AsyncIterator[Replicas]:
    """Two inventory server processes on one database.

    The second starts once the first serves (it has migrated the database): concurrent
    migrations of one fresh SQLite file are not what this module tests.
    """
    processes: list[subprocess.Popen[bytes]] = []
    clients: list[InventoryClient] = []
    try:
        addresses = []
        for n in range(2):
            port = free_port()
            log_path = log_dir / f"inventory-{n}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "services.inventory"],
                    env=_replica_env(database_url, nats_url, port),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            processes.append(process)
            addresses.append(f"127.0.0.1:{port}")
            try:
                await wait_serving(addresses[-1], process, timeout=60)
            except RuntimeError as exc:
                raise AssertionError(f"{exc}\n{log_path.read_text()[-3000:]}") from exc
        clients = [InventoryClient(a, TOKEN) for a in addresses]
        yield Replicas(addresses, clients)
    finally:
        for client in clients:
            await client.close()
        for process in processes:
            _stop(process)


async def _fire(
    addresses: list[str], orders: list[dict[str, Any]], timeout: float = 120
) -> dict[str, Any]:
    """Split `orders` over CLIENT_PROCESSES processes, start them together; merged results."""
    processes = []
    try:
        for n in range(CLIENT_PROCESSES):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.support.reserve_load",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=ROOT,
            )
            processes.append(process)
            job = {
                # Each process starts on a different replica and alternates between both.
                "addresses": addresses[n % 2 :] + addresses[: n % 2],
                "token": TOKEN,
                "timeout": 60,
                "orders": orders[n::CLIENT_PROCESSES],
            }
            assert process.stdin is not None
            process.stdin.write(json.dumps(job).encode() + b"\n")
            await process.stdin.drain()
        for process in processes:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line.strip() == b"ready", line
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        outputs = await asyncio.wait_for(
            asyncio.gather(*(p.communicate() for p in processes)), timeout
        )
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    merged: dict[str, Any] = {
        "counts": Counter[str](),
        "ok": [],
        "failed_precondition": [],
        "errors": [],
    }
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-3000:]
        result = json.loads(out.decode().strip().splitlines()[-1])
        merged["counts"].update(result["counts"])
        for name in ("ok", "failed_precondition", "errors"):
            merged[name] += result[name]
    return merged


def _order(order_id: str, lines: dict[str, int]) -> dict[str, Any]:
    """A reserve_load order (dicts keep insertion order: the lines go out as listed)."""
    return {"order_id": order_id, "lines": [[sku, qty] for sku, qty in lines.items()]}


async def _ledger_sums(client: InventoryClient, sku: str) -> dict[str, tuple[int, int]]:
    """Per location, the sum of every ledger entry of the SKU (read page by page)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    token = ""
    while True:
        page = await client.stub.ListHistory(
            pb.ListHistoryRequest(sku=sku, page_size=200, page_token=token),
            metadata=client.md(),
            timeout=30,
        )
        for entry in page.entries:
            assert entry.sku == sku
            sums[entry.location_id][0] += entry.delta_on_hand
            sums[entry.location_id][1] += entry.delta_reserved
        token = page.next_page_token
        if not token:
            return {loc: (on_hand, reserved) for loc, (on_hand, reserved) in sums.items()}


async def _stock(client: InventoryClient, skus: list[str]) -> dict[str, pb.StockItem]:
    got = await client.stub.GetStock(
        pb.GetStockRequest(skus=skus), metadata=client.md(), timeout=30
    )
    return {item.sku: item for item in got.items}


async def _assert_ledger_equals_levels(client: InventoryClient, item: pb.StockItem) -> None:
    levels = {lv.location_id: (lv.on_hand, lv.reserved) for lv in item.locations}
    assert await _ledger_sums(client, item.sku) == levels, item.sku


async def _announce(nats_url: str, clients: list[InventoryClient], skus: dict[str, int]) -> None:
    """A catalog import on NATS; whichever replica the durable consumer hands it to learns it."""
    await publish(nats_url, product_event("tenant-a", f"p-{uuid.uuid4().hex[:8]}", skus))
    for client in clients:
        await wait_known(client, list(skus), timeout=30)


async def test_500_single_unit_orders_for_100_units(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    async with two_replicas(database_url, own_nats.url, tmp_path) as replicas:
        clients = replicas.clients
        await _announce(own_nats.url, clients, {"HOT-1": 100})
        orders = [_order(f"hot-{i:03d}", {"HOT-1": 1}) for i in range(500)]

        result = await _fire(replicas.addresses, orders)

        assert result["errors"] == []
        assert dict(result["counts"]) == {"OK": 100, "FAILED_PRECONDITION": 400, "other": 0}
        first, second = clients
        item = (await _stock(second, ["HOT-1"]))["HOT-1"]
        assert (item.on_hand, item.reserved, item.available) == (100, 100, 0)
        await _assert_ledger_equals_levels(first, item)

        # Exactly the winners hold a reservation; a refused order left nothing behind.
        async def state(order_id: str) -> str:
            try:
                got = await first.stub.GetReservation(
                    pb.GetReservationRequest(order=order_ref(order_id)),
                    metadata=first.md(),
                    timeout=30,
                )
            except grpc.aio.AioRpcError as exc:
                return exc.code().name
            return pb.ReservationState.Name(got.reservation.state)

        ids = [str(o["order_id"]) for o in orders]
        by_order = dict(zip(ids, await asyncio.gather(*map(state, ids)), strict=True))
        assert {by_order[o] for o in result["ok"]} == {"RESERVATION_STATE_RESERVED"}
        assert {by_order[o] for o in result["failed_precondition"]} == {"NOT_FOUND"}


async def test_multi_line_orders_in_random_line_order(
    database_url: str, own_nats: EmbeddedNats, tmp_path: Path
) -> None:
    skus = ["MIX-A", "MIX-B", "MIX-C"]
    async with two_replicas(database_url, own_nats.url, tmp_path) as replicas:
        clients = replicas.clients
        first, second = clients
        await _announce(own_nats.url, clients, dict.fromkeys(skus, 30))
        # A second location, so orders also split across locations.
        created = await first.stub.CreateLocation(
            pb.CreateLocationRequest(location=pb.Location(code="second", name="Second")),
            metadata=first.md(),
            timeout=30,
        )
        for sku in skus:
            await second.stub.SetStock(
                pb.SetStockRequest(sku=sku, location_id=created.location.id, quantity=30),
                metadata=second.md(),
                timeout=30,
            )
        rng = random.Random(20240607)
        wanted: dict[str, dict[str, int]] = {}
        for i in range(300):
            # random.sample: 1-3 distinct SKUs in a random order (unordered locking would
            # deadlock two such orders on PostgreSQL).
            lines = {sku: rng.randint(1, 3) for sku in rng.sample(skus, rng.randint(1, 3))}
            wanted[f"mix-{i:03d}"] = lines
        orders = [_order(order_id, lines) for order_id, lines in wanted.items()]

        result = await _fire(replicas.addresses, orders)

        assert result["errors"] == []
        counts = result["counts"]
        assert counts["other"] == 0
        assert counts["OK"] + counts["FAILED_PRECONDITION"] == len(orders)
        assert counts["OK"] > 0 and counts["FAILED_PRECONDITION"] > 0  # demand > supply
        stock = await _stock(first, skus)
        held: Counter[str] = Counter()
        for order_id in result["ok"]:
            held.update(wanted[order_id])
        for sku in skus:
            item = stock[sku]
            assert item.on_hand == 60, sku
            assert item.reserved == held[sku], sku  # all or nothing, never oversold
            assert item.available >= 0, sku
            for level in item.locations:
                assert 0 <= level.reserved <= level.on_hand, (sku, level)
            await _assert_ledger_equals_levels(second, item)
        # Stock only went down, so every refused order must still be short now: a refusal
        # while the stock was there would show up here.
        for order_id in result["failed_precondition"]:
            lines = wanted[order_id]
            assert any(qty > stock[sku].available for sku, qty in lines.items()), (
                order_id,
                lines,
                {sku: stock[sku].available for sku in lines},
            )
