"""bench.inventory, one database: start NATS, the inventory (and its relay), announce the
SKUs, then run every measure against it (Reserve closed loop and at a fixed rate,
GetStock, the trivial baseline when given, the oversell race)."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import psutil
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from bench.host_stalls import HostStallProbes
from bench.inventory_measures import (
    get_stock_load,
    oversell_check,
    reserve_at_rate,
    reserve_load,
    trivial_load,
)
from bench.inventory_phases import (
    OVERSELL_SKU,
    OVERSELL_STOCK,
    SKU_COUNT,
    SKU_STOCK,
    announce,
    log,
    product_event,
    start_inventory,
    start_relay,
    stop,
    wait_known,
)
from bench.load import LoadResult, pool_windows
from bench.schedstat import runqueue_wait_seconds
from services.common.events.embedded_nats import EmbeddedNats, free_port
from services.devrun import wait_serving


@dataclass
class DatabaseFigures:
    reserve: LoadResult
    reserve_errors: dict[str, int]
    # All the windows pooled (bench.load.pool_windows), and each window.
    at_rate: LoadResult
    at_rate_windows: list[LoadResult]
    at_rate_errors: dict[str, int]
    get_stock: LoadResult
    get_stock_errors: dict[str, int]
    oversell: dict[str, Any]
    trivial: LoadResult | None = None
    timings: dict[str, float | None] = field(default_factory=dict)
    # The host's vCPU stalls during the windows at the rate (bench.host_stalls).
    host_stalls: dict[str, Any] = field(default_factory=dict)


async def bench_database(
    kind: str,
    database_url: str,
    tmp: Path,
    *,
    seconds: float,
    concurrency: int,
    read_concurrency: int,
    rate: float,
    trivial_port: int | None,
    rate_windows: int = 3,
    replicas: int = 1,
    relay: str = "external",
) -> DatabaseFigures:
    timings: dict[str, float | None] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 2)
        mark = now

    nats_server = EmbeddedNats(tmp / f"nats-{kind}")
    services: list[subprocess.Popen[bytes]] = []
    relays: list[subprocess.Popen[bytes]] = []
    log_path = tmp / f"inventory-{kind}.log"
    try:
        nats_server.start()
        addresses = []
        for _ in range(replicas):
            port = free_port()
            addresses.append(f"127.0.0.1:{port}")
            services.append(start_inventory(database_url, nats_server.url, port, log_path, relay))
            log(f"{kind}: inventory pid {services[-1].pid} at {addresses[-1]}")
        if relay == "external":
            relays.append(start_relay(database_url, nats_server.url, log_path))
            log(f"{kind}: outbox relay pid {relays[-1].pid}")
        for addr, service in zip(addresses, services, strict=True):
            await wait_serving(addr, service)
        lap("start_s")

        skus = [f"BENCH-{n:04d}" for n in range(SKU_COUNT)]
        await announce(
            nats_server.url,
            [
                product_event("bench-p1", {s: SKU_STOCK for s in skus[: SKU_COUNT // 2]}),
                product_event("bench-p2", {s: SKU_STOCK for s in skus[SKU_COUNT // 2 :]}),
                product_event("bench-oversell", {OVERSELL_SKU: OVERSELL_STOCK}),
            ],
        )
        channels = [grpc.aio.insecure_channel(addr) for addr in addresses]
        try:
            stubs = [pb_grpc.InventoryServiceStub(channel) for channel in channels]
            stub = stubs[0]
            await wait_known(stub, [*skus, OVERSELL_SKU])
            lap("announce_s")

            cpu_before = _cpu_seconds(services)
            relay_cpu_before = _cpu_seconds(relays)
            client_cpu_before = _own_cpu_seconds()
            reserve, reserve_errors = await reserve_load(stubs, skus, concurrency, seconds)
            # Warm-up calls are not counted in `reserve.requests`: a slight overestimate.
            timings["server_cpu_ms_per_reserve"] = round(
                (_cpu_seconds(services) - cpu_before) * 1000 / max(1, reserve.requests), 2
            )
            timings["relay_cpu_ms_per_reserve"] = round(
                (_cpu_seconds(relays) - relay_cpu_before) * 1000 / max(1, reserve.requests), 2
            )
            # The load generator shares the cores with the service: its cost is part of
            # what bounds the throughput measured here.
            timings["client_cpu_ms_per_reserve"] = round(
                (_own_cpu_seconds() - client_cpu_before) * 1000 / max(1, reserve.requests), 2
            )
            lap("reserve_s")
            log(f"{kind}: reserve {reserve.rps:.1f}/s p99 {reserve.p99_ms:.1f} ms")
            cpu_before = _cpu_seconds(services)
            waits_before = _runqueue_waits(services)
            at_rate_windows: list[LoadResult] = []
            window_errors: Counter[str] = Counter()
            probes = HostStallProbes()
            probes.start()
            try:
                for _ in range(rate_windows):
                    window, errors = await reserve_at_rate(stubs, skus, rate, seconds)
                    at_rate_windows.append(window)
                    window_errors.update(errors)
            finally:
                host_stalls = probes.stop()
            at_rate = pool_windows(at_rate_windows)
            at_rate_errors = dict(sorted(window_errors.items()))
            # At the fixed rate, the service's CPU per reservation shows how fast the host
            # ran our own work that minute. On slow stretches the p99 rose while this
            # stayed the same, so it does not explain every slow run.
            timings["server_cpu_ms_per_reserve_at_rate"] = round(
                (_cpu_seconds(services) - cpu_before) * 1000 / max(1, at_rate.requests), 2
            )
            # How long the services' threads and the load generator's were runnable but
            # waiting for a core, per reservation: the two cores' contention that minute.
            for name, after in _runqueue_waits(services).items():
                before = waits_before[name]
                timings[f"{name}_runqueue_wait_ms_per_reserve_at_rate"] = (
                    None
                    if before is None or after is None
                    else round((after - before) * 1000 / max(1, at_rate.requests), 2)
                )
            lap("reserve_at_rate_s")
            p99s = ", ".join(f"{w.p99_ms:.1f}" for w in at_rate_windows)
            log(f"{kind}: reserve at {rate}/s: p99 of each window {p99s} ms")
            log(
                f"{kind}: host stalls over {host_stalls['late_over_ms']} ms meanwhile: "
                f"{host_stalls['stalls']}, {host_stalls['stalled_ms']} ms in all, "
                f"worst {host_stalls['worst_ms']} ms (real-time probes: {host_stalls['realtime']})"
            )

            get_stock, get_stock_errors = await get_stock_load(
                stub, skus, read_concurrency, seconds
            )
            lap("get_stock_s")
            log(f"{kind}: get_stock {get_stock.rps:.1f}/s")
            trivial = None
            if trivial_port is not None:
                trivial = await trivial_load(trivial_port, read_concurrency, seconds)
                lap("trivial_s")
                log(f"{kind}: trivial {trivial.rps:.1f}/s")

            oversell = await oversell_check(stubs, concurrency)
            lap("oversell_s")
            log(f"{kind}: oversell {oversell}")
        finally:
            for channel in channels:
                await channel.close()
        return DatabaseFigures(
            reserve=reserve,
            reserve_errors=reserve_errors,
            at_rate=at_rate,
            at_rate_windows=at_rate_windows,
            at_rate_errors=at_rate_errors,
            get_stock=get_stock,
            get_stock_errors=get_stock_errors,
            oversell=oversell,
            trivial=trivial,
            timings=timings,
            host_stalls=host_stalls,
        )
    except BaseException:
        if log_path.exists():
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            log(f"{kind}: service log tail:\n" + "\n".join(tail))
        raise
    finally:
        for process in [*services, *relays]:
            stop(process)
        nats_server.stop()


def _runqueue_waits(services: list[subprocess.Popen[bytes]]) -> dict[str, float | None]:
    """Run-queue wait so far, in seconds, of the services together and of this process
    (the load generator); None where the kernel does not report it."""
    per_service = [runqueue_wait_seconds(s.pid) for s in services]
    known = [w for w in per_service if w is not None]
    return {
        "server": sum(known) if len(known) == len(per_service) else None,
        "client": runqueue_wait_seconds(os.getpid()),
    }


def _own_cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def _cpu_seconds(services: list[subprocess.Popen[bytes]]) -> float:
    total = 0.0
    for service in services:
        times = psutil.Process(service.pid).cpu_times()
        total += times.user + times.system
    return total
