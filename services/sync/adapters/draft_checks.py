"""Listing-draft checks every platform makes before any request, each failing PERMANENT.

The logic is shared; the limits and the words a platform's messages use for variants and
their options ("variant"/"option" on most, "SKU"/"sales attribute" on TikTok Shop) come
from its `DraftWords`. Each platform's `validate_draft` calls these in its own order,
between its own checks (category, images, weight, price and stock forms).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant
from services.sync.adapters.errors import permanent


@dataclass(frozen=True)
class DraftWords:
    platform: Platform
    # What the platform calls a variant, and an option ("option names", "option values").
    variant: str = "variant"
    option: str = "option"
    # The option-type dimension in "more than N ...".
    option_types: str = "option types"
    # `option` as the per-variant mismatch message says it (TikTok drops "sales").
    mismatch_option: str = ""
    # What the platform calls a listing's title (WooCommerce: "name").
    title: str = "title"


def check_title(words: DraftWords, draft: ListingDraft, max_title: int) -> None:
    if not draft.title.strip():
        raise permanent(words.platform, f"{words.title} is empty")
    if len(draft.title) > max_title:
        raise permanent(words.platform, f"{words.title} longer than {max_title} characters")


def check_variant_counts(
    words: DraftWords,
    draft: ListingDraft,
    max_variants: int,
    max_option_types: int,
    *,
    why: str = "",
) -> None:
    """At least one variant, at most `max_variants`; option names when there are several."""
    if not draft.variants:
        raise permanent(words.platform, f"a listing needs at least one {words.variant}")
    if len(draft.variants) > max_variants:
        raise permanent(words.platform, f"more than {max_variants} {words.variant}s{why}")
    if len(draft.option_names) > max_option_types:
        raise permanent(words.platform, f"more than {max_option_types} {words.option_types}")
    if not draft.option_names and len(draft.variants) != 1:
        raise permanent(words.platform, f"several {words.variant}s need {words.option} names")


def check_seller_skus(words: DraftWords, draft: ListingDraft) -> None:
    """Every variant has a seller SKU, and no two share one (SKU lookups depend on it)."""
    skus = [v.seller_sku for v in draft.variants]
    if any(not s for s in skus) or len(set(skus)) != len(skus):
        raise permanent(words.platform, f"{words.variant} seller SKUs must be present and unique")


def check_distinct_options(words: DraftWords, draft: ListingDraft) -> None:
    if len({tuple(v.option_values) for v in draft.variants}) != len(draft.variants):
        raise permanent(words.platform, f"two {words.variant}s have the same {words.option} values")


def check_option_values(words: DraftWords, draft: ListingDraft, v: ListingVariant) -> None:
    """One option value per option name."""
    if len(v.option_values) != len(draft.option_names):
        option = words.mismatch_option or words.option
        raise permanent(
            words.platform, f"{v.seller_sku}: {option} values do not match {option} names"
        )
