"""The master catalog's domain model: plain dataclasses, no gRPC, SQL or HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform

MAX_OPTIONS = 3


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass
class Image:
    url: str
    alt: str = ""


@dataclass
class Option:
    name: str
    values: list[str] = field(default_factory=list)


@dataclass
class Dimensions:
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0


@dataclass
class Variant:
    sku: str
    option_values: list[str] = field(default_factory=list)
    # None means "sell at the product's base price".
    price: Money | None = None
    compare_at_price: Money | None = None
    barcode: str = ""
    weight_grams: int | None = None
    image_url: str = ""


@dataclass
class Attribute:
    key: str
    value: str


@dataclass
class PlatformOverride:
    platform: Platform
    title: str = ""
    category_id: str = ""
    price: Money | None = None
    enabled: bool = True


@dataclass
class Product:
    sku: str
    title: str
    base_price: Money
    id: str = ""
    description: str = ""
    brand: str = ""
    category: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    status: ProductStatus = ProductStatus.DRAFT
    compare_at_price: Money | None = None
    weight_grams: int = 0
    dimensions: Dimensions | None = None
    images: list[Image] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    platform_overrides: list[PlatformOverride] = field(default_factory=list)
    seo_title: str = ""
    published: bool = True
    revision: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def variant_price(self, variant: Variant) -> Money:
        """The variant's own price when it overrides the base, else the base price."""
        return variant.price if variant.price is not None else self.base_price

    def override_for(self, platform: Platform) -> PlatformOverride | None:
        for override in self.platform_overrides:
            if override.platform == platform:
                return override
        return None

    def attribute(self, key: str) -> str | None:
        wanted = key.casefold()
        for attr in self.attributes:
            if attr.key.casefold() == wanted:
                return attr.value
        return None

    @property
    def variant_skus(self) -> list[str]:
        return [v.sku for v in self.variants]


def _money_to_dict(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"currency": money.currency, "amount_minor": money.amount_minor}


def _money_from_dict(data: dict[str, Any] | None) -> Money | None:
    if data is None:
        return None
    return Money(str(data["currency"]), int(data["amount_minor"]))


def product_to_dict(product: Product) -> dict[str, Any]:
    """A JSON-ready dict of the product's content (used for storage and revisions).

    Identity and bookkeeping (id, revision, timestamps) are left out: they live in
    their own columns, and leaving them out makes two equal contents compare equal.
    """
    return {
        "sku": product.sku,
        "title": product.title,
        "description": product.description,
        "brand": product.brand,
        "category": product.category,
        "product_type": product.product_type,
        "tags": list(product.tags),
        "status": product.status.value,
        "base_price": _money_to_dict(product.base_price),
        "compare_at_price": _money_to_dict(product.compare_at_price),
        "weight_grams": product.weight_grams,
        "dimensions": None
        if product.dimensions is None
        else {
            "length_mm": product.dimensions.length_mm,
            "width_mm": product.dimensions.width_mm,
            "height_mm": product.dimensions.height_mm,
        },
        "images": [{"url": i.url, "alt": i.alt} for i in product.images],
        "options": [{"name": o.name, "values": list(o.values)} for o in product.options],
        "variants": [
            {
                "sku": v.sku,
                "option_values": list(v.option_values),
                "price": _money_to_dict(v.price),
                "compare_at_price": _money_to_dict(v.compare_at_price),
                "barcode": v.barcode,
                "weight_grams": v.weight_grams,
                "image_url": v.image_url,
            }
            for v in product.variants
        ],
        "attributes": [{"key": a.key, "value": a.value} for a in product.attributes],
        "platform_overrides": [
            {
                "platform": o.platform.value,
                "title": o.title,
                "category_id": o.category_id,
                "price": _money_to_dict(o.price),
                "enabled": o.enabled,
            }
            for o in product.platform_overrides
        ],
        "seo_title": product.seo_title,
        "published": product.published,
    }


def product_from_dict(data: dict[str, Any]) -> Product:
    """Inverse of product_to_dict (identity and bookkeeping are set by the caller)."""
    base_price = _money_from_dict(data["base_price"])
    assert base_price is not None
    dims = data.get("dimensions")
    return Product(
        sku=data["sku"],
        title=data["title"],
        description=data.get("description", ""),
        brand=data.get("brand", ""),
        category=data.get("category", ""),
        product_type=data.get("product_type", ""),
        tags=list(data.get("tags", [])),
        status=ProductStatus(data.get("status", "draft")),
        base_price=base_price,
        compare_at_price=_money_from_dict(data.get("compare_at_price")),
        weight_grams=int(data.get("weight_grams", 0)),
        dimensions=None if dims is None else Dimensions(**dims),
        images=[Image(**i) for i in data.get("images", [])],
        options=[Option(o["name"], list(o["values"])) for o in data.get("options", [])],
        variants=[
            Variant(
                sku=v["sku"],
                option_values=list(v.get("option_values", [])),
                price=_money_from_dict(v.get("price")),
                compare_at_price=_money_from_dict(v.get("compare_at_price")),
                barcode=v.get("barcode", ""),
                weight_grams=v.get("weight_grams"),
                image_url=v.get("image_url", ""),
            )
            for v in data.get("variants", [])
        ],
        attributes=[Attribute(a["key"], a["value"]) for a in data.get("attributes", [])],
        platform_overrides=[
            PlatformOverride(
                platform=Platform(o["platform"]),
                title=o.get("title", ""),
                category_id=o.get("category_id", ""),
                price=_money_from_dict(o.get("price")),
                enabled=bool(o.get("enabled", True)),
            )
            for o in data.get("platform_overrides", [])
        ],
        seo_title=data.get("seo_title", ""),
        published=bool(data.get("published", True)),
    )
