"""The admin calls every marketplace shares: seed a listing, place, cancel and ship orders,
and edit a listing's price or stock "in the seller center".

`ShopAdmin` does the bookkeeping once (SKU lookup, line validation, stock decrement,
status changes); each platform's admin class sets its status names and overrides the
small hooks that differ: how a seeded listing is stored, the wire shape of a listing,
order ids, and which notification a change sends (`order_changed`, `listing_edited`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import ShopAdminBase, bad
from sandbox.state import Listing, Model, Order, OrderLineRecord, SandboxState, Shop


@dataclass(frozen=True)
class Edit:
    """A seller-center edit: what was changed (`price`, `stock`) and the values before."""

    listing: Listing
    model: Model | None
    changed: Mapping[str, float]
    before_price: float
    before_stock: int


def single_model_listing(
    state: SandboxState, sku: str, title: str, price: float, stock: int, status: str, item_sku: str
) -> Listing:
    """A listing with one variant carrying the SKU (TikTok Shop SKUs, Lazada SKUs)."""
    model = Model(state.next_id(), sku, [], price, stock)
    return Listing(state.next_id(), title, item_sku, status, price, 0, models=[model])


class ShopAdmin(ShopAdminBase):
    platform: ClassVar[str]
    listing_status: ClassVar[str]
    order_status: ClassVar[str]  # the status an order is placed in
    action_status: ClassVar[Mapping[str, str]]  # "cancel" / "ship" -> the platform's status
    unique_skus: ClassVar[bool] = False  # seeding an SKU already sold is rejected
    checks_stock: ClassVar[bool] = True  # False: an order may take stock below zero
    default_price: ClassVar[float] = 1.0
    default_currency: ClassVar[str] = "SGD"
    default_rate_limit: ClassVar[float | None] = None  # None: FaultSwitches' default

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _shop(self, request: Request) -> Shop | None:
        try:
            return self.state.shop(self.platform, int(request.path_params["shop_id"]))
        except ValueError:
            return None

    def register_shop(
        self, shop_id: int, body: Mapping[str, Any], credentials: dict[str, str]
    ) -> Shop:
        """A new shop from `POST shops`: currency, seeded faults and rate limit, stored."""
        shop = Shop(
            platform=self.platform,
            shop_id=shop_id,
            credentials=credentials,
            currency=str(body.get("currency") or self.default_currency),
        )
        shop.faults.configure({"seed": int(body.get("seed", self.state.seed))})
        rate_limit = body.get("rate_limit", self.default_rate_limit)
        if rate_limit is not None:
            shop.faults.configure({"rate_limit": rate_limit})
        self.state.platform_shops(self.platform)[shop_id] = shop
        return shop

    # -- hooks ---------------------------------------------------------------------------

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        raise NotImplementedError

    def new_listing(self, sku: str, title: str, price: float, stock: int) -> Listing:
        """A seeded single-SKU listing; by default an item without models."""
        return Listing(self.state.next_id(), title, sku, self.listing_status, price, stock)

    def find_for_order(self, shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
        """What an order line of `sku` takes stock from (None: not sold here)."""
        return shop.find_sku(sku)

    def new_order_id(self) -> str:
        return str(self.state.next_id())

    def initial_status(self, body: Mapping[str, Any]) -> str:
        return self.order_status

    def placed_json(self, order: Order) -> dict[str, Any]:
        return {"order_id": order.order_sn}

    def status_json(self, order: Order) -> object:
        return order.status

    def order_changed(self, shop: Shop, order: Order) -> None:
        """Send the platform's order notification (placed, cancelled, shipped)."""

    def before_action(self, shop: Shop, order: Order, action: str) -> None:
        """Before a cancel or ship changes the order's status (WooCommerce: a cancel
        puts the stock back)."""

    def order_placed(self, shop: Shop, order: Order, body: Mapping[str, Any]) -> None:
        """After a new order is stored; by default `order_changed`. For platforms whose
        placement reads more of the request (Shopify: `paid`) or sends more than one
        notification."""
        self.order_changed(shop, order)

    def listing_edited(self, shop: Shop, edit: Edit) -> list[str]:
        """Send what the platform sends after a seller-center edit; the topics sent."""
        return []

    # -- routes --------------------------------------------------------------------------

    async def create_shop(self, request: Request) -> Response:
        raise NotImplementedError

    def routes(self) -> list[Route]:
        """Every admin route, under /<platform>/shops (mounted at /_sandbox)."""
        base = f"/{self.platform}/shops"
        one = base + "/{shop_id}"
        return [
            Route(base, self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET"]),
            Route(one + "/listings", self.seed_listing, methods=["POST"]),
            Route(one + "/listings/{seller_sku}", self.edit_listing, methods=["POST"]),
            Route(one + "/webhook", self.webhook, methods=["GET", "POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(one + "/orders/{order_id}/{action:str}", self.order_action, methods=["POST"]),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
            Route(one + "/token/expire", self.expire_token, methods=["POST"]),
        ]

    async def listings(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        return JSONResponse({"listings": [self.listing_json(x) for x in shop.listings.values()]})

    async def seed_listing(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        try:
            body = await self._json(request)
            price = float(body.get("price", self.default_price))
            stock = int(body.get("stock", 0))
        except (TypeError, ValueError) as exc:
            return bad(f"bad listing: {exc}")
        sku = str(body.get("seller_sku") or "")
        if self.unique_skus and (not sku or shop.find_sku(sku)):
            return bad("seller_sku is required and must be new")
        if not sku:
            return bad("seller_sku is required")
        listing = self.new_listing(sku, str(body.get("title") or sku), price, stock)
        shop.listings[listing.item_id] = listing
        return JSONResponse(self.listing_json(listing), status_code=201)

    async def place_order(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        try:
            body = await self._json(request)
        except ValueError as exc:
            return bad(str(exc))
        lines = body.get("lines")
        if not isinstance(lines, list) or not lines:
            return bad("lines is required")
        picked: list[tuple[Listing, Model | None, str, int]] = []
        for line in lines:
            if not isinstance(line, dict):
                return bad(f"bad order line: {line!r}")
            sku = str(line.get("seller_sku") or "")
            try:
                quantity = int(line.get("quantity") or 0)
            except (TypeError, ValueError):
                quantity = 0
            found = self.find_for_order(shop, sku)
            if found is None or quantity <= 0:
                return bad(f"unknown seller_sku or bad quantity: {sku!r}")
            listing, model = found
            if self.checks_stock and (model or listing).stock < quantity:
                return bad(f"not enough stock for {sku!r}", 409)
            picked.append((listing, model, sku, quantity))
        records = []
        # Validated as a whole first, so a rejected order takes no stock.
        for listing, model, sku, quantity in picked:
            target = model or listing
            target.stock -= quantity
            listing.touch()
            model_id = model.model_id if model else 0
            records.append(OrderLineRecord(listing.item_id, model_id, sku, quantity, target.price))
        order = Order(self.new_order_id(), self.initial_status(body), records)
        shop.orders[order.order_sn] = order
        self.order_placed(shop, order, body)
        return JSONResponse(self.placed_json(order), status_code=201)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        order = shop.orders.get(request.path_params["order_id"]) if shop else None
        action = request.path_params["action"]
        if shop is None or order is None or action not in self.action_status:
            return bad("order not found", 404)
        self.before_action(shop, order, action)
        order.status = self.action_status[action]
        order.update_time = int(time.time())
        self.order_changed(shop, order)
        return JSONResponse({"order_id": order.order_sn, "order_status": self.status_json(order)})

    async def edit_listing(self, request: Request) -> Response:
        """POST listings/<seller_sku> {"price"?, "stock"?}: the seller edits it by hand."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        found = shop.find_sku(request.path_params["seller_sku"])
        if found is None:
            return bad("seller_sku not found", 404)
        try:
            changed = _edits(await self._json(request))
        except (TypeError, ValueError) as exc:
            return bad(f"bad edit: {exc}")
        listing, model = found
        target = model or listing
        edit = Edit(listing, model, changed, before_price=target.price, before_stock=target.stock)
        if "price" in changed:
            target.price = changed["price"]
        if "stock" in changed:
            target.stock = int(changed["stock"])
        listing.touch()
        sent = self.listing_edited(shop, edit)
        return JSONResponse({"listing": self.listing_json(listing), "notifications": sent})


def _edits(body: Mapping[str, Any]) -> dict[str, float]:
    """The price (> 0) and stock (an integer ≥ 0) to set; at least one of them."""
    changed: dict[str, float] = {}
    if "price" in body:
        price = body["price"]
        if isinstance(price, bool) or not isinstance(price, int | float) or price <= 0:
            raise ValueError("price must be a number > 0")
        changed["price"] = float(price)
    if "stock" in body:
        stock = body["stock"]
        if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
            raise ValueError("stock must be an integer >= 0")
        changed["stock"] = stock
    if not changed:
        raise ValueError("give price and/or stock")
    return changed
