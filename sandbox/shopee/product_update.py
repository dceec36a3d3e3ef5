"""Shopee sandbox `POST /api/v2/product/update_item` (a Shop API: signed like the rest).

Source: [SHP-SCHEMA] `schemas/v2.product.update_item.json` in congminh1254/shopee-sdk
(Shopee's own doc-service JSON, see MARKETPLACES.md header). Every request field but
`item_id` is optional; a field left out keeps its value. The fields served here:
`item_name`, `description`, `weight` (kg; "overwrites the weight of all models"),
`dimension{package_height,package_length,package_width}` (cm, all three required),
`image{image_id_list}`, `category_id`, `brand{brand_id,original_brand_name}`,
`item_sku`, `item_status` (UNLIST or NORMAL). The answer echoes the item (`response`
with `item_id`, `item_name`, `description`, `weight`, `images{image_id_list,
image_url_list}`, `dimension`, `item_status`, `category_id`, `brand`).

Codes, from that schema's `error_list` (with the `product.` module prefix of the
envelope example in MARKETPLACES.md §1.3): `error_param` ("invalid field ItemId",
"Invalid Weight.", "Parameter is not match the constraints, …"),
`error_item_not_found` ("Item_id is not found."), `error_item_uneditable` (status
not editable), `error_item_name_empty`, `error_title_exceeds_max_length`,
`error_desc_length_min_limit`, `error_image_num_min`, `error_invalid_category`,
`error_invalid_brand` ("Brand name required").

Limits. ⚠ Shopee gives them per shop and category through `v2.product.get_item_limit`
([SHP-SCHEMA] `schemas/v2.product.get_item_limit.json`), whose samples are item name
5-100, description 10-2000, images 1-9. The sandbox keeps add_item's 120-character
name limit, refuses an empty description and one over 2000 characters (the schema
lists no "too long" code for descriptions, so `error_param` "Parameter is not match
the constraints"), and allows 1-9 image ids.
⚠ Images: ids come from `v2.media_space.upload_image`, which the sandbox does not
serve, so any non-empty id string is accepted and `image_url_list` stays empty.
Other optional fields (attributes, logistics, wholesale, pre_order…) are ignored.
The whole body is checked before anything is stored: a refused update changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from sandbox.shopee.envelope import Ctx, ShopeeBase, ShopeeError, int_field, ok_response
from sandbox.state import Listing

MODULE = "product"
CONSTRAINTS = "Parameter is not match the constraints"
MAX_NAME = 120  # as add_item (products.py); ⚠ get_item_limit's sample says 100
MAX_DESCRIPTION = 2000  # ⚠ get_item_limit sample `item_description_length_limit.max_limit`
MAX_IMAGES = 9  # get_item_limit sample `item_image_count_limit` 1-9
EDITABLE = {"NORMAL", "UNLIST"}
DIMENSIONS = ("package_height", "package_length", "package_width")


def _err(code: str, message: str) -> ShopeeError:
    return ShopeeError(400, f"{MODULE}.{code}", message)


@dataclass
class _Edit:
    name: str | None = None
    description: str | None = None
    weight: float | None = None
    dimensions: dict[str, int] | None = None
    images: list[str] | None = None
    category_id: int | None = None
    brand: str | None = None
    item_sku: str | None = None
    status: str | None = None


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _err("error_item_name_empty", "Item name could not be empty.")
    if len(value) > MAX_NAME:
        raise _err(
            "error_title_exceeds_max_length", "The length of item_name is bigger than max limit."
        )
    return value


def _description(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _err("error_desc_length_min_limit", "Description length is less than the min limit.")
    if len(value) > MAX_DESCRIPTION:
        raise _err(
            "error_param",
            f"{CONSTRAINTS}, description is longer than {MAX_DESCRIPTION}.",
        )
    return value


def _weight(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise _err("error_param", "Invalid Weight.")
    return float(value)


def _dimensions(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _err("error_param", f"{CONSTRAINTS}, dimension.")
    out: dict[str, int] = {}
    for name in DIMENSIONS:
        size = value.get(name)
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise _err("error_param", f"{CONSTRAINTS}, {name}.")
        out[name] = size
    return out


def _images(value: Any) -> list[str]:
    ids = value.get("image_id_list") if isinstance(value, dict) else None
    if not isinstance(ids, list) or not ids:
        raise _err("error_image_num_min", "image_id_list needs at least 1 image.")
    if len(ids) > MAX_IMAGES:
        raise _err("error_param", f"{CONSTRAINTS}, at most {MAX_IMAGES} images.")
    if any(not isinstance(i, str) or not i.strip() for i in ids):
        raise _err("error_param", "Image not exist.")
    return list(ids)


def _category(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _err("error_invalid_category", f"Invalid category ID {value!r}")
    return value


def _brand(value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("brand_id", 0), int):
        raise _err("error_invalid_brand", "Invalid brand")
    name = value.get("original_brand_name")
    if value.get("brand_id", 0) == 0 and (not isinstance(name, str) or not name.strip()):
        raise _err("error_invalid_brand", "Brand name required")
    return str(name or "")


def read_edit(body: dict[str, Any]) -> _Edit:
    """Every given field checked; nothing is applied here."""
    edit = _Edit()
    if "item_name" in body:
        edit.name = _name(body["item_name"])
    if "description" in body:
        edit.description = _description(body["description"])
    if "weight" in body:
        edit.weight = _weight(body["weight"])
    if "dimension" in body:
        edit.dimensions = _dimensions(body["dimension"])
    if "image" in body:
        edit.images = _images(body["image"])
    if "category_id" in body:
        edit.category_id = _category(body["category_id"])
    if "brand" in body:
        edit.brand = _brand(body["brand"])
    if "item_sku" in body:
        if not isinstance(body["item_sku"], str):
            raise _err("error_param", f"{CONSTRAINTS}, item_sku.")
        edit.item_sku = body["item_sku"]
    if "item_status" in body:
        if body["item_status"] not in EDITABLE:
            raise _err("error_param", "Item status, could be UNLIST or NORMAL.")
        edit.status = str(body["item_status"])
    return edit


def apply_edit(listing: Listing, edit: _Edit) -> None:
    if edit.name is not None:
        listing.name = edit.name
    if edit.description is not None:
        listing.description = edit.description
    if edit.weight is not None:
        listing.weight_kg = edit.weight
        # "Updating the weight of this item will overwrite the weight of all models."
        for model in listing.models:
            model.weight_kg = edit.weight
    if edit.dimensions is not None:
        listing.dimensions = edit.dimensions
    if edit.images is not None:
        listing.images = edit.images
    if edit.category_id is not None:
        listing.category_id = edit.category_id
    if edit.brand is not None:
        listing.brand = edit.brand
    if edit.item_sku is not None:
        listing.seller_sku = edit.item_sku
    if edit.status is not None:
        listing.status = edit.status
    listing.touch()


def item_wire(listing: Listing) -> dict[str, Any]:
    """The item fields update_item echoes (and get_item_base_info shows)."""
    return {
        "item_id": listing.item_id,
        "item_name": listing.name,
        "description": listing.description,
        "weight": listing.weight_kg,
        "images": {"image_id_list": list(listing.images), "image_url_list": []},
        "dimension": dict(listing.dimensions),
        "item_status": listing.status,
        "category_id": listing.category_id,
        "brand": {"brand_id": 0, "original_brand_name": listing.brand},
    }


class UpdateItemRoutes(ShopeeBase):
    async def update_item(self, ctx: Ctx) -> Response:
        item_id = int_field(ctx.body, "item_id", MODULE)
        listing = ctx.shop.listings.get(item_id)
        if listing is None:
            raise ShopeeError(404, f"{MODULE}.error_item_not_found", "Item_id is not found.")
        if listing.status not in EDITABLE:
            raise _err(
                "error_item_uneditable",
                "Can't edit this item. item status can not support editing.",
            )
        edit = read_edit(ctx.body)
        apply_edit(listing, edit)
        return ok_response(item_wire(listing))
