"""Adapter benchmark: prints JSON keyed by platform. Not a test; never gates CI.

For each platform (shopee, tiktok, tokopedia, lazada) in one run: the sandbox is started
in-process (uvicorn on a free port, in a background thread with its own event loop), a
shop is created through the admin API at its default rate limit, products from
../shared/data/catalog-4147.shopify.csv (or `demo_catalog_csv(4147)` without ../shared)
are created through the platform's adapter, then the stock of all their SKUs is updated
in one `update_stock` call (the adapter splits it into the platform's batches).

Per platform: `products`, `skus`, `sampled` (fewer than the catalog's products: the
first N, deterministic), `requests_per_s` (HTTP requests the adapter sent ÷ wall time),
`limit_per_s`, `throughput_ratio` (target ≥ 0.9; for Tokopedia, whose limit meters
items, the ratio is of metered units: 1 per request, 1 per item of a bulk call),
`throttled` (the sandbox's rate-limited + throttled answers, from its fault counters),
`stock_calls`, `stock_calls_min` (by the documented batch limits), `client_cpu_s`
(`time.process_time` delta: includes the in-process sandbox), `client_thread_cpu_s`
(the client's thread alone).

Without --products a platform is capped where a full run would exceed 10 minutes at its
limit (Tokopedia at 5 req/s: a sample of the first N). The default `--products 150`
keeps the whole default run under about 3 minutes (scaled from a 60-product run:
Tokopedia ~100 s, Shopee ~35 s); a full run is `--products 4147`.

    .venv/bin/python -m bench.adapters [--platform tiktok ...] [--products 150]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bench.adapters_create import create_listings
from bench.adapters_platforms import SPECS, PlatformSpec
from bench.adapters_shopify import run_shopify
from bench.adapters_woocommerce import WOOCOMMERCE
from sandbox.app import create_app
from sandbox.state import SandboxState
from services.catalog.demo import demo_catalog_csv
from services.catalog.domain.model import Product
from services.catalog.domain.shopify_csv_import import parse_shopify_csv
from services.sync.adapters.base import ListingDraft, StockUpdate

# WooCommerce lives in its own module (bench/adapters_woocommerce.py).
SPECS[WOOCOMMERCE.key] = WOOCOMMERCE
ROOT = Path(__file__).resolve().parents[1]
SHARED_CSV = ROOT.parent / "shared" / "data" / "catalog-4147.shopify.csv"
FULL_RUN_BUDGET_S = 600.0  # sample when a full run would take longer at the limit
DEFAULT_PRODUCTS = 150


class Sandbox:
    """The sandbox app on uvicorn in a background thread, on a free local port."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            create_app(SandboxState(seed=7)),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])), daemon=True
        )

    def __enter__(self) -> Sandbox:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def load_catalog() -> tuple[list[Product], str]:
    if SHARED_CSV.exists():
        data, source = SHARED_CSV.read_bytes(), SHARED_CSV.name
    else:
        data, source = demo_catalog_csv(4147), "generated-4147"
    return [p.product for p in parse_shopify_csv(data).products], source


def units(spec: PlatformSpec, drafts: Sequence[ListingDraft]) -> float:
    """Metered units a run of these drafts needs at least (creates + stock calls)."""
    skus = [len(d.variants) for d in drafts]
    creates = sum(spec.create_calls(n) for n in skus)
    return creates + (sum(skus) if spec.items_metered else spec.stock_min(skus))


def sample_size(spec: PlatformSpec, drafts: Sequence[ListingDraft], limit: float) -> int:
    """The largest prefix whose run fits FULL_RUN_BUDGET_S at `limit`."""
    lo, hi = 0, len(drafts)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if units(spec, drafts[:mid]) / limit <= FULL_RUN_BUDGET_S:
            lo = mid
        else:
            hi = mid - 1
    return lo


