"""Per-platform SEO titles: the same product, recognisably, but never the same string.

Each platform has its own deterministic template: where the brand goes and a pool of
qualifier words that belongs to that platform alone. A title is the master title's words
(possibly truncated at a word boundary), plus optional units (brand when the title lacks
it, key attributes), plus one or more of the platform's qualifiers. Among all such
compositions that fit the platform's length limit we keep one whose token similarity to
the master title lies in [0.7, 0.9]. Because every platform adds at least one qualifier
token that no other platform can produce, the six titles are always pairwise distinct.

Some titles cannot land in the band at all: a title of one or two distinct words (adding
a single word already drops similarity to at most 2/3), or one so long that it must be
cut hard to fit. Then the closest composition is returned with `in_band=False`, and the
listing reports it as an issue rather than pretending.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Final, NamedTuple

from services.catalog.domain.model import Product
from services.catalog.domain.platform_rules import find_forbidden_terms, rules_for
from services.common.platforms import Platform

SIMILARITY_MIN: Final = 0.7
SIMILARITY_MAX: Final = 0.9
# Exact bounds: float Jaccard values like 7/10 must not fall out of the band by rounding.
_LOW: Final = Fraction(7, 10)
_HIGH: Final = Fraction(9, 10)

# Typographic quotes and dashes count as punctuation around words too.
_STRIP: Final = string.punctuation + "“”‘’«»…–—"

# Attribute keys worth a place in a title, in order of preference.
_KEY_ATTRIBUTES: Final = ("color", "colour", "material", "size")
# Bounds the search; more than three extra units would wreck similarity anyway.
_MAX_OPTIONAL_UNITS: Final = 3
# Shopify's placeholder option for products without real options.
_PLACEHOLDER_OPTION: Final = "title"


class _Template(NamedTuple):
    brand_first: bool
    # (word, goes_before_title). Pools are disjoint across platforms (case-insensitively):
    # that is what makes the six titles pairwise distinct.
    qualifiers: tuple[tuple[str, bool], ...]


_TEMPLATES: Final[MappingProxyType[Platform, _Template]] = MappingProxyType(
    {
        Platform.SHOPEE: _Template(
            True, (("Original", False), ("Bergaransi", False), ("Import", False))
        ),
        Platform.TIKTOK_SHOP: _Template(
            False, (("Authentic", False), ("Terbaru", False), ("Premium", False))
        ),
        Platform.TOKOPEDIA: _Template(
            True, (("Asli", False), ("Resmi", False), ("Lengkap", False))
        ),
        Platform.LAZADA: _Template(
            True, (("Official", False), ("Genuine", False), ("Quality", False))
        ),
        Platform.SHOPIFY: _Template(False, (("Buy", True), ("Online", False), ("Store", False))),
        Platform.WOOCOMMERCE: _Template(
            False, (("Shop", True), ("Catalog", False), ("Direct", False))
        ),
    }
)


@dataclass(frozen=True)
class SeoTitle:
    """A generated (or overridden) platform title and how it relates to the master title."""

    title: str
    similarity: float
    in_band: bool
    overridden: bool = False


def title_tokens(text: str) -> frozenset[str]:
    """Lowercase word tokens: whitespace-separated words without surrounding punctuation."""
    tokens = (word.strip(_STRIP).casefold() for word in text.split())
    return frozenset(t for t in tokens if t)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> Fraction:
    if not a and not b:
        return Fraction(1)
    return Fraction(len(a & b), len(a | b))


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of two titles' lowercase word-token sets (1.0 for two empty)."""
    return float(_jaccard(title_tokens(a), title_tokens(b)))


def _in_band(value: Fraction) -> bool:
    return _LOW <= value <= _HIGH


def _distance_to_band(value: Fraction) -> Fraction:
    return max(_LOW - value, value - _HIGH, Fraction(0))


