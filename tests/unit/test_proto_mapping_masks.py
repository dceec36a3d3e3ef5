"""Protobuf <-> catalog domain translation: update masks and pricing rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from syncstore.catalog.v1 import catalog_service_pb2, product_pb2
from syncstore.common.v1 import common_pb2

from services.catalog.domain.model import (
    Product,
)
from services.catalog.domain.pricing_model import PricingRule
from services.catalog.entrypoints.proto_mapping import (
    UPDATABLE_FIELDS,
    mask_paths,
    pricing_rule_from_proto,
    pricing_rule_to_proto,
)
from services.common.errors import InvalidArgument
from services.common.platforms import Platform
from tests.support.products import idr
from tests.support.proto_mapping import fields, violations

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
