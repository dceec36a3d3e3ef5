"""A tenant's locations, buffers and default threshold, cached per process by version."""

from __future__ import annotations

from dataclasses import dataclass

from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.availability import channel_availability
from services.inventory.domain.model import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    ChannelBuffer,
    Level,
    Location,
    SkuRecord,
    StockView,
)


@dataclass(frozen=True)
class StockSettings:
    locations: dict[str, Location]
    buffers: list[ChannelBuffer]
    default_threshold: int | None
    version: int

    def threshold_for(self, record: SkuRecord) -> int:
        if record.threshold is not None:
            return record.threshold
        return (
            DEFAULT_LOW_STOCK_THRESHOLD
            if self.default_threshold is None
            else self.default_threshold
        )


class SettingsCache:
    """Every read checks the tenant's settings version (one small query) and reloads
    locations and buffers only when it moved — they change rarely, stock changes often.
    Any replica's change bumps the version, so no replica serves stale settings."""

    def __init__(self, max_tenants: int = 10_000) -> None:
        self._entries: dict[str, StockSettings] = {}
        self._max = max_tenants

    async def get(
        self, repo: InventoryRepository, stamp: tuple[int | None, int] | None = None
    ) -> StockSettings:
        """The tenant's settings; `stamp` when the caller already read it with its query."""
        threshold, version = stamp if stamp is not None else await repo.settings_stamp()
        cached = self._entries.get(repo.tenant)
        if cached is not None and cached.version == version:
            return cached
        if version == 0:  # the tenant never set anything up: nothing else to read
            settings = StockSettings({}, [], None, 0)
        else:
            settings = StockSettings(
                {loc.id: loc for loc in await repo.locations()},
                await repo.buffers(),
                threshold,
                version,
            )
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[repo.tenant] = settings
        return settings


def build_views(
    records: dict[str, SkuRecord], levels: dict[str, list[Level]], settings: StockSettings
) -> list[StockView]:
    """Views of these SKUs (levels, channel figures, threshold), in SKU order."""
    return [
        StockView(
            sku=sku,
            levels=levels.get(sku, []),
            channels=channel_availability(
                sku, levels.get(sku, []), settings.locations, settings.buffers
            ),
            threshold=settings.threshold_for(records[sku]),
            record=records[sku],
        )
        for sku in sorted(records)
    ]
