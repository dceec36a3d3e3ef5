"""Protobuf <-> catalog domain translation: list queries (filters, ordering) and page sizes."""

from __future__ import annotations

import pytest
from syncstore.catalog.v1 import catalog_service_pb2, product_pb2
from syncstore.common.v1 import common_pb2

from services.catalog.domain.model import (
    ProductStatus,
)
from services.catalog.domain.product_query import ProductQuery
from services.catalog.entrypoints.proto_mapping import (
    page_size_from_proto,
    product_query_from_proto,
)
from services.common.errors import InvalidArgument
from services.common.platforms import Platform
from tests.support.proto_mapping import fields

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
