"""Protobuf <-> catalog domain translation: round trips and structural errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from syncstore.catalog.v1 import catalog_service_pb2, product_pb2
from syncstore.common.v1 import common_pb2

from services.catalog.domain.model import (
    Attribute,
    Dimensions,
    Image,
    Option,
    PlatformOverride,
    Product,
    ProductStatus,
    Variant,
)
from services.catalog.domain.pricing_model import PricingRule
from services.catalog.domain.product_query import ProductQuery
from services.catalog.entrypoints.proto_mapping import (
    UPDATABLE_FIELDS,
    mask_paths,
    money_from_proto,
    money_to_proto,
    page_size_from_proto,
    platform_from_proto,
    platform_to_proto,
    pricing_rule_from_proto,
    pricing_rule_to_proto,
    product_from_proto,
    product_query_from_proto,
    product_to_proto,
    status_from_proto,
    status_to_proto,
)
from services.common.errors import InvalidArgument
from services.common.money import Money
from services.common.platforms import Platform
from tests.support.products import idr, make_product


def rich_product() -> Product:
    """A T-shirt with every field set, even those only the service sets.

    Active at IDR 150,000, as `make_product` makes it.
    """
    return make_product(
        id="p-1",
        sku="TEE-1",
        title="Kaos Polos",
        description="<p>Cotton</p>",
        brand="Acme",
        category="Apparel > Tops",
        product_type="T-Shirt",
        tags=["cotton", "summer"],
        compare_at_price=idr(200000),
        weight_grams=250,
        dimensions=Dimensions(300, 200, 20),
        images=[Image("https://img/1.jpg", "front"), Image("https://img/2.jpg")],
        options=[
            Option("Color", ["Black", "White"]),
            Option("Size", ["M", "L"]),
            Option("Fit", ["Regular"]),
        ],
        variants=[
            Variant("TEE-1-BK-M", ["Black", "M", "Regular"], barcode="899001"),
            Variant(
                "TEE-1-WH-L",
                ["White", "L", "Regular"],
                price=idr(160000),
                compare_at_price=idr(210000),
                weight_grams=0,
                image_url="https://img/2.jpg",
            ),
            Variant("TEE-1-BK-L", ["Black", "L", "Regular"], weight_grams=300),
        ],
        attributes=[Attribute("material", "cotton"), Attribute("origin", "ID")],
        platform_overrides=[
            PlatformOverride(Platform.SHOPEE, title="Kaos Shopee", category_id="100017"),
            PlatformOverride(Platform.TOKOPEDIA, price=idr(155000), enabled=False),
        ],
        seo_title="Kaos polos murah",
        published=False,
        revision=7,
        created_at=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
        updated_at=datetime(2024, 6, 2, 9, 45, 12, 500000, tzinfo=UTC),
    )


def minimal_message(**fields: object) -> product_pb2.Product:
    msg = product_pb2.Product(sku="S", title="T", **fields)  # type: ignore[arg-type]
    msg.base_price.CopyFrom(common_pb2.Money(currency="IDR", amount_minor=1000))
    return msg


def violations(exc: pytest.ExceptionInfo[InvalidArgument]) -> list[tuple[str, str]]:
    return [(v.field, v.description) for v in exc.value.violations]


def fields(exc: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [v.field for v in exc.value.violations]


# --- enums and money -------------------------------------------------------------------


@pytest.mark.parametrize("platform", list(Platform))
def test_platform_round_trip(platform: Platform) -> None:
    value = platform_to_proto(platform)
    assert common_pb2.Platform.Name(value) == f"PLATFORM_{platform.name}"
    assert platform_from_proto(value, "platform") is platform


@pytest.mark.parametrize("value", [common_pb2.PLATFORM_UNSPECIFIED, 99])
def test_platform_unspecified_or_unknown_is_invalid(value: int) -> None:
    with pytest.raises(InvalidArgument) as exc:
        platform_from_proto(value, "listing.platform")
    [(field, reason)] = violations(exc)
    assert field == "listing.platform"
    assert reason.startswith("must be one of PLATFORM_SHOPEE, PLATFORM_TIKTOK_SHOP")
    assert "PLATFORM_WOOCOMMERCE" in reason
    assert "UNSPECIFIED" not in reason


@pytest.mark.parametrize("status", list(ProductStatus))
def test_status_round_trip(status: ProductStatus) -> None:
    assert status_from_proto(status_to_proto(status)) is status


def test_status_unspecified_is_none_and_unknown_is_invalid() -> None:
    assert status_from_proto(product_pb2.PRODUCT_STATUS_UNSPECIFIED) is None
    with pytest.raises(InvalidArgument) as exc:
        status_from_proto(42, "operation.set_status")
    assert fields(exc) == ["operation.set_status"]


def test_money_mapping() -> None:
    assert money_to_proto(None) is None
    msg = money_to_proto(Money("MYR", 1999))
    assert (msg.currency, msg.amount_minor) == ("MYR", 1999)
    assert money_from_proto(msg, "price") == Money("MYR", 1999)
    with pytest.raises(InvalidArgument) as exc:
        money_from_proto(common_pb2.Money(amount_minor=5), "variants[0].price")
    assert fields(exc) == ["variants[0].price.currency"]


# --- products --------------------------------------------------------------------------


def test_rich_product_round_trips() -> None:
    product = rich_product()
    msg = product_to_proto(product)
    back = product_from_proto(msg)
    # Input ignores revision and timestamps (the service sets them); id names the product.
    assert back.id == "p-1"
    assert back.revision == 0
    assert back.created_at is None
    assert back.updated_at is None
    back.revision, back.created_at, back.updated_at = (
        product.revision,
        product.created_at,
        product.updated_at,
    )
    assert back == product
    assert product_to_proto(back) == msg


def test_product_to_proto_optional_fields() -> None:
    msg = product_to_proto(rich_product())
    plain, priced, heavy = msg.variants
    assert not plain.HasField("price")
    assert not plain.HasField("compare_at_price")
    assert not plain.HasField("weight_grams")
    assert priced.HasField("price")
    assert priced.price.amount_minor == 160000
    assert priced.HasField("weight_grams")
    assert priced.weight_grams == 0
    assert heavy.weight_grams == 300
    shopee, tokopedia = msg.platform_overrides
    assert shopee.HasField("enabled")
    assert shopee.enabled is True
    assert not shopee.HasField("price")
    assert tokopedia.HasField("enabled")
    assert tokopedia.enabled is False
    assert tokopedia.platform == common_pb2.PLATFORM_TOKOPEDIA
    assert msg.status == product_pb2.PRODUCT_STATUS_ACTIVE
    assert msg.dimensions.width_mm == 200
    assert [o.name for o in msg.options] == ["Color", "Size", "Fit"]


def test_product_to_proto_leaves_absent_values_unset() -> None:
    product = Product(sku="S", title="T", base_price=idr(1))
    msg = product_to_proto(product)
    assert msg.HasField("base_price")
    assert not msg.HasField("compare_at_price")
    assert not msg.HasField("dimensions")
    assert not msg.HasField("create_time")
    assert not msg.HasField("update_time")
    assert msg.status == product_pb2.PRODUCT_STATUS_DRAFT


def test_timestamps_map_from_aware_datetimes() -> None:
    product = rich_product()
    product.created_at = datetime(2024, 5, 1, 15, 30, tzinfo=timezone(timedelta(hours=7)))
    msg = product_to_proto(product)
    assert msg.create_time.seconds == int(datetime(2024, 5, 1, 8, 30, tzinfo=UTC).timestamp())
    assert msg.create_time.nanos == 0
    assert msg.update_time.ToDatetime(tzinfo=UTC) == product.updated_at
    assert msg.update_time.nanos == 500_000_000


def test_product_from_proto_defaults() -> None:
    msg = product_pb2.Product(sku="S", title="T")
    msg.variants.add(sku="V")
    msg.platform_overrides.add(platform=common_pb2.PLATFORM_LAZADA)
    product = product_from_proto(msg)
    assert product.status is ProductStatus.DRAFT
    assert product.base_price == Money("", 0)  # unset: refused later by validation on create
    assert product.compare_at_price is None
    assert product.dimensions is None
    assert product.variants[0].price is None
    assert product.variants[0].weight_grams is None
    assert product.platform_overrides[0].enabled is True
    assert product.platform_overrides[0].price is None


def test_product_from_proto_keeps_set_zero_dimensions() -> None:
    msg = minimal_message()
    msg.dimensions.SetInParent()
    assert product_from_proto(msg).dimensions == Dimensions(0, 0, 0)


def test_product_from_proto_collects_every_structural_violation() -> None:
    msg = minimal_message(status=9)
    msg.base_price.currency = ""
    msg.compare_at_price.amount_minor = 5
    msg.variants.add(sku="A")
    bad = msg.variants.add(sku="B")
    bad.price.amount_minor = 10
    bad.compare_at_price.currency = " "
    msg.platform_overrides.add(platform=common_pb2.PLATFORM_SHOPEE)
    override = msg.platform_overrides.add(enabled=False)
    override.price.amount_minor = 1
    msg.platform_overrides.add(platform=77)
    with pytest.raises(InvalidArgument) as exc:
        product_from_proto(msg)
    assert fields(exc) == [
        "product.status",
        "product.base_price.currency",
        "product.compare_at_price.currency",
        "product.variants[1].price.currency",
        "product.variants[1].compare_at_price.currency",
        "product.platform_overrides[1].platform",
        "product.platform_overrides[1].price.currency",
        "product.platform_overrides[2].platform",
    ]


def test_product_from_proto_uses_field_prefix() -> None:
    msg = minimal_message()
    msg.platform_overrides.add()
    with pytest.raises(InvalidArgument) as exc:
        product_from_proto(msg, "changes[3].after")
    assert fields(exc) == ["changes[3].after.platform_overrides[0].platform"]


def test_product_from_proto_leaves_domain_rules_to_validation() -> None:
    msg = product_pb2.Product(sku="", title="", weight_grams=-5)
    msg.base_price.CopyFrom(common_pb2.Money(currency="XXX", amount_minor=-1))
    product = product_from_proto(msg)
    assert product.base_price == Money("XXX", -1)
    assert product.weight_grams == -5


# --- update masks ----------------------------------------------------------------------


def test_updatable_fields_are_product_fields() -> None:
    proto_fields = set(product_pb2.Product.DESCRIPTOR.fields_by_name)
    assert proto_fields - UPDATABLE_FIELDS == {"id", "revision", "create_time", "update_time"}
    assert all(hasattr(Product(sku="", title="", base_price=idr(0)), f) for f in UPDATABLE_FIELDS)


def test_mask_paths_keeps_order_and_folds_sub_paths() -> None:
    mask = FieldMask(
        paths=["title", "base_price.amount_minor", "dimensions.width_mm", "base_price", "tags"]
    )
    assert mask_paths(mask) == ["title", "base_price", "dimensions", "tags"]


def test_mask_paths_all_updatable_fields() -> None:
    assert sorted(mask_paths(FieldMask(paths=sorted(UPDATABLE_FIELDS)))) == sorted(UPDATABLE_FIELDS)


def test_mask_paths_empty() -> None:
    with pytest.raises(InvalidArgument) as exc:
        mask_paths(FieldMask())
    assert violations(exc) == [("update_mask", "must name at least one field")]


def test_mask_paths_unknown_fields_reported_together() -> None:
    mask = FieldMask(paths=["title", "id", "revision", "create_time", "titel", "*"])
    with pytest.raises(InvalidArgument) as exc:
        mask_paths(mask)
    assert violations(exc) == [
        ("update_mask", "unknown field 'id'"),
        ("update_mask", "unknown field 'revision'"),
        ("update_mask", "unknown field 'create_time'"),
        ("update_mask", "unknown field 'titel'"),
        ("update_mask", "unknown field '*'"),
    ]


# --- pricing rules ---------------------------------------------------------------------


def test_pricing_rule_round_trip() -> None:
    rule = PricingRule(
        platform=Platform.TIKTOK_SHOP,
        market="MY",
        multiplier=Decimal("1.15"),
        fixed_add_minor=500,
        rounding_step_minor=100,
        charm_ending_minor=90,
        min_price_minor=0,
        max_price_minor=1_000_000,
    )
    msg = pricing_rule_to_proto(rule)
    assert msg.multiplier == "1.15"
    assert msg.platform == common_pb2.PLATFORM_TIKTOK_SHOP
    assert msg.HasField("min_price_minor")
    assert pricing_rule_from_proto(msg) == rule


def test_pricing_rule_optional_fields_and_defaults() -> None:
    rule = PricingRule(platform=Platform.SHOPEE, market="ID", is_default=True)
    msg = pricing_rule_to_proto(rule)
    assert msg.multiplier == "1"
    assert msg.is_default
    assert not msg.HasField("charm_ending_minor")
    assert not msg.HasField("min_price_minor")
    assert not msg.HasField("max_price_minor")

    parsed = pricing_rule_from_proto(
        catalog_service_pb2.PricingRule(platform=common_pb2.PLATFORM_SHOPEE, is_default=True)
    )
    assert parsed == PricingRule(platform=Platform.SHOPEE, market="ID")
    assert parsed.multiplier == Decimal(1)
    assert parsed.rounding_step_minor == 1
    assert parsed.is_default is False


def test_pricing_rule_market_is_normalized() -> None:
    msg = catalog_service_pb2.PricingRule(platform=common_pb2.PLATFORM_LAZADA, market=" sg ")
    assert pricing_rule_from_proto(msg).market == "SG"


def test_pricing_rule_multiplier_scientific_notation_is_plain() -> None:
    rule = PricingRule(platform=Platform.SHOPEE, market="ID", multiplier=Decimal("1E+1"))
    assert pricing_rule_to_proto(rule).multiplier == "10"


@pytest.mark.parametrize("multiplier", ["abc", "1,15", "NaN", "Infinity", "1.1.1"])
def test_pricing_rule_bad_multiplier_and_platform(multiplier: str) -> None:
    msg = catalog_service_pb2.PricingRule(multiplier=multiplier)
    with pytest.raises(InvalidArgument) as exc:
        pricing_rule_from_proto(msg)
    assert fields(exc) == ["rule.platform", "rule.multiplier"]


def test_pricing_rule_field_name() -> None:
    msg = catalog_service_pb2.PricingRule(platform=common_pb2.PLATFORM_SHOPEE, multiplier="x")
    with pytest.raises(InvalidArgument) as exc:
        pricing_rule_from_proto(msg, "rules[2]")
    assert fields(exc) == ["rules[2].multiplier"]


# --- list queries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("", ("", False)),
        ("   ", ("", False)),
        ("title", ("title", False)),
        ("sku desc", ("sku", True)),
        ("BASE_PRICE DESC", ("base_price", True)),
        ("  create_time   Desc ", ("create_time", True)),
        ("update_time", ("update_time", False)),
    ],
)
def test_order_by_parsing(order_by: str, expected: tuple[str, bool]) -> None:
    query = product_query_from_proto("", catalog_service_pb2.ProductFilter(), order_by)
    assert (query.order_by, query.descending) == expected


@pytest.mark.parametrize(
    "order_by", ["price", "title asc", "title desc extra", "desc", "title,sku", "id"]
)
def test_order_by_invalid(order_by: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        product_query_from_proto("", catalog_service_pb2.ProductFilter(), order_by)
    assert fields(exc) == ["order_by"]


def test_product_query_from_full_filter() -> None:
    flt = catalog_service_pb2.ProductFilter(
        query="kaos",
        category="Apparel",
        status=product_pb2.PRODUCT_STATUS_ACTIVE,
        min_price_minor=0,
        max_price_minor=200000,
        platform=common_pb2.PLATFORM_SHOPIFY,
        tags=["summer", " ", " cotton "],
    )
    query = product_query_from_proto(" black ", flt, "title desc")
    assert query == ProductQuery(
        query="black kaos",
        category="Apparel",
        status=ProductStatus.ACTIVE,
        min_price_minor=0,
        max_price_minor=200000,
        platform=Platform.SHOPIFY,
        tags=["summer", "cotton"],
        order_by="title",
        descending=True,
    )


def test_product_query_empty_filter_matches_everything() -> None:
    query = product_query_from_proto("", catalog_service_pb2.ProductFilter(), "")
    assert query == ProductQuery()
    assert query.min_price_minor is None
    assert query.status is None
    assert query.platform is None


def test_product_query_min_above_max() -> None:
    flt = catalog_service_pb2.ProductFilter(min_price_minor=500, max_price_minor=100)
    with pytest.raises(InvalidArgument) as exc:
        product_query_from_proto("", flt, "")
    assert fields(exc) == ["filter.min_price_minor"]


def test_product_query_equal_bounds_ok() -> None:
    flt = catalog_service_pb2.ProductFilter(min_price_minor=100, max_price_minor=100)
    query = product_query_from_proto("", flt, "")
    assert (query.min_price_minor, query.max_price_minor) == (100, 100)


def test_product_query_collects_every_violation() -> None:
    flt = catalog_service_pb2.ProductFilter(
        status=product_pb2.ProductStatus.ValueType(12),
        platform=common_pb2.Platform.ValueType(40),
        min_price_minor=-1,
        max_price_minor=-2,
    )
    with pytest.raises(InvalidArgument) as exc:
        product_query_from_proto("", flt, "bogus")
    assert fields(exc) == [
        "filter.status",
        "filter.platform",
        "filter.min_price_minor",
        "filter.max_price_minor",
        "order_by",
    ]


# --- page sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(0, 50), (1, 1), (37, 37), (200, 200)])
def test_page_size_valid(value: int, expected: int) -> None:
    assert page_size_from_proto(value) == expected


@pytest.mark.parametrize("value", [-1, 201, 10_000])
def test_page_size_invalid(value: int) -> None:
    with pytest.raises(InvalidArgument) as exc:
        page_size_from_proto(value, "request.page_size")
    assert fields(exc) == ["request.page_size"]
    with pytest.raises(InvalidArgument) as exc:
        page_size_from_proto(value)
    assert fields(exc) == ["page_size"]
