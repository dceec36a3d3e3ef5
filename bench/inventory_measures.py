"""Inventory benchmark measures: Reserve and GetStock load, the trivial baseline, oversell."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
from syncstore.catalog.v1 import catalog_service_pb2 as catalog_pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as catalog_pb_grpc
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

from bench.inventory_phases import CALL_TIMEOUT, MD, OVERSELL_SKU, OVERSELL_STOCK, order_ref
from bench.load import LoadResult, closed_loop, open_loop


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


def _random_reserves(
    stubs: Sequence[pb_grpc.InventoryServiceAsyncStub], skus: list[str], prefix: str, seed: int
) -> Callable[[int], Awaitable[Any]]:
    """Call i: a new order of 1-3 random SKUs, one unit each, to replica i % N."""
    run_id = f"{prefix}{uuid.uuid4().hex[:8]}"
    rng = random.Random(seed)

    def reserve(i: int) -> Awaitable[Any]:
        picked = rng.sample(skus, rng.randint(1, 3))
        request = pb.ReserveRequest(
            order=order_ref(run_id, i),
            lines=[pb.ReservationLine(sku=s, quantity=1) for s in picked],
        )
        return stubs[i % len(stubs)].Reserve(request, metadata=MD, timeout=CALL_TIMEOUT)

    return reserve


async def reserve_load(
    stubs: Sequence[pb_grpc.InventoryServiceAsyncStub],
    skus: list[str],
    concurrency: int,
    seconds: float,
) -> tuple[LoadResult, dict[str, int]]:
    reserve = _random_reserves(stubs, skus, "r", 1)
    return await _measure(reserve, concurrency=concurrency, seconds=seconds)


async def reserve_at_rate(
    stubs: Sequence[pb_grpc.InventoryServiceAsyncStub],
    skus: list[str],
    rate: float,
    seconds: float,
) -> tuple[LoadResult, dict[str, int]]:
    """Reserves arriving at a fixed rate (open loop): the latency at that load."""
    send = _random_reserves(stubs, skus, "a", 2)
    codes: Counter[str] = Counter()

    async def reserve(i: int) -> None:
        try:
            await send(i)
        except Exception as exc:
            codes[_error_code(exc)] += 1
            raise

    result = await open_loop(reserve, rate=rate, seconds=seconds)
    return result, dict(sorted(codes.items()))


async def get_stock_load(
    stub: pb_grpc.InventoryServiceAsyncStub, skus: list[str], concurrency: int, seconds: float
) -> tuple[LoadResult, dict[str, int]]:
    async def get_stock(i: int) -> None:
        request = pb.GetStockRequest(skus=[skus[i % len(skus)]])
        await stub.GetStock(request, metadata=MD, timeout=CALL_TIMEOUT)

    return await _measure(get_stock, concurrency=concurrency, seconds=seconds)


async def trivial_load(port: int, concurrency: int, seconds: float) -> LoadResult:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = catalog_pb_grpc.CatalogServiceStub(channel)

        async def trivial_get(i: int) -> None:
            await stub.GetProduct(catalog_pb.GetProductRequest(product_id="x"), timeout=30)

        result, _ = await _measure(trivial_get, concurrency=concurrency, seconds=seconds)
        return result


async def oversell_check(
    stubs: Sequence[pb_grpc.InventoryServiceAsyncStub], concurrency: int
) -> dict[str, Any]:
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
                order=order_ref(run_id, f"{worker}-{attempt}"),
                lines=[pb.ReservationLine(sku=OVERSELL_SKU, quantity=1)],
            )
            attempt += 1
            try:
                await stubs[worker % len(stubs)].Reserve(request, metadata=MD, timeout=CALL_TIMEOUT)
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
    reply = await stubs[0].GetStock(
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
