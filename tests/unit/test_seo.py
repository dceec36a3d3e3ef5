"""SEO titles: within limits, similar but not identical to the master, distinct per platform."""

from __future__ import annotations

import csv
import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.catalog.domain.model import Attribute, Option, PlatformOverride, Product
from services.catalog.domain.platform_rules import rules_for
from services.catalog.domain.seo import (
    SIMILARITY_MAX,
    SIMILARITY_MIN,
    generate_seo_title,
    seo_title,
    title_similarity,
    title_tokens,
)
from services.common.money import Money
from services.common.platforms import Platform

QUALIFIERS = {
    "original", "bergaransi", "import", "authentic", "terbaru", "premium", "asli", "resmi",
    "lengkap", "official", "genuine", "quality", "buy", "online", "store", "shop", "catalog",
    "direct",
}  # fmt: skip


def product(title: str, brand: str = "", **kwargs: object) -> Product:
    return Product(sku="SKU-1", title=title, brand=brand, base_price=Money("IDR", 1000), **kwargs)  # type: ignore[arg-type]


def shared_data_dir() -> Path:
    base = os.environ.get("SYNCSTORE_SHARED_DIR")
    return (Path(base) if base else Path(__file__).resolve().parents[3] / "shared") / "data"


def check_titles(p: Product) -> dict[Platform, str]:
    """Assert the SEO contract for one product and return its six titles."""
    titles: dict[Platform, str] = {}
    for platform in Platform:
        result = generate_seo_title(p, platform)
        assert len(result.title) <= rules_for(platform).max_title_length, (platform, result)
        assert result.in_band, (platform, p.title, result)
        similarity = title_similarity(result.title, p.title)
        assert SIMILARITY_MIN <= similarity <= SIMILARITY_MAX, (platform, result)
        assert similarity == result.similarity
        titles[platform] = result.title
    assert len(set(titles.values())) == len(titles), titles
    return titles


def test_title_similarity_is_jaccard_of_lowercase_word_tokens():
    assert title_similarity("Red Shoe", "red shoe") == 1.0
    assert title_similarity("a b c d", "a b c e") == pytest.approx(3 / 5)
    assert title_similarity("Motor (8 pcs)", "motor 8 PCS") == 1.0
    assert title_similarity("", "") == 1.0
    assert title_similarity("x", "") == 0.0
    assert title_tokens("T-Motor 5.8G, 4-in-1!") == {"t-motor", "5.8g", "4-in-1"}


def test_catalog_example_titles():
    titles = check_titles(product("HQProp Brushless Motor 2806.5 2450KV", "HQProp"))
    assert titles[Platform.SHOPEE] == "HQProp Brushless Motor 2806.5 2450KV Original"
    assert titles[Platform.SHOPIFY] == "Buy HQProp Brushless Motor 2806.5 2450KV"
    assert all("HQProp Brushless Motor 2806.5 2450KV" in t for t in titles.values())


def test_generation_is_deterministic():
    p = product("Foxeer Goggle Strap Nylon 60mm", "Foxeer")
    assert [seo_title(p, pl) for pl in Platform] == [seo_title(p, pl) for pl in Platform]


def test_missing_brand_is_added_brand_first_where_the_template_says_so():
    p = product("Brushless Motor 2207 1300KV Racing Edition", "Tattu")
    titles = check_titles(p)
    assert titles[Platform.SHOPEE].startswith("Tattu Brushless Motor")
    assert titles[Platform.TOKOPEDIA].startswith("Tattu ")
    assert "Tattu" in titles[Platform.TIKTOK_SHOP]


def test_key_attribute_joins_the_title_when_the_band_allows():
    p = product(
        "Goggle Strap Nylon 60mm For FPV Pilots",
        attributes=[Attribute("color", "Black")],
    )
    titles = check_titles(p)
    assert all("Black" in t for t in titles.values())


def test_single_valued_option_counts_as_attribute_but_placeholder_does_not():
    p = product("Goggle Strap Nylon 60mm For FPV", options=[Option("Color", ["Grey"])])
    assert "Grey" in seo_title(p, Platform.LAZADA)
    placeholder = product("Goggle Strap Nylon 60mm", options=[Option("Title", ["Default Title"])])
    assert "Default" not in seo_title(placeholder, Platform.LAZADA)


def test_attribute_with_forbidden_term_is_not_introduced():
    p = product("Goggle Strap Nylon 60mm For FPV", attributes=[Attribute("material", "KW")])
    assert "KW" not in seo_title(p, Platform.SHOPEE).split()


