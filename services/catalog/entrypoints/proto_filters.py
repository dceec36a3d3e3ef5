"""Enums and request parameters (update masks, list filters, page sizes) <-> domain.

Split out of proto_mapping, which re-exports every public name here: import from there.
Only structural checks live here; business rules stay in the domain.
"""

from __future__ import annotations

from google.protobuf.field_mask_pb2 import FieldMask
from syncstore.catalog.v1 import catalog_service_pb2, product_pb2
from syncstore.common.v1 import common_pb2

from services.catalog.domain.model import ProductStatus
from services.catalog.domain.product_query import ORDER_BY_FIELDS, ProductQuery
from services.common.errors import InvalidArgument, ViolationCollector
from services.common.platforms import Platform

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

_PLATFORM_TO_PROTO: dict[Platform, common_pb2.Platform.ValueType] = {
    Platform.SHOPEE: common_pb2.PLATFORM_SHOPEE,
    Platform.TIKTOK_SHOP: common_pb2.PLATFORM_TIKTOK_SHOP,
    Platform.TOKOPEDIA: common_pb2.PLATFORM_TOKOPEDIA,
    Platform.LAZADA: common_pb2.PLATFORM_LAZADA,
    Platform.SHOPIFY: common_pb2.PLATFORM_SHOPIFY,
    Platform.WOOCOMMERCE: common_pb2.PLATFORM_WOOCOMMERCE,
}
_PLATFORM_FROM_PROTO: dict[int, Platform] = {v: k for k, v in _PLATFORM_TO_PROTO.items()}
_PLATFORM_CHOICES = "must be one of " + ", ".join(
    common_pb2.Platform.Name(v) for v in _PLATFORM_TO_PROTO.values()
)

_STATUS_TO_PROTO: dict[ProductStatus, product_pb2.ProductStatus.ValueType] = {
    ProductStatus.DRAFT: product_pb2.PRODUCT_STATUS_DRAFT,
    ProductStatus.ACTIVE: product_pb2.PRODUCT_STATUS_ACTIVE,
    ProductStatus.ARCHIVED: product_pb2.PRODUCT_STATUS_ARCHIVED,
}
_STATUS_FROM_PROTO: dict[int, ProductStatus] = {v: k for k, v in _STATUS_TO_PROTO.items()}
_STATUS_CHOICES = "must be one of " + ", ".join(
    product_pb2.ProductStatus.Name(v) for v in _STATUS_TO_PROTO.values()
)

# Product fields an update mask may name; each equals the domain attribute's name.
UPDATABLE_FIELDS: frozenset[str] = frozenset(
    {
        "sku",
        "title",
        "description",
        "brand",
        "category",
        "product_type",
        "tags",
        "status",
        "base_price",
        "compare_at_price",
        "weight_grams",
        "dimensions",
        "images",
        "options",
        "variants",
        "attributes",
        "platform_overrides",
        "seo_title",
        "published",
    }
)


def platform_to_proto(platform: Platform) -> common_pb2.Platform.ValueType:
    """The protobuf enum value of a domain platform."""
    return _PLATFORM_TO_PROTO[platform]


def platform_from_proto(value: int, field: str) -> Platform:
    """The domain platform; UNSPECIFIED or an unknown value is InvalidArgument on `field`."""
    platform = _PLATFORM_FROM_PROTO.get(value)
    if platform is None:
        raise InvalidArgument.single(field, _PLATFORM_CHOICES)
    return platform


def status_to_proto(status: ProductStatus) -> product_pb2.ProductStatus.ValueType:
    """The protobuf enum value of a domain product status."""
    return _STATUS_TO_PROTO[status]


def status_from_proto(value: int, field: str = "status") -> ProductStatus | None:
    """The domain status, None for UNSPECIFIED; an unknown value is InvalidArgument."""
    if value == product_pb2.PRODUCT_STATUS_UNSPECIFIED:
        return None
    status = _STATUS_FROM_PROTO.get(value)
    if status is None:
        raise InvalidArgument.single(field, _STATUS_CHOICES)
    return status


def mask_paths(mask: FieldMask) -> list[str]:
    """The distinct top-level Product fields an update mask names, in mask order.

    A sub-path ("base_price.amount_minor", "dimensions.width_mm") stands for its whole
    top-level field: updates replace top-level fields only. Anything outside
    UPDATABLE_FIELDS (id, revision, create_time, typos, "*") is InvalidArgument on
    "update_mask", every offending path reported at once; so is an empty mask.
    """
    if not mask.paths:
        raise InvalidArgument.single("update_mask", "must name at least one field")
    errors = ViolationCollector()
    paths: list[str] = []
    for path in mask.paths:
        top = path.split(".", 1)[0]
        if top not in UPDATABLE_FIELDS:
            errors.add("update_mask", f"unknown field '{path}'")
        elif top not in paths:
            paths.append(top)
    errors.raise_if_any()
    return paths


def _order_by(text: str, errors: ViolationCollector) -> tuple[str, bool]:
    """("field", descending) from "field" or "field desc"; ("", False) when empty."""
    words = text.lower().split()
    if not words:
        return "", False
    if words[0] in ORDER_BY_FIELDS and (words[1:] == [] or words[1:] == ["desc"]):
        return words[0], len(words) == 2
    errors.add(
        "order_by",
        f"unsupported ordering '{text}': use one of {', '.join(sorted(ORDER_BY_FIELDS))},"
        " optionally followed by ' desc'",
    )
    return "", False


def product_query_from_proto(
    query: str, filter: catalog_service_pb2.ProductFilter, order_by: str
) -> ProductQuery:
    """A repository query from a request's free text, filter and order_by.

    The request-level `query` and `filter.query` are joined (every word must match).
    Status and platform UNSPECIFIED mean "any"; tags are stripped and blanks dropped.
    All violations are reported together.
    """
    errors = ViolationCollector()
    status: ProductStatus | None = None
    try:
        status = status_from_proto(filter.status, "filter.status")
    except InvalidArgument as exc:
        errors.violations.extend(exc.violations)
    platform: Platform | None = None
    if filter.platform != common_pb2.PLATFORM_UNSPECIFIED:
        try:
            platform = platform_from_proto(filter.platform, "filter.platform")
        except InvalidArgument as exc:
            errors.violations.extend(exc.violations)
    min_price = filter.min_price_minor if filter.HasField("min_price_minor") else None
    max_price = filter.max_price_minor if filter.HasField("max_price_minor") else None
    if min_price is not None and min_price < 0:
        errors.add("filter.min_price_minor", "must not be negative")
    if max_price is not None and max_price < 0:
        errors.add("filter.max_price_minor", "must not be negative")
    if min_price is not None and max_price is not None and 0 <= max_price < min_price:
        errors.add("filter.min_price_minor", "must not exceed filter.max_price_minor")
    order_field, descending = _order_by(order_by, errors)
    errors.raise_if_any()
    return ProductQuery(
        query=" ".join(q for q in (query.strip(), filter.query.strip()) if q),
        category=filter.category.strip(),
        status=status,
        min_price_minor=min_price,
        max_price_minor=max_price,
        platform=platform,
        tags=[t.strip() for t in filter.tags if t.strip()],
        order_by=order_field,
        descending=descending,
    )


def page_size_from_proto(value: int, field: str = "page_size") -> int:
    """The page size to use: 0 means DEFAULT_PAGE_SIZE; outside 0..MAX_PAGE_SIZE is invalid."""
    if value == 0:
        return DEFAULT_PAGE_SIZE
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidArgument.single(field, f"must be between 0 and {MAX_PAGE_SIZE}")
    return value
