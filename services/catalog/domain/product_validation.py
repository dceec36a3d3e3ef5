"""Master product validation (every violation at once) and normalisation."""

from __future__ import annotations

import copy
import unicodedata
from urllib.parse import urlparse

from services.catalog.domain.model import MAX_OPTIONS, Product, ProductStatus, Variant
from services.common.errors import ViolationCollector
from services.common.money import Money, is_known_currency
from services.common.platforms import Platform

MAX_SKU_LENGTH = 64
MAX_TITLE_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 65_535
MAX_TEXT_LENGTH = 255
MAX_TAGS = 250
MAX_WEIGHT_GRAMS = 1_000_000
MAX_VARIANTS = 2_048
MAX_IMAGES = 250
MAX_URL_LENGTH = 2_048


def sku_problem(sku: str) -> str | None:
    """Why a SKU is unusable, or None when it is fine."""
    if not sku:
        return "must not be empty"
    if len(sku) > MAX_SKU_LENGTH:
        return f"at most {MAX_SKU_LENGTH} characters"
    # Marketplaces split or trim on whitespace and reject control characters.
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in sku):
        return "must not contain whitespace or control characters"
    return None


def _url_problem(url: str) -> str | None:
    if not url:
        return "must not be empty"
    if len(url) > MAX_URL_LENGTH:
        return f"at most {MAX_URL_LENGTH} characters"
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "must be an http(s) URL"
    return None


def _check_money(
    errors: ViolationCollector, field_name: str, money: Money | None, currency: str
) -> None:
    if money is None:
        return
    if money.amount_minor < 0:
        errors.add(f"{field_name}.amount_minor", "must not be negative")
    if money.currency != currency:
        errors.add(f"{field_name}.currency", f"must be {currency}, the base price's currency")


def _check_options(errors: ViolationCollector, product: Product) -> None:
    if len(product.options) > MAX_OPTIONS:
        errors.add("product.options", f"at most {MAX_OPTIONS} options")
    seen: set[str] = set()
    for i, option in enumerate(product.options):
        name = option.name.strip().casefold()
        if not name:
            errors.add(f"product.options[{i}].name", "must not be empty")
        elif name in seen:
            errors.add(f"product.options[{i}].name", f"duplicate option {option.name!r}")
        seen.add(name)
        if not option.values:
            errors.add(f"product.options[{i}].values", "needs at least one value")
        if any(not v.strip() for v in option.values):
            errors.add(f"product.options[{i}].values", "values must not be empty")
        if len(set(option.values)) != len(option.values):
            errors.add(f"product.options[{i}].values", "values must be unique")


def _check_variants(errors: ViolationCollector, product: Product) -> None:
    variants = product.variants
    if not variants:
        errors.add("product.variants", "needs at least one variant")
    if len(variants) > MAX_VARIANTS:
        errors.add("product.variants", f"at most {MAX_VARIANTS} variants")
    currency = product.base_price.currency
    skus: set[str] = set()
    combos: set[tuple[str, ...]] = set()
    for i, variant in enumerate(variants):
        path = f"product.variants[{i}]"
        problem = sku_problem(variant.sku)
        if problem:
            errors.add(f"{path}.sku", problem)
        elif variant.sku in skus:
            errors.add(f"{path}.sku", f"duplicate variant sku {variant.sku!r}")
        skus.add(variant.sku)
        _check_money(errors, f"{path}.price", variant.price, currency)
        _check_money(errors, f"{path}.compare_at_price", variant.compare_at_price, currency)
        if variant.weight_grams is not None and not 0 <= variant.weight_grams <= MAX_WEIGHT_GRAMS:
            errors.add(f"{path}.weight_grams", f"must be 0 to {MAX_WEIGHT_GRAMS}")
        if variant.image_url and (url_problem := _url_problem(variant.image_url)):
            errors.add(f"{path}.image_url", url_problem)
        _check_option_values(errors, product, variant, path, combos)


def _check_option_values(
    errors: ViolationCollector,
    product: Product,
    variant: Variant,
    path: str,
    combos: set[tuple[str, ...]],
) -> None:
    values = variant.option_values
    if len(values) != len(product.options):
        errors.add(
            f"{path}.option_values",
            f"needs {len(product.options)} values, one per option; has {len(values)}",
        )
        return
    for j, (value, option) in enumerate(zip(values, product.options, strict=True)):
        if value not in option.values:
            errors.add(f"{path}.option_values[{j}]", f"{value!r} is not a {option.name} value")
    combo = tuple(values)
    if combo in combos:
        errors.add(f"{path}.option_values", "another variant has the same option values")
    combos.add(combo)


