"""Available-to-sell per channel: the locations that feed it, minus its buffer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal

from services.common.platforms import Platform
from services.inventory.domain.model import (
    ChannelAvailability,
    ChannelBuffer,
    Level,
    Location,
)


def buffer_for(
    buffers: Iterable[ChannelBuffer], platform: Platform, shop_id: str, sku: str
) -> ChannelBuffer | None:
    """The most specific buffer: (shop, sku) > (shop) > (platform, sku) > (platform)."""
    best: tuple[int, ChannelBuffer] | None = None
    for buffer in buffers:
        if buffer.platform != platform or buffer.shop_id not in ("", shop_id):
            continue
        if buffer.sku not in ("", sku):
            continue
        rank = (2 if buffer.shop_id else 0) + (1 if buffer.sku else 0)
        if best is None or rank > best[0]:
            best = (rank, buffer)
    return None if best is None else best[1]


def apply_buffer(available: int, buffer: ChannelBuffer | None) -> int:
    """Available minus the buffer, floored at zero; a percent holds back rounding up."""
    if available <= 0:
        return 0
    if buffer is None:
        return available
    if buffer.units is not None:
        return max(available - buffer.units, 0)
    percent = buffer.percent or Decimal(0)
    held = int((Decimal(available) * percent / 100).to_integral_value(rounding=ROUND_CEILING))
    return max(available - held, 0)


def channel_availability(
    sku: str,
    levels: Sequence[Level],
    locations: dict[str, Location],
    buffers: Sequence[ChannelBuffer],
) -> list[ChannelAvailability]:
    """One figure per platform, plus one per shop that has a buffer of its own."""
    result: list[ChannelAvailability] = []
    shops = sorted({(b.platform, b.shop_id) for b in buffers if b.shop_id})
    channels = [(p, "") for p in Platform] + [s for s in shops if s[0] in Platform]
    for platform, shop_id in channels:
        fed = sum(
            level.available
            for level in levels
            if level.location_id in locations
            and locations[level.location_id].feeds_platform(platform)
        )
        result.append(
            ChannelAvailability(
                platform, shop_id, apply_buffer(fed, buffer_for(buffers, platform, shop_id, sku))
            )
        )
    return result