async def run_platform(
    url: str, spec: PlatformSpec, catalog: Sequence[Product], cap: int | None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url) as admin:
        r = await admin.post(f"/_sandbox/{spec.key}/shops")
        r.raise_for_status()
        creds = r.json()
        limit = float(creds.get("rate_limit") or spec.default_limit)
        shop = spec.shop(creds, limit)
        currency = str(shop.app.get("currency", ""))
        drafts = [spec.draft(p, currency) for p in catalog]
        n = sample_size(spec, drafts, limit)
        if cap is not None:
            n = min(n, cap)
        drafts = drafts[:n]
        adapter = spec.adapter(url)
        calls = adapter.calls  # type: ignore[attr-defined]
        cpu0, thread0, t0 = time.process_time(), time.thread_time(), time.perf_counter()

        created, errors = await create_listings(adapter, shop, drafts)
        t1 = time.perf_counter()
        create_requests = sum(calls.values())
        stock = [StockUpdate(v.seller_sku, 7) for d in created for v in d.variants]
        results = await adapter.update_stock(shop, stock)
        t2 = time.perf_counter()
        requests = sum(calls.values())
        cpu, thread_cpu = time.process_time() - cpu0, time.thread_time() - thread0
        await adapter.aclose()  # type: ignore[attr-defined]
        shop_path = f"/_sandbox/{spec.key}/shops/{creds['shop_id']}"
        faults = (await admin.get(f"{shop_path}/faults")).json()
        seen = len((await admin.get(f"{shop_path}/requests")).json()["requests"])

    stock_calls = requests - create_requests
    skus = [len(d.variants) for d in created]
    metered = requests - stock_calls + len(stock) if spec.items_metered else requests
    elapsed = t2 - t0
    out: dict[str, Any] = {
        "products": len(created),
        "skus": len(stock),
        "sampled": n < len(catalog),
        "limit_per_s": limit,
        "requests": requests,
        "sandbox_requests": seen,
        "seconds": round(elapsed, 2),
        "create_s": round(t1 - t0, 2),
        "stock_s": round(t2 - t1, 2),
        "requests_per_s": round(requests / elapsed, 2),
        "throughput_ratio": round(metered / elapsed / limit, 3),
        "throttled": int(faults["rate_limited"]) + int(faults["throttled"]),
        "stock_calls": stock_calls,
        "stock_calls_min": spec.stock_min(skus),
        "stock_failed": sum(1 for r in results if not r.ok),
        "create_failed": len(errors),
        "client_cpu_s": round(cpu, 2),
        "client_thread_cpu_s": round(thread_cpu, 2),
    }
    if spec.items_metered:
        # The per-item limit's burst (= the rate) also bounds a bulk call's size.
        out["stock_calls_min_at_limit"] = -(-len(stock) // max(1, int(limit)))
        out["metered_units_per_s"] = round(metered / elapsed, 2)
        out["throttled_items"] = adapter.throttled_items  # type: ignore[attr-defined]
    if errors:
        out["create_errors_first"] = errors[:3]
    return out


async def run(platforms: Sequence[str], cap: int | None) -> dict[str, Any]:
    catalog, source = load_catalog()
    report: dict[str, Any] = {}
    with Sandbox() as sandbox:
        for key in platforms:
            if key == "shopify":  # metered in query-cost points: bench/adapters_shopify.py
                report[key] = await run_shopify(sandbox.url, catalog, cap)
            else:
                report[key] = await run_platform(sandbox.url, SPECS[key], catalog, cap)
            report[key]["catalog"] = source
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--platform", action="append", choices=sorted([*SPECS, "shopify"]))
    parser.add_argument(
        "--products", type=int, default=DEFAULT_PRODUCTS, help="cap per platform (4147: full)"
    )
    args = parser.parse_args(argv)
    platforms = args.platform or [*SPECS, "shopify"]
    print(json.dumps(asyncio.run(run(platforms, args.products)), indent=2))


if __name__ == "__main__":
    main()
