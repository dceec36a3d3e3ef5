"""ImportProducts / ExportProducts in Shopify CSV, on the real 4,147-product file."""

from __future__ import annotations

import pytest
from syncstore.catalog.v1 import product_pb2

from client.catalog import CatalogClient
from tests.conftest import shared_data_dir
from tests.integration.catalog.conftest import Catalog

CATALOG_FILE = shared_data_dir() / "catalog-4147.shopify.csv"

SMALL_CSV = (
    "\ufeffHandle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Price,Variant Inventory Qty,Image Src,Image Position,Status\n"
    'tee,Tee,"<p>Said ""hi""\nthere</p>",Acme,Size,S,TEE-S,150000.00,5,https://x/1.jpg,1,active\n'
    "tee,,,,,M,TEE-M,155000.00,0,https://x/2.jpg,2,\n"
    "mug,Mug,,Acme,Title,Default Title,MUG-1,50000,12,,,draft\n"
    "bad,Bad,,Acme,Title,Default Title,BAD-1,12.5,1,,,active\n"
).encode()


def _comparable(product: product_pb2.Product) -> product_pb2.Product:
    """The product without identity and bookkeeping, for equality across tenants."""
    copy = product_pb2.Product()
    copy.CopyFrom(product)
    for name in ("id", "revision", "create_time", "update_time"):
        copy.ClearField(name)
    return copy


async def _all(client: CatalogClient) -> dict[str, product_pb2.Product]:
    return {p.sku: p async for p in client.iter_products()}


async def test_small_file_with_quirks(catalog: Catalog) -> None:
    result = await catalog.a.import_products(SMALL_CSV)
    assert (result.created, result.updated, result.failed) == (2, 0, 1)
    assert [(e.row, e.column) for e in result.errors] == [(5, "Variant Price")]
    tee = await catalog.a.get_product(sku="tee")
    assert tee.description == '<p>Said "hi"\nthere</p>'
    assert [v.sku for v in tee.variants] == ["TEE-S", "TEE-M"]
    assert tee.variants[1].price.amount_minor == 155_000
    assert [i.url for i in tee.images] == ["https://x/1.jpg", "https://x/2.jpg"]
    mug = await catalog.a.get_product(sku="mug")
    assert len(mug.options) == 0 and [v.sku for v in mug.variants] == ["MUG-1"]
    again = await catalog.a.import_products(SMALL_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


async def test_dry_run_writes_nothing(catalog: Catalog) -> None:
    result = await catalog.a.import_products(SMALL_CSV, dry_run=True)
    assert result.dry_run and result.created == 2 and result.failed == 1
    assert (await catalog.a.list_products()).total_size == 0


async def test_malformed_file_is_reported(catalog: Catalog) -> None:
    result = await catalog.a.import_products(b"Title,Price\nx,1\n")
    assert result.created == 0
    assert result.errors and result.errors[0].column == "Handle"


@pytest.mark.skipif(not CATALOG_FILE.exists(), reason="needs ../shared/data")
async def test_full_catalog_import_and_round_trip(catalog: Catalog) -> None:
    data = CATALOG_FILE.read_bytes()
    # Small chunks exercise the client stream well below the message limit.
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    result = await catalog.a.import_products(chunks)
    assert (result.created, result.failed) == (4147, 0), list(result.errors)[:5]
    products = await _all(catalog.a)
    assert len(products) == 4147
    assert sum(len(p.variants) for p in products.values()) == 5279

    exported = await catalog.a.export_products()
    imported_b = await catalog.b.import_products(exported)
    assert (imported_b.created, imported_b.failed) == (4147, 0)
    products_b = await _all(catalog.b)
    assert products_b.keys() == products.keys()
    for sku, product in products.items():
        assert _comparable(products_b[sku]) == _comparable(product), sku

    again = await catalog.a.import_products(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4147)
