"""A running catalog per test (on every database backend) and clients per role/tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from client.catalog import CatalogClient
from services.common.events.embedded_nats import EmbeddedNats
from services.common.runtime import RunningService
from tests.support.catalog import running_catalog


@dataclass
class Catalog:
    service: RunningService
    a: CatalogClient  # tenant-a operator
    viewer: CatalogClient  # tenant-a viewer
    b: CatalogClient  # tenant-b operator

    def client(self, token: str) -> CatalogClient:
        return CatalogClient(self.service.address, token)


@pytest.fixture
async def catalog(database_url: str, nats_server: EmbeddedNats) -> AsyncIterator[Catalog]:
    async with running_catalog(database_url, nats_server.url) as service:
        clients = [CatalogClient(service.address, t) for t in ("op-a", "view-a", "op-b")]
        try:
            yield Catalog(service, *clients)
        finally:
            for c in clients:
                await c.close()


def idr(amount: int) -> common_pb2.Money:
    return common_pb2.Money(currency="IDR", amount_minor=amount)


def make_product(
    sku: str = "TEE-1",
    title: str = "Cotton Tee Shirt",
    price: int = 150_000,
    colors: tuple[str, ...] = ("Red", "Blue", "Green"),
) -> product_pb2.Product:
    """A three-variant product (one Color option)."""
    product = product_pb2.Product(
        sku=sku,
        title=title,
        description="<p>Soft <b>cotton</b></p>",
        brand="Acme",
        category="Apparel > Shirts",
        tags=["summer", "cotton"],
        status=product_pb2.PRODUCT_STATUS_ACTIVE,
        base_price=idr(price),
        weight_grams=200,
        images=[product_pb2.Image(url=f"https://cdn.example.com/{sku}.jpg", alt="front")],
        options=[product_pb2.ProductOption(name="Color", values=list(colors))],
        attributes=[product_pb2.Attribute(key="material", value="cotton")],
    )
    for i, color in enumerate(colors):
        variant = product.variants.add(sku=f"{sku}-{color[:3].upper()}", option_values=[color])
        variant.barcode = f"89900000{i}"
        if i == 1:
            variant.price.CopyFrom(idr(price + 10_000))
    return product
