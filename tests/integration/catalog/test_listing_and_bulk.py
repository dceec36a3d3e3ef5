"""ListProducts, BulkUpdateProducts, pricing rules and GetPlatformListing."""

from __future__ import annotations

import grpc
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2
from syncstore.common.v1 import common_pb2

from tests.integration.catalog.conftest import Catalog, make_product
from tests.support.grpc_errors import bad_request_fields, expect_error


async def _seed(catalog: Catalog, count: int) -> list[product_pb2.Product]:
    created = []
    for i in range(count):
        product = make_product(
            sku=f"P{i:03d}",
            title=f"Item {i:03d} {'Drone' if i % 2 else 'Motor'}",
            price=10_000 * (i + 1),
            colors=("Red",),
        )
        product.status = (
            product_pb2.PRODUCT_STATUS_ACTIVE if i % 3 else product_pb2.PRODUCT_STATUS_DRAFT
        )
        created.append(await catalog.a.create_product(product))
    return created


async def test_pagination_walks_every_product_once(catalog: Catalog) -> None:
    await _seed(catalog, 25)
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = await catalog.a.list_products(page_size=10, page_token=token, order_by="sku")
        assert page.total_size == 25
        seen += [p.sku for p in page.products]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    assert pages == 3
    assert seen == sorted(seen) and len(set(seen)) == 25


async def test_filters_and_ordering(catalog: Catalog) -> None:
    await _seed(catalog, 12)
    drones = await catalog.a.list_products("drone")
    assert drones.total_size == 6
    drafts = await catalog.a.list_products(
        filter=pb.ProductFilter(status=product_pb2.PRODUCT_STATUS_DRAFT)
    )
    assert {p.sku for p in drafts.products} == {"P000", "P003", "P006", "P009"}
    priced = await catalog.a.list_products(
        filter=pb.ProductFilter(min_price_minor=30_000, max_price_minor=50_000),
        order_by="base_price desc",
    )
    assert [p.base_price.amount_minor for p in priced.products] == [50_000, 40_000, 30_000]


async def test_bad_list_arguments(catalog: Catalog) -> None:
    error = await expect_error(
        catalog.a.list_products(page_size=500), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "page_size" in bad_request_fields(error)
    error = await expect_error(
        catalog.a.list_products(order_by="colour"), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "order_by" in bad_request_fields(error)
    error = await expect_error(
        catalog.a.list_products(page_token="garbage"), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert "page_token" in bad_request_fields(error)


async def test_bulk_price_update_dry_run_then_real(catalog: Catalog) -> None:
    products = await _seed(catalog, 4)
    ids = [p.id for p in products]
    request = pb.BulkUpdateProductsRequest(
        product_ids=ids,
        operation=pb.BulkOperation(
            price=pb.PriceAdjustment(percent="10", rounding_step_minor=1000), add_tags=["sale"]
        ),
        dry_run=True,
    )
    dry = await catalog.a.stub.BulkUpdateProducts(request, metadata=catalog.a.metadata())
    assert dry.dry_run and dry.summary.matched == 4 and dry.summary.changed == 4
    assert [c.after.base_price.amount_minor for c in dry.changes] == [
        11_000,
        22_000,
        33_000,
        44_000,
    ]
    assert (await catalog.a.get_product(ids[0])).base_price.amount_minor == 10_000

    request.dry_run = False
    real = await catalog.a.stub.BulkUpdateProducts(request, metadata=catalog.a.metadata())
    assert real.summary.changed == 4
    after = await catalog.a.get_product(ids[1])
    assert after.base_price.amount_minor == 22_000
    assert "sale" in after.tags and after.revision == 2


async def test_bulk_by_filter_sets_status(catalog: Catalog) -> None:
    await _seed(catalog, 6)
    request = pb.BulkUpdateProductsRequest(
        filter=pb.ProductFilter(query="drone"),
        operation=pb.BulkOperation(set_status=product_pb2.PRODUCT_STATUS_ARCHIVED),
    )
    result = await catalog.a.stub.BulkUpdateProducts(request, metadata=catalog.a.metadata())
    assert result.summary.matched == 3
    archived = await catalog.a.list_products(
        filter=pb.ProductFilter(status=product_pb2.PRODUCT_STATUS_ARCHIVED)
    )
    assert archived.total_size == 3


async def test_default_pricing_and_platform_listing(catalog: Catalog) -> None:
    product = await catalog.a.create_product(make_product(price=150_000))
    shopee = await catalog.a.get_platform_listing(product.id, common_pb2.PLATFORM_SHOPEE)
    tiktok = await catalog.a.get_platform_listing(product.id, common_pb2.PLATFORM_TIKTOK_SHOP)
    assert shopee.variants[0].price.amount_minor == 172_500
    assert tiktok.variants[0].price.amount_minor == 180_000
    # The variant with an override (160,000) is priced from its own price.
    assert shopee.variants[1].price.amount_minor == 184_000
    assert shopee.title != tiktok.title
    assert shopee.currency == "IDR"


async def test_set_pricing_rule_changes_listing(catalog: Catalog) -> None:
    product = await catalog.a.create_product(make_product(price=150_000))
    rule = pb.PricingRule(
        platform=common_pb2.PLATFORM_LAZADA,
        market="ID",
        multiplier="1.10",
        rounding_step_minor=1000,
    )
    await catalog.a.stub.SetPricingRule(
        pb.SetPricingRuleRequest(rule=rule), metadata=catalog.a.metadata()
    )
    rules = await catalog.a.stub.ListPricingRules(
        pb.ListPricingRulesRequest(), metadata=catalog.a.metadata()
    )
    lazada = next(r for r in rules.rules if r.platform == common_pb2.PLATFORM_LAZADA)
    assert lazada.multiplier == "1.10" and not lazada.is_default
    assert len(rules.rules) == 6
    listing = await catalog.a.get_platform_listing(product.id, common_pb2.PLATFORM_LAZADA)
    assert listing.variants[0].price.amount_minor == 165_000
    bad = pb.PricingRule(platform=common_pb2.PLATFORM_LAZADA, market="ID", multiplier="-1")
    error = await expect_error(
        catalog.a.stub.SetPricingRule(
            pb.SetPricingRuleRequest(rule=bad), metadata=catalog.a.metadata()
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "rule.multiplier" in bad_request_fields(error)


async def test_platform_listing_requires_a_platform(catalog: Catalog) -> None:
    product = await catalog.a.create_product(make_product())
    error = await expect_error(
        catalog.a.get_platform_listing(product.id, common_pb2.PLATFORM_UNSPECIFIED),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "platform" in bad_request_fields(error)
