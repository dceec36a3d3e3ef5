"""Every catalog change is published once through the outbox; a failed one never is."""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy import func, select
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.events.v1 import catalog_events_pb2

from services.common.db import Database
from services.common.events.embedded_nats import EmbeddedNats
from services.common.events.tables import outbox
from tests.integration.catalog.conftest import Catalog, make_product
from tests.support.grpc_errors import expect_error
from tests.support.jetstream import wait_for_messages


def _about(product_id: str) -> Any:
    def match(msg: Any) -> bool:
        event = catalog_events_pb2.ProductChanged.FromString(msg.data)
        return bool(event.product_id == product_id)

    return match


async def test_create_update_archive_publish_one_event_each(
    catalog: Catalog, nats_server: EmbeddedNats
) -> None:
    created = await catalog.a.create_product(make_product(sku="EV-1"))
    await catalog.a.stub.ArchiveProduct(
        pb.ArchiveProductRequest(product_id=created.id), metadata=catalog.a.metadata()
    )
    messages = await wait_for_messages(
        nats_server.url, "CATALOG", "catalog.product.>", _about(created.id), count=2
    )
    assert [m.subject for m in messages] == ["catalog.product.created", "catalog.product.archived"]
    first = catalog_events_pb2.ProductChanged.FromString(messages[0].data)
    assert first.meta.tenant_id == "tenant-a" and first.revision == 1
    assert [v.sku for v in first.variants] == ["EV-1-RED", "EV-1-BLU", "EV-1-GRE"]
    assert messages[0].headers["Nats-Msg-Id"] == first.meta.event_id


async def test_import_event_carries_initial_quantities(
    catalog: Catalog, nats_server: EmbeddedNats
) -> None:
    csv = (
        b"Handle,Title,Variant SKU,Variant Price,Variant Inventory Qty\n"
        b"imp-ev,Thing,IMP-EV,1000,7\n"
    )
    await catalog.a.import_products(csv)
    product = await catalog.a.get_product(sku="imp-ev")
    [message] = await wait_for_messages(
        nats_server.url, "CATALOG", "catalog.product.created", _about(product.id), count=1
    )
    event = catalog_events_pb2.ProductChanged.FromString(message.data)
    assert event.variants[0].sku == "IMP-EV" and event.variants[0].initial_quantity == 7


async def test_failed_change_leaves_no_trace(catalog: Catalog, database_url: str) -> None:
    await catalog.a.create_product(make_product(sku="ONE"))
    clash = make_product(sku="TWO")
    clash.variants[0].sku = "ONE-RED"
    await expect_error(catalog.a.create_product(clash), grpc.StatusCode.ALREADY_EXISTS)
    invalid = make_product(sku="THREE", title="")
    await expect_error(catalog.a.create_product(invalid), grpc.StatusCode.INVALID_ARGUMENT)
    db = Database(database_url)
    try:
        async with db.reader() as session:
            rows = (await session.execute(select(func.count()).select_from(outbox))).scalar_one()
    finally:
        await db.dispose()
    assert rows == 1  # only ONE's creation
    assert (await catalog.a.list_products()).total_size == 1
