"""Lazada sandbox /product/update (MARKETPLACES.md §4.3: POST, `payload`).

§4.3 names only the path and the payload parameter; the document's shape and the
error codes below come from the UpdateProduct API page of the same source ([ECDOCS]
`data/raw/lazada/apis/product-api/updateproduct.json`): `Request.Product` with `ItemId`,
optional `PrimaryCategory`, `Images.Image[]`, `Attributes{name, description, brand, …}`
and `Skus.Sku[]`, each SKU named by its mandatory `SkuId`. Codes: 1 (E001 parameter
mandatory), 201 (E201 invalid CategoryId), 4108 (CHK_BASIC_REQUIRED), 4116 (main image
repeated), 4118 (price is 0), 4129 ("<" not allowed), 4136 (SKU not found), 4137 (item
not found), 4139 (main image required), 4152 (negative quantity), 4216 (SkuId mandatory).

The whole document is checked before anything is stored, so a refused update changes
nothing. ⚠ Which fields the real API rejects vs. ignores is not documented; the sandbox
refuses a SKU of another item (4136) and a SellerSku that does not match its SkuId
(4136: renaming a seller SKU is not supported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from sandbox.lazada import payload
from sandbox.lazada.envelope import Ctx, LazadaBase, LazadaError, ok_response
from sandbox.state import Listing, Model


def images_of(item: dict[str, Any]) -> list[str] | None:
    """`Images.Image` as a list of URLs; None when the document has no `Images`."""
    if "Images" not in item:
        return None
    container = item.get("Images")
    entries = payload.as_list(container.get("Image")) if isinstance(container, dict) else []
    return [str(e) for e in entries if str(e).strip()]


def weight_of(entry: dict[str, Any]) -> float | None:
    """`package_weight` in kg, or None when absent."""
    weight = payload.number(entry.get("package_weight"), "package_weight")
    if weight is not None and weight < 0:
        raise LazadaError("4107", "CHECK_CAT_PROP_INVALID_NUMBER: package_weight must be >= 0")
    return weight


@dataclass
class _SkuEdit:
    model: Model
    price: float | None
    quantity: int | None
    weight: float | None


def _item(ctx: Ctx, product: dict[str, Any]) -> Listing:
    raw = str(product.get("ItemId") or "").strip()
    if not raw:
        raise LazadaError("1", "E001: Parameter ItemId is mandatory")
    listing = ctx.shop.listings.get(int(raw)) if raw.isdigit() else None
    if listing is None:
        raise LazadaError(
            "4137",
            "The item id entered in the request does not exist on the current country and store",
        )
    return listing


def _name(attributes: dict[str, Any]) -> str | None:
    if "name" not in attributes:
        return None
    name = str(attributes.get("name") or "")
    if not name.strip():
        raise LazadaError("4108", "CHK_BASIC_REQUIRED: name is mandatory")
    if "<" in name:
        raise LazadaError(
            "4129",
            'BIZ_CHECK_PROP_SPECIAL_CHAR: Contains symbol/character that is not allowed: "<"',
        )
    return name


def _category(product: dict[str, Any]) -> int | None:
    raw = str(product.get("PrimaryCategory") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise LazadaError("201", f"E201: {raw} Invalid CategoryId")
    return int(raw)


def _images(product: dict[str, Any]) -> list[str] | None:
    images = images_of(product)
    if images is None:
        return None
    if not images:
        raise LazadaError("4139", "BIZ_CHECK_MAIN_IMAGE_REQUIRE: Main image is require")
    if len(set(images)) != len(images):
        raise LazadaError("4116", "BIZ_CHECK_MAIN_IMAGE_DUPLICATE: an image is repeated")
    return images


def _sku_edit(listing: Listing, entry: dict[str, Any]) -> _SkuEdit:
    sku_id = str(entry.get("SkuId") or "").strip()
    if not sku_id:
        raise LazadaError("4216", "skuId is a mandatory field and must be filled in.")
    model = next((m for m in listing.models if str(m.model_id) == sku_id), None)
    seller_sku = str(entry.get("SellerSku") or "")
    if model is None or (seller_sku and seller_sku != model.seller_sku):
        raise LazadaError("4136", f"SELLER_SKU_NOT_FOUND: Sku {sku_id} is not found")
    price = payload.number(entry.get("price"), "price")
    if price is not None and price <= 0:
        raise LazadaError("4118", "BIZ_CHECK_PRICE_IS_ZERO: price must not be 0")
    quantity = payload.number(entry.get("quantity"), "quantity")
    if quantity is not None and (quantity < 0 or quantity != int(quantity)):
        raise LazadaError("4152", "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL:illegal parameter:quantity")
    return _SkuEdit(model, price, int(quantity) if quantity is not None else None, weight_of(entry))


class ProductUpdateRoutes(LazadaBase):
    async def update_product(self, ctx: Ctx) -> Response:
        product = payload.product(payload.parse(ctx.get("payload")))
        listing = _item(ctx, product)
        attributes = product.get("Attributes")
        attributes = attributes if isinstance(attributes, dict) else {}
        name = _name(attributes)
        category = _category(product)
        images = _images(product)
        edits = [_sku_edit(listing, e) for e in payload.skus(product)] if "Skus" in product else []
        # Everything checked: apply.
        if name is not None:
            listing.name = name
        if "description" in attributes:
            listing.description = str(attributes.get("description") or "")
        if "brand" in attributes:
            listing.brand = str(attributes.get("brand") or "")
        if category is not None:
            listing.category_id = category
        if images is not None:
            listing.images = images
        for edit in edits:
            if edit.price is not None:
                edit.model.price = edit.price
            if edit.quantity is not None:
                edit.model.stock = edit.quantity
            if edit.weight is not None:
                edit.model.weight_kg = edit.weight
        listing.touch()
        return ok_response({"item_status": listing.status})
