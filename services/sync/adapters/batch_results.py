"""Per-SKU bookkeeping around batched price and stock updates, for every adapter.

Each update is checked before any call (a bad one fails alone, PERMANENT, and is not
sent); the last update of a SKU wins; every SKU gets exactly one `ItemResult`, in the
order it first appeared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from services.sync.adapters.base import ItemResult
from services.sync.adapters.errors import AdapterError


class SkuUpdate(Protocol):
    @property
    def seller_sku(self) -> str: ...


U = TypeVar("U", bound=SkuUpdate)
V = TypeVar("V")


def checked_values(
    updates: Sequence[U], wire: Callable[[U], V]
) -> tuple[dict[str, V], dict[str, AdapterError]]:
    """Each SKU's wire value, or the AdapterError its check raised (last update wins)."""
    values: dict[str, V] = {}
    invalid: dict[str, AdapterError] = {}
    for u in updates:
        try:
            values[u.seller_sku] = wire(u)
            invalid.pop(u.seller_sku, None)
        except AdapterError as exc:
            invalid[u.seller_sku] = exc
            values.pop(u.seller_sku, None)
    return values, invalid


def item_results(
    updates: Sequence[SkuUpdate],
    outcome: Mapping[str, AdapterError | None],
    invalid: Mapping[str, AdapterError],
) -> list[ItemResult]:
    """One result per SKU: its check failure, else what the platform answered for it."""
    results: list[ItemResult] = []
    seen: set[str] = set()
    for u in updates:
        if u.seller_sku in seen:
            continue  # one result per SKU; the last update of a SKU wins
        seen.add(u.seller_sku)
        results.append(
            ItemResult(u.seller_sku, invalid.get(u.seller_sku) or outcome.get(u.seller_sku))
        )
    return results
