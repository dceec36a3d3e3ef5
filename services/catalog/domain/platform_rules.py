"""The one table of per-platform listing constraints (title, variants, images, terms).

Limits follow each marketplace's published seller/API documentation where we know it;
where a platform varies by region or documents nothing, the value is our policy default
and the comment says so. Everything else in the catalog reads limits from here only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from services.common.platforms import Platform

# Words sellers use to game search or steer buyers off-platform. The SEA marketplaces
# all ban superlatives, counterfeit wording and contact details in titles, but none
# publishes one canonical list, so these are our policy defaults, kept short on purpose
# (a long list flags honest titles). Matching is case-insensitive on whole words/phrases.
_SEA_FORBIDDEN_TERMS: Final = (
    "terlaris",
    "termurah",
    "best seller",
    "cheapest",
    "100% original",
    "no.1",
    "replica",
    "kw",
    "wa",
    "whatsapp",
)

# Our own web stores may say what they like, but counterfeit wording stays banned.
_WEBSTORE_FORBIDDEN_TERMS: Final = ("replica", "kw")

# Category (matched case-insensitively as a substring of the master category path)
# -> attribute keys the marketplace requires before it accepts a listing there. Kept
# small and data-driven; "brand" is also satisfied by Product.brand.
_SEA_REQUIRED_ATTRIBUTES: Final = MappingProxyType(
    {
        "Remote Control Toys": ("brand",),
        "Mobile Phones": ("brand", "model"),
        "Batteries": ("brand", "capacity"),
    }
)


@dataclass(frozen=True)
class PlatformRules:
    """Listing constraints of one platform; lengths are in characters."""

    platform: Platform
    max_title_length: int
    min_title_length: int
    max_variants: int
    max_images: int
    max_description_length: int
    forbidden_terms: tuple[str, ...] = ()
    required_attributes: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def required_attributes_for(self, category: str) -> tuple[str, ...]:
        """Attribute keys required for a category path, in table order, without repeats."""
        wanted = category.casefold()
        keys: list[str] = []
        for fragment, required in self.required_attributes.items():
            if fragment.casefold() in wanted:
                keys.extend(k for k in required if k not in keys)
        return tuple(keys)


PLATFORM_RULES: Final[MappingProxyType[Platform, PlatformRules]] = MappingProxyType(
    {
        # Shopee Open API v2 add_item: item_name is 120 chars in most regions (some,
        # e.g. ID, allow more; we take the conservative documented one), up to 9 images,
        # 50 models per item with tier variations, description 3,000 chars (ID/MY).
        Platform.SHOPEE: PlatformRules(
            platform=Platform.SHOPEE,
            max_title_length=120,
            min_title_length=0,
            max_variants=50,
            max_images=9,
            max_description_length=3000,
            forbidden_terms=_SEA_FORBIDDEN_TERMS,
            required_attributes=_SEA_REQUIRED_ATTRIBUTES,
        ),
        # TikTok Shop Product API 202309: title 25-255 chars, main_images <= 9, <= 100
        # SKUs outside BR/EU/JP/MX/UK/US (we sell in SEA, so 100), description <= 10,000.
        Platform.TIKTOK_SHOP: PlatformRules(
            platform=Platform.TIKTOK_SHOP,
            max_title_length=255,
            min_title_length=25,
            max_variants=100,
            max_images=9,
            max_description_length=10000,
            forbidden_terms=_SEA_FORBIDDEN_TERMS,
            required_attributes=_SEA_REQUIRED_ATTRIBUTES,
        ),
        # Tokopedia seller docs: product name <= 70 chars, 5 photos, description <= 2,000
        # chars. Variant combinations: 100 is our conservative policy figure.
        Platform.TOKOPEDIA: PlatformRules(
            platform=Platform.TOKOPEDIA,
            max_title_length=70,
            min_title_length=0,
            max_variants=100,
            max_images=5,
            max_description_length=2000,
            forbidden_terms=_SEA_FORBIDDEN_TERMS,
            required_attributes=_SEA_REQUIRED_ATTRIBUTES,
        ),
        # Lazada Open Platform CreateProduct: name <= 255 chars, 8 images. The "50 SKUs
        # per UpdatePriceQuantity call" limit is a batching limit, not this one; 100 SKUs
        # per product and 25,000 description chars are our policy defaults.
        Platform.LAZADA: PlatformRules(
            platform=Platform.LAZADA,
            max_title_length=255,
            min_title_length=0,
            max_variants=100,
            max_images=8,
            max_description_length=25000,
            forbidden_terms=_SEA_FORBIDDEN_TERMS,
            required_attributes=_SEA_REQUIRED_ATTRIBUTES,
        ),
        # Shopify Admin API: title <= 255 chars, 2,048 variants per product, 250 images.
        # body_html has no small limit; 65,535 matches our master description limit.
        Platform.SHOPIFY: PlatformRules(
            platform=Platform.SHOPIFY,
            max_title_length=255,
            min_title_length=0,
            max_variants=2048,
            max_images=250,
            max_description_length=65535,
            forbidden_terms=_WEBSTORE_FORBIDDEN_TERMS,
        ),
        # WooCommerce documents no hard limits; these are policy: 200-char titles (themes
        # and feeds truncate beyond that) and the master catalog's own ceilings otherwise.
        Platform.WOOCOMMERCE: PlatformRules(
            platform=Platform.WOOCOMMERCE,
            max_title_length=200,
            min_title_length=0,
            max_variants=2048,
            max_images=250,
            max_description_length=65535,
            forbidden_terms=_WEBSTORE_FORBIDDEN_TERMS,
        ),
    }
)


def rules_for(platform: Platform) -> PlatformRules:
    """The listing constraints of one platform."""
    return PLATFORM_RULES[platform]


@functools.lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    # Whole word/phrase: no word character may touch either end, any whitespace between words.
    words = (re.escape(w) for w in term.split())
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def find_forbidden_terms(text: str, terms: tuple[str, ...]) -> list[str]:
    """The forbidden terms that occur in text as whole words or phrases, case-insensitively."""
    return [term for term in terms if _term_pattern(term).search(text)]
