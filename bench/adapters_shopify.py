"""Shopify in bench/adapters.py: `run_shopify`, metered in query-cost points.

Shopify limits the GraphQL Admin API by calculated cost, not by requests: a shop's
bucket restores `restoreRate` points/s (100 on the Standard plan; the sandbox's
default bucket holds 2000). The run creates the products (one productSet each, 10
points), then sets the stock of all their SKUs in one `update_stock` (SKU lookups of
≤ 50 at 252 points each, then inventorySetQuantities of ≤ 250 at 10 points).

Reported: `limit_per_s` = the restore rate Shopify reports; `points_per_s` = actual
points charged ÷ wall time; `throughput_ratio` = the points restored and spent during
the run ÷ (restore rate × wall time), i.e. (points charged − the bucket's drawdown
from start to end) / elapsed / rate — 1.0 means the bucket never sat full while work
waited (target ≥ 0.9); `throttled` = THROTTLED answers (bucket + storms, target 0);
`stock_calls` vs `stock_calls_min` = ceil(skus / 50) lookups + ceil(skus / 250) sets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.adapters_create import create_listings
from bench.adapters_platforms import PlatformSpec
from services.catalog.domain.model import Product
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ShopAuth, StockUpdate, TokenPair
from services.sync.adapters.shopify import ShopifyAdapter
from services.sync.adapters.shopify.documents import LOOKUP_BATCH

SET_BATCH = 250


def _shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    keys = ("shop_domain", "client_id", "client_secret", "location_id", "currency")
    expires = datetime.now(UTC) + timedelta(seconds=c["expires_in"])
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.SHOPIFY, str(c["shop_id"]), {k: str(c[k]) for k in keys}, tokens)


def stock_calls_min(skus: Sequence[int]) -> int:
    total = sum(skus)
    return math.ceil(total / LOOKUP_BATCH) + math.ceil(total / SET_BATCH)


SHOPIFY = PlatformSpec(
    key="shopify",
    default_limit=100.0,  # points/s
    currency="SGD",
    category_id="",
    max_title=255,
    max_options=3,
    max_variants=250,
    create_calls=lambda n: 1,
    stock_min=stock_calls_min,
    items_metered=False,
    shop=_shop,
    adapter=lambda url: ShopifyAdapter(url + "/shopify"),
)


async def run_shopify(url: str, catalog: Sequence[Product], cap: int | None) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url) as admin:
        r = await admin.post("/_sandbox/shopify/shops")
        r.raise_for_status()
        creds = r.json()
        shop = SHOPIFY.shop(creds, 0.0)
        path = f"/_sandbox/shopify/shops/{creds['shop_id']}"
        drafts: list[ListingDraft] = [SHOPIFY.draft(p, "SGD") for p in catalog]
        n = min(len(drafts), cap) if cap is not None else len(drafts)
        drafts = drafts[:n]
        adapter = ShopifyAdapter(url + "/shopify")
        start = (await admin.get(f"{path}/throttle")).json()
        cpu0, thread0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
        created, errors = await create_listings(adapter, shop, drafts)
        t1 = time.perf_counter()
        create_requests = sum(adapter.calls.values())
        stock = [StockUpdate(v.seller_sku, 7) for d in created for v in d.variants]
        results = await adapter.update_stock(shop, stock)
        t2 = time.perf_counter()
        cpu, thread_cpu = time.process_time() - cpu0, time.thread_time() - thread0
        end = (await admin.get(f"{path}/throttle")).json()
        faults = (await admin.get(f"{path}/faults")).json()
        seen = len((await admin.get(f"{path}/requests")).json()["requests"])
        await adapter.aclose()

    requests = sum(adapter.calls.values())
    elapsed = t2 - t0
    rate = float(end["restoreRate"])
    points = adapter.client.points_used
    drawdown = float(start["currentlyAvailable"]) - float(end["currentlyAvailable"])
    out: dict[str, Any] = {
        "products": len(created),
        "skus": len(stock),
        "sampled": n < len(catalog),
        "limit_per_s": rate,
        "bucket": float(end["maximumAvailable"]),
        "requests": requests,
        "sandbox_requests": seen,
        "seconds": round(elapsed, 2),
        "create_s": round(t1 - t0, 2),
        "stock_s": round(t2 - t1, 2),
        "requests_per_s": round(requests / elapsed, 2),
        "points": round(points, 1),
        "points_per_s": round(points / elapsed, 2),
        "bucket_drawdown": round(drawdown, 1),
        "throughput_ratio": round((points - drawdown) / elapsed / rate, 3),
        "planner_wait_s": round(adapter.client.planner.waited, 2),
        "throttled": int(end["throttled"]) + int(faults["throttled"]),
        "throttled_seen_by_client": adapter.client.throttled,
        "cost_estimate_mismatches": len(adapter.client.cost_mismatches),
        "stock_calls": requests - create_requests,
        "stock_calls_min": stock_calls_min([len(d.variants) for d in created]),
        "stock_failed": sum(1 for r in results if not r.ok),
        "create_failed": len(errors),
        "client_cpu_s": round(cpu, 2),
        "client_thread_cpu_s": round(thread_cpu, 2),
    }
    if errors:
        out["create_errors_first"] = errors[:3]
    return out
