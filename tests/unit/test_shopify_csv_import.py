"""Shopify product CSV import: column handling, grouping, validation, row numbers."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest

from services.catalog.domain.model import ProductStatus
from services.catalog.domain.shopify_csv_import import (
    CsvImportResult,
    CsvRowError,
    parse_shopify_csv,
    parse_shopify_csv_chunks,
)
from services.common.money import Money

BASIC = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"]


def shared_csv() -> Path:
    base = os.environ.get("SYNCSTORE_SHARED_DIR")
    root = Path(base) if base else Path(__file__).resolve().parents[3] / "shared"
    return root / "data" / "catalog-4147.shopify.csv"


def make_csv(header: list[str], *rows: list[str], bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def single(
    handle: str = "tee", title: str = "Tee", sku: str = "TEE-1", price: str = "1000"
) -> list[str]:
    return [handle, title, "Title", "Default Title", sku, price]


def errors_of(result: CsvImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def test_sample_catalog_parses_completely_and_fast() -> None:
    path = shared_csv()
    if not path.exists():
        pytest.skip(f"{path} is absent")
    data = path.read_bytes()
    started = time.perf_counter()
    result = parse_shopify_csv(data)
    elapsed = time.perf_counter() - started
    assert result.errors == []
    assert result.failed_handles == []
    assert len(result.products) == 4147
    assert result.variant_count == 5279
    assert sum(len(item.product.options) for item in result.products) > 0
    assert elapsed < 2.0
    first = result.products[0]
    assert first.first_row == 2
    assert first.product.sku == "hqprop-brushless-motor-2806-5-2450kv-1"
    assert first.product.tags == ["fpv", "drone", "motor"]
    assert first.initial_quantities == {
        "MOT-00001-195": 2,
        "MOT-00001-245": 2,
        "MOT-00001-175": 120,
    }


def test_minimal_columns_in_any_order_with_unknown_columns_ignored() -> None:
    header = ["  variant price ", "Mystery", "VARIANT SKU", "title", "Handle", "Gift Card"]
    result = parse_shopify_csv(make_csv(header, ["2500", "x", "S-1", "Mug", "mug", "false"]))
    assert result.errors == []
    (item,) = result.products
    product = item.product
    assert (product.sku, product.title, product.base_price) == ("mug", "Mug", Money("IDR", 2500))
    assert product.options == []
    assert [v.sku for v in product.variants] == ["S-1"]
    assert product.variants[0].option_values == []
    assert product.status is ProductStatus.ACTIVE
    assert product.published is True
    assert product.attributes == [] and product.platform_overrides == []
    assert item.initial_quantities == {}


def test_bom_and_no_bom_give_the_same_products() -> None:
    plain = parse_shopify_csv(make_csv(BASIC, single()))
    bommed = parse_shopify_csv(make_csv(BASIC, single(), bom=True))
    assert plain.errors == bommed.errors == []
    assert [p.product for p in plain.products] == [p.product for p in bommed.products]


def test_quoted_fields_html_body_and_row_numbers_after_multiline_cells() -> None:
    body = '<p class="lead">Say "hi",\nthen\r\nleave</p>\n<ul><li>a, b</li></ul>'
    header = ["Handle", "Title", "Body (HTML)", "Variant SKU", "Variant Price"]
    data = make_csv(
        header,
        ["a", 'The "Best" Mug, v2', body, "A-1", "10"],
        ["b", "Fine", "line1\nline2\nline3", "B-1", "10"],
        ["c", "Broken", "", "C-1", "abc"],
    )
    result = parse_shopify_csv(data)
    assert [p.product.sku for p in result.products] == ["a", "b"]
    product = result.products[0].product
    assert product.title == 'The "Best" Mug, v2'
    assert product.description == body
    # Record 4, although it starts on physical line 8.
    assert result.errors == [CsvRowError(4, "Variant Price", "not a number: 'abc'", "c")]
    assert result.products[1].first_row == 3


def test_continuation_rows_add_variants_and_images() -> None:
    header = [*BASIC[:4], "Option2 Name", "Option2 Value", *BASIC[4:]]
    header += ["Variant Compare At Price", "Variant Grams", "Variant Image", "Variant Barcode"]
    header += ["Image Src", "Image Position", "Image Alt Text", "Variant Inventory Qty"]
    rows = [
        "tee,Tee,Color,Red,Size,S,T-RS,100000.00,,200,,111,https://x/2.jpg,2,back,5",
        "tee,,,Red,,M,T-RM,100000,150000,210,https://x/1.jpg,,https://x/1.jpg,1,front,",
        "tee,,,Blue,,S,T-BS,120000,,49.0,,,https://x/3.jpg,,,0",
        "tee,,,,,,,,,,,,https://x/2.jpg,,dup,",
    ]
    data = make_csv(header, *(line.split(",") for line in rows))
    result = parse_shopify_csv(data)
    assert result.errors == []
    (item,) = result.products
    product = item.product
    assert [(o.name, o.values) for o in product.options] == [
        ("Color", ["Red", "Blue"]),
        ("Size", ["S", "M"]),
    ]
    assert [v.option_values for v in product.variants] == [
        ["Red", "S"],
        ["Red", "M"],
        ["Blue", "S"],
    ]
    assert product.base_price == Money("IDR", 100000)
    assert [v.price for v in product.variants] == [None, None, Money("IDR", 120000)]
    assert [v.compare_at_price for v in product.variants] == [None, Money("IDR", 150000), None]
    assert product.compare_at_price is None
    assert [v.weight_grams for v in product.variants] == [200, 210, 49]
    assert product.weight_grams == 200
    assert product.variants[1].image_url == "https://x/1.jpg"
    assert product.variants[0].barcode == "111"
    # Ordered by position, unpositioned last, duplicate URL dropped.
    assert [(i.url, i.alt) for i in product.images] == [
        ("https://x/1.jpg", "front"),
        ("https://x/2.jpg", "back"),
        ("https://x/3.jpg", ""),
    ]
    assert item.initial_quantities == {"T-RS": 5, "T-BS": 0}


def test_rows_of_a_handle_need_not_be_consecutive() -> None:
    data = make_csv(
        [*BASIC, "Image Src"],
        ["a", "A", "Size", "S", "A-S", "10", ""],
        ["b", "B", "Title", "Default Title", "B-1", "10", ""],
        ["a", "", "", "M", "A-M", "12", "https://x/a.jpg"],
    )
    result = parse_shopify_csv(data)
    assert result.errors == []
    assert [p.product.sku for p in result.products] == ["a", "b"]
    assert [v.sku for v in result.products[0].product.variants] == ["A-S", "A-M"]
    assert result.products[0].product.images[0].url == "https://x/a.jpg"


def test_default_title_means_no_options() -> None:
    result = parse_shopify_csv(make_csv(BASIC, single()))
    product = result.products[0].product
    assert product.options == []
    assert product.variants[0].option_values == []


@pytest.mark.parametrize(
    ("currency", "text", "minor"),
    [("IDR", "150000.00", 150000), ("IDR", "150000", 150000), ("USD", "12.5", 1250)],
)
def test_prices_in_major_units(currency: str, text: str, minor: int) -> None:
    result = parse_shopify_csv(make_csv(BASIC, single(price=text)), currency)
    assert result.errors == []
    assert result.products[0].product.base_price == Money(currency, minor)


@pytest.mark.parametrize(
    ("price", "fragment"),
    [
        ("150000.5", "more decimals than IDR allows"),
        (".5", "more decimals than IDR allows"),
        ("abc", "not a number"),
        ("1e5", "not a number"),
        ("-100", "must not be negative"),
        ("", "Variant Price is required"),
    ],
)
def test_bad_prices_are_reported(price: str, fragment: str) -> None:
    result = parse_shopify_csv(make_csv(BASIC, single(price=price)))
    assert result.products == []
    assert result.failed_handles == ["tee"]
    (error,) = result.errors
    assert (error.row, error.column, error.handle) == (2, "Variant Price", "tee")
    assert fragment in error.message


PRODUCT_ERRORS = {
    "missing title": (BASIC, ["t,  ,Title,Default Title,T-1,5"], [(2, "Title")], "is required"),
    "bad compare-at": (
        [*BASIC, "Variant Compare At Price"],
        ["t,T,Title,Default Title,T-1,5,12.345"],
        [(2, "Variant Compare At Price")],
        "more decimals than IDR allows",
    ),
    "four options": (
        [*BASIC, *(f"Option{n} {part}" for n in (2, 3, 4) for part in ("Name", "Value"))],
        ["t,T,A,1,T-1,5,B,2,C,3,D,4"],
        [(2, "Option4 Name"), (2, "Option4 Value")],
        "at most 3 options",
    ),
    "second variant of Default Title": (
        BASIC,
        ["t,T,Title,Default Title,T-1,5", "t,,,,T-2,5"],
        [(3, "Option1 Value")],
        "one variant only",
    ),
    "duplicate sku in product": (
        BASIC,
        ["t,T,Size,S,DUP,5", "t,,,M,DUP,5"],
        [(3, "Variant SKU")],
        "used by this product on row 2",
    ),
    "duplicate combination": (
        BASIC,
        ["t,T,Size,S,T-1,5", "t,,,M,T-2,5", "t,,,S,T-3,5"],
        [(4, "Option1 Value")],
        "duplicate option combination (S) of row 2",
    ),
    "missing option value": (
        BASIC,
        ["t,T,Size,S,T-1,5", "t,,,,T-2,5"],
        [(3, "Option1 Value")],
        "missing value for option 'Size'",
    ),
    "value without option name": (
        [*BASIC, "Option2 Value"],
        ["t,T,Size,S,T-1,5,x"],
        [(2, "Option2 Value")],
        "no Option2 Name",
    ),
    "option name gap": (
        [*BASIC, "Option2 Name"],
        ["t,T,,S,T-1,5,Color"],
        [(2, "Option1 Name"), (2, "Option2 Value")],
        "a later option is named",
    ),
    "variant without sku": (BASIC, ["t,T,Size,S,,5"], [(2, "Variant SKU")], "no Variant SKU"),
    "no variant row": (
        ["Handle", "Title", "Image Src"],
        ["t,T,https://x/1.jpg"],
        [(2, "Variant SKU")],
        "no variant row",
    ),
}


@pytest.mark.parametrize(
    ("header", "lines", "expected", "fragment"), PRODUCT_ERRORS.values(), ids=list(PRODUCT_ERRORS)
)
def test_product_errors(
    header: list[str], lines: list[str], expected: list[tuple[int, str]], fragment: str
) -> None:
    result = parse_shopify_csv(make_csv(header, *(line.split(",") for line in lines)))
    assert result.products == []
    assert result.failed_handles == ["t"]
    assert errors_of(result) == expected
    assert all(error.handle == "t" for error in result.errors)
    assert fragment in result.errors[0].message


def test_duplicate_sku_across_products_fails_the_later_product_only() -> None:
    data = make_csv(BASIC, single("a", sku="SAME"), single("b", sku="SAME"))
    result = parse_shopify_csv(data)
    assert [p.product.sku for p in result.products] == ["a"]
    assert result.failed_handles == ["b"]
    assert errors_of(result) == [(3, "Variant SKU")]
    assert "'a'" in result.errors[0].message


def test_bad_row_drops_only_its_product_and_every_error_is_reported() -> None:
    data = make_csv(
        [*BASIC, "Variant Grams", "Variant Inventory Qty"],
        [*single("good1", sku="G1"), "10", "3"],
        ["bad", "Bad", "Size", "S", "B-S", "10", "1.5", ""],
        ["bad", "", "", "M", "B-M", "10", "", "-2"],
        [*single("good2", sku="G2"), "", ""],
        [*single("worse", sku="W1", title=""), "", ""],
    )
    result = parse_shopify_csv(data)
    assert [p.product.sku for p in result.products] == ["good1", "good2"]
    assert result.failed_handles == ["bad", "worse"]
    assert errors_of(result) == [(3, "Variant Grams"), (4, "Variant Inventory Qty"), (6, "Title")]
    assert [e.handle for e in result.errors] == ["bad", "bad", "worse"]
    assert result.products[0].initial_quantities == {"G1": 3}


@pytest.mark.parametrize(
    ("column", "value", "limit"),
    [
        ("Title", "x" * 256, 255),
        ("Handle", "h" * 256, 255),
        ("Variant SKU", "S" * 65, 64),
        # Longer than csv's default 128 KiB field limit, yet reported per column.
        ("Body (HTML)", "b" * 200_000, 65_535),
        ("Tags", "ok, " + "t" * 256, 255),
    ],
)
def test_field_length_limits(column: str, value: str, limit: int) -> None:
    header = ["Handle", "Title", "Body (HTML)", "Tags", "Variant SKU", "Variant Price"]
    row = {"Handle": "h", "Title": "T", "Body (HTML)": "", "Tags": "", "Variant SKU": "S"}
    row["Variant Price"] = "1"
    row[column] = value
    result = parse_shopify_csv(make_csv(header, [row[c] for c in header]))
    assert result.products == []
    assert errors_of(result) == [(2, column)]
    assert str(limit) in result.errors[0].message


def test_limits_are_inclusive() -> None:
    data = make_csv(BASIC, single(title="x" * 255, sku="S" * 64))
    assert parse_shopify_csv(data).errors == []


def test_product_fields_status_published_and_tags() -> None:
    header = [*BASIC, "Vendor", "Type", "Product Category", "Tags", "Published", "Status"]
    header.append("SEO Title")
    data = make_csv(
        header,
        [*single("a", sku="A"), "Acme", "Mug", "Home > Mugs", " x, y ,,x ", "FALSE", "Draft", "S"],
        [*single("b", sku="B"), "", "", "", "", "", "archived", ""],
        [*single("c", sku="C"), "", "", "", "", "maybe", "gone", ""],
    )
    result = parse_shopify_csv(data)
    a, b = (item.product for item in result.products)
    assert (a.brand, a.product_type, a.category, a.seo_title) == ("Acme", "Mug", "Home > Mugs", "S")
    assert a.tags == ["x", "y"]
    assert (a.published, a.status) == (False, ProductStatus.DRAFT)
    assert (b.published, b.status) == (True, ProductStatus.ARCHIVED)
    assert errors_of(result) == [(4, "Published"), (4, "Status")]


def test_invalid_utf8_is_a_file_error() -> None:
    data = make_csv(BASIC, single()) + b"caf\xe9,Caf\xe9,Title,Default Title,C-1,5\r\n"
    result = parse_shopify_csv(data)
    assert result.products == []
    (error,) = result.errors
    assert (error.row, error.column) == (0, "")
    assert "UTF-8" in error.message and "line 3" in error.message


def test_empty_file_header_only_and_missing_handle() -> None:
    empty = parse_shopify_csv(b"")
    assert errors_of(empty) == [(1, "Handle")]
    header_only = parse_shopify_csv(make_csv(BASIC))
    assert (header_only.products, header_only.errors) == ([], [])
    no_handle = parse_shopify_csv(make_csv(["Title", "Variant SKU"], ["T", "S"]))
    assert errors_of(no_handle) == [(1, "Handle")]
    assert no_handle.products == []


def test_blank_rows_are_skipped_and_rows_without_handle_reported() -> None:
    data = make_csv(BASIC, single(), ["", "", "", "", "", ""], ["", "T", "", "", "X", "1"])
    result = parse_shopify_csv(data)
    assert [p.product.sku for p in result.products] == ["tee"]
    assert errors_of(result) == [(4, "Handle")]


def test_unbalanced_quote_is_a_file_error() -> None:
    data = make_csv(BASIC, single()) + b'b,"unterminated,Title,Default Title,B,1\r\n'
    result = parse_shopify_csv(data)
    assert result.products == []
    (error,) = result.errors
    assert error.row == 3
    assert "malformed CSV" in error.message


def test_chunks_are_joined() -> None:
    data = make_csv(BASIC, single(), bom=True)
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    assert parse_shopify_csv_chunks(chunks) == parse_shopify_csv(data)


def test_unknown_currency_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        parse_shopify_csv(make_csv(BASIC, single()), "XXX")
