"""`syncctl stock ...`: levels, stock takes and adjustments, history."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
import typer
from rich.console import Console
from rich.table import Table
from syncstore.common.v1 import common_pb2
from syncstore.inventory.v1 import inventory_service_pb2 as pb

from client.errors import describe_rpc_error
from client.inventory import InventoryClient

T = TypeVar("T")
stock_app = typer.Typer(help="The stock ledger.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _run(call: Callable[[InventoryClient], Awaitable[T]]) -> T:
    async def main() -> T:
        async with InventoryClient(
            os.environ.get("SYNCSTORE_INVENTORY_ADDR", "127.0.0.1:50052"),
            os.environ.get("SYNCSTORE_TOKEN", "dev-operator-token"),
        ) as client:
            return await call(client)

    try:
        return asyncio.run(main())
    except grpc.aio.AioRpcError as exc:
        for line in describe_rpc_error(exc):
            err.print(line, markup=False)
        raise typer.Exit(1) from None


def _show(items: list[pb.StockItem]) -> None:
    platforms = [p for p in common_pb2.Platform.values() if p]
    table = Table(
        "sku",
        "on hand",
        "reserved",
        "available",
        "low",
        *(common_pb2.Platform.Name(p).removeprefix("PLATFORM_").lower() for p in platforms),
    )
    for item in items:
        by_platform = {c.platform: c.available_to_sell for c in item.channels if not c.shop_id}
        table.add_row(
            item.sku,
            str(item.on_hand),
            str(item.reserved),
            str(item.available),
            "yes" if item.low_stock else "",
            *(str(by_platform.get(p, "")) for p in platforms),
        )
    console.print(table)


@stock_app.command("get")
def get(skus: list[str]) -> None:
    """Levels and available-to-sell per channel of some SKUs."""
    _show(_run(lambda c: c.get_stock(skus)))


@stock_app.command("low")
def low(limit: int = typer.Option(50, min=1, max=200)) -> None:
    """SKUs at or below their low-stock threshold."""
    page = _run(lambda c: c.list_stock(low_stock_only=True, page_size=limit))
    _show(list(page.items))
    console.print(f"{len(page.items)} of {page.total_size} low-stock SKUs")


@stock_app.command("set")
def set_stock(sku: str, quantity: int, reason: str = "stock take", location: str = "") -> None:
    """Set on-hand at a location (default location when omitted)."""
    _show([_run(lambda c: c.set_stock(sku, quantity, location_id=location, reason=reason))])


@stock_app.command("adjust")
def adjust(sku: str, delta: int, reason: str = "adjustment", location: str = "") -> None:
    """Add (or with a negative delta, remove) units at a location."""
    _show([_run(lambda c: c.adjust_stock(sku, delta, location_id=location, reason=reason))])


@stock_app.command("history")
def history(sku: str, limit: int = typer.Option(50, min=1, max=200)) -> None:
    """The ledger of one SKU, oldest first."""
    entries = _run(lambda c: c.history(sku, limit))
    table = Table(
        "id",
        "location",
        "Δ on hand",
        "Δ reserved",
        "on hand",
        "reserved",
        "source",
        "reason",
        "reference",
    )
    for e in entries:
        table.add_row(
            str(e.id),
            e.location_id,
            f"{e.delta_on_hand:+d}",
            f"{e.delta_reserved:+d}",
            str(e.on_hand_after),
            str(e.reserved_after),
            pb.StockSource.Name(e.source).removeprefix("STOCK_SOURCE_").lower(),
            e.reason,
            e.reference,
        )
    console.print(table)
