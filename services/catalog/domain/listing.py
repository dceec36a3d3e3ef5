"""What a master product becomes on one platform in one market, and what blocks it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from services.catalog.domain.model import Product, ProductStatus
from services.catalog.domain.platform_rules import find_forbidden_terms, rules_for
from services.catalog.domain.pricing import apply_rule, resolve_rule
from services.catalog.domain.pricing_model import PricingRule
from services.catalog.domain.seo import SIMILARITY_MAX, SIMILARITY_MIN, generate_seo_title
from services.common.money import MARKET_CURRENCIES, Money
from services.common.platforms import Platform

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ListingIssue:
    """One problem with a listing; errors block publishing, warnings do not."""

    code: str
    field: str
    message: str
    severity: Severity = "error"


@dataclass
class ListingVariant:
    sku: str
    option_values: list[str]
    price: Money
    compare_at_price: Money | None = None


@dataclass
class PlatformListing:
    platform: Platform
    market: str
    currency: str
    title: str
    category: str
    enabled: bool
    variants: list[ListingVariant] = field(default_factory=list)
    issues: list[ListingIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ListingIssue]:
        """The issues that block publishing."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def publishable(self) -> bool:
        """Enabled and free of errors."""
        return self.enabled and not self.errors


def _attribute_value(product: Product, key: str) -> str:
    # Brand lives in its own field on the master product; platforms treat it as an attribute.
    if key.casefold() == "brand" and product.brand.strip():
        return product.brand
    return (product.attribute(key) or "").strip()


def _variants(product: Product, platform: Platform, rule: PricingRule) -> list[ListingVariant]:
    override = product.override_for(platform)
    platform_price = override.price if override is not None else None
    sources = [
        (v.sku, list(v.option_values), product.variant_price(v), v.compare_at_price)
        for v in product.variants
    ]
    if not sources:
        # A product without variants sells as one SKU: its own, at the base price.
        sources = [(product.sku, [], product.base_price, None)]
    out: list[ListingVariant] = []
    for sku, option_values, own_price, compare_at in sources:
        price = apply_rule(rule, platform_price if platform_price is not None else own_price)
        compare_source = compare_at if compare_at is not None else product.compare_at_price
        # The "was" price takes the same markup, or it would undercut the platform price.
        listed_compare = None if compare_source is None else apply_rule(rule, compare_source)
        if listed_compare is not None and listed_compare.amount_minor <= price.amount_minor:
            listed_compare = None
        out.append(ListingVariant(sku, option_values, price, listed_compare))
    return out


def build_platform_listing(
    product: Product, platform: Platform, market: str, rules: Iterable[PricingRule]
) -> PlatformListing:
    """The product as listed on a platform in a market, with every issue that applies."""
    market = market.upper()
    limits = rules_for(platform)
    override = product.override_for(platform)
    seo = generate_seo_title(product, platform)
    market_currency = MARKET_CURRENCIES.get(market)
    variants = _variants(product, platform, resolve_rule(rules, platform, market))
    listing = PlatformListing(
        platform=platform,
        market=market,
        currency=market_currency or product.base_price.currency,
        title=seo.title,
        category=override.category_id if override and override.category_id else product.category,
        enabled=override.enabled if override is not None else True,
        variants=variants,
    )
    issues = listing.issues

    def issue(code: str, field_name: str, message: str, severity: Severity = "error") -> None:
        issues.append(ListingIssue(code, field_name, message, severity))

    title_length = len(listing.title)
    if title_length > limits.max_title_length:
        issue(
            "title_too_long",
            "title",
            f"title has {title_length} characters; {platform} allows {limits.max_title_length}",
        )
    if title_length < max(limits.min_title_length, 1):
        issue(
            "title_too_short",
            "title",
            f"title has {title_length} characters; {platform} needs at least "
            f"{max(limits.min_title_length, 1)}",
        )
    if not seo.overridden and not seo.in_band and listing.title:
        # An explicit override is the merchant's call; only generated titles are held to it.
        issue(
            "title_similarity_out_of_band",
            "title",
            f"generated title's similarity to the master title is {seo.similarity:.2f}, "
            f"outside {SIMILARITY_MIN}-{SIMILARITY_MAX}; set a title override for {platform}",
            "warning",
        )
    for term in find_forbidden_terms(listing.title, limits.forbidden_terms):
        issue("forbidden_term", "title", f"{platform} does not allow {term!r} in titles")
    if len(variants) > limits.max_variants:
        issue(
            "too_many_variants",
            "variants",
            f"{len(variants)} variants; {platform} allows {limits.max_variants} per listing",
        )
    if len(product.images) > limits.max_images:
        issue(
            "too_many_images",
            "images",
            f"{len(product.images)} images; {platform} allows {limits.max_images}",
        )
    if len(product.description) > limits.max_description_length:
        issue(
            "description_too_long",
            "description",
            f"description has {len(product.description)} characters; {platform} allows "
            f"{limits.max_description_length}",
        )
    # Required attributes follow our master taxonomy, not a platform's category id.
    for key in limits.required_attributes_for(product.category):
        if not _attribute_value(product, key):
            issue(
                "missing_attribute",
                f"attributes.{key}",
                f"{platform} requires {key!r} for category {product.category!r}",
            )
    for i, variant in enumerate(variants):
        if variant.price.amount_minor <= 0:
            issue("price_not_positive", f"variants[{i}].price", f"{variant.sku}: price must be > 0")
    if market_currency is None:
        issue("unknown_market", "market", f"unknown market {market!r}")
    else:
        wrong = sorted({v.price.currency for v in variants} - {market_currency})
        if wrong:
            issue(
                "currency_mismatch",
                "currency",
                f"prices in {', '.join(wrong)}; market {market} sells in {market_currency}",
            )
    if product.status == ProductStatus.ARCHIVED:
        issue("product_archived", "status", "archived products are not listed")
    if not listing.enabled:
        issue("platform_disabled", "enabled", f"listing on {platform} is turned off", "warning")
    return listing
