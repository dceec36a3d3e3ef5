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


_PLATFORMS = tuple(Platform)


def _fed_per_platform(
    levels: Sequence[Level], locations: dict[str, Location]
) -> dict[Platform, int]:
    """Available units of the locations feeding each platform (one pass over the levels)."""
    fed = dict.fromkeys(_PLATFORMS, 0)
    for level in levels:
        location = locations.get(level.location_id)
        if location is None:
            continue
        for platform in _PLATFORMS:
            if location.feeds_platform(platform):
                fed[platform] += level.available
    return fed


def channel_availability(
    sku: str,
    levels: Sequence[Level],
    locations: dict[str, Location],
    buffers: Sequence[ChannelBuffer],
) -> list[ChannelAvailability]:
    """One figure per platform, plus one per shop that has a buffer of its own."""
    fed = _fed_per_platform(levels, locations)
    if not buffers:  # the common case, and a hot one (every stock read and event)
        return [ChannelAvailability(p, "", apply_buffer(fed[p], None)) for p in _PLATFORMS]
    shops = sorted({(b.platform, b.shop_id) for b in buffers if b.shop_id})
    channels = [(p, "") for p in _PLATFORMS] + [s for s in shops if s[0] in Platform]
    return [
        ChannelAvailability(
            platform,
            shop_id,
            apply_buffer(fed[platform], buffer_for(buffers, platform, shop_id, sku)),
        )
        for platform, shop_id in channels
    ]
