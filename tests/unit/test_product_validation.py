"""Master product validation: every rule, every violation at once, and normalisation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.catalog.domain.model import (
    Attribute,
    Dimensions,
    Image,
    Option,
    PlatformOverride,
    Product,
    Variant,
)
from services.catalog.domain.product_validation import normalize_product, validate_product
from services.common.errors import InvalidArgument
from services.common.money import Money
from services.common.platforms import Platform
from tests.support.products import idr, make_product


def good() -> Product:
    """The motor with every optional field the validator checks filled in."""
    return make_product(
        tags=["fpv", "motor"],
        compare_at_price=idr(200_000),
        weight_grams=49,
        dimensions=Dimensions(30, 30, 20),
        options=[Option("KV", ["1950KV", "2450KV"]), Option("Color", ["Black"])],
        variants=[
            Variant("MOT-1-195", ["1950KV", "Black"], price=idr(140_000)),
            Variant("MOT-1-245", ["2450KV", "Black"], compare_at_price=idr(190_000)),
        ],
        attributes=[Attribute("material", "aluminium")],
        platform_overrides=[PlatformOverride(Platform.SHOPEE, price=idr(160_000))],
    )


def violations(product: Product) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as info:
        validate_product(product)
    return {v.field: v.description for v in info.value.violations}


def test_good_product_passes():
    validate_product(good())


Mutation = Callable[[Product], None]


def _set(name: str, value: object) -> Mutation:
    return lambda p: setattr(p, name, value)


def _variant(i: int, name: str, value: object) -> Mutation:
    return lambda p: setattr(p.variants[i], name, value)


CASES: list[tuple[str, Mutation, str]] = [
    ("empty sku", _set("sku", ""), "product.sku"),
    ("long sku", _set("sku", "S" * 65), "product.sku"),
    ("sku with space", _set("sku", "MOT 1"), "product.sku"),
    ("sku with control char", _set("sku", "MOT\x001"), "product.sku"),
    ("blank title", _set("title", "   "), "product.title"),
    ("long title", _set("title", "T" * 256), "product.title"),
    ("long description", _set("description", "d" * 65_536), "product.description"),
    ("long brand", _set("brand", "b" * 256), "product.brand"),
    ("long category", _set("category", "c" * 256), "product.category"),
    ("long product type", _set("product_type", "t" * 256), "product.product_type"),
    ("too many tags", _set("tags", [f"t{i}" for i in range(251)]), "product.tags"),
    ("long tag", _set("tags", ["ok", "t" * 256]), "product.tags[1]"),
    ("empty tag", _set("tags", [""]), "product.tags[0]"),
    ("unknown currency", _set("base_price", Money("XYZ", 1)), "product.base_price.currency"),
    ("negative base", _set("base_price", idr(-1)), "product.base_price.amount_minor"),
    (
        "compare-at other currency",
        _set("compare_at_price", Money("MYR", 1)),
        "product.compare_at_price.currency",
    ),
    (
        "negative compare-at",
        _set("compare_at_price", idr(-5)),
        "product.compare_at_price.amount_minor",
    ),
    ("negative weight", _set("weight_grams", -1), "product.weight_grams"),
    ("heavy", _set("weight_grams", 1_000_001), "product.weight_grams"),
    (
        "negative dimension",
        _set("dimensions", Dimensions(-1, 1, 1)),
        "product.dimensions.length_mm",
    ),
    (
        "four options",
        _set("options", [Option(f"O{i}", ["a"]) for i in range(4)]),
        "product.options",
    ),
    ("too many images", _set("images", [Image("https://x.io/a.jpg")] * 251), "product.images"),
    ("empty image url", _set("images", [Image("")]), "product.images[0].url"),
    ("ftp image url", _set("images", [Image("ftp://x.io/a.jpg")]), "product.images[0].url"),
    (
        "long image url",
        _set("images", [Image("https://x.io/" + "a" * 2040)]),
        "product.images[0].url",
    ),
    ("no variants", _set("variants", []), "product.variants"),
    ("variant sku empty", _variant(0, "sku", ""), "product.variants[0].sku"),
    ("variant sku spaces", _variant(1, "sku", "A B"), "product.variants[1].sku"),
    ("duplicate variant sku", _variant(1, "sku", "MOT-1-195"), "product.variants[1].sku"),
    (
        "variant price currency",
        _variant(0, "price", Money("USD", 1)),
        "product.variants[0].price.currency",
    ),
    (
        "variant negative price",
        _variant(0, "price", idr(-1)),
        "product.variants[0].price.amount_minor",
    ),
    (
        "variant compare-at currency",
        _variant(1, "compare_at_price", Money("USD", 1)),
        "product.variants[1].compare_at_price.currency",
    ),
    ("variant weight", _variant(0, "weight_grams", -2), "product.variants[0].weight_grams"),
    ("variant image", _variant(0, "image_url", "nope"), "product.variants[0].image_url"),
    (
        "too few values",
        _variant(0, "option_values", ["1950KV"]),
        "product.variants[0].option_values",
    ),
    (
        "value not an option value",
        _variant(0, "option_values", ["9999KV", "Black"]),
        "product.variants[0].option_values[0]",
    ),
    (
        "duplicate combination",
        _variant(1, "option_values", ["1950KV", "Black"]),
        "product.variants[1].option_values",
    ),
    (
        "empty attribute key",
        _set("attributes", [Attribute(" ", "x")]),
        "product.attributes[0].key",
    ),
    (
        "duplicate attribute key",
        _set("attributes", [Attribute("Color", "x"), Attribute("color", "y")]),
        "product.attributes[1].key",
    ),
    (
        "two overrides for one platform",
        _set("platform_overrides", [PlatformOverride(Platform.LAZADA)] * 2),
        "product.platform_overrides[1].platform",
    ),
    (
        "override price currency",
        _set("platform_overrides", [PlatformOverride(Platform.LAZADA, price=Money("MYR", 1))]),
        "product.platform_overrides[0].price.currency",
    ),
    ("bad status", _set("status", "deleted"), "product.status"),
]


@pytest.mark.parametrize(("mutate", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule(mutate: Mutation, field: str):
    product = good()
    mutate(product)
    assert field in violations(product)


def test_too_many_variants():
    values = [f"V{i}" for i in range(2049)]
    p = good()
    p.options = [Option("Size", values)]
    p.variants = [Variant(f"S-{i}", [v]) for i, v in enumerate(values)]
    assert "product.variants" in violations(p)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ([Option("", ["a"])], "product.options[0].name"),
        ([Option("Size", ["a"]), Option("size", ["b"])], "product.options[1].name"),
        ([Option("Size", [])], "product.options[0].values"),
        ([Option("Size", ["a", "a"])], "product.options[0].values"),
        ([Option("Size", [" "])], "product.options[0].values"),
    ],
)
def test_option_rules(options: list[Option], field: str):
    p = good()
    p.options = options
    p.variants = [Variant("X-1", [o.values[0] if o.values else "" for o in options])]
    assert field in violations(p)


def test_every_violation_is_reported_at_once():
    p = good()
    p.title = ""
    p.sku = "has space"
    p.base_price = Money("XYZ", -1)
    p.variants[1].sku = ""
    found = violations(p)
    assert {
        "product.title",
        "product.sku",
        "product.base_price.currency",
        "product.base_price.amount_minor",
        "product.variants[1].sku",
    } <= set(found)


def test_normalize_trims_dedupes_and_does_not_mutate_the_input():
    p = good()
    p.title = "  Motor  "
    p.sku = " MOT-1 "
    p.tags = [" fpv ", "FPV", "motor", "", "fpv", "drone "]
    p.variants[0].sku = " MOT-1-195\t"
    out = normalize_product(p)
    assert out.title == "Motor"
    assert out.sku == "MOT-1"
    assert out.tags == ["fpv", "motor", "drone"]
    assert out.variants[0].sku == "MOT-1-195"
    assert p.title == "  Motor  "  # the caller's object is untouched
    validate_product(out)


def test_normalize_gives_a_simple_product_one_default_variant():
    p = good()
    p.options = []
    p.variants = []
    out = normalize_product(p)
    assert [(v.sku, v.option_values, v.price) for v in out.variants] == [("MOT-1", [], None)]
    validate_product(out)
