"""Inventory settings, from the environment (INVENTORY_* plus the mesh-wide ones)."""

from __future__ import annotations

from pydantic import Field

from services.common.config import CommonSettings


class InventorySettings(CommonSettings):
    grpc_addr: str = Field(default="127.0.0.1:50052", validation_alias="INVENTORY_GRPC_ADDR")
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/inventory.db", validation_alias="INVENTORY_DATABASE_URL"
    )
    metrics_addr: str = Field(default="127.0.0.1:9152", validation_alias="INVENTORY_METRICS_ADDR")
    # Most Reserves committed in one write transaction (group commit); 1 turns it off.
    reserve_group_max: int = Field(
        default=64, ge=1, le=1000, validation_alias="INVENTORY_RESERVE_GROUP_MAX"
    )