def _optional_units(product: Product, master: frozenset[str], platform: Platform) -> list[str]:
    """Brand (when the title lacks it) and key attribute values, best first."""
    candidates: list[str] = [product.brand]
    candidates.extend(product.attribute(key) or "" for key in _KEY_ATTRIBUTES)
    for option in product.options:
        # A single-valued option describes every variant, so it is safe in the title.
        if option.name.strip().casefold() != _PLACEHOLDER_OPTION and len(option.values) == 1:
            candidates.append(option.values[0])
            break
    forbidden = rules_for(platform).forbidden_terms
    units: list[str] = []
    covered = set(master)
    for raw in candidates:
        unit = " ".join(raw.split())
        tokens = title_tokens(unit)
        # Never introduce a term the platform bans; never repeat what is already there.
        if not tokens or tokens <= covered or find_forbidden_terms(unit, forbidden):
            continue
        units.append(unit)
        covered |= tokens
        if len(units) == _MAX_OPTIONAL_UNITS:
            break
    return units


def _qualifiers(
    platform: Platform, master: frozenset[str], optional: list[str]
) -> list[tuple[str, bool]]:
    taken = set(master)
    for unit in optional:
        taken |= title_tokens(unit)
    # A qualifier the title or an attribute already has would add nothing distinctive.
    pool = _TEMPLATES[platform].qualifiers
    return [(word, before) for word, before in pool if word.casefold() not in taken]


# Valid, distinct, long enough and in band: nothing with fewer master words can beat it.
_PERFECT: Final = (True, True, True, Fraction(0))


class _Candidate(NamedTuple):
    key: tuple[bool, bool, bool, Fraction, int, int, int]
    title: str
    similarity: Fraction


def generate_seo_title(product: Product, platform: Platform) -> SeoTitle:
    """The platform title for a product, with its similarity and whether it is in band."""
    override = product.override_for(platform)
    if override is not None and override.title.strip():
        title = override.title
        similarity = _jaccard(title_tokens(title), title_tokens(product.title))
        return SeoTitle(title, float(similarity), _in_band(similarity), overridden=True)

    rules = rules_for(platform)
    template = _TEMPLATES[platform]
    words = product.title.split()
    master = title_tokens(product.title)
    optional = _optional_units(product, master, platform)
    qualifiers = _qualifiers(platform, master, optional)
    brand = " ".join(product.brand.split())
    optional_tokens = [title_tokens(u) for u in optional]
    qualifier_tokens = [title_tokens(w) for w, _ in qualifiers]

    prefix_tokens: list[frozenset[str]] = [frozenset()]
    for word in words:
        prefix_tokens.append(prefix_tokens[-1] | title_tokens(word))

    best: _Candidate | None = None
    for n in range(len(words), 0, -1):
        for q in range(len(qualifiers) + 1):
            for o in range(len(optional) + 1):
                chosen_optional = optional[:o]
                before = [w for w, first in qualifiers[:q] if first]
                after = [w for w, first in qualifiers[:q] if not first]
                lead = [u for u in chosen_optional if template.brand_first and u == brand]
                tail = [u for u in chosen_optional if u not in lead]
                title = " ".join([*before, *lead, *words[:n], *tail, *after])
                if len(title) > rules.max_title_length:
                    continue
                tokens = prefix_tokens[n].union(*optional_tokens[:o], *qualifier_tokens[:q])
                similarity = _jaccard(tokens, master)
                valid = _in_band(similarity) and q >= 1
                key = (
                    valid,
                    q >= 1,  # keeps even an out-of-band title distinct per platform
                    len(title) >= rules.min_title_length,
                    -_distance_to_band(similarity),
                    n,
                    o,
                    -q,
                )
                if best is None or key > best.key:
                    best = _Candidate(key, title, similarity)
        if best is not None and best.key[:4] == _PERFECT:
            break  # shorter truncations can only tie on everything but length kept
    if best is None:
        # Not even the first word fits and we never cut inside a word: no title at all.
        return SeoTitle("", float(_jaccard(frozenset(), master)), False)
    return SeoTitle(best.title, float(best.similarity), _in_band(best.similarity))


def seo_title(product: Product, platform: Platform) -> str:
    """The product's title on a platform: its override when set, else generated."""
    return generate_seo_title(product, platform).title
