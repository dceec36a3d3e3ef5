"""The catalog's tables. A product is stored as a JSON document plus indexed columns."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# The document holds the whole product (domain.model.product_to_dict); the columns
# beside it exist only to filter, sort and enforce uniqueness in SQL.
products = Table(
    "products",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("title", String(255), nullable=False),
    Column("brand", String(255), nullable=False, default=""),
    Column("category", String(255), nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("base_price_minor", BigInteger, nullable=False),
    # Lower-cased "title sku brand" for text search.
    Column("search_text", Text, nullable=False),
    # ",tag1,tag2," and ",shopee,lazada," so a LIKE finds one whole item.
    Column("tags_text", Text, nullable=False, default=""),
    Column("disabled_platforms", String(255), nullable=False, default=""),
    Column("document", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant_id", "sku", name="uq_products_tenant_sku"),
    Index("ix_products_tenant_status", "tenant_id", "status"),
    Index("ix_products_tenant_category", "tenant_id", "category"),
    Index("ix_products_tenant_title", "tenant_id", "title"),
    Index("ix_products_tenant_updated", "tenant_id", "updated_at"),
)

# One row per variant SKU: makes variant SKUs unique per tenant across products.
product_variants = Table(
    "product_variants",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("product_id", String(36), ForeignKey("products.id"), nullable=False, index=True),
)

product_revisions = Table(
    "product_revisions",
    metadata,
    Column("product_id", String(36), ForeignKey("products.id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("document", JSON, nullable=False),
    Column("change", String(32), nullable=False),
    Column("actor", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pricing_rules = Table(
    "pricing_rules",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("platform", String(32), primary_key=True),
    Column("market", String(8), primary_key=True),
    Column("multiplier", String(32), nullable=False),
    Column("fixed_add_minor", BigInteger, nullable=False, default=0),
    Column("rounding_step_minor", BigInteger, nullable=False, default=1),
    Column("charm_ending_minor", BigInteger, nullable=True),
    Column("min_price_minor", BigInteger, nullable=True),
    Column("max_price_minor", BigInteger, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
