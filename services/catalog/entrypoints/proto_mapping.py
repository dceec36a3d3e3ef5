"""Catalog protobuf messages <-> domain objects: translation only, no business rules.

Input mappers reject only what the domain cannot see (an UNSPECIFIED enum, a set Money
without a currency), collecting every violation before raising InvalidArgument. Content
rules (non-empty title, known currency, ...) belong to domain/product_validation.py.
Enum, update-mask, filter and page-size helpers live in proto_filters and are re-exported.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar, overload

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
from services.catalog.entrypoints.proto_filters import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    UPDATABLE_FIELDS,
    mask_paths,
    page_size_from_proto,
    platform_from_proto,
    platform_to_proto,
    product_query_from_proto,
    status_from_proto,
    status_to_proto,
)
from services.common.errors import InvalidArgument, ViolationCollector
from services.common.money import Money
from services.common.platforms import Platform
from services.common.proto_time import timestamp_of

__all__ = [
    "DEFAULT_MARKET",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "UPDATABLE_FIELDS",
    "mask_paths",
    "money_from_proto",
    "money_to_proto",
    "page_size_from_proto",
    "platform_from_proto",
    "platform_to_proto",
    "pricing_rule_from_proto",
    "pricing_rule_to_proto",
    "product_from_proto",
    "product_query_from_proto",
    "product_to_proto",
    "status_from_proto",
    "status_to_proto",
]

# Market of a pricing rule that names none.
DEFAULT_MARKET = "ID"

_T = TypeVar("_T")


def _gather(errors: ViolationCollector, convert: Callable[[], _T], fallback: _T) -> _T:
    """convert(), or `fallback` after recording its InvalidArgument violations."""
    try:
        return convert()
    except InvalidArgument as exc:
        errors.violations.extend(exc.violations)
        return fallback


@overload
def money_to_proto(money: Money) -> common_pb2.Money: ...
@overload
def money_to_proto(money: None) -> None: ...
@overload
def money_to_proto(money: Money | None) -> common_pb2.Money | None: ...
def money_to_proto(money: Money | None) -> common_pb2.Money | None:
    """The protobuf Money, or None for no amount."""
    if money is None:
        return None
    return common_pb2.Money(currency=money.currency, amount_minor=money.amount_minor)


def money_from_proto(msg: common_pb2.Money, field: str) -> Money:
    """The domain Money of a present message; an empty currency is InvalidArgument."""
    if not msg.currency.strip():
        raise InvalidArgument.single(f"{field}.currency", "required")
    return Money(msg.currency, msg.amount_minor)


def product_to_proto(product: Product) -> product_pb2.Product:
    """Every field of the product, identity and bookkeeping included."""
    msg = product_pb2.Product(
        id=product.id,
        sku=product.sku,
        title=product.title,
        description=product.description,
        brand=product.brand,
        category=product.category,
        product_type=product.product_type,
        tags=product.tags,
        status=status_to_proto(product.status),
        weight_grams=product.weight_grams,
        images=[product_pb2.Image(url=i.url, alt=i.alt) for i in product.images],
        options=[product_pb2.ProductOption(name=o.name, values=o.values) for o in product.options],
        attributes=[product_pb2.Attribute(key=a.key, value=a.value) for a in product.attributes],
        seo_title=product.seo_title,
        published=product.published,
        revision=product.revision,
    )
    msg.base_price.CopyFrom(money_to_proto(product.base_price))
    if product.compare_at_price is not None:
        msg.compare_at_price.CopyFrom(money_to_proto(product.compare_at_price))
    if product.dimensions is not None:
        d = product.dimensions
        msg.dimensions.CopyFrom(
            product_pb2.Dimensions(
                length_mm=d.length_mm, width_mm=d.width_mm, height_mm=d.height_mm
            )
        )
    for v in product.variants:
        variant = msg.variants.add(
            sku=v.sku, option_values=v.option_values, barcode=v.barcode, image_url=v.image_url
        )
        if v.price is not None:
            variant.price.CopyFrom(money_to_proto(v.price))
        if v.compare_at_price is not None:
            variant.compare_at_price.CopyFrom(money_to_proto(v.compare_at_price))
        if v.weight_grams is not None:
            variant.weight_grams = v.weight_grams
    for o in product.platform_overrides:
        override = msg.platform_overrides.add(
            platform=platform_to_proto(o.platform),
            title=o.title,
            category_id=o.category_id,
            enabled=o.enabled,
        )
        if o.price is not None:
            override.price.CopyFrom(money_to_proto(o.price))
    if product.created_at is not None:
        msg.create_time.CopyFrom(timestamp_of(product.created_at))
    if product.updated_at is not None:
        msg.update_time.CopyFrom(timestamp_of(product.updated_at))
    return msg


def _optional_money(
    errors: ViolationCollector, present: bool, msg: common_pb2.Money, field: str
) -> Money | None:
    """The Money of a message field when set, else None; violations are recorded."""
    if not present:
        return None
    return _gather(errors, lambda: money_from_proto(msg, field), None)


def _variant_from_proto(errors: ViolationCollector, v: product_pb2.Variant, field: str) -> Variant:
    """One variant; an unset price or weight means "the product's"."""
    return Variant(
        sku=v.sku,
        option_values=list(v.option_values),
        price=_optional_money(errors, v.HasField("price"), v.price, f"{field}.price"),
        compare_at_price=_optional_money(
            errors, v.HasField("compare_at_price"), v.compare_at_price, f"{field}.compare_at_price"
        ),
        barcode=v.barcode,
        weight_grams=v.weight_grams if v.HasField("weight_grams") else None,
        image_url=v.image_url,
    )


def _override_from_proto(
    errors: ViolationCollector, o: product_pb2.PlatformOverride, field: str
) -> PlatformOverride:
    """One platform override; an unset `enabled` means enabled."""
    return PlatformOverride(
        platform=_gather(
            errors, lambda: platform_from_proto(o.platform, f"{field}.platform"), Platform.SHOPEE
        ),
        title=o.title,
        category_id=o.category_id,
        price=_optional_money(errors, o.HasField("price"), o.price, f"{field}.price"),
        enabled=o.enabled if o.HasField("enabled") else True,
    )


def product_from_proto(msg: product_pb2.Product, field_prefix: str = "product") -> Product:
    """The domain product of an input message; see the notes below.

    `id` is kept (UpdateProduct names its product by it; create overwrites it), while
    revision and timestamps are ignored: the service layer sets them. Status UNSPECIFIED
    means DRAFT. An unset base_price becomes Money("", 0): an update whose mask leaves it
    out never reads it, and product validation refuses it on create. Every structural
    violation is reported at once, with paths like "product.platform_overrides[0].platform".
    """
    p = field_prefix
    errors = ViolationCollector()
    status = _gather(errors, lambda: status_from_proto(msg.status, f"{p}.status"), None)
    base_price = _optional_money(
        errors, msg.HasField("base_price"), msg.base_price, f"{p}.base_price"
    )
    dims = msg.dimensions
    product = Product(
        id=msg.id,
        sku=msg.sku,
        title=msg.title,
        description=msg.description,
        brand=msg.brand,
        category=msg.category,
        product_type=msg.product_type,
        tags=list(msg.tags),
        status=status or ProductStatus.DRAFT,
        base_price=base_price or Money("", 0),
        compare_at_price=_optional_money(
            errors, msg.HasField("compare_at_price"), msg.compare_at_price, f"{p}.compare_at_price"
        ),
        weight_grams=msg.weight_grams,
        dimensions=Dimensions(dims.length_mm, dims.width_mm, dims.height_mm)
        if msg.HasField("dimensions")
        else None,
        images=[Image(url=i.url, alt=i.alt) for i in msg.images],
        options=[Option(name=o.name, values=list(o.values)) for o in msg.options],
        variants=[
            _variant_from_proto(errors, v, f"{p}.variants[{n}]") for n, v in enumerate(msg.variants)
        ],
        attributes=[Attribute(key=a.key, value=a.value) for a in msg.attributes],
        platform_overrides=[
            _override_from_proto(errors, o, f"{p}.platform_overrides[{n}]")
            for n, o in enumerate(msg.platform_overrides)
        ],
        seo_title=msg.seo_title,
        published=msg.published,
    )
    errors.raise_if_any()
    return product


def pricing_rule_to_proto(rule: PricingRule) -> catalog_service_pb2.PricingRule:
    """The protobuf pricing rule; the multiplier as a plain decimal string."""
    msg = catalog_service_pb2.PricingRule(
        platform=platform_to_proto(rule.platform),
        market=rule.market,
        multiplier=format(rule.multiplier, "f"),
        fixed_add_minor=rule.fixed_add_minor,
        rounding_step_minor=rule.rounding_step_minor,
        is_default=rule.is_default,
    )
    if rule.charm_ending_minor is not None:
        msg.charm_ending_minor = rule.charm_ending_minor
    if rule.min_price_minor is not None:
        msg.min_price_minor = rule.min_price_minor
    if rule.max_price_minor is not None:
        msg.max_price_minor = rule.max_price_minor
    return msg


def pricing_rule_from_proto(
    msg: catalog_service_pb2.PricingRule, field: str = "rule"
) -> PricingRule:
    """The domain rule of an input message; proto defaults become domain defaults.

    Empty multiplier means "1"; a multiplier that is not a finite decimal is
    InvalidArgument on "<field>.multiplier". The market is stripped and uppercased, and
    empty means DEFAULT_MARKET ("ID"). rounding_step_minor 0 means 1 (no rounding).
    Unset optional bounds stay None; is_default is output only and read as False.
    """
    errors = ViolationCollector()
    platform = _gather(
        errors, lambda: platform_from_proto(msg.platform, f"{field}.platform"), Platform.SHOPEE
    )
    multiplier = Decimal(1)
    text = msg.multiplier.strip()
    if text:
        try:
            multiplier = Decimal(text)
        except InvalidOperation:
            multiplier = Decimal("NaN")
        if not multiplier.is_finite():
            errors.add(f"{field}.multiplier", "must be a decimal number like 1.15")
    errors.raise_if_any()
    return PricingRule(
        platform=platform,
        market=msg.market.strip().upper() or DEFAULT_MARKET,
        multiplier=multiplier,
        fixed_add_minor=msg.fixed_add_minor,
        rounding_step_minor=msg.rounding_step_minor or 1,
        charm_ending_minor=msg.charm_ending_minor if msg.HasField("charm_ending_minor") else None,
        min_price_minor=msg.min_price_minor if msg.HasField("min_price_minor") else None,
        max_price_minor=msg.max_price_minor if msg.HasField("max_price_minor") else None,
    )