def test_qualifier_already_in_title_is_skipped():
    p = product("Original Goggle Strap Nylon 60mm", "Foxeer")
    title = seo_title(p, Platform.SHOPEE)
    assert title.lower().count("original") == 1
    check_titles(p)


def test_override_title_wins_as_is():
    long_title = "Custom " * 40
    p = product(
        "Foxeer Goggle Strap Nylon 60mm",
        platform_overrides=[PlatformOverride(Platform.TOKOPEDIA, title=long_title)],
    )
    result = generate_seo_title(p, Platform.TOKOPEDIA)
    assert result.title == long_title
    assert result.overridden
    assert not generate_seo_title(p, Platform.SHOPEE).overridden
    blank = product(
        "Foxeer Goggle Strap Nylon 60mm",
        platform_overrides=[PlatformOverride(Platform.SHOPEE, title="   ")],
    )
    assert not generate_seo_title(blank, Platform.SHOPEE).overridden


def test_long_title_is_cut_on_a_word_boundary_and_stays_in_band():
    words = [f"Part{i:02d}" for i in range(11)]  # 76 characters: too long for Tokopedia
    p = product(" ".join(words))
    titles = check_titles(p)
    tokopedia = titles[Platform.TOKOPEDIA]
    assert len(tokopedia) <= 70
    kept = tokopedia.split()
    assert all(w in words or w.lower() in QUALIFIERS for w in kept)
    # Master words are kept as a prefix: truncation only drops trailing words.
    master_part = [w for w in kept if w in words]
    assert 0 < len(master_part) < len(words)
    assert master_part == words[: len(master_part)]


def test_title_that_must_lose_a_third_of_its_words_is_reported_out_of_band():
    words = [f"Word{i:02d}" for i in range(30)]
    result = generate_seo_title(product(" ".join(words)), Platform.TOKOPEDIA)
    assert len(result.title) <= 70
    assert all(w in words or w.lower() in QUALIFIERS for w in result.title.split())
    assert not result.in_band
    assert result.similarity < SIMILARITY_MIN


@pytest.mark.parametrize("title", ["Propeller", "Propeller Set", "Set Set Propeller"])
def test_one_or_two_distinct_words_cannot_reach_the_band_and_say_so(title: str):
    # Adding any word to <= 2 distinct tokens gives similarity <= 2/3, adding none gives 1.
    for platform in Platform:
        result = generate_seo_title(product(title), platform)
        assert not result.in_band
        assert len(result.title) <= rules_for(platform).max_title_length
        assert result.title  # still a usable title, flagged by the listing


def test_no_word_fits_gives_empty_title_rather_than_a_cut_word():
    result = generate_seo_title(product("X" * 80 + " Motor Frame"), Platform.TOKOPEDIA)
    assert result.title == ""
    assert not result.in_band


def test_every_catalog_product_meets_the_seo_contract():
    path = shared_data_dir() / "catalog-4147.shopify.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Title"].strip()]
    assert len(rows) == 4147
    for row in rows:
        check_titles(product(row["Title"], row["Vendor"]))


words_st = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=10
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(words_st, min_size=1, max_size=12),
    brand=st.one_of(st.just(""), words_st),
)
def test_random_titles_hold_the_contract_or_report_it(words: list[str], brand: str):
    title = " ".join(words)
    p = product(title, brand)
    distinct = len(title_tokens(title))
    results = {pl: generate_seo_title(p, pl) for pl in Platform}
    for platform, result in results.items():
        # Always: within the limit, never a cut word, honest about the band.
        assert len(result.title) <= rules_for(platform).max_title_length
        allowed = {w.casefold() for w in words} | title_tokens(brand) | QUALIFIERS
        assert all(w.casefold() in allowed for w in result.title.split())
        similarity = title_similarity(result.title, title)
        assert result.in_band == (SIMILARITY_MIN <= similarity <= SIMILARITY_MAX)
        if distinct <= 2:
            assert not result.in_band
        elif len(title) + 25 <= rules_for(platform).max_title_length and not (
            title_tokens(title) & QUALIFIERS
        ):
            # Room for two qualifiers and three-plus distinct words: the band is reachable.
            assert result.in_band, (platform, title, result)
    if all(r.in_band for r in results.values()):
        for a, b in itertools.combinations(results.values(), 2):
            assert a.title != b.title
