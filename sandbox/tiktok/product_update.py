"""TikTok Shop sandbox `POST /product/202309/products/{product_id}/partial_edit`.

Source: the official Partial Edit Product page, [ECDOCS] lazykern/ecommerce-api-docs
`data/raw/tiktok/api-reference/products/partial-edit-product.spec.json` (the scrape holds
its 202509 version; the 202309 path, which the rest of our 202309 calls sit beside, has
the same top-level fields per lywzx/tiktok-partner-api
`packages/tk-origin-api/src/products/PartialEditProduct.ts`). The page: "Updates are
handled per top-level property": a property left out keeps its value, and an object that
is given replaces the whole object. The edited product goes to audit again (⚠ instant
here, as for create: the response's `audit.status` is APPROVED and the edit is live at
once). Not editable: products in `FREEZE` or `DELETED` state.

Fields served and the page's limits and error codes:
- `title`: DE/ES/FR/IE/IT/JP/UK/US [1, 255], BR/MX [1, 300], other regions [25, 255];
  12052261 empty, 12052262 Chinese characters, 12052051 length (⚠ the page lists no
  separate "too short" code).
- `description` (HTML): ≤ 10,000 characters, ≤ 30 `<img>` tags; 12052015 empty
  (required), 12052013 too long, 12052056 too many images, 12052346 Chinese characters.
- `main_images[{uri}]`: ≤ 9; 12052028 none, 12052306 too many, 12052300 illegal uri.
  ⚠ uris come from the Upload Product Image API, not served here: any non-empty uri is
  accepted.
- `package_weight{value, unit}`: positive; unit KILOGRAM everywhere, also POUND (US) and
  GRAM (BR, JP, MX); GRAM an integer, KILOGRAM ≤ 3 decimals, POUND ≤ 2; 12052181 zero,
  12019011 invalid. Stored in kg.
- `brand_id`: 12052026 "Brand does not exist" (⚠ the sandbox has no brand list).
- `skus`: ⚠ only edits of the product's existing SKUs (all of them, each by `id`: the
  page says SKU ids left out are deleted and entries without one are created, neither of
  which the sandbox does; it refuses such a list with 40006); `seller_sku` 1-50
  characters (12052054), `price` as create, `inventory` every warehouse 0-99,999
  (12052055).
- `save_mode`: LISTING (default) or AS_DRAFT; ⚠ AS_DRAFT on a live product (a post-live
  draft) is refused with 40006: the sandbox keeps no drafts beside a live version.
Other properties (attributes, certifications, size chart, video…) are ignored. HTTP
statuses are not documented (see envelope.py): 400, and 404 for an unknown product. The
whole body is checked before anything is stored: a refused edit changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from sandbox.state import Listing, Model, Shop
from sandbox.tiktok.envelope import Ctx, TikTokBase, TikTokError, ok_response, param_error
from sandbox.tiktok.package_weight import package_weight_kg
from sandbox.tiktok.products import amount_of, attrs_wire, quantity_errors

SHORT_TITLE_REGIONS = {"DE", "ES", "FR", "IE", "IT", "JP", "UK", "GB", "US"}
LONG_TITLE_REGIONS = {"BR", "MX"}
MAX_DESCRIPTION = 10_000
MAX_DESCRIPTION_IMAGES = 30
MAX_MAIN_IMAGES = 9
MAX_SELLER_SKU = 50
CHINESE = re.compile(r"[\u4e00-\u9fff]")  # ⚠ the CJK unified ideographs block
IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)


def _fail(code: int, message: str, status: int = 400) -> TikTokError:
    return TikTokError(status, code, message)


def title_range(region: str) -> tuple[int, int]:
    if region in SHORT_TITLE_REGIONS:
        return 1, 255
    if region in LONG_TITLE_REGIONS:
        return 1, 300
    return 25, 255


def check_title(shop: Shop, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(12052261, "product name is empty")
    if CHINESE.search(value):
        raise _fail(12052262, "Chinese characters are not supported in product name")
    low, high = title_range(shop.credentials["region"])
    if not low <= len(value) <= high:
        raise _fail(
            12052051,
            f"The product name exceed max limit characters: [{low}, {high}] in this region",
        )
    return value


def check_description(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(12052015, "The product description is required")
    if len(value) > MAX_DESCRIPTION:
        raise _fail(12052013, "The product description cannot exceed maximum characters")
    if len(IMG_TAG.findall(value)) > MAX_DESCRIPTION_IMAGES:
        raise _fail(12052056, "The num of image in description cannot exceed max limit")
    if CHINESE.search(value):
        raise _fail(12052346, "The product description has Chinese characters")
    return value


def check_main_images(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _fail(12052028, "Main product image is required")
    if len(value) > MAX_MAIN_IMAGES:
        raise _fail(12052306, "main product images count exceed limit")
    uris = [i.get("uri") if isinstance(i, dict) else None for i in value]
    if any(not isinstance(u, str) or not u.strip() for u in uris):
        raise _fail(12052300, "product main image uri illegal")
    return [str(u) for u in uris]


@dataclass
class _SkuEdit:
    model: Model
    seller_sku: str | None
    price: float | None
    quantity: int | None


def check_skus(shop: Shop, listing: Listing, value: Any) -> list[_SkuEdit]:
    by_id = {str(m.model_id): m for m in listing.models}
    entries = value if isinstance(value, list) else []
    ids = [str(s.get("id") or "") if isinstance(s, dict) else "" for s in entries]
    if not entries or sorted(ids) != sorted(by_id):
        raise param_error(
            "skus must name every existing SKU of the product by id (⚠ the sandbox does "
            "not add or delete SKUs through partial_edit)."
        )
    edits = []
    for sku_id, s in zip(ids, entries, strict=True):
        seller_sku = s.get("seller_sku")
        if seller_sku is not None and (
            not isinstance(seller_sku, str) or not 1 <= len(seller_sku) <= MAX_SELLER_SKU
        ):
            raise _fail(12052054, "The seller SKU text length cannot exceed max limit characters")
        price = amount_of(s["price"], shop) if "price" in s else None
        quantity = None
        if "inventory" in s:
            quantity, errors = quantity_errors(shop, s["inventory"])
            if errors:
                raise _fail(
                    12052055,
                    "The SKU inventory quantity for the warehouse must be within allowed limits.",
                )
        edits.append(_SkuEdit(by_id[sku_id], seller_sku, price, quantity))
    return edits


@dataclass
class _Edit:
    title: str | None = None
    description: str | None = None
    images: list[str] | None = None
    weight_kg: float | None = None
    skus: list[_SkuEdit] | None = None


def read_edit(shop: Shop, listing: Listing, body: dict[str, Any]) -> _Edit:
    """Every given property checked; nothing is applied here."""
    save_mode = body.get("save_mode", "LISTING")
    if save_mode not in ("LISTING", "AS_DRAFT"):
        raise param_error("save_mode must be LISTING or AS_DRAFT.")
    if save_mode == "AS_DRAFT" and listing.status != "DRAFT":
        raise param_error("⚠ The sandbox keeps no post-live drafts: save_mode AS_DRAFT.")
    edit = _Edit()
    if "title" in body:
        edit.title = check_title(shop, body["title"])
    if "description" in body:
        edit.description = check_description(body["description"])
    if "main_images" in body:
        edit.images = check_main_images(body["main_images"])
    if "package_weight" in body:
        edit.weight_kg = package_weight_kg(shop, body["package_weight"])
    if body.get("brand_id"):
        raise _fail(12052026, "Brand does not exist")
    if "skus" in body:
        edit.skus = check_skus(shop, listing, body["skus"])
    return edit


def apply_edit(listing: Listing, edit: _Edit, save_mode: str) -> None:
    if edit.title is not None:
        listing.name = edit.title
    if edit.description is not None:
        listing.description = edit.description
    if edit.images is not None:
        listing.images = edit.images
    if edit.weight_kg is not None:
        listing.weight_kg = edit.weight_kg
    for sku in edit.skus or []:
        if sku.seller_sku is not None:
            sku.model.seller_sku = sku.seller_sku
        if sku.price is not None:
            sku.model.price = sku.price
        if sku.quantity is not None:
            sku.model.stock = sku.quantity
    if save_mode == "LISTING" and listing.status == "DRAFT":
        listing.status = "ACTIVATE"  # ⚠ instant audit, as create
    listing.touch()


class PartialEditRoutes(TikTokBase):
    async def partial_edit(self, ctx: Ctx) -> Response:
        raw = ctx.request.path_params["product_id"]
        listing = ctx.shop.listings.get(int(raw)) if str(raw).isdigit() else None
        if listing is None:
            raise _fail(12052032, "The product does not exist", 404)
        if listing.status in ("FREEZE", "DELETED"):
            raise param_error(f"A product in {listing.status} state cannot be edited.")
        edit = read_edit(ctx.shop, listing, ctx.body)
        apply_edit(listing, edit, str(ctx.body.get("save_mode", "LISTING")))
        return ok_response(
            {
                "product_id": str(listing.item_id),
                "skus": [
                    {
                        "id": str(m.model_id),
                        "seller_sku": m.seller_sku,
                        "sales_attributes": [
                            {"id": a["id"], "value_id": a["value_id"]}
                            for a in attrs_wire(listing, m)
                        ],
                    }
                    for m in listing.models
                ],
                "audit": {"status": "APPROVED"},
            }
        )
