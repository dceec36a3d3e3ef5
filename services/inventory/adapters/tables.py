"""The inventory's tables: SKUs, locations, levels, the ledger, reservations, settings."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_ID = BigInteger().with_variant(Integer(), "sqlite")

skus = Table(
    "skus",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(36), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("allow_backorder", Boolean, nullable=False, default=False),
    Column("threshold", BigInteger, nullable=True),
    Column("low_alerted", Boolean, nullable=False, default=False),
    Column("version", BigInteger, nullable=False, default=0),
    Column("catalog_revision", BigInteger, nullable=False, default=0),
)

locations = Table(
    "locations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(255), nullable=False, default=""),
    Column("is_default", Boolean, nullable=False, default=False),
    # Comma-separated platform values; empty means every platform.
    Column("feeds", String(255), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("uq_locations_tenant_code", "tenant_id", "code", unique=True),
)

# Current levels; the ledger below is their history, and their sum.
stock_levels = Table(
    "stock_levels",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("location_id", String(36), ForeignKey("locations.id"), primary_key=True),
    Column("on_hand", BigInteger, nullable=False, default=0),
    Column("reserved", BigInteger, nullable=False, default=0),
)

ledger = Table(
    "ledger",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location_id", String(36), nullable=False),
    Column("delta_on_hand", BigInteger, nullable=False),
    Column("delta_reserved", BigInteger, nullable=False),
    Column("on_hand_after", BigInteger, nullable=False),
    Column("reserved_after", BigInteger, nullable=False),
    Column("reason", String(255), nullable=False, default=""),
    Column("source", String(16), nullable=False),
    Column("reference", String(255), nullable=False, default=""),
    Column("actor", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_ledger_tenant_sku_id", "tenant_id", "sku", "id"),
    Index("ix_ledger_tenant_created", "tenant_id", "created_at"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("shop_id", String(128), primary_key=True),
    Column("order_id", String(128), primary_key=True),
    Column("state", String(16), nullable=False),
    # {"lines": {sku: qty}, "allocations": [[sku, location_id, qty], ...]}
    Column("detail", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

channel_buffers = Table(
    "channel_buffers",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("shop_id", String(128), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("units", BigInteger, nullable=True),
    Column("percent", String(16), nullable=True),
)

tenant_settings = Table(
    "tenant_settings",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("default_threshold", BigInteger, nullable=True),
    # Bumped by every change of locations, buffers or the default threshold, so each
    # replica can cache them and check freshness with one small read.
    Column("settings_version", BigInteger, nullable=False, default=0),
)
