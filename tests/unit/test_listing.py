"""Platform listings: price source order, rules, title, category and every issue code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.catalog.domain.listing import ListingIssue, PlatformListing, build_platform_listing
from services.catalog.domain.model import (
    Attribute,
    Image,
    Option,
    PlatformOverride,
    ProductStatus,
    Variant,
)
from services.catalog.domain.platform_rules import PLATFORM_RULES, find_forbidden_terms, rules_for
from services.catalog.domain.pricing_model import PricingRule
from services.catalog.domain.seo import seo_title
from services.common.platforms import Platform
from tests.support.products import idr, make_product


def codes(listing: PlatformListing) -> list[str]:
    return [i.code for i in listing.issues]


def only(listing: PlatformListing, code: str) -> ListingIssue:
    found = [i for i in listing.issues if i.code == code]
    assert len(found) == 1, listing.issues
    return found[0]


def test_clean_product_has_no_issues_on_any_platform():
    for platform in Platform:
        listing = build_platform_listing(make_product(), platform, "ID", [])
        assert listing.issues == [], (platform, listing.issues)
        assert listing.publishable


def test_listing_fields_with_defaults():
    listing = build_platform_listing(make_product(), Platform.SHOPEE, "id", [])
    assert listing.platform == Platform.SHOPEE
    assert listing.market == "ID"
    assert listing.currency == "IDR"
    assert listing.title == seo_title(make_product(), Platform.SHOPEE)
    assert listing.category == "Toys & Games > Toys > Remote Control Toys"
    assert listing.enabled
    assert [(v.sku, v.option_values) for v in listing.variants] == [
        ("MOT-1-195", ["1950KV"]),
        ("MOT-1-245", ["2450KV"]),
    ]
    assert [v.price for v in listing.variants] == [idr(172_500), idr(172_500)]
    tiktok = build_platform_listing(make_product(), Platform.TIKTOK_SHOP, "ID", [])
    assert {v.price for v in tiktok.variants} == {idr(180_000)}


def test_variant_price_override_replaces_base_before_the_rule():
    p = make_product(
        variants=[Variant("A", ["1950KV"], price=idr(100_000)), Variant("B", ["2450KV"])]
    )
    listing = build_platform_listing(p, Platform.SHOPEE, "ID", [])
    assert [v.price for v in listing.variants] == [idr(115_000), idr(172_500)]


def test_platform_override_price_wins_over_variant_and_base_then_rule_applies():
    p = make_product(
        variants=[Variant("A", ["1950KV"], price=idr(100_000)), Variant("B", ["2450KV"])],
        platform_overrides=[PlatformOverride(Platform.SHOPEE, price=idr(200_000))],
    )
    shopee = build_platform_listing(p, Platform.SHOPEE, "ID", [])
    assert [v.price for v in shopee.variants] == [idr(230_000), idr(230_000)]
    lazada = build_platform_listing(p, Platform.LAZADA, "ID", [])
    assert [v.price for v in lazada.variants] == [idr(100_000), idr(150_000)]


def test_tenant_rule_is_used_for_its_platform_and_market():
    rule = PricingRule(
        Platform.SHOPEE, "ID", multiplier=Decimal("1.15"), rounding_step_minor=1000,
        charm_ending_minor=900,
    )  # fmt: skip
    listing = build_platform_listing(make_product(), Platform.SHOPEE, "ID", [rule])
    assert {v.price for v in listing.variants} == {idr(173_900)}
    other = build_platform_listing(make_product(), Platform.TIKTOK_SHOP, "ID", [rule])
    assert {v.price for v in other.variants} == {idr(180_000)}


def test_compare_at_takes_the_same_markup_and_is_dropped_when_not_above_price():
    p = make_product(
        compare_at_price=idr(200_000),
        variants=[
            Variant("A", ["1950KV"]),
            Variant("B", ["2450KV"], compare_at_price=idr(100_000)),
        ],
    )
    listing = build_platform_listing(p, Platform.SHOPEE, "ID", [])
    assert listing.variants[0].compare_at_price == idr(230_000)
    assert listing.variants[1].compare_at_price is None


def test_product_without_variants_lists_as_one_sku_at_base_price():
    p = make_product(options=[], variants=[])
    listing = build_platform_listing(p, Platform.SHOPEE, "ID", [])
    assert [(v.sku, v.option_values, v.price) for v in listing.variants] == [
        ("MOT-1", [], idr(172_500))
    ]


def test_override_title_category_and_enabled():
    p = make_product(
        platform_overrides=[
            PlatformOverride(Platform.LAZADA, title="My Lazada Title For Motors", category_id="42")
        ]
    )
    listing = build_platform_listing(p, Platform.LAZADA, "ID", [])
    assert listing.title == "My Lazada Title For Motors"
    assert listing.category == "42"
    assert "title_similarity_out_of_band" not in codes(listing)  # overrides are the merchant's call
    assert listing.enabled


def test_platform_disabled_is_a_warning():
    p = make_product(platform_overrides=[PlatformOverride(Platform.SHOPEE, enabled=False)])
    listing = build_platform_listing(p, Platform.SHOPEE, "ID", [])
    assert not listing.enabled
    issue = only(listing, "platform_disabled")
    assert (issue.field, issue.severity) == ("enabled", "warning")
    assert not listing.publishable


def test_title_too_long():
    p = make_product(platform_overrides=[PlatformOverride(Platform.TOKOPEDIA, title="Motor " * 20)])
    issue = only(build_platform_listing(p, Platform.TOKOPEDIA, "ID", []), "title_too_long")
    assert (issue.field, issue.severity) == ("title", "error")


def test_title_too_short_for_tiktok_minimum():
    p = make_product(
        platform_overrides=[PlatformOverride(Platform.TIKTOK_SHOP, title="Motor 2450KV")]
    )
    issue = only(build_platform_listing(p, Platform.TIKTOK_SHOP, "ID", []), "title_too_short")
    assert issue.field == "title"
    assert rules_for(Platform.TIKTOK_SHOP).min_title_length == 25


def test_generated_title_out_of_band_is_a_warning():
    p = make_product(title="Propeller", brand="")
    listing = build_platform_listing(p, Platform.SHOPIFY, "ID", [])
    issue = only(listing, "title_similarity_out_of_band")
    assert (issue.field, issue.severity) == ("title", "warning")


@pytest.mark.parametrize(
    ("title", "term"),
    [
        ("HQProp Motor 2450KV Terlaris", "terlaris"),
        ("HQProp Motor BEST  SELLER 2450KV", "best seller"),
        ("HQProp Motor 2450KV 100% Original", "100% original"),
        ("HQProp Motor No.1 2450KV", "no.1"),
        ("HQProp Motor KW 2450KV", "kw"),
        ("HQProp Motor 2450KV hubungi WA", "wa"),
    ],
)
def test_forbidden_term_in_title(title: str, term: str):
    p = make_product(platform_overrides=[PlatformOverride(Platform.SHOPEE, title=title)])
    issue = only(build_platform_listing(p, Platform.SHOPEE, "ID", []), "forbidden_term")
    assert (issue.field, issue.severity) == ("title", "error")
    assert repr(term) in issue.message


def test_forbidden_terms_match_whole_words_only():
    terms = rules_for(Platform.SHOPEE).forbidden_terms
    assert find_forbidden_terms("Kawat Swag Wallet", terms) == []
    assert find_forbidden_terms("replicator nowa", terms) == []
    assert find_forbidden_terms("(WA) replica", terms) == ["replica", "wa"]
    # The web stores keep a shorter list.
    assert find_forbidden_terms("Terlaris motor", rules_for(Platform.SHOPIFY).forbidden_terms) == []


def test_too_many_variants():
    values = [f"V{i}" for i in range(51)]
    p = make_product(
        options=[Option("Size", values)], variants=[Variant(f"S-{v}", [v]) for v in values]
    )
    issue = only(build_platform_listing(p, Platform.SHOPEE, "ID", []), "too_many_variants")
    assert issue.field == "variants"
    assert "too_many_variants" not in codes(
        build_platform_listing(p, Platform.TIKTOK_SHOP, "ID", [])
    )


def test_too_many_images():
    p = make_product(images=[Image(f"https://cdn.example.com/{i}.jpg") for i in range(6)])
    issue = only(build_platform_listing(p, Platform.TOKOPEDIA, "ID", []), "too_many_images")
    assert issue.field == "images"
    assert "too_many_images" not in codes(build_platform_listing(p, Platform.SHOPEE, "ID", []))


def test_description_too_long():
    p = make_product(description="x" * 2001)
    issue = only(build_platform_listing(p, Platform.TOKOPEDIA, "ID", []), "description_too_long")
    assert issue.field == "description"
    assert "description_too_long" not in codes(build_platform_listing(p, Platform.SHOPEE, "ID", []))


def test_missing_required_attribute_for_category():
    p = make_product(brand="", title="Brushless Motor 2806.5 2450KV Racing")
    issue = only(build_platform_listing(p, Platform.SHOPEE, "ID", []), "missing_attribute")
    assert (issue.field, issue.severity) == ("attributes.brand", "error")
    # An attribute satisfies it as well as the brand field; web stores require nothing.
    with_attr = make_product(brand="", attributes=[Attribute("Brand", "HQProp")])
    assert "missing_attribute" not in codes(
        build_platform_listing(with_attr, Platform.SHOPEE, "ID", [])
    )
    assert "missing_attribute" not in codes(build_platform_listing(p, Platform.SHOPIFY, "ID", []))
    phones = make_product(category="Electronics > Mobile Phones")
    missing = build_platform_listing(phones, Platform.LAZADA, "ID", [])
    assert [i.field for i in missing.issues if i.code == "missing_attribute"] == [
        "attributes.model"
    ]


def test_price_not_positive():
    p = make_product(variants=[Variant("A", ["1950KV"], price=idr(0)), Variant("B", ["2450KV"])])
    issue = only(build_platform_listing(p, Platform.SHOPEE, "ID", []), "price_not_positive")
    assert issue.field == "variants[0].price"


def test_currency_mismatch_and_unknown_market():
    listing = build_platform_listing(make_product(), Platform.SHOPEE, "MY", [])
    assert listing.currency == "MYR"
    issue = only(listing, "currency_mismatch")
    assert (issue.field, issue.severity) == ("currency", "error")
    unknown = build_platform_listing(make_product(), Platform.SHOPEE, "XX", [])
    assert only(unknown, "unknown_market").field == "market"
    assert unknown.currency == "IDR"


def test_archived_product():
    p = make_product(status=ProductStatus.ARCHIVED)
    issue = only(build_platform_listing(p, Platform.SHOPEE, "ID", []), "product_archived")
    assert issue.field == "status"


def test_every_platform_has_complete_rules():
    assert set(PLATFORM_RULES) == set(Platform)
    assert rules_for(Platform.SHOPEE).max_title_length == 120
    assert rules_for(Platform.TOKOPEDIA).max_title_length == 70
    assert rules_for(Platform.TIKTOK_SHOP).max_variants == 100
    assert rules_for(Platform.TIKTOK_SHOP).max_images == 9
    assert rules_for(Platform.SHOPIFY).max_variants == 2048
    assert rules_for(Platform.WOOCOMMERCE).max_title_length == 200
    for platform, limits in PLATFORM_RULES.items():
        assert limits.platform == platform
        assert 0 <= limits.min_title_length < limits.max_title_length
