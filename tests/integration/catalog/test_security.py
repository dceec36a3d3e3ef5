"""Authentication, roles and tenant isolation on every CatalogService RPC."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from tests.integration.catalog.conftest import Catalog, make_product
from tests.support.grpc_errors import expect_error


async def test_missing_or_unknown_token_is_unauthenticated(catalog: Catalog) -> None:
    stub = catalog.a.stub
    await expect_error(stub.ListProducts(pb.ListProductsRequest()), grpc.StatusCode.UNAUTHENTICATED)
    await expect_error(
        stub.ListProducts(pb.ListProductsRequest(), metadata=(("authorization", "Bearer nope"),)),
        grpc.StatusCode.UNAUTHENTICATED,
    )
    await expect_error(
        stub.ListProducts(pb.ListProductsRequest(), metadata=(("authorization", "op-a"),)),
        grpc.StatusCode.UNAUTHENTICATED,
    )


async def test_viewer_reads_but_cannot_write(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    assert (await catalog.viewer.get_product(created.id)).id == created.id
    await expect_error(
        catalog.viewer.create_product(make_product(sku="V-1")), grpc.StatusCode.PERMISSION_DENIED
    )
    await expect_error(
        catalog.viewer.import_products(b"Handle,Title\nx,y\n"), grpc.StatusCode.PERMISSION_DENIED
    )


async def test_service_role_can_write(catalog: Catalog) -> None:
    async with catalog.client("svc") as svc:
        created = await svc.create_product(make_product(sku="SVC-1"))
    assert created.sku == "SVC-1"


async def test_tenant_b_never_sees_or_touches_tenant_a(catalog: Catalog) -> None:
    a_product = await catalog.a.create_product(make_product(), idempotency_key="same-key")
    b, meta = catalog.b, catalog.b.metadata
    pid = a_product.id

    await expect_error(b.get_product(pid), grpc.StatusCode.NOT_FOUND)
    await expect_error(b.get_product(sku="TEE-1"), grpc.StatusCode.NOT_FOUND)
    update = pb.UpdateProductRequest(
        product=product_pb2.Product(id=pid, title="hijacked"),
        update_mask=field_mask_pb2.FieldMask(paths=["title"]),
    )
    await expect_error(b.stub.UpdateProduct(update, metadata=meta()), grpc.StatusCode.NOT_FOUND)
    await expect_error(
        b.stub.ArchiveProduct(pb.ArchiveProductRequest(product_id=pid), metadata=meta()),
        grpc.StatusCode.NOT_FOUND,
    )
    assert (await b.list_products()).total_size == 0
    await expect_error(
        b.stub.BulkUpdateProducts(
            pb.BulkUpdateProductsRequest(
                product_ids=[pid], operation=pb.BulkOperation(set_category="x")
            ),
            metadata=meta(),
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    by_filter = await b.stub.BulkUpdateProducts(
        pb.BulkUpdateProductsRequest(
            filter=pb.ProductFilter(), operation=pb.BulkOperation(set_category="x")
        ),
        metadata=meta(),
    )
    assert by_filter.summary.matched == 0
    await expect_error(
        b.stub.ListProductRevisions(
            pb.ListProductRevisionsRequest(product_id=pid), metadata=meta()
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    await expect_error(
        b.stub.RestoreProductRevision(
            pb.RestoreProductRevisionRequest(product_id=pid, revision=1), metadata=meta()
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    await expect_error(
        b.get_platform_listing(pid, common_pb2.PLATFORM_SHOPEE), grpc.StatusCode.NOT_FOUND
    )
    assert b"TEE-1" not in await b.export_products()

    # Same SKU and same idempotency key in tenant B are B's own business.
    b_product = await b.create_product(make_product(), idempotency_key="same-key")
    assert b_product.id != pid
    rule = pb.PricingRule(platform=common_pb2.PLATFORM_SHOPEE, market="ID", multiplier="2")
    await b.stub.SetPricingRule(pb.SetPricingRuleRequest(rule=rule), metadata=meta())
    a_listing = await catalog.a.get_platform_listing(pid, common_pb2.PLATFORM_SHOPEE)
    assert a_listing.variants[0].price.amount_minor == 172_500
    a_rules = await catalog.a.stub.ListPricingRules(
        pb.ListPricingRulesRequest(), metadata=catalog.a.metadata()
    )
    assert all(r.is_default for r in a_rules.rules)
    untouched = await catalog.a.get_product(pid)
    assert untouched.title == a_product.title and untouched.revision == 1
