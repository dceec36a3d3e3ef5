"""Write catalog Products as a Shopify product CSV (the importer's inverse).

Only what Shopify's CSV can carry is written. Dropped on export: attributes, platform
overrides, dimensions and the money currency (the importer takes the currency as an
argument). Lossy but equivalent on re-import:
- product.compare_at_price is written onto every variant that has none of its own;
- a first variant with its own price, or without its own weight, comes back as the
  base price / product weight;
- a tag containing a comma comes back split.
Variant Inventory Qty stays empty unless a `quantities` mapping (variant SKU -> on
hand) is passed, because the catalog does not own stock.
Products as the importer builds them round-trip exactly (compare by product_to_dict).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

from services.catalog.domain import shopify_csv_columns as col
from services.catalog.domain.model import Image, Product, Variant
from services.common.money import Money, format_decimal_amount

# Shopify's own export ends lines with CRLF, as RFC 4180 asks.
_LINE_END = "\r\n"

_Row = dict[str, str]


def export_shopify_csv(
    products: Iterable[Product], quantities: Mapping[str, int] | None = None
) -> str:
    """The whole CSV (header included) as one string."""
    return "".join(iter_shopify_csv(products, quantities=quantities))


def iter_shopify_csv(
    products: Iterable[Product],
    *,
    include_header: bool = True,
    quantities: Mapping[str, int] | None = None,
) -> Iterator[str]:
    """The CSV as text chunks: the header (unless told not to), then one per product."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=col.EXPORT_COLUMNS, lineterminator=_LINE_END)
    if include_header:
        writer.writeheader()
        yield _drain(buffer)
    for product in products:
        writer.writerows(product_rows(product, quantities))
        yield _drain(buffer)


def product_rows(product: Product, quantities: Mapping[str, int] | None = None) -> list[_Row]:
    """One product's CSV rows as column -> cell dicts (missing columns are empty)."""
    variants = product.variants or [_implicit_variant(product)]
    rows: list[_Row] = []
    for i in range(max(len(variants), len(product.images))):
        row: _Row = {col.HANDLE: product.sku}
        if i == 0:
            row.update(_product_cells(product))
        if i < len(variants):
            row.update(_variant_cells(product, variants[i], i, quantities))
        if i < len(product.images):
            row.update(_image_cells(product.images[i], i + 1))
        rows.append(row)
    return rows


def _product_cells(product: Product) -> _Row:
    row = {
        col.TITLE: product.title,
        col.BODY: product.description,
        col.VENDOR: product.brand,
        col.PRODUCT_CATEGORY: product.category,
        col.TYPE: product.product_type,
        col.TAGS: ", ".join(product.tags),
        col.PUBLISHED: "true" if product.published else "false",
        col.SEO_TITLE: product.seo_title,
        col.STATUS: product.status.value.lower(),
    }
    if product.options:
        for option, column in zip(product.options, col.OPTION_NAMES, strict=False):
            row[column] = option.name
    else:
        row[col.OPTION1_NAME] = col.DEFAULT_TITLE_OPTION
    return row


def _variant_cells(
    product: Product, variant: Variant, index: int, quantities: Mapping[str, int] | None
) -> _Row:
    row: _Row = {}
    if product.options:
        for value, column in zip(variant.option_values, col.OPTION_VALUES, strict=False):
            row[column] = value
    elif index == 0:
        row[col.OPTION1_VALUE] = col.DEFAULT_TITLE_VALUE
    grams = variant.weight_grams
    if grams is None and index == 0 and product.weight_grams:
        # The importer reads the product weight off the first variant.
        grams = product.weight_grams
    compare_at = variant.compare_at_price
    if compare_at is None:
        compare_at = product.compare_at_price
    quantity = None if quantities is None else quantities.get(variant.sku)
    row.update(
        {
            col.VARIANT_SKU: variant.sku,
            col.VARIANT_GRAMS: "" if grams is None else str(grams),
            col.VARIANT_INVENTORY_TRACKER: "shopify",
            col.VARIANT_INVENTORY_QTY: "" if quantity is None else str(quantity),
            col.VARIANT_PRICE: _amount(product.variant_price(variant)),
            col.VARIANT_COMPARE_AT_PRICE: "" if compare_at is None else _amount(compare_at),
            col.VARIANT_BARCODE: variant.barcode,
            col.VARIANT_IMAGE: variant.image_url,
            col.VARIANT_WEIGHT_UNIT: "g",
        }
    )
    return row


def _image_cells(image: Image, position: int) -> _Row:
    return {
        col.IMAGE_SRC: image.url,
        col.IMAGE_POSITION: str(position),
        col.IMAGE_ALT_TEXT: image.alt,
    }


def _implicit_variant(product: Product) -> Variant:
    # Shopify has no variant-less products: one without variants sells as itself.
    return Variant(sku=product.sku)


def _amount(money: Money) -> str:
    return format_decimal_amount(money.amount_minor, money.currency)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
