"""Availability per channel, buffers, thresholds, reservation rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.common.errors import InvalidArgument
from services.common.platforms import Platform
from services.inventory.domain.availability import apply_buffer, buffer_for, channel_availability
from services.inventory.domain.model import (
    ChannelAvailability,
    ChannelBuffer,
    Level,
    Location,
    ReservationState,
)
from services.inventory.domain.reservations import amendment, can_move, validate_lines
from services.inventory.domain.thresholds import evaluate

MAIN = Location("l1", "main", is_default=True)
SHOPEE_ONLY = Location("l2", "shopee-wh", feeds=[Platform.SHOPEE])


def _by_channel(result: list[ChannelAvailability]) -> dict[tuple[Platform, str], int]:
    return {(c.platform, c.shop_id): c.available_to_sell for c in result}


def test_locations_feed_their_channels_only() -> None:
    levels = [Level("l1", 10, 2), Level("l2", 5, 0)]
    result = _by_channel(channel_availability("X", levels, {"l1": MAIN, "l2": SHOPEE_ONLY}, []))
    assert result[(Platform.SHOPEE, "")] == 13
    assert result[(Platform.LAZADA, "")] == 8
    assert len(result) == len(Platform)


def test_buffers_units_percent_and_most_specific_wins() -> None:
    buffers = [
        ChannelBuffer(Platform.SHOPEE, units=3),
        ChannelBuffer(Platform.SHOPEE, sku="X", percent=Decimal(50)),
        ChannelBuffer(Platform.SHOPEE, shop_id="s9", units=1),
        ChannelBuffer(Platform.LAZADA, units=100),
    ]
    result = _by_channel(channel_availability("X", [Level("l1", 11, 1)], {"l1": MAIN}, buffers))
    assert result[(Platform.SHOPEE, "")] == 5  # 10 - ceil(50% of 10)
    assert result[(Platform.SHOPEE, "s9")] == 9  # the shop's own buffer beats the SKU's
    assert result[(Platform.LAZADA, "")] == 0  # floored at zero
    assert result[(Platform.TOKOPEDIA, "")] == 10
    other = _by_channel(channel_availability("Y", [Level("l1", 11, 1)], {"l1": MAIN}, buffers))
    assert other[(Platform.SHOPEE, "")] == 7


def test_apply_buffer_edges() -> None:
    assert apply_buffer(-3, None) == 0
    assert apply_buffer(7, ChannelBuffer(Platform.SHOPEE, percent=Decimal("10"))) == 6
    assert buffer_for([], Platform.SHOPEE, "", "X") is None


def test_low_stock_alerts_once_per_crossing() -> None:
    assert evaluate(10, 5, False).alert is False
    first = evaluate(5, 5, False)
    assert first.alert and first.alerted_after
    assert evaluate(3, 5, True).alert is False  # still low: no second alert
    recovered = evaluate(6, 5, True)
    assert not recovered.alert and not recovered.alerted_after
    assert evaluate(4, 5, recovered.alerted_after).alert


def test_states_only_move_forward() -> None:
    assert can_move(ReservationState.RESERVED, ReservationState.COMMITTED)
    assert can_move(ReservationState.RESERVED, ReservationState.RELEASED)
    assert not can_move(ReservationState.COMMITTED, ReservationState.RELEASED)
    assert not can_move(ReservationState.RELEASED, ReservationState.RESERVED)


def test_amendment_is_the_difference() -> None:
    assert amendment({"A": 2, "B": 1}, {"A": 3, "C": 1}) == {"A": 1, "B": -1, "C": 1}
    assert amendment({"A": 2}, {"A": 2}) == {}


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([("A", 1), ("A", 2)], "lines[1].sku"),
        ([("A", 0)], "lines[0].quantity"),
        ([("A", 1_000_001)], "lines[0].quantity"),
        ([(" ", 1)], "lines[0].sku"),
    ],
)
def test_invalid_lines_name_the_field(lines: list[tuple[str, int]], field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_lines(lines)
    assert field in [v.field for v in info.value.violations]
