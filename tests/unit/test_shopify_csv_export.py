"""Shopify product CSV export: layout, quoting, and round trips through the importer."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from services.catalog.domain import shopify_csv_columns as col
from services.catalog.domain.model import (
    Attribute,
    Dimensions,
    Image,
    Option,
    PlatformOverride,
    Product,
    ProductStatus,
    Variant,
    product_to_dict,
)
from services.catalog.domain.shopify_csv_export import export_shopify_csv, iter_shopify_csv
from services.catalog.domain.shopify_csv_import import parse_shopify_csv
from services.common.money import Money
from services.common.platforms import Platform
from tests.support.products import idr, make_product


def shared_csv() -> Path:
    base = os.environ.get("SYNCSTORE_SHARED_DIR")
    root = Path(base) if base else Path(__file__).resolve().parents[3] / "shared"
    return root / "data" / "catalog-4147.shopify.csv"


def three_option_product() -> Product:
    colors, sizes, fits = ["Red", "Blue"], ["S", "M"], ["Slim"]
    variants = [
        Variant(
            sku=f"TEE-{c[0]}{s}-{f}",
            option_values=[c, s, f],
            price=None if (c, s) in (("Red", "S"), ("Red", "M")) else idr(175000),
            compare_at_price=idr(200000) if c == "Blue" else None,
            barcode=f"899{i}",
            weight_grams=180 + i,
            image_url="https://cdn.example.com/tee-blue.jpg" if c == "Blue" else "",
        )
        for i, (c, s, f) in enumerate((c, s, f) for c in colors for s in sizes for f in fits)
    ]
    return make_product(
        sku="tee-classic",
        title='Classic "Heavy" Tee, 220gsm',
        base_price=idr(150000),
        description='<p class="x">Soft, "heavy"\ncotton.</p>\r\n<ul><li>a, b</li></ul>',
        brand="Acme",
        category="Apparel & Accessories > Clothing > Shirts & Tops",
        product_type="T-Shirt",
        tags=["cotton", "summer sale"],
        status=ProductStatus.DRAFT,
        weight_grams=180,
        images=[
            Image("https://cdn.example.com/tee-red.jpg", "Red tee, front"),
            Image("https://cdn.example.com/tee-blue.jpg", 'Blue "night" tee'),
        ],
        options=[Option("Color", colors), Option("Size", sizes), Option("Fit", fits)],
        variants=variants,
        seo_title="Classic Tee | Acme",
        published=False,
    )


def single_variant_product() -> Product:
    return Product(
        sku="mug",
        title="Mug",
        base_price=idr(45000),
        status=ProductStatus.ACTIVE,
        weight_grams=350,
        images=[
            Image("https://cdn.example.com/mug-1.jpg"),
            Image("https://cdn.example.com/mug-2.jpg"),
        ],
        variants=[Variant(sku="MUG-1", weight_grams=350)],
    )


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def round_trip(products: list[Product]) -> list[Product]:
    result = parse_shopify_csv(export_shopify_csv(products).encode())
    assert result.errors == []
    return [item.product for item in result.products]


def test_header_and_row_layout() -> None:
    text = export_shopify_csv([three_option_product()])
    assert text.splitlines()[0].split(",") == list(col.EXPORT_COLUMNS)
    rows = rows_of(text)
    assert len(rows) == 4  # four variants; the two images ride on the first two rows
    first = rows[0]
    assert first["Handle"] == "tee-classic"
    assert first["Title"] == 'Classic "Heavy" Tee, 220gsm'
    assert first["Tags"] == "cotton, summer sale"
    assert (first["Published"], first["Status"]) == ("false", "draft")
    assert [first[c] for c in col.OPTION_NAMES] == ["Color", "Size", "Fit"]
    assert [first[c] for c in col.OPTION_VALUES] == ["Red", "S", "Slim"]
    assert (first["Variant Price"], first["Variant Compare At Price"]) == ("150000.00", "")
    assert (first["Variant Grams"], first["Variant Weight Unit"]) == ("180", "g")
    assert first["Variant Inventory Qty"] == ""
    assert (first["Image Src"], first["Image Position"]) == (
        "https://cdn.example.com/tee-red.jpg",
        "1",
    )
    assert first["Image Alt Text"] == "Red tee, front"
    # Continuation rows carry no product fields.
    assert all(row["Title"] == row["Status"] == row["Option1 Name"] == "" for row in rows[1:])
    assert rows[2]["Variant Price"] == "175000.00"
    assert rows[2]["Variant Compare At Price"] == "200000.00"
    assert rows[2]["Variant Image"] == "https://cdn.example.com/tee-blue.jpg"
    assert rows[3]["Image Src"] == ""


def test_default_title_and_image_only_rows() -> None:
    rows = rows_of(export_shopify_csv([single_variant_product()]))
    assert len(rows) == 2
    assert (rows[0]["Option1 Name"], rows[0]["Option1 Value"]) == ("Title", "Default Title")
    assert rows[0]["Variant SKU"] == "MUG-1"
    image_row = rows[1]
    assert (image_row["Image Src"], image_row["Image Position"]) == (
        "https://cdn.example.com/mug-2.jpg",
        "2",
    )
    assert (
        image_row["Variant SKU"] == image_row["Variant Price"] == image_row["Option1 Value"] == ""
    )


def test_hand_made_products_round_trip() -> None:
    products = [three_option_product(), single_variant_product()]
    back = round_trip(products)
    assert [product_to_dict(p) for p in back] == [product_to_dict(p) for p in products]


def test_non_idr_prices_round_trip() -> None:
    product = single_variant_product()
    product.base_price = Money("USD", 1250)
    product.variants[0].compare_at_price = Money("USD", 1999)
    text = export_shopify_csv([product])
    assert rows_of(text)[0]["Variant Price"] == "12.50"
    (back,) = parse_shopify_csv(text.encode(), "USD").products
    assert product_to_dict(back.product) == product_to_dict(product)


def test_whole_sample_catalog_round_trips() -> None:
    path = shared_csv()
    if not path.exists():
        pytest.skip(f"{path} is absent")
    first = parse_shopify_csv(path.read_bytes())
    assert first.errors == []
    second = parse_shopify_csv(export_shopify_csv(i.product for i in first.products).encode())
    assert second.errors == []
    assert len(second.products) == 4147
    assert [product_to_dict(i.product) for i in second.products] == [
        product_to_dict(i.product) for i in first.products
    ]
    first_product_rows = rows_of(export_shopify_csv([first.products[0].product]))
    assert second.products[1].first_row == 2 + len(first_product_rows)


def test_attributes_overrides_and_dimensions_are_dropped() -> None:
    product = single_variant_product()
    product.attributes = [Attribute("material", "ceramic")]
    product.platform_overrides = [PlatformOverride(Platform.SHOPEE, title="Mug!", price=idr(1))]
    product.dimensions = Dimensions(100, 80, 90)
    text = export_shopify_csv([product])
    assert "ceramic" not in text and "Mug!" not in text
    (back,) = round_trip([product])
    assert (back.attributes, back.platform_overrides, back.dimensions) == ([], [], None)
    plain = single_variant_product()
    assert product_to_dict(back) == product_to_dict(plain)


def test_quantities_are_written_only_when_given() -> None:
    product = three_option_product()
    text = export_shopify_csv([product], quantities={"TEE-RS-Slim": 7, "TEE-BM-Slim": 0})
    rows = rows_of(text)
    assert [r["Variant Inventory Qty"] for r in rows] == ["7", "", "", "0"]
    result = parse_shopify_csv(text.encode())
    assert result.products[0].initial_quantities == {"TEE-RS-Slim": 7, "TEE-BM-Slim": 0}


def test_iter_yields_header_then_one_chunk_per_product() -> None:
    products = [three_option_product(), single_variant_product()]
    chunks = list(iter_shopify_csv(products))
    assert len(chunks) == 3
    assert chunks[0].startswith("Handle,Title,")
    assert chunks[1].startswith("tee-classic,") and chunks[2].startswith("mug,")
    assert "".join(chunks) == export_shopify_csv(products)
    headless = list(iter_shopify_csv(products, include_header=False))
    assert headless == chunks[1:]


def test_product_level_compare_at_and_weight_are_carried_on_variants() -> None:
    product = single_variant_product()
    product.compare_at_price = idr(60000)
    product.variants[0].weight_grams = None
    (back,) = round_trip([product])
    assert back.compare_at_price is None
    assert back.variants[0].compare_at_price == idr(60000)
    assert (back.weight_grams, back.variants[0].weight_grams) == (350, 350)


def test_product_without_variants_sells_as_itself() -> None:
    product = Product(sku="lonely", title="Lonely", base_price=idr(5000))
    rows = rows_of(export_shopify_csv([product]))
    assert len(rows) == 1
    assert (rows[0]["Variant SKU"], rows[0]["Variant Price"]) == ("lonely", "5000.00")
    (back,) = round_trip([product])
    assert [v.sku for v in back.variants] == ["lonely"]
    assert back.base_price == idr(5000)
