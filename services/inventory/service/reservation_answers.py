"""A reservation as the idempotent answer a replay returns, and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.inventory.domain.model import OrderRef, Reservation, ReservationState


def answer_of(reservation: Reservation) -> dict[str, Any]:
    """The reservation as an idempotent answer (what a replay returns)."""
    return {
        "state": reservation.state.value,
        "lines": reservation.lines,
        "created": reservation.created_at.isoformat() if reservation.created_at else None,
        "updated": reservation.updated_at.isoformat() if reservation.updated_at else None,
    }


def from_answer(order: OrderRef, answer: dict[str, Any]) -> Reservation:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return Reservation(
        order,
        ReservationState(answer["state"]),
        {k: int(v) for k, v in answer["lines"].items()},
        [],
        when(answer["created"]),
        when(answer["updated"]),
    )
