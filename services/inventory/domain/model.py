"""The stock ledger's domain: locations, levels, reservations, buffers. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.common.platforms import Platform

MAX_QUANTITY = 1_000_000
DEFAULT_LOW_STOCK_THRESHOLD = 5


class StockSource(StrEnum):
    MANUAL = "manual"
    ORDER = "order"
    WEBHOOK = "webhook"
    SYNC = "sync"
    IMPORT = "import"
    RECONCILE = "reconcile"


class ReservationState(StrEnum):
    RESERVED = "reserved"
    COMMITTED = "committed"
    RELEASED = "released"

    @property
    def final(self) -> bool:
        return self is not ReservationState.RESERVED


@dataclass
class Location:
    id: str
    code: str
    name: str = ""
    is_default: bool = False
    # Platforms this location's stock is sold on; empty means all of them.
    feeds: list[Platform] = field(default_factory=list)
    created_at: datetime | None = None

    def feeds_platform(self, platform: Platform) -> bool:
        return not self.feeds or platform in self.feeds


@dataclass(frozen=True)
class Level:
    location_id: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass
class SkuRecord:
    """What inventory knows of a SKU the catalog announced."""

    sku: str
    product_id: str = ""
    active: bool = True
    allow_backorder: bool = False
    threshold: int | None = None
    low_alerted: bool = False
    # Bumped by every transaction that changes the SKU's levels (event ordering).
    version: int = 0
    catalog_revision: int = 0


@dataclass(frozen=True)
class ChannelBuffer:
    """Units or a percent of available held back from one channel (platform or shop)."""

    platform: Platform
    shop_id: str = ""
    sku: str = ""
    units: int | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class ChannelAvailability:
    platform: Platform
    shop_id: str
    available_to_sell: int


@dataclass(frozen=True)
class OrderRef:
    platform: Platform
    shop_id: str
    order_id: str

    def __str__(self) -> str:
        return f"{self.platform.value}/{self.shop_id}/{self.order_id}"


@dataclass(frozen=True)
class Allocation:
    """Units of one reservation line held at one location."""

    sku: str
    location_id: str
    quantity: int


@dataclass
class Reservation:
    order: OrderRef
    state: ReservationState
    lines: dict[str, int]
    allocations: list[Allocation] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class StockView:
    """A SKU's levels per location and what each channel may sell."""

    sku: str
    levels: list[Level]
    channels: list[ChannelAvailability]
    threshold: int
    record: SkuRecord

    @property
    def on_hand(self) -> int:
        return sum(level.on_hand for level in self.levels)

    @property
    def reserved(self) -> int:
        return sum(level.reserved for level in self.levels)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low_stock(self) -> bool:
        return self.available <= self.threshold
