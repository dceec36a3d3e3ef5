"""Shopee sandbox product endpoints: add_item, tier variations, item and model reads."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.shopee.envelope import (
    Ctx,
    ShopeeBase,
    int_field,
    ok_response,
    param_error,
)
from sandbox.state import Listing, Model

MAX_MODELS = 50


class ProductRoutes(ShopeeBase):
    async def add_item(self, ctx: Ctx) -> Response:
        b = ctx.body
        name = b.get("item_name")
        if not isinstance(name, str) or not name.strip():
            raise param_error("invalid field ItemName: value must Not Null", "product")
        if len(name) > 120:
            raise param_error("item_name is too long (max 120 characters).", "product")
        for required in ("description", "category_id", "weight", "original_price"):
            if b.get(required) in (None, ""):
                raise param_error(f"invalid field {required}: value must Not Null", "product")
        price = price_of(b.get("original_price"), "product")
        stock = stock_of(b.get("seller_stock"), "product")
        item_sku = str(b.get("item_sku") or "")
        item_id = self.state.next_id()
        listing = Listing(
            item_id=item_id,
            name=name,
            seller_sku=item_sku,
            status=str(b.get("item_status") or "NORMAL"),
            price=price,
            stock=stock,
            description=str(b["description"]),
            category_id=int(b["category_id"]),
            weight_kg=float(b["weight"]) if isinstance(b["weight"], int | float) else None,
            images=image_ids(b.get("image")),
        )
        ctx.shop.listings[item_id] = listing
        echo = {k: v for k, v in b.items() if k not in ("seller_stock",)}
        return ok_response({**echo, "item_id": item_id})

    async def init_tier_variation(self, ctx: Ctx) -> Response:
        b = ctx.body
        listing = self._listing(ctx, int_field(b, "item_id", "product"))
        if listing.models:
            raise param_error("The item already has tier variations.", "product")
        tiers = b.get("tier_variation")
        if not isinstance(tiers, list) or not 1 <= len(tiers) <= 2:
            raise param_error("tier_variation must have 1 or 2 tiers.", "product")
        sizes = []
        for tier in tiers:
            options = tier.get("option_list") if isinstance(tier, dict) else None
            if not isinstance(options, list) or not options or not tier.get("name"):
                raise param_error("Each tier needs a name and a non-empty option_list.", "product")
            sizes.append(len(options))
        models = b.get("model")
        if not isinstance(models, list) or not 1 <= len(models) <= MAX_MODELS:
            raise param_error(f"model must have 1 to {MAX_MODELS} entries.", "product")
        built: list[Model] = []
        seen: set[tuple[int, ...]] = set()
        for m in models:
            index = m.get("tier_index") if isinstance(m, dict) else None
            if (
                not isinstance(index, list)
                or len(index) != len(sizes)
                or any(
                    not isinstance(i, int) or not 0 <= i < n
                    for i, n in zip(index, sizes, strict=True)
                )
            ):
                raise param_error("tier_index does not match tier_variation.", "product")
            if tuple(index) in seen:
                raise param_error("Duplicate tier_index.", "product")
            seen.add(tuple(index))
            built.append(
                Model(
                    model_id=self.state.next_id(),
                    seller_sku=str(m.get("model_sku") or ""),
                    tier_index=list(index),
                    price=price_of(m.get("original_price"), "product"),
                    stock=stock_of(m.get("seller_stock"), "product"),
                )
            )
        listing.tier_variation = tiers
        listing.models = built
        listing.touch()
        return ok_response(
            {
                "item_id": listing.item_id,
                "tier_variation": tiers,
                "model": [model_wire(m, ctx.shop.currency) for m in built],
            }
        )

    async def get_item_list(self, ctx: Ctx) -> Response:
        offset = ctx.q_int("offset")
        page_size = ctx.q_int("page_size", required=True)
        if not 1 <= page_size <= 100:
            raise param_error("page_size must be between 1 and 100.", "product")
        statuses = set(ctx.query.get("item_status", []))
        if not statuses:
            raise param_error("invalid field item_status: value must Not Null", "product")
        items = sorted(
            (x for x in ctx.shop.listings.values() if x.status in statuses),
            key=lambda x: x.item_id,
        )
        page = items[offset : offset + page_size]
        more = offset + page_size < len(items)
        return ok_response(
            {
                "item": [
                    {"item_id": x.item_id, "item_status": x.status, "update_time": x.update_time}
                    for x in page
                ],
                "total_count": len(items),
                "has_next_page": more,
                "next_offset": offset + page_size if more else 0,
            }
        )

    async def get_item_base_info(self, ctx: Ctx) -> Response:
        ids = id_list(ctx.q("item_id_list"), "item_id_list")
        out = []
        missing = []
        for item_id in ids:
            x = ctx.shop.listings.get(item_id)
            if x is None:
                missing.append(str(item_id))
                continue
            entry: dict[str, Any] = {
                "item_id": x.item_id,
                "category_id": x.category_id,
                "item_name": x.name,
                "description": x.description,
                "item_sku": x.seller_sku,
                "item_status": x.status,
                "create_time": x.create_time,
                "update_time": x.update_time,
                "has_model": bool(x.models),
                "weight": x.weight_kg,
                "image": {"image_id_list": list(x.images), "image_url_list": []},
                "dimension": dict(x.dimensions),
                "brand": {"brand_id": 0, "original_brand_name": x.brand},
            }
            if not x.models:
                entry["price_info"] = [price_info(x.price, ctx.shop.currency)]
                entry["stock_info_v2"] = stock_info(x.stock)
            out.append(entry)
        warning = f"item_id {','.join(missing)} not found" if missing else ""
        return ok_response({"item_list": out}, warning)

    async def get_model_list(self, ctx: Ctx) -> Response:
        listing = self._listing(ctx, ctx.q_int("item_id", required=True))
        return ok_response(
            {
                "tier_variation": listing.tier_variation,
                "model": [model_wire(m, ctx.shop.currency) for m in listing.models],
            }
        )


def image_ids(image: Any) -> list[str]:
    """`image.image_id_list` as given to add_item (⚠ not checked: no upload_image here)."""
    ids = image.get("image_id_list") if isinstance(image, dict) else None
    return [str(i) for i in ids] if isinstance(ids, list) else []


def id_list(raw: str | None, name: str) -> list[int]:
    parts = [p for p in (raw or "").split(",") if p]
    if not 1 <= len(parts) <= 50:
        raise param_error(f"{name} must have 1 to 50 entries.", "product")
    try:
        return [int(p) for p in parts]
    except ValueError as exc:
        raise param_error(f"invalid field {name}.", "product") from exc


def price_of(value: Any, module: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise param_error("original_price must be greater than 0.", module)
    return float(value)


def stock_of(value: Any, module: str) -> int:
    if not isinstance(value, list) or not value:
        raise param_error("seller_stock must not be empty.", module)
    total = 0
    for entry in value:
        stock = entry.get("stock") if isinstance(entry, dict) else None
        if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
            raise param_error("stock must be an integer >= 0.", module)
        total += stock
    return total


def price_info(price: float, currency: str) -> dict[str, Any]:
    return {"currency": currency, "current_price": price, "original_price": price}


def stock_info(stock: int) -> dict[str, Any]:
    return {
        "summary_info": {"total_reserved_stock": 0, "total_available_stock": stock},
        "seller_stock": [{"location_id": "", "stock": stock, "if_saleable": True}],
    }


def model_wire(m: Model, currency: str) -> dict[str, Any]:
    return {
        "model_id": m.model_id,
        "tier_index": m.tier_index,
        "model_sku": m.seller_sku,
        "model_status": "MODEL_NORMAL",
        "price_info": [price_info(m.price, currency)],
        "stock_info_v2": stock_info(m.stock),
    }
