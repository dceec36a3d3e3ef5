"""Parse a Shopify product CSV into catalog Products, reporting every bad row.

Rows are grouped by Handle: a handle's first row carries the product fields, later
rows add variants and images. A product with any bad row is left out whole, every
error of every product is reported, and the rest of the file still imports. Row
numbers count CSV records (header = 1). Shopify's CSV has no attributes, platform
overrides or dimensions, so imported products leave them empty; compare-at prices
are per variant and product.compare_at_price stays None.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from services.catalog.domain import shopify_csv_columns as col
from services.catalog.domain.model import (
    MAX_OPTIONS,
    Image,
    Option,
    Product,
    ProductStatus,
    Variant,
)
from services.common.money import Money, is_known_currency, parse_decimal_amount

T = TypeVar("T")

# The whole file is in memory already, so csv's 128 KiB per-field guard protects
# nothing and would turn one long HTML body into a file-level failure.
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class CsvRowError:
    """One problem in the file: CSV record number (header = 1), column and reason."""

    row: int
    column: str
    message: str
    handle: str = ""


@dataclass
class ImportedProduct:
    product: Product
    first_row: int
    # Variant SKU -> Variant Inventory Qty, only for variants whose row gave one.
    initial_quantities: dict[str, int] = field(default_factory=dict)


@dataclass
class CsvImportResult:
    products: list[ImportedProduct] = field(default_factory=list)
    errors: list[CsvRowError] = field(default_factory=list)
    failed_handles: list[str] = field(default_factory=list)

    @property
    def variant_count(self) -> int:
        """How many variants the imported products hold."""
        return sum(len(item.product.variants) for item in self.products)


class _Row:
    __slots__ = ("cells", "index", "number")

    def __init__(self, number: int, cells: list[str], index: dict[str, int]) -> None:
        self.number, self.cells, self.index = number, cells, index

    def cell(self, position: int) -> str:
        return self.cells[position] if position < len(self.cells) else ""

    def raw(self, column: str) -> str:
        position = self.index.get(column)
        return "" if position is None else self.cell(position)

    def get(self, column: str) -> str:
        return self.raw(column).strip()


def parse_shopify_csv_chunks(chunks: Iterable[bytes], currency: str = "IDR") -> CsvImportResult:
    """Parse a CSV that arrives as a stream of byte chunks (e.g. a gRPC client stream)."""
    return parse_shopify_csv(b"".join(chunks), currency)


def parse_shopify_csv(data: bytes, currency: str = "IDR") -> CsvImportResult:
    """Parse a whole Shopify product CSV; prices are major units of `currency`."""
    if not is_known_currency(currency):
        raise ValueError(f"unknown currency {currency!r}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad_byte = f"byte 0x{data[exc.start]:02x} on line {line}"
        return _fatal(0, "", f"file is not valid UTF-8 ({bad_byte}); save it as UTF-8 CSV")
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)
    # strict: an unbalanced quote must fail loudly, not swallow the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    loose: list[CsvRowError] = []
    groups: dict[str, list[_Row]] = {}
    try:
        header = next(reader, None)
        number = 1
        if header is None:
            return _fatal(1, col.HANDLE, "file is empty: expected a header row with Handle")
        columns = col.map_header(header)
        if col.HANDLE not in columns.index:
            return _fatal(1, col.HANDLE, "header has no Handle column")
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            row = _Row(number, cells, columns.index)
            handle = row.get(col.HANDLE)
            if handle:
                groups.setdefault(handle, []).append(row)
            else:
                loose.append(CsvRowError(number, col.HANDLE, "row has no Handle"))
    except csv.Error as exc:
        return _fatal(number + 1, "", f"malformed CSV: {exc}")

    result = CsvImportResult(errors=loose)
    claimed: dict[str, tuple[str, int]] = {}
    for handle, rows in groups.items():
        builder = _ProductBuilder(handle, rows, columns.extra_options, currency, claimed)
        item = builder.build()
        if item is None:
            result.errors.extend(builder.errors)
            result.failed_handles.append(handle)
        else:
            result.products.append(item)
    result.errors.sort(key=lambda error: error.row)
    return result


def _fatal(row: int, column: str, message: str) -> CsvImportResult:
    return CsvImportResult(errors=[CsvRowError(row, column, message)])


class _ProductBuilder:
    """Turns one handle's rows into a Product, collecting every error on the way."""

    def __init__(
        self,
        handle: str,
        rows: list[_Row],
        extra_options: list[tuple[str, int]],
        currency: str,
        claimed: dict[str, tuple[str, int]],
    ) -> None:
        self.handle, self.rows, self.extra_options = handle, rows, extra_options
        self.currency, self.claimed = currency, claimed
        self.errors: list[CsvRowError] = []
        self.combos: dict[tuple[str, ...], int] = {}
        self.quantities: dict[str, int] = {}

    def bad(self, row: _Row, column: str, message: str) -> None:
        self.errors.append(CsvRowError(row.number, column, message, self.handle))

    def check_len(self, row: _Row, column: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.bad(row, column, f"{column} is {len(value)} characters; the limit is {limit}")

    def build(self) -> ImportedProduct | None:
        first = self.rows[0]
        self.check_len(first, col.HANDLE, self.handle, col.MAX_HANDLE_LEN)
        title = first.get(col.TITLE)
        if not title:
            self.bad(first, col.TITLE, "Title is required on the first row of a product")
        self.check_len(first, col.TITLE, title, col.MAX_TITLE_LEN)
        body = first.raw(col.BODY)
        self.check_len(first, col.BODY, body, col.MAX_BODY_LEN)
        tags = self.tags(first)
        published = self.value(first, col.PUBLISHED, col.parse_bool)
        status = self.value(first, col.STATUS, col.parse_status)
        names = self.option_names(first)
        default_title = (
            names == [col.DEFAULT_TITLE_OPTION]
            and first.get(col.OPTION1_VALUE) == col.DEFAULT_TITLE_VALUE
        )
        if default_title:
            names = []
        variants: list[Variant] = []
        images: list[tuple[float, int, Image]] = []
        variant_rows = 0
        for row in self.rows:
            for label, position in self.extra_options:
                if row.cell(position).strip():
                    self.bad(row, label, f"Shopify products have at most {MAX_OPTIONS} options")
            if any(row.get(column) for column in col.VARIANT_COLUMNS):
                variant_rows += 1
                parsed = self.variant(row, names, default_title)
                if parsed is not None:
                    variants.append(parsed)
            self.image(row, images)
        if not variant_rows:
            self.bad(first, col.VARIANT_SKU, "product has no variant row")
        if self.errors or not variants:
            return None
        base = variants[0].price
        assert base is not None  # a variant without a valid price is an error above
        for variant in variants:
            # Shopify prices every variant; ours inherit the base unless they differ.
            variant.price = None if variant.price == base else variant.price
        product = Product(
            sku=self.handle,
            title=title,
            base_price=base,
            description=body,
            brand=first.get(col.VENDOR),
            category=first.get(col.PRODUCT_CATEGORY),
            product_type=first.get(col.TYPE),
            tags=tags,
            status=status or ProductStatus.ACTIVE,
            weight_grams=variants[0].weight_grams or 0,
            images=_ordered_images(images),
            options=[
                Option(name, list(dict.fromkeys(v.option_values[i] for v in variants)))
                for i, name in enumerate(names)
            ],
            variants=variants,
            seo_title=first.get(col.SEO_TITLE),
            published=published is not False,
        )
        return ImportedProduct(product, first.number, self.quantities)

    def tags(self, row: _Row) -> list[str]:
        tags = list(dict.fromkeys(t.strip() for t in row.get(col.TAGS).split(",") if t.strip()))
        for tag in tags:
            if len(tag) > col.MAX_TAG_LEN:
                self.bad(row, col.TAGS, f"tag {tag[:20]!r}... is over {col.MAX_TAG_LEN} characters")
        return tags

    def option_names(self, row: _Row) -> list[str]:
        names = [row.get(column) for column in col.OPTION_NAMES]
        while names and not names[-1]:
            names.pop()
        seen: set[str] = set()
        for i, name in enumerate(names):
            column = col.OPTION_NAMES[i]
            if not name:
                self.bad(row, column, f"{column} is empty but a later option is named")
            elif name.casefold() in seen:
                self.bad(row, column, f"duplicate option name {name!r}")
            seen.add(name.casefold())
            self.check_len(row, column, name, col.MAX_OPTION_LEN)
        return names

    def variant(self, row: _Row, names: list[str], default_title: bool) -> Variant | None:
        before = len(self.errors)
        sku = self.sku(row)
        values: list[str] = []
        for i, column in enumerate(col.OPTION_VALUES):
            value = row.get(column)
            if i < len(names):
                if not value:
                    self.bad(row, column, f"missing value for option {names[i]!r}")
                self.check_len(row, column, value, col.MAX_OPTION_LEN)
                values.append(value)
            elif value and not (default_title and i == 0 and value == col.DEFAULT_TITLE_VALUE):
                self.bad(row, column, f"value given but the product has no Option{i + 1} Name")
        price = self.value(row, col.VARIANT_PRICE, self.money)
        if not row.get(col.VARIANT_PRICE):
            self.bad(row, col.VARIANT_PRICE, "Variant Price is required on a variant row")
        compare_at = self.value(row, col.VARIANT_COMPARE_AT_PRICE, self.money)
        grams = self.value(row, col.VARIANT_GRAMS, col.parse_whole)
        quantity = self.value(row, col.VARIANT_INVENTORY_QTY, col.parse_whole)
        if len(self.errors) == before:
            self.check_combination(row, values, names)
        if len(self.errors) > before:
            return None
        if quantity is not None:
            self.quantities[sku] = quantity
        barcode, image_url = row.get(col.VARIANT_BARCODE), row.get(col.VARIANT_IMAGE)
        return Variant(sku, values, price, compare_at, barcode, grams, image_url)

    def sku(self, row: _Row) -> str:
        sku = row.get(col.VARIANT_SKU)
        if not sku:
            self.bad(row, col.VARIANT_SKU, "variant row has no Variant SKU")
            return sku
        self.check_len(row, col.VARIANT_SKU, sku, col.MAX_SKU_LEN)
        owner = self.claimed.setdefault(sku, (self.handle, row.number))
        if owner[1] != row.number:
            where = "this product" if owner[0] == self.handle else f"product {owner[0]!r}"
            message = f"duplicate Variant SKU {sku!r} (used by {where} on row {owner[1]})"
            self.bad(row, col.VARIANT_SKU, message)
        return sku

    def check_combination(self, row: _Row, values: list[str], names: list[str]) -> None:
        earlier = self.combos.setdefault(tuple(values), row.number)
        if earlier == row.number:
            return
        what = " / ".join(values) or "without options"
        message = f"duplicate option combination ({what}) of row {earlier}"
        if not names:
            message = f"a product without options has one variant only (row {earlier})"
        self.bad(row, col.OPTION1_VALUE, message)

    def value(self, row: _Row, column: str, parse: Callable[[str], T]) -> T | None:
        """The parsed cell, or None when it is empty or (reported as) bad."""
        text = row.get(column)
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.bad(row, column, str(exc))
            return None

    def money(self, text: str) -> Money:
        """A non-negative price in the import currency's major units."""
        amount = parse_decimal_amount(col.plain_number(text), self.currency)
        if amount < 0:
            raise ValueError(f"must not be negative, got {text!r}")
        return Money(self.currency, amount)

    def image(self, row: _Row, images: list[tuple[float, int, Image]]) -> None:
        src = row.get(col.IMAGE_SRC)
        if not src:
            return
        position = self.value(row, col.IMAGE_POSITION, col.parse_whole)
        if position == 0:
            self.bad(row, col.IMAGE_POSITION, "Image Position starts at 1")
        key = math.inf if position is None else float(position)
        images.append((key, len(images), Image(src, row.get(col.IMAGE_ALT_TEXT))))


def _ordered_images(images: list[tuple[float, int, Image]]) -> list[Image]:
    # Positioned images first by position, the rest in file order; the first
    # occurrence of a URL wins but lends its alt text if it had none.
    by_url: dict[str, Image] = {}
    for _, _, image in sorted(images, key=lambda item: (item[0], item[1])):
        kept = by_url.setdefault(image.url, image)
        if not kept.alt and image.alt:
            kept.alt = image.alt
    return list(by_url.values())
