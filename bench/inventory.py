"""Inventory benchmark: prints JSON. Not a test; never gates CI.

For each database (a SQLite file always; PostgreSQL when --postgres-url or TEST_POSTGRES_URL
names a server: a fresh `bench_inventory_<random>` database, dropped at the end) it starts
nats-server and the inventory service, announces SKUs the way the catalog does (a
catalog.product.created event with initial quantities) and measures:

- Reserve throughput: N concurrent clients in a closed loop, each call a new order of 1-3
  lines over random SKUs, quantity 1; reservations/s, p50/p99 latency, errors by code;
- Reserve latency at the target rate (--rate, 500/s): orders arriving at that fixed rate
  (open loop), p50/p99 from each order's scheduled start, in --rate-windows windows of
  --seconds each. `reserve_p50_ms_*` and `reserve_p99_ms_*` are over every call of all
  the windows (bench.load.pool_windows); each window's are in
  `reserve_at_rate_*.p50_ms_windows` / `p99_ms_windows`, and the median of the windows'
  p99s, which leaves a stalled window out, in `reserve_at_rate_*.p99_ms_median_of_windows`.
  The closed loop's own p99 is reported too (`..._closed_loop`), but it cannot
  show latency at a throughput: with N clients always waiting, the mean latency is
  N / throughput (Little's law), so 64 clients at 500/s wait 128 ms on average whatever
  the server does;
- an oversell check: one SKU with 50 units, N clients reserving 1 unit each in a loop until
  FAILED_PRECONDITION; more than 50 successful reservations is an oversell, and GetStock
  must then show available 0 and reserved 50;
- GetStock (one SKU a call) on SQLite against a trivial asyncio servicer measured right after
  with the same client concurrency (the ratio is what counts on a shared, noisy machine).

The load generator runs in this process, sharing the machine with the service.
`--postgres-replicas N` runs N inventory processes on the PostgreSQL database, as a
deployment scales out (each is one Python process: its event loop is the ceiling of
one replica), with the clients spread over them. On PostgreSQL the outbox is published
by a relay process beside the service (`--relay external`, the Kubernetes deployment's
sidecar), its CPU reported apart (`relay_cpu_ms_per_reserve`); `--relay inline` has the
service publish its own outbox. On SQLite (one process, as `make run`) it is inline.

    .venv/bin/python -m bench.inventory [--seconds 5] [--concurrency 64]
        [--read-concurrency 32] [--rate 500] [--rate-windows 3] [--postgres-replicas 1]
        [--relay external|inline] [--postgres-url postgresql://user@host:port/db]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.inventory_database import DatabaseFigures, bench_database
from bench.inventory_phases import ROOT, SKU_COUNT, SKU_STOCK, create_postgres, drop_postgres, stop
from bench.load import median_p99_ms
from services.common.events.embedded_nats import free_port

# -- the run -------------------------------------------------------------------------------


def _ms(value: float) -> float:
    return round(value, 2)


def _at_rate(figures: DatabaseFigures, rate: float) -> dict[str, object]:
    result = figures.at_rate
    return {
        "offered_rps": rate,
        "achieved_rps": round(result.rps, 1),
        "p50_ms": _ms(result.p50_ms),
        "p99_ms": _ms(result.p99_ms),
        "p50_ms_windows": [_ms(w.p50_ms) for w in figures.at_rate_windows],
        "p99_ms_windows": [_ms(w.p99_ms) for w in figures.at_rate_windows],
        "p99_ms_median_of_windows": _ms(median_p99_ms(figures.at_rate_windows)),
        "errors": figures.at_rate_errors,
        "host_stalls": figures.host_stalls,
    }


async def run(
    seconds: float,
    concurrency: int,
    read_concurrency: int,
    postgres_url: str | None,
    rate: float = 500.0,
    rate_windows: int = 3,
    postgres_replicas: int = 1,
    relay: str = "external",
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

        sqlite = await bench_database(
            "sqlite",
            f"sqlite+aiosqlite:///{tmp / 'inventory.db'}",
            tmp,
            seconds=seconds,
            concurrency=concurrency,
            read_concurrency=read_concurrency,
            rate=rate,
            rate_windows=rate_windows,
            trivial_port=trivial_port,
            # The embedded single-file default runs one process, publishing inline: an
            # external relay would queue for SQLite's one write lock with the service.
            relay="inline",
        )
        stop(trivial)
        postgres: DatabaseFigures | None = None
        if postgres_url:
            pg_service_url = await create_postgres(postgres_url)
            postgres = await bench_database(
                "postgres",
                pg_service_url,
                tmp,
                seconds=seconds,
                concurrency=concurrency,
                read_concurrency=read_concurrency,
                rate=rate,
                rate_windows=rate_windows,
                trivial_port=None,
                replicas=postgres_replicas,
                relay=relay,
            )
    finally:
        stop(trivial)
        if postgres_url and pg_service_url:
            await drop_postgres(postgres_url, pg_service_url)
        shutil.rmtree(tmp, ignore_errors=True)

    assert sqlite.trivial is not None
    pg = postgres
    oversold = sqlite.oversell["oversold"] + (pg.oversell["oversold"] if pg else 0)
    return {
        "reserve_rps_sqlite": round(sqlite.reserve.rps, 1),
        "reserve_p50_ms_sqlite": _ms(sqlite.at_rate.p50_ms),
        "reserve_p99_ms_sqlite": _ms(sqlite.at_rate.p99_ms),
        "reserve_p99_ms_sqlite_closed_loop": _ms(sqlite.reserve.p99_ms),
        "reserve_errors_sqlite": sqlite.reserve_errors,
        "reserve_at_rate_sqlite": _at_rate(sqlite, rate),
        "reserve_rps_postgres": round(pg.reserve.rps, 1) if pg else None,
        "reserve_p50_ms_postgres": _ms(pg.at_rate.p50_ms) if pg else None,
        "reserve_p99_ms_postgres": _ms(pg.at_rate.p99_ms) if pg else None,
        "reserve_p99_ms_postgres_closed_loop": _ms(pg.reserve.p99_ms) if pg else None,
        "reserve_errors_postgres": pg.reserve_errors if pg else None,
        "reserve_at_rate_postgres": _at_rate(pg, rate) if pg else None,
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
        "postgres_replicas": postgres_replicas,
        "outbox_relay": relay,
        "skus": SKU_COUNT,
        "units_per_sku": SKU_STOCK,
        "concurrency": concurrency,
        "read_concurrency": read_concurrency,
        "seconds_per_measure": seconds,
        "timings_s": {"sqlite": sqlite.timings, "postgres": pg.timings if pg else None},
        "wall_seconds": round(time.perf_counter() - started, 1),
        "targets": {
            "reserve_rps_postgres": ">= 500",
            "reserve_p99_ms_postgres": f"< 50 (at {rate:g}/s offered)",
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
        "--rate", type=float, default=500.0, help="offered Reserves/s for the latency measure"
    )
    parser.add_argument(
        "--rate-windows",
        type=int,
        default=3,
        help="windows of --seconds at the rate; the p50/p99 reported are over all their calls",
    )
    parser.add_argument(
        "--postgres-replicas",
        type=int,
        default=1,
        help="inventory processes on PostgreSQL (clients spread over them), as replicas run",
    )
    parser.add_argument(
        "--relay",
        choices=("external", "inline"),
        default="external",
        help="who publishes the outbox: a relay process beside the service, as deployed "
        "on Kubernetes (default), or the service process itself, as `make run` does",
    )
    parser.add_argument(
        "--postgres-url",
        default=None,
        help="postgresql://user@host:port/db (default: $TEST_POSTGRES_URL; none: SQLite only)",
    )
    args = parser.parse_args()
    postgres_url = args.postgres_url or os.environ.get("TEST_POSTGRES_URL") or None
    figures = asyncio.run(
        run(
            args.seconds,
            args.concurrency,
            args.read_concurrency,
            postgres_url,
            rate=args.rate,
            rate_windows=args.rate_windows,
            postgres_replicas=args.postgres_replicas,
            relay=args.relay,
        )
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
