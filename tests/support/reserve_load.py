"""A client process that fires Reserves at inventory replicas, all at once.

`python -m tests.support.reserve_load` reads one JSON job line on stdin:

    {"addresses": ["127.0.0.1:5001", ...], "token": "op-a", "timeout": 60,
     "orders": [{"order_id": "o-1", "lines": [["SKU-1", 1], ...]}, ...]}

connects to every address, prints `ready`, waits for a `go` line (so several such
processes start together), then sends every order's Reserve concurrently, order i to
addresses[i % len(addresses)], and prints one JSON line:

    {"counts": {"OK": n, "FAILED_PRECONDITION": n, "other": n},
     "ok": [order ids], "failed_precondition": [order ids], "errors": ["CODE: details", ...]}
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import grpc
from syncstore.common.v1 import common_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb
from syncstore.inventory.v1 import inventory_service_pb2_grpc as pb_grpc

PLATFORM = common_pb2.PLATFORM_SHOPEE
SHOP = "load"


def order_ref(order_id: str) -> pb.OrderRef:
    """The OrderRef the load processes reserve under (for GetReservation afterwards)."""
    return pb.OrderRef(platform=PLATFORM, shop_id=SHOP, order_id=order_id)


async def _reserve(
    stub: pb_grpc.InventoryServiceAsyncStub,
    metadata: tuple[tuple[str, str], ...],
    order: dict[str, Any],
    timeout: float,
) -> tuple[str, str, str]:
    request = pb.ReserveRequest(
        order=order_ref(order["order_id"]),
        lines=[pb.ReservationLine(sku=sku, quantity=qty) for sku, qty in order["lines"]],
    )
    try:
        await stub.Reserve(request, metadata=metadata, timeout=timeout)
    except grpc.aio.AioRpcError as exc:
        return order["order_id"], exc.code().name, exc.details() or ""
    except Exception as exc:  # anything else is an "other" outcome, reported in full
        return order["order_id"], type(exc).__name__, str(exc)
    return order["order_id"], "OK", ""


async def run(job: dict[str, Any]) -> dict[str, Any]:
    addresses: list[str] = job["addresses"]
    timeout = float(job.get("timeout", 60))
    metadata = (("authorization", f"Bearer {job['token']}"),)
    channels = [grpc.aio.insecure_channel(a) for a in addresses]
    try:
        for channel in channels:
            await asyncio.wait_for(channel.channel_ready(), timeout)
        stubs = [pb_grpc.InventoryServiceStub(c) for c in channels]
        print("ready", flush=True)
        go = await asyncio.to_thread(sys.stdin.readline)
        if go.strip() != "go":
            raise SystemExit(f"expected 'go', got {go!r}")
        outcomes = await asyncio.gather(
            *(
                _reserve(stubs[i % len(stubs)], metadata, order, timeout)
                for i, order in enumerate(job["orders"])
            )
        )
    finally:
        for channel in channels:
            await channel.close()
    counts = {"OK": 0, "FAILED_PRECONDITION": 0, "other": 0}
    result: dict[str, Any] = {"counts": counts, "ok": [], "failed_precondition": [], "errors": []}
    for order_id, code, details in outcomes:
        if code == "OK":
            counts["OK"] += 1
            result["ok"].append(order_id)
        elif code == "FAILED_PRECONDITION":
            counts["FAILED_PRECONDITION"] += 1
            result["failed_precondition"].append(order_id)
        else:
            counts["other"] += 1
            result["errors"].append(f"{order_id} {code}: {details}")
    return result


def main() -> None:
    job = json.loads(sys.stdin.readline())
    print(json.dumps(asyncio.run(run(job))), flush=True)


if __name__ == "__main__":
    main()
