"""Group commit never changes an outcome: a group of Reserves ends exactly as the same
requests run one by one in transactions of their own (answers, levels, ledger,
reservations), on both databases."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from syncstore.events.v1 import inventory_events_pb2 as ev

from services.common.auth import Principal, Role
from services.common.db import Database
from services.common.errors import DomainError
from services.common.events.tables import outbox
from services.common.idempotency import IdempotencyKey
from services.common.platforms import Platform
from services.common.request_context import RequestContext, set_request_context
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.stock_writes import LevelConflict, TransactionWrites
from services.inventory.domain.model import OrderRef
from services.inventory.domain.reservations import validate_lines
from services.inventory.service.catalog_listener import CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.reservations import ReservationService
from tests.support.inventory import product_event
from tests.support.inventory_model import catalog_message

STOCK = {"G-1": 5, "G-2": 3, "G-3": 10, "G-ARCH": 4}
SKUS = [*STOCK, "G-UNKNOWN"]
ORDERS = ["o-1", "o-2", "o-3", "o-4"]

# (order, lines, idempotency key or "")
Request = tuple[str, tuple[tuple[str, int], ...], str]


@dataclass
class World:
    db: Database
    service: ReservationService
    tenants: int = 0

    async def tenant(self) -> Principal:
        """A new tenant whose catalog announced STOCK (G-ARCH then archived)."""
        self.tenants += 1
        name = f"g-{self.tenants}-{random.getrandbits(32):x}"
        listener = CatalogListener(self.service.deps)
        stocked = {sku: n for sku, n in STOCK.items() if sku != "G-ARCH"}
        await listener.handle(catalog_message(product_event(name, "p", stocked), 1))
        arch = product_event(name, "arch", {"G-ARCH": STOCK["G-ARCH"]})
        await listener.handle(catalog_message(arch, 2))
        archived = product_event(name, "arch", {"G-ARCH": None}, revision=2, archived=True)
        await listener.handle(catalog_message(archived, 3))
        return Principal(name, Role.OPERATOR, "tester")


@pytest.fixture
def world(migrated: Database) -> World:
    return World(migrated, ReservationService(InventoryDeps(db=migrated)))


def _order(name: str) -> OrderRef:
    return OrderRef(Platform.SHOPEE, "shop", name)


def _key(request: Request) -> IdempotencyKey | None:
    order, lines, key = request
    return IdempotencyKey.for_request(key, repr((order, lines)).encode())


def _outcome(result: Any) -> tuple[Any, ...]:
    if isinstance(result, DomainError):
        return (type(result).__name__, str(result))
    return (result.state.value, tuple(sorted(result.lines.items())))


async def _send(world: World, caller: Principal, request: Request) -> Any:
    order, lines, _ = request
    try:
        return await world.service.reserve(caller, _order(order), list(lines), _key(request))
    except DomainError as exc:
        return exc


async def _state(world: World, caller: Principal) -> tuple[Any, ...]:
    async with world.db.reader() as conn:
        repo = InventoryRepository(conn, caller.tenant_id)
        levels = await repo.levels(list(STOCK))
        sums = {sku: await repo.ledger_sums(sku) for sku in STOCK}
        found = await repo.reservations(_order(o) for o in ORDERS)
    by_location = {
        sku: {lv.location_id: (lv.on_hand, lv.reserved) for lv in lvs}
        for sku, lvs in levels.items()
    }
    return (
        {sku: sorted(held.values()) for sku, held in by_location.items()},
        {sku: sorted(s.values()) for sku, s in sums.items()},
        {r.order.order_id: (r.state.value, sorted(r.lines.items())) for r in found.values()},
        by_location == sums,  # levels equal the ledger's sums, location by location
    )


async def _send_alone(world: World, caller: Principal, request: Request) -> Any:
    """The request through `reserve_alone`, which shares no code path with group commit
    (one by one, the batcher would run each as a group of one)."""
    order, lines, _ = request
    try:
        wanted = validate_lines(list(lines))
        return await world.service.reserve_alone(caller, _order(order), wanted, _key(request))
    except DomainError as exc:
        return exc


async def _compare(world: World, requests: list[Request]) -> list[tuple[Any, ...]]:
    """Send the requests as one group and one by one alone; both must end the same."""
    grouped, alone = await world.tenant(), await world.tenant()
    groups_before = world.service.batcher.grouped
    together = await asyncio.gather(*(_send(world, grouped, r) for r in requests))
    assert world.service.batcher.grouped > groups_before, "the requests shared a transaction"
    one_by_one = [await _send_alone(world, alone, r) for r in requests]
    assert [_outcome(r) for r in together] == [_outcome(r) for r in one_by_one]
    grouped_state = await _state(world, grouped)
    assert grouped_state == await _state(world, alone)
    assert grouped_state[-1], "levels equal ledger sums"
    return [_outcome(r) for r in together]


async def test_a_mixed_group_matches_one_by_one(world: World) -> None:
    requests: list[Request] = [
        ("o-1", (("G-1", 2),), ""),
        ("o-2", (("G-2", 4),), ""),  # short: 3 on hand
        ("o-3", (("G-UNKNOWN", 1),), ""),  # never announced
        ("o-1", (("G-1", 2),), ""),  # the same order again: the first answer
        ("o-1", (("G-1", 1), ("G-3", 2)), ""),  # amended: the difference
        ("o-4", (("G-ARCH", 1),), ""),  # archived
        ("o-2", (("G-2", 3),), "k-1"),
        ("o-2", (("G-2", 3),), "k-1"),  # a replay of the key
        ("o-3", (("G-3", 1),), "k-1"),  # the key reused for another request
        ("o-4", (("G-1", 4), ("G-3", 8)), ""),  # G-1 has 4 left after o-1's amendment
    ]
    outcomes = await _compare(world, requests)
    assert outcomes[1][0] == "FailedPrecondition"
    assert outcomes[2][0] == "NotFound"
    assert outcomes[5][0] == "FailedPrecondition"
    assert outcomes[8][0] == "AlreadyExists"
    assert outcomes[9] == ("reserved", (("G-1", 4), ("G-3", 8)))


_requests = st.lists(
    st.tuples(
        st.sampled_from(ORDERS),
        st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 6)),
            min_size=1,
            max_size=3,
            unique_by=lambda line: line[0],
        ).map(tuple),
        st.sampled_from(["", "", "k-1", "k-2"]),
    ),
    min_size=2,
    max_size=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(requests=_requests)
async def test_random_groups_match_one_by_one(world: World, requests: list[Request]) -> None:
    await _compare(world, requests)


async def test_a_failed_group_transaction_retries_each_order_alone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A level that moved under the group's compare-and-set: every order runs alone."""

    write = InventoryRepository.write_changes

    async def moved(self: InventoryRepository, writes: TransactionWrites) -> None:
        if writes.levels:  # only the group's deferred levels: the orders alone write in place
            raise LevelConflict("moved")
        await write(self, writes)

    monkeypatch.setattr(InventoryRepository, "write_changes", moved)
    groups_before = world.service.batcher.grouped
    caller = await world.tenant()
    requests: list[Request] = [
        ("o-1", (("G-1", 2),), "k-1"),
        ("o-2", (("G-1", 4),), ""),
        ("o-3", (("G-3", 1),), ""),
    ]
    results = await asyncio.gather(*(_send(world, caller, r) for r in requests))
    assert [_outcome(r)[0] for r in results] == ["reserved", "FailedPrecondition", "reserved"]
    assert world.service.batcher.grouped == groups_before
    levels, _, reservations, consistent = await _state(world, caller)
    assert levels["G-1"] == [(5, 2)] and levels["G-3"] == [(10, 1)]
    assert set(reservations) == {"o-1", "o-3"} and consistent


async def test_each_order_event_keeps_its_request_correlation_id(world: World) -> None:
    caller = await world.tenant()

    async def send_as(request: Request) -> Any:
        # Each RPC runs in its own task and context, as the gRPC server runs them.
        set_request_context(RequestContext("r-" + request[0], "c-" + request[0], "Reserve"))
        return await _send(world, caller, request)

    before = world.service.batcher.grouped
    requests: list[Request] = [(f"o-{n}", (("G-3", 1),), "") for n in range(1, 4)]
    await asyncio.gather(*(send_as(r) for r in requests))
    assert world.service.batcher.grouped == before + 1
    async with world.db.reader() as conn:
        rows = await conn.execute(
            select(outbox.c.payload).where(
                outbox.c.tenant_id == caller.tenant_id,
                outbox.c.subject == "inventory.reservation.created",
            )
        )
        events = [ev.ReservationChanged.FromString(bytes(r.payload)) for r in rows]
    seen = {e.reservation.order.order_id: e.meta.correlation_id for e in events}
    assert seen == {f"o-{n}": f"c-o-{n}" for n in range(1, 4)}
