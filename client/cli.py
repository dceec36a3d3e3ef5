"""`syncctl`: operate SyncStore from a terminal over gRPC."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import grpc
import typer
from rich.console import Console
from rich.table import Table
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from client.catalog import CatalogClient
from client.errors import describe_rpc_error
from client.stock_cli import stock_app

T = TypeVar("T")

app = typer.Typer(add_completion=False, help="Operate SyncStore over gRPC.", no_args_is_help=True)
products_app = typer.Typer(help="The master catalog.", no_args_is_help=True)
pricing_app = typer.Typer(help="Pricing rules per platform and market.", no_args_is_help=True)
app.add_typer(products_app, name="products")
app.add_typer(pricing_app, name="pricing")
app.add_typer(stock_app, name="stock")
console = Console()
err = Console(stderr=True)


def _client() -> CatalogClient:
    return CatalogClient(
        os.environ.get("SYNCSTORE_CATALOG_ADDR", "127.0.0.1:50051"),
        os.environ.get("SYNCSTORE_TOKEN", "dev-operator-token"),
    )


def _run(call: Callable[[CatalogClient], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _client() as client:
            return await call(client)

    try:
        return asyncio.run(main())
    except grpc.aio.AioRpcError as exc:
        for line in describe_rpc_error(exc):
            err.print(line, markup=False)
        raise typer.Exit(1) from None


def _money(money: object) -> str:
    amount = getattr(money, "amount_minor", 0)
    return f"{amount:,} {getattr(money, 'currency', '')}".strip()


def _status_name(value: int) -> str:
    return product_pb2.ProductStatus.Name(value).removeprefix("PRODUCT_STATUS_").lower()  # type: ignore[arg-type]


def _platform(name: str) -> common_pb2.Platform.ValueType:
    try:
        return common_pb2.Platform.Value(f"PLATFORM_{name.upper()}")
    except ValueError:
        choices = ", ".join(
            n.removeprefix("PLATFORM_").lower()
            for n in common_pb2.Platform.keys()  # noqa: SIM118
            if n != "PLATFORM_UNSPECIFIED"
        )
        raise typer.BadParameter(f"one of {choices}") from None


@products_app.command("list")
def list_products(
    query: str = typer.Argument("", help="Text to search in title, SKU and brand."),
    limit: int = typer.Option(20, min=1, max=200),
    status: str = typer.Option("", help="draft, active or archived."),
) -> None:
    """List products."""
    flt = pb.ProductFilter()
    if status:
        flt.status = product_pb2.ProductStatus.Value(f"PRODUCT_STATUS_{status.upper()}")
    page = _run(lambda c: c.list_products(query, filter=flt, page_size=limit))
    table = Table("id", "sku", "title", "price", "variants", "status", "rev")
    for p in page.products:
        table.add_row(
            p.id,
            p.sku,
            p.title,
            _money(p.base_price),
            str(len(p.variants)),
            _status_name(p.status),
            str(p.revision),
        )
    console.print(table)
    console.print(f"{len(page.products)} of {page.total_size} products")


@products_app.command("get")
def get_product(product_id: str = typer.Argument("", help="Product id."), sku: str = "") -> None:
    """Show one product by id or --sku."""
    product = _run(lambda c: c.get_product(product_id, sku))
    console.print(product)


@products_app.command("import")
def import_products(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Shopify product CSV."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate only."),
    currency: str = typer.Option("", help="Currency of the file's prices (default IDR)."),
) -> None:
    """Import a Shopify product CSV."""
    result = _run(
        lambda c: c.import_products(path.read_bytes(), dry_run=dry_run, currency=currency)
    )
    console.print(
        f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
        f"failed {result.failed}{' (dry run)' if result.dry_run else ''}"
    )
    for e in result.errors[:200]:
        err.print(f"row {e.row} {e.column or '-'}: {e.message}", markup=False)
    if result.failed:
        raise typer.Exit(2)


@products_app.command("export")
def export_products(output: Path = typer.Option(None, "-o", help="File (default stdout).")) -> None:
    """Export the catalog as a Shopify product CSV."""
    data = _run(lambda c: c.export_products())
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


@app.command("listing")
def listing(
    product_id: str,
    platform: str = typer.Option(..., help="shopee, tiktok_shop, tokopedia, lazada, shopify..."),
    market: str = typer.Option("", help="ISO country, default ID."),
) -> None:
    """What a product becomes on one platform: title, prices, issues."""
    result = _run(lambda c: c.get_platform_listing(product_id, _platform(platform), market))
    console.print(f"[bold]{result.title}[/bold]  ({result.category})")
    table = Table("sku", "options", "price")
    for v in result.variants:
        table.add_row(v.sku, " / ".join(v.option_values), _money(v.price))
    console.print(table)
    for issue in result.issues:
        console.print(
            f"{issue.severity}: {issue.code} {issue.field}: {issue.message}", markup=False
        )


@pricing_app.command("list")
def list_rules(market: str = typer.Option("", help="ISO country, default ID.")) -> None:
    """Show the pricing rule of every platform in a market."""
    response = _run(
        lambda c: c.stub.ListPricingRules(
            pb.ListPricingRulesRequest(market=market), metadata=c.metadata()
        )
    )
    table = Table("platform", "market", "multiplier", "add", "step", "default")
    for r in response.rules:
        table.add_row(
            common_pb2.Platform.Name(r.platform).removeprefix("PLATFORM_").lower(),
            r.market,
            r.multiplier,
            str(r.fixed_add_minor),
            str(r.rounding_step_minor),
            "yes" if r.is_default else "",
        )
    console.print(table)


if __name__ == "__main__":
    app()
