"""Reserve / Release / Commit: an order's stock, all or nothing, states only forward."""

from __future__ import annotations

from typing import Any

from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import FailedPrecondition, NotFound, PreconditionViolation
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.logging import get_logger
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.stock_events import reservation_event
from services.inventory.domain.model import (
    Allocation,
    OrderRef,
    Reservation,
    ReservationState,
    StockSource,
)
from services.inventory.domain.reservations import amendment, can_move, validate_lines
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.reservation_answers import answer_of, from_answer
from services.inventory.service.reserve_batch import DEFAULT_MAX_BATCH, ReserveBatcher
from services.inventory.service.stock_change import StockChange

log = get_logger("syncstore.inventory.reservations")


class ReservationService:
    def __init__(self, deps: InventoryDeps, *, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        self.deps = deps
        self.batcher = ReserveBatcher(self, max_batch=max_batch)

    def change(
        self, conn: DbConnection, caller: Principal, order: OrderRef, reason: str
    ) -> StockChange:
        return StockChange(
            conn,
            caller.tenant_id,
            self.deps.settings_cache,
            source=StockSource.ORDER,
            reason=reason,
            reference=str(order),
            actor=caller.actor,
            now=self.deps.clock(),
        )

    async def get(self, caller: Principal, order: OrderRef) -> Reservation:
        async with self.deps.db.reader() as conn:
            found = await InventoryRepository(conn, caller.tenant_id).reservation(order)
        if found is None:
            raise NotFound(f"no reservation for order {order}")
        return found

    async def reserve(
        self,
        caller: Principal,
        order: OrderRef,
        lines: list[tuple[str, int]],
        key: IdempotencyKey | None,
    ) -> Reservation:
        """Hold stock for every line or none; the same order again returns the first result.

        Concurrent calls share write transactions (group commit, see reserve_batch.py).
        """
        wanted = validate_lines(lines)
        return await self.batcher.reserve(caller, order, wanted, key)

    async def reserve_alone(
        self,
        caller: Principal,
        order: OrderRef,
        wanted: dict[str, int],
        key: IdempotencyKey | None,
    ) -> Reservation:
        """`reserve` in a transaction of its own (validated lines)."""

        async def work(conn: DbConnection) -> dict[str, Any]:
            change = self.change(conn, caller, order, "reserve")
            existing = await change.repo.reservation(order)
            reservation = await self.reserve_in(change, caller, order, wanted, existing)
            if reservation is None:
                assert existing is not None
                return answer_of(existing)
            if existing is None:  # written with the levels and events, in one statement
                change.new_reservations.append(reservation)
            else:
                await change.repo.update_reservations([reservation])
            await change.finish()
            return answer_of(reservation)

        answer = await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            "Reserve",
            key,
            work,
            conflict_message=f"order {order} was reserved concurrently; retry",
        )
        self.deps.notify_outbox()
        return from_answer(order, answer)

    async def reserve_in(
        self,
        change: StockChange,
        caller: Principal,
        order: OrderRef,
        wanted: dict[str, int],
        existing: Reservation | None,
    ) -> Reservation | None:
        """Apply the order to `change`: the new reservation, or None if `existing` stands."""
        if existing is not None and (existing.state.final or existing.lines == wanted):
            if existing.state.final:
                log.info("reserve_ignored", order=str(order), state=existing.state.value)
            return None
        current = existing.lines if existing else {}
        deltas = amendment(current, wanted)
        await change.lock(deltas)
        inactive = [s for s, d in deltas.items() if d > 0 and not change.records[s].active]
        if inactive:
            raise FailedPrecondition(
                f"archived SKU cannot be reserved: {', '.join(inactive)}",
                [PreconditionViolation("ARCHIVED", s, "archived in the catalog") for s in inactive],
            )
        allocations = list(existing.allocations) if existing else []
        await self._take(change, {s: d for s, d in deltas.items() if d > 0}, allocations)
        for sku, delta in deltas.items():
            if delta < 0:
                await self._give_back(change, sku, -delta, allocations, commit=False)
        now = self.deps.clock()
        reservation = Reservation(
            order,
            ReservationState.RESERVED,
            wanted,
            allocations,
            existing.created_at if existing else now,
            now,
        )
        change.events.append(reservation_event(caller.tenant_id, reservation, "created"))
        return reservation

    async def _take(
        self, change: StockChange, needs: dict[str, int], allocations: list[Allocation]
    ) -> None:
        """Allocate every need from the locations with most available; all or nothing."""
        short: list[PreconditionViolation] = []
        plans: list[tuple[str, str, int]] = []
        current = await change.levels(needs)
        for sku, need in needs.items():
            levels = sorted(current[sku], key=lambda lv: (-lv.available, lv.location_id))
            remaining = need
            for level in levels:
                take = min(remaining, max(level.available, 0))
                if take:
                    plans.append((sku, level.location_id, take))
                    remaining -= take
            if remaining and change.records[sku].allow_backorder:
                location = levels[0].location_id if levels else (await change.location("")).id
                plans.append((sku, location, remaining))
                remaining = 0
            if remaining:
                available = sum(max(lv.available, 0) for lv in levels)
                short.append(
                    PreconditionViolation("STOCK", sku, f"requested {need}, available {available}")
                )
        if short:
            raise FailedPrecondition(
                "not enough stock: " + "; ".join(f"{v.subject} {v.description}" for v in short),
                short,
            )
        for sku, location_id, quantity in plans:
            # The SKU rows are locked, so the levels just read still hold; the condition in
            # the UPDATE is the guarantee all the same.
            if not await change.apply(sku, location_id, 0, quantity):
                raise FailedPrecondition(
                    f"not enough stock for {sku}",
                    [PreconditionViolation("STOCK", sku, "taken by a concurrent order")],
                )
            allocations.append(Allocation(sku, location_id, quantity))

    async def _give_back(
        self,
        change: StockChange,
        sku: str,
        quantity: int,
        allocations: list[Allocation],
        *,
        commit: bool,
    ) -> None:
        """Release (or commit: ship) `quantity` of a SKU's allocations, newest first."""
        remaining = quantity
        for allocation in reversed(list(allocations)):
            if allocation.sku != sku or not remaining:
                continue
            part = min(remaining, allocation.quantity)
            ok = await change.apply(sku, allocation.location_id, -part if commit else 0, -part)
            assert ok, "releasing held units cannot break an invariant"
            allocations.remove(allocation)
            if part < allocation.quantity:
                allocations.append(
                    Allocation(sku, allocation.location_id, allocation.quantity - part)
                )
            remaining -= part

    async def _finish_order(
        self,
        caller: Principal,
        order: OrderRef,
        target: ReservationState,
        key: IdempotencyKey | None,
    ) -> Reservation:
        operation = "Commit" if target is ReservationState.COMMITTED else "Release"

        async def work(conn: DbConnection) -> dict[str, Any]:
            change = self.change(conn, caller, order, operation.lower())
            existing = await change.repo.reservation(order)
            now = self.deps.clock()
            if existing is None:
                if target is ReservationState.COMMITTED:
                    raise NotFound(f"no reservation for order {order}")
                # A cancellation that overtook its order: remember it, so the late
                # "created" is ignored instead of holding stock forever.
                tombstone = Reservation(order, ReservationState.RELEASED, {}, [], now, now)
                change.new_reservations.append(tombstone)
                change.events.append(reservation_event(caller.tenant_id, tombstone, "released"))
                await change.finish()
                return answer_of(tombstone)
            if not can_move(existing.state, target):
                if existing.state is not target:
                    log.info(
                        "transition_ignored",
                        order=str(order),
                        state=existing.state.value,
                        wanted=target.value,
                    )
                return answer_of(existing)
            await change.lock(existing.lines)
            allocations = list(existing.allocations)
            for sku, quantity in sorted(existing.lines.items()):
                await self._give_back(
                    change, sku, quantity, allocations, commit=target is ReservationState.COMMITTED
                )
            existing.state, existing.updated_at = target, now
            await change.repo.update_reservations([existing])
            change.events.append(reservation_event(caller.tenant_id, existing, target.value))
            await change.finish()
            return answer_of(existing)

        answer = await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            operation,
            key,
            work,
            conflict_message=f"order {order} changed concurrently; retry",
        )
        self.deps.notify_outbox()
        return from_answer(order, answer)

    async def release(
        self, caller: Principal, order: OrderRef, key: IdempotencyKey | None
    ) -> Reservation:
        """Cancelled: hand the held units back. Idempotent; ignored once committed."""
        return await self._finish_order(caller, order, ReservationState.RELEASED, key)

    async def commit(
        self, caller: Principal, order: OrderRef, key: IdempotencyKey | None
    ) -> Reservation:
        """Shipped: held units leave on-hand and reserved. Idempotent; ignored once released."""
        return await self._finish_order(caller, order, ReservationState.COMMITTED, key)
