"""Shopify product CSV vocabulary: column names (as Shopify spells them), limits, cell formats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from services.catalog.domain.model import ProductStatus

HANDLE: Final = "Handle"
TITLE: Final = "Title"
BODY: Final = "Body (HTML)"
VENDOR: Final = "Vendor"
PRODUCT_CATEGORY: Final = "Product Category"
TYPE: Final = "Type"
TAGS: Final = "Tags"
PUBLISHED: Final = "Published"
OPTION1_NAME: Final = "Option1 Name"
OPTION1_VALUE: Final = "Option1 Value"
OPTION2_NAME: Final = "Option2 Name"
OPTION2_VALUE: Final = "Option2 Value"
OPTION3_NAME: Final = "Option3 Name"
OPTION3_VALUE: Final = "Option3 Value"
VARIANT_SKU: Final = "Variant SKU"
VARIANT_GRAMS: Final = "Variant Grams"
VARIANT_INVENTORY_TRACKER: Final = "Variant Inventory Tracker"
VARIANT_INVENTORY_QTY: Final = "Variant Inventory Qty"
VARIANT_PRICE: Final = "Variant Price"
VARIANT_COMPARE_AT_PRICE: Final = "Variant Compare At Price"
VARIANT_BARCODE: Final = "Variant Barcode"
VARIANT_IMAGE: Final = "Variant Image"
VARIANT_WEIGHT_UNIT: Final = "Variant Weight Unit"
IMAGE_SRC: Final = "Image Src"
IMAGE_POSITION: Final = "Image Position"
IMAGE_ALT_TEXT: Final = "Image Alt Text"
SEO_TITLE: Final = "SEO Title"
STATUS: Final = "Status"

# A single-variant product has no options; Shopify writes this placeholder instead.
DEFAULT_TITLE_OPTION: Final = "Title"
DEFAULT_TITLE_VALUE: Final = "Default Title"

OPTION_NAMES: Final = (OPTION1_NAME, OPTION2_NAME, OPTION3_NAME)
OPTION_VALUES: Final = (OPTION1_VALUE, OPTION2_VALUE, OPTION3_VALUE)

# Standard Shopify columns SyncStore does not model. They are recognised only so the
# documentation is complete; the importer skips them like any unknown column.
IGNORED_COLUMNS: Final = (
    "Option1 Linked To",
    "Option2 Linked To",
    "Option3 Linked To",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Variant Tax Code",
    "Unit Price Total Measure",
    "Unit Price Total Measure Unit",
    "Unit Price Base Measure",
    "Unit Price Base Measure Unit",
    "Gift Card",
    "SEO Description",
    "Google Shopping / Google Product Category",
    "Google Shopping / Gender",
    "Google Shopping / Age Group",
    "Google Shopping / MPN",
    "Google Shopping / Condition",
    "Google Shopping / Custom Product",
    "Google Shopping / Custom Label 0",
    "Google Shopping / Custom Label 1",
    "Google Shopping / Custom Label 2",
    "Google Shopping / Custom Label 3",
    "Google Shopping / Custom Label 4",
    "Cost per item",
    "Standard Product Type",
    "Custom Product Type",
)

# Every column the importer reads, in the order Shopify's own export writes them; the
# exporter writes exactly these.
EXPORT_COLUMNS: Final = (
    HANDLE,
    TITLE,
    BODY,
    VENDOR,
    PRODUCT_CATEGORY,
    TYPE,
    TAGS,
    PUBLISHED,
    OPTION1_NAME,
    OPTION1_VALUE,
    OPTION2_NAME,
    OPTION2_VALUE,
    OPTION3_NAME,
    OPTION3_VALUE,
    VARIANT_SKU,
    VARIANT_GRAMS,
    VARIANT_INVENTORY_TRACKER,
    VARIANT_INVENTORY_QTY,
    VARIANT_PRICE,
    VARIANT_COMPARE_AT_PRICE,
    VARIANT_BARCODE,
    IMAGE_SRC,
    IMAGE_POSITION,
    IMAGE_ALT_TEXT,
    SEO_TITLE,
    VARIANT_IMAGE,
    VARIANT_WEIGHT_UNIT,
    STATUS,
)

# "Option4 Name" and beyond are not Shopify columns, but spreadsheets built by hand
# sometimes carry them; matching them lets the importer refuse a fourth option loudly
# instead of silently dropping it.
_EXTRA_OPTION_COLUMN = re.compile(r"option\s*(\d+)\s+(name|value)")
_MAX_SHOPIFY_OPTIONS = 3

# Any of these set makes a row a variant row; image-only rows leave them all empty.
VARIANT_COLUMNS: Final = (
    VARIANT_SKU,
    *OPTION_VALUES,
    VARIANT_PRICE,
    VARIANT_COMPARE_AT_PRICE,
    VARIANT_GRAMS,
    VARIANT_BARCODE,
    VARIANT_INVENTORY_QTY,
    VARIANT_IMAGE,
)

# Field length limits (characters), matching Shopify's own.
MAX_HANDLE_LEN: Final = 255
MAX_TITLE_LEN: Final = 255
MAX_SKU_LEN: Final = 64
MAX_BODY_LEN: Final = 65_535
MAX_TAG_LEN: Final = 255
MAX_OPTION_LEN: Final = 255


def normalize_header(name: str) -> str:
    """The comparison key of a header cell: whitespace-stripped and case-folded."""
    return " ".join(name.split()).casefold()


_CANONICAL: Final = {normalize_header(name): name for name in EXPORT_COLUMNS}


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in a file's header."""

    index: dict[str, int]
    # (header text, position) of "Option4 Name"-style columns beyond Shopify's three.
    extra_options: list[tuple[str, int]]


def map_header(cells: list[str]) -> HeaderMap:
    """Match header cells to known columns; the first of a repeated column wins."""
    index: dict[str, int] = {}
    extra_options: list[tuple[str, int]] = []
    for position, name in enumerate(cells):
        key = normalize_header(name)
        canonical = _CANONICAL.get(key)
        if canonical is not None:
            index.setdefault(canonical, position)
        elif (match := _EXTRA_OPTION_COLUMN.fullmatch(key)) and int(
            match.group(1)
        ) > _MAX_SHOPIFY_OPTIONS:
            extra_options.append((name.strip(), position))
    return HeaderMap(index, extra_options)


# Plain decimals only: Decimal() alone would also take "1e5", "1_000" and "NaN".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def plain_number(text: str) -> str:
    """`text` if it is a plain decimal number ("150000", "49.0", ".5"), else ValueError."""
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {text!r}")
    return text


def parse_whole(text: str) -> int:
    """A non-negative whole number cell; "49.0" is accepted as 49."""
    value = Decimal(plain_number(text))
    if value != value.to_integral_value():
        raise ValueError(f"expected a whole number, got {text!r}")
    if value < 0:
        raise ValueError(f"must not be negative, got {text!r}")
    return int(value)


def parse_bool(text: str) -> bool:
    """A true/false cell, in any case (spreadsheets write TRUE/FALSE)."""
    if text.lower() not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() == "true"


def parse_status(text: str) -> ProductStatus:
    """An active/draft/archived cell, in any case."""
    try:
        return ProductStatus(text.lower())
    except ValueError:
        raise ValueError(f"expected active, draft or archived, got {text!r}") from None
