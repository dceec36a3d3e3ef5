"""Protobuf <-> catalog domain translation: enums, money and products (round trips, errors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from syncstore.catalog.v1 import product_pb2
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
from services.catalog.entrypoints.proto_mapping import (
    money_from_proto,
    money_to_proto,
    platform_from_proto,
    platform_to_proto,
    product_from_proto,
    product_to_proto,
    status_from_proto,
    status_to_proto,
)
from services.common.errors import InvalidArgument
from services.common.money import Money
from services.common.platforms import Platform
from tests.support.products import idr, make_product
from tests.support.proto_mapping import fields, violations


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