def validate_product(product: Product) -> None:
    """Raise InvalidArgument listing every violation of the master product rules."""
    errors = ViolationCollector()
    if problem := sku_problem(product.sku):
        errors.add("product.sku", problem)
    if not product.title.strip():
        errors.add("product.title", "must not be empty")
    elif len(product.title) > MAX_TITLE_LENGTH:
        errors.add("product.title", f"at most {MAX_TITLE_LENGTH} characters")
    if len(product.description) > MAX_DESCRIPTION_LENGTH:
        errors.add("product.description", f"at most {MAX_DESCRIPTION_LENGTH} characters")
    for name in ("brand", "category", "product_type"):
        if len(getattr(product, name)) > MAX_TEXT_LENGTH:
            errors.add(f"product.{name}", f"at most {MAX_TEXT_LENGTH} characters")
    if len(product.tags) > MAX_TAGS:
        errors.add("product.tags", f"at most {MAX_TAGS} tags")
    for i, tag in enumerate(product.tags):
        if not tag.strip() or len(tag) > MAX_TEXT_LENGTH:
            errors.add(f"product.tags[{i}]", f"must be 1 to {MAX_TEXT_LENGTH} characters")

    currency = product.base_price.currency
    if not is_known_currency(currency):
        errors.add("product.base_price.currency", f"unknown currency {currency!r}")
    if product.base_price.amount_minor < 0:
        errors.add("product.base_price.amount_minor", "must not be negative")
    _check_money(errors, "product.compare_at_price", product.compare_at_price, currency)
    if not 0 <= product.weight_grams <= MAX_WEIGHT_GRAMS:
        errors.add("product.weight_grams", f"must be 0 to {MAX_WEIGHT_GRAMS}")
    if product.dimensions is not None:
        for name in ("length_mm", "width_mm", "height_mm"):
            if getattr(product.dimensions, name) < 0:
                errors.add(f"product.dimensions.{name}", "must not be negative")

    _check_options(errors, product)
    _check_variants(errors, product)

    if len(product.images) > MAX_IMAGES:
        errors.add("product.images", f"at most {MAX_IMAGES} images")
    for i, image in enumerate(product.images):
        if problem := _url_problem(image.url):
            errors.add(f"product.images[{i}].url", problem)

    keys: set[str] = set()
    for i, attr in enumerate(product.attributes):
        key = attr.key.strip().casefold()
        if not key:
            errors.add(f"product.attributes[{i}].key", "must not be empty")
        elif key in keys:
            errors.add(f"product.attributes[{i}].key", f"duplicate attribute {attr.key!r}")
        keys.add(key)

    platforms: set[Platform] = set()
    for i, override in enumerate(product.platform_overrides):
        path = f"product.platform_overrides[{i}]"
        if not isinstance(override.platform, Platform):
            errors.add(f"{path}.platform", f"unknown platform {override.platform!r}")
        elif override.platform in platforms:
            errors.add(f"{path}.platform", f"second override for {override.platform}")
        platforms.add(override.platform)
        _check_money(errors, f"{path}.price", override.price, currency)

    if not isinstance(product.status, ProductStatus):
        errors.add("product.status", f"unknown status {product.status!r}")
    errors.raise_if_any()


def normalize_product(product: Product) -> Product:
    """A copy with trimmed title/SKUs/tags, de-duplicated tags and at least one variant."""
    out = copy.deepcopy(product)
    out.title = out.title.strip()
    out.sku = out.sku.strip()
    tags: list[str] = []
    seen: set[str] = set()
    for tag in (t.strip() for t in out.tags):
        # Marketplaces and Shopify treat tags case-insensitively; keep the first spelling.
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    out.tags = tags
    for variant in out.variants:
        variant.sku = variant.sku.strip()
    if not out.variants:
        # Every product sells as at least one SKU; a simple product's only variant is
        # the product itself, at the base price, with no option values.
        out.variants = [Variant(sku=out.sku)]
    return out
