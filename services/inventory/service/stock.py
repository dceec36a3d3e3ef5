"""SetStock, AdjustStock, GetStock, ListStock, ListHistory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.errors import PreconditionViolation as Violation
from services.common.idempotency import IdempotencyKey, fingerprint_json, run_idempotent
from services.common.paging import decode_page_token, encode_page_token
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import MAX_QUANTITY, Location, StockSource, StockView
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.stock_change import StockChange
from services.inventory.service.stock_settings import build_views


@dataclass(frozen=True)
class StockPage:
    views: list[StockView]
    locations: dict[str, Location]
    next_page_token: str
    total_size: int


class StockService:
    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps

    async def _answer(self, caller: Principal, sku: str) -> tuple[StockView, dict[str, Location]]:
        views, locations = await self.get(caller, [sku])
        return views[0], locations

    async def _move(
        self,
        caller: Principal,
        operation: str,
        key: IdempotencyKey | None,
        sku: str,
        location_id: str,
        source: StockSource,
        reason: str,
        reference: str,
        delta_of: Any,
    ) -> tuple[StockView, dict[str, Location]]:
        async def work(conn: DbConnection) -> dict[str, Any]:
            change = StockChange(
                conn,
                caller.tenant_id,
                self.deps.settings_cache,
                source=source,
                reason=reason,
                reference=reference,
                actor=caller.actor,
                now=self.deps.clock(),
            )
            await change.lock([sku])
            location = await change.location(location_id)
            levels = (await change.levels([sku]))[sku]
            current = next((lv for lv in levels if lv.location_id == location.id), None)
            on_hand = current.on_hand if current else 0
            reserved = current.reserved if current else 0
            delta: int = delta_of(on_hand)
            if not await change.apply(sku, location.id, delta, 0):
                raise FailedPrecondition(
                    f"{sku} at {location.code}: on hand {on_hand}, reserved {reserved}; "
                    f"a change of {delta:+d} would leave less than the reserved units",
                    [
                        Violation(
                            "STOCK", sku, f"on_hand {on_hand} reserved {reserved} delta {delta}"
                        )
                    ],
                )
            await change.finish()
            return {"sku": sku}

        await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            operation,
            key,
            work,
            conflict_message="the stock changed concurrently; retry",
        )
        self.deps.notify_outbox()
        return await self._answer(caller, sku)

    async def set_stock(
        self,
        caller: Principal,
        sku: str,
        location_id: str,
        quantity: int,
        source: StockSource,
        reason: str,
        reference: str,
        key: IdempotencyKey | None,
    ) -> tuple[StockView, dict[str, Location]]:
        """Set on-hand at one location (a stock take); a no-op when it already is that."""
        if not sku:
            raise InvalidArgument.single("sku", "required")
        if not 0 <= quantity <= MAX_QUANTITY:
            raise InvalidArgument.single("quantity", f"must be 0 to {MAX_QUANTITY:,}")
        return await self._move(
            caller,
            "SetStock",
            key,
            sku,
            location_id,
            source,
            reason,
            reference,
            lambda on_hand: quantity - on_hand,
        )

    async def adjust_stock(
        self,
        caller: Principal,
        sku: str,
        location_id: str,
        delta: int,
        source: StockSource,
        reason: str,
        reference: str,
        key: IdempotencyKey | None,
    ) -> tuple[StockView, dict[str, Location]]:
        """Move on-hand at one location by `delta` (received goods, damage, returns...)."""
        if not sku:
            raise InvalidArgument.single("sku", "required")
        if delta == 0 or abs(delta) > MAX_QUANTITY:
            raise InvalidArgument.single("delta", f"must be non-zero and at most {MAX_QUANTITY:,}")
        return await self._move(
            caller,
            "AdjustStock",
            key,
            sku,
            location_id,
            source,
            reason,
            reference,
            lambda _on_hand: delta,
        )

    async def get(
        self, caller: Principal, skus: list[str]
    ) -> tuple[list[StockView], dict[str, Location]]:
        """Views in the order asked; NOT_FOUND naming every SKU the catalog never announced."""
        if not skus:
            raise InvalidArgument.single("skus", "name at least one SKU")
        if len(skus) > 1000:
            raise InvalidArgument.single("skus", "at most 1,000 SKUs per call")
        async with self.deps.db.reader() as conn:
            repo = InventoryRepository(conn, caller.tenant_id)
            found = await repo.snapshot(list(dict.fromkeys(skus)))
            unknown = [s for s in skus if s not in found.records]
            if unknown:
                raise NotFound(f"unknown SKU: {', '.join(unknown[:20])}")
            settings = await self.deps.settings_cache.get(repo, found.stamp)
            views = {v.sku: v for v in build_views(found.records, found.levels, settings)}
        return [views[s] for s in skus], settings.locations

    async def list_stock(
        self, caller: Principal, low_only: bool, location_id: str, page_size: int, page_token: str
    ) -> StockPage:
        fingerprint = fingerprint_json({"low": low_only, "location": location_id})
        offset = decode_page_token(page_token, fingerprint)
        async with self.deps.db.reader() as conn:
            repo = InventoryRepository(conn, caller.tenant_id)
            settings = await self.deps.settings_cache.get(repo)
            locations = settings.locations
            if location_id and location_id not in locations:
                raise InvalidArgument.single("location_id", f"unknown location {location_id!r}")
            if low_only:
                default = settings.default_threshold
                matching = await repo.low_stock_skus(location_id, 5 if default is None else default)
                names, total = matching[offset : offset + page_size], len(matching)
            else:
                names, total = await repo.sku_page(location_id, offset, page_size)
            found = await repo.snapshot(names)
            views = build_views(found.records, found.levels, settings)
        following = offset + len(names)
        token = encode_page_token(following, fingerprint) if following < total else ""
        return StockPage(views, locations, token, total)

    async def history(
        self,
        caller: Principal,
        sku: str,
        since: datetime | None,
        until: datetime | None,
        source: StockSource | None,
        page_size: int,
        page_token: str,
    ) -> tuple[list[Any], str]:
        """Ledger entries oldest first; the token is the last entry id seen."""
        fingerprint = fingerprint_json({"sku": sku, "since": since, "until": until, "src": source})
        after_id = decode_page_token(page_token, fingerprint)
        async with self.deps.db.reader() as conn:
            rows = await InventoryRepository(conn, caller.tenant_id).ledger_page(
                sku, since, until, source.value if source else None, after_id, page_size + 1
            )
        more = len(rows) > page_size
        rows = rows[:page_size]
        token = encode_page_token(int(rows[-1].id), fingerprint) if more and rows else ""
        return rows, token
