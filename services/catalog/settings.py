"""Catalog settings, from the environment (CATALOG_* plus the mesh-wide ones)."""

from __future__ import annotations

from pydantic import Field

from services.common.config import CommonSettings


class CatalogSettings(CommonSettings):
    grpc_addr: str = Field(default="127.0.0.1:50051", validation_alias="CATALOG_GRPC_ADDR")
    database_url: str = Field(
        default="sqlite+aiosqlite:///var/catalog.db", validation_alias="CATALOG_DATABASE_URL"
    )
    metrics_addr: str = Field(default="127.0.0.1:9151", validation_alias="CATALOG_METRICS_ADDR")
    default_currency: str = Field(default="IDR", validation_alias="CATALOG_DEFAULT_CURRENCY")
    default_market: str = Field(default="ID", validation_alias="CATALOG_DEFAULT_MARKET")
