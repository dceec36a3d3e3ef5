"""Rules of reservations: valid order lines, forward-only states, amendments."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.errors import ViolationCollector
from services.inventory.domain.model import MAX_QUANTITY, ReservationState

# A state never moves backwards: reserved -> committed | released, and those are final.
_ALLOWED = {
    ReservationState.RESERVED: {ReservationState.COMMITTED, ReservationState.RELEASED},
    ReservationState.COMMITTED: set(),
    ReservationState.RELEASED: set(),
}


def can_move(current: ReservationState, target: ReservationState) -> bool:
    return target in _ALLOWED[current]


def validate_lines(lines: Sequence[tuple[str, int]], prefix: str = "lines") -> dict[str, int]:
    """INVALID_ARGUMENT naming each bad line; otherwise the lines as {sku: quantity}."""
    errors = ViolationCollector()
    if not lines:
        errors.add(prefix, "an order needs at least one line")
    seen: dict[str, int] = {}
    for i, (sku, quantity) in enumerate(lines):
        if not sku.strip():
            errors.add(f"{prefix}[{i}].sku", "required")
        elif sku in seen:
            errors.add(f"{prefix}[{i}].sku", f"duplicate SKU {sku!r} (also line {seen[sku]})")
        else:
            seen[sku] = i
        if quantity <= 0:
            errors.add(f"{prefix}[{i}].quantity", "must be at least 1")
        elif quantity > MAX_QUANTITY:
            errors.add(f"{prefix}[{i}].quantity", f"must be at most {MAX_QUANTITY:,}")
    errors.raise_if_any()
    return {sku: quantity for sku, quantity in lines}


def amendment(current: dict[str, int], wanted: dict[str, int]) -> dict[str, int]:
    """Per SKU, how many more (positive) or fewer (negative) units to hold."""
    skus = set(current) | set(wanted)
    deltas = {sku: wanted.get(sku, 0) - current.get(sku, 0) for sku in skus}
    return {sku: d for sku, d in sorted(deltas.items()) if d}
