"""Idempotency keys on every mutating RPC: same request replays, a different one is refused."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from tests.integration.catalog.conftest import Catalog, make_product
from tests.support.grpc_errors import expect_error


def _update(product_id: str, title: str, key: str) -> pb.UpdateProductRequest:
    return pb.UpdateProductRequest(
        product=product_pb2.Product(id=product_id, title=title),
        update_mask=field_mask_pb2.FieldMask(paths=["title"]),
        idempotency_key=key,
    )


async def test_update_replay_returns_the_first_result(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    meta = catalog.a.metadata
    first = await catalog.a.stub.UpdateProduct(_update(created.id, "T one", "u1"), metadata=meta())
    later = await catalog.a.stub.UpdateProduct(_update(created.id, "T two", "u2"), metadata=meta())
    replay = await catalog.a.stub.UpdateProduct(_update(created.id, "T one", "u1"), metadata=meta())
    assert replay.product == first.product  # revision 2 as it was, not the current revision 3
    assert later.product.revision == 3
    assert (await catalog.a.get_product(created.id)).title == "T two"
    await expect_error(
        catalog.a.stub.UpdateProduct(_update(created.id, "T three", "u1"), metadata=meta()),
        grpc.StatusCode.ALREADY_EXISTS,
    )


async def test_bulk_replay_does_not_apply_twice(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product(price=100_000))
    request = pb.BulkUpdateProductsRequest(
        product_ids=[created.id],
        operation=pb.BulkOperation(price=pb.PriceAdjustment(percent="10")),
        idempotency_key="b1",
    )
    first = await catalog.a.stub.BulkUpdateProducts(request, metadata=catalog.a.metadata())
    again = await catalog.a.stub.BulkUpdateProducts(request, metadata=catalog.a.metadata())
    assert again == first
    assert (await catalog.a.get_product(created.id)).base_price.amount_minor == 110_000


async def test_import_and_pricing_rule_keys(catalog: Catalog) -> None:
    csv = b"Handle,Title,Variant SKU,Variant Price\nk-1,Keyed,K-1,1000\n"
    first = await catalog.a.import_products(csv, idempotency_key="i1")
    again = await catalog.a.import_products(csv, idempotency_key="i1")
    assert first.created == again.created == 1  # the replay reports the first result
    await expect_error(
        catalog.a.import_products(csv + b"k-2,Other,K-2,5\n", idempotency_key="i1"),
        grpc.StatusCode.ALREADY_EXISTS,
    )
    rule = pb.PricingRule(platform=common_pb2.PLATFORM_SHOPIFY, market="ID", multiplier="1.5")
    request = pb.SetPricingRuleRequest(rule=rule, idempotency_key="r1")
    await catalog.a.stub.SetPricingRule(request, metadata=catalog.a.metadata())
    await catalog.a.stub.SetPricingRule(request, metadata=catalog.a.metadata())
    request.rule.multiplier = "2"
    await expect_error(
        catalog.a.stub.SetPricingRule(request, metadata=catalog.a.metadata()),
        grpc.StatusCode.ALREADY_EXISTS,
    )
