"""SQL access for products, variants and revisions; knows tables, not business rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, func, insert, select, update

from services.catalog.adapters.tables import product_revisions, product_variants, products
from services.catalog.domain.model import Product, product_from_dict, product_to_dict
from services.catalog.domain.product_query import ProductQuery
from services.common.db import DbConnection
from services.common.errors import FailedPrecondition

_ORDER_COLUMNS = {
    "title": products.c.title,
    "sku": products.c.sku,
    "base_price": products.c.base_price_minor,
    "create_time": products.c.created_at,
    "update_time": products.c.updated_at,
}


# The two hottest reads, built once: constructing a statement per call costs more than
# running it on SQLite.
_BY_ID = select(products).where(
    products.c.tenant_id == bindparam("tenant_id"), products.c.id == bindparam("product_id")
)
_BY_SKU = select(products).where(
    products.c.tenant_id == bindparam("tenant_id"), products.c.sku == bindparam("sku")
)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we write is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row_to_product(row: Any) -> Product:
    product = product_from_dict(row.document)
    product.id = row.id
    product.revision = row.revision
    product.created_at = _aware(row.created_at)
    product.updated_at = _aware(row.updated_at)
    return product


def _columns(tenant_id: str, product: Product) -> dict[str, Any]:
    disabled = [o.platform.value for o in product.platform_overrides if not o.enabled]
    return {
        "tenant_id": tenant_id,
        "sku": product.sku,
        "title": product.title,
        "brand": product.brand,
        "category": product.category,
        "status": product.status.value,
        "currency": product.base_price.currency,
        "base_price_minor": product.base_price.amount_minor,
        "search_text": f"{product.title} {product.sku} {product.brand}".casefold(),
        "tags_text": "," + ",".join(t.casefold() for t in product.tags) + ",",
        "disabled_platforms": "," + ",".join(disabled) + ",",
        "document": product_to_dict(product),
        "revision": product.revision,
        "updated_at": product.updated_at,
    }


class ProductRepository:
    """Products of one session; every query is scoped to the given tenant."""

    def __init__(self, session: DbConnection) -> None:
        self.session = session

    async def get(self, tenant_id: str, product_id: str) -> Product | None:
        result = await self.session.execute(
            _BY_ID, {"tenant_id": tenant_id, "product_id": product_id}
        )
        row = result.first()
        return None if row is None else _row_to_product(row)

    async def get_by_sku(self, tenant_id: str, sku: str) -> Product | None:
        result = await self.session.execute(_BY_SKU, {"tenant_id": tenant_id, "sku": sku})
        row = result.first()
        return None if row is None else _row_to_product(row)

    async def get_many_by_sku(self, tenant_id: str, skus: Sequence[str]) -> dict[str, Product]:
        found: dict[str, Product] = {}
        for start in range(0, len(skus), 500):
            chunk = list(skus[start : start + 500])
            rows = await self.session.execute(
                select(products).where(products.c.tenant_id == tenant_id, products.c.sku.in_(chunk))
            )
            for row in rows:
                found[row.sku] = _row_to_product(row)
        return found

    async def get_many(self, tenant_id: str, ids: Sequence[str]) -> list[Product]:
        result: list[Product] = []
        for start in range(0, len(ids), 500):
            rows = await self.session.execute(
                select(products).where(
                    products.c.tenant_id == tenant_id, products.c.id.in_(ids[start : start + 500])
                )
            )
            result.extend(_row_to_product(r) for r in rows)
        return result

    async def variant_owners(self, tenant_id: str, skus: Iterable[str]) -> dict[str, str]:
        """Which product owns each of these variant SKUs (absent when none)."""
        wanted = list(dict.fromkeys(skus))
        owners: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            rows = await self.session.execute(
                select(product_variants.c.sku, product_variants.c.product_id).where(
                    product_variants.c.tenant_id == tenant_id,
                    product_variants.c.sku.in_(wanted[start : start + 500]),
                )
            )
            owners.update({r.sku: r.product_id for r in rows})
        return owners

    async def add(self, tenant_id: str, product: Product, change: str, actor: str) -> None:
        """Insert a new product (revision 1) with its variant index and first revision."""
        assert product.created_at is not None
        values = _columns(tenant_id, product)
        values.update(id=product.id, created_at=product.created_at)
        await self.session.execute(insert(products).values(**values))
        await self._insert_variants(tenant_id, product.id, product.variant_skus)
        await self._add_revision(tenant_id, product, change, actor)

    async def save(
        self, tenant_id: str, product: Product, previous: Product, change: str, actor: str
    ) -> None:
        """Write a new revision of an existing product; fails if someone else wrote first."""
        result = await self.session.execute(
            update(products)
            .where(
                products.c.tenant_id == tenant_id,
                products.c.id == product.id,
                products.c.revision == previous.revision,
            )
            .values(**_columns(tenant_id, product))
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise FailedPrecondition(
                f"product {product.id} changed concurrently; read it again and retry"
            )
        old, new = set(previous.variant_skus), set(product.variant_skus)
        if old - new:
            await self.session.execute(
                delete(product_variants).where(
                    product_variants.c.tenant_id == tenant_id,
                    product_variants.c.sku.in_(sorted(old - new)),
                )
            )
        await self._insert_variants(tenant_id, product.id, sorted(new - old))
        await self._add_revision(tenant_id, product, change, actor)

    async def _insert_variants(self, tenant_id: str, product_id: str, skus: list[str]) -> None:
        if skus:
            await self.session.execute(
                insert(product_variants),
                [{"tenant_id": tenant_id, "sku": s, "product_id": product_id} for s in skus],
            )

    async def _add_revision(
        self, tenant_id: str, product: Product, change: str, actor: str
    ) -> None:
        await self.session.execute(
            insert(product_revisions).values(
                product_id=product.id,
                revision=product.revision,
                tenant_id=tenant_id,
                document=product_to_dict(product),
                change=change,
                actor=actor,
                created_at=product.updated_at,
            )
        )

    def _filtered(self, tenant_id: str, query: ProductQuery) -> Select[Any]:
        conditions: list[Any] = [products.c.tenant_id == tenant_id]
        if query.ids:
            conditions.append(products.c.id.in_(query.ids))
        if query.query:
            for word in query.query.casefold().split():
                conditions.append(
                    products.c.search_text.like(f"%{_escape_like(word)}%", escape="\\")
                )
        if query.category:
            conditions.append(products.c.category == query.category)
        if query.status is not None:
            conditions.append(products.c.status == query.status.value)
        if query.min_price_minor is not None:
            conditions.append(products.c.base_price_minor >= query.min_price_minor)
        if query.max_price_minor is not None:
            conditions.append(products.c.base_price_minor <= query.max_price_minor)
        if query.platform is not None:
            conditions.append(~products.c.disabled_platforms.like(f"%,{query.platform.value},%"))
        for tag in query.tags:
            conditions.append(
                products.c.tags_text.like(f"%,{_escape_like(tag.casefold())},%", escape="\\")
            )
        return select(products).where(and_(*conditions))

    async def search(
        self, tenant_id: str, query: ProductQuery, offset: int, limit: int
    ) -> tuple[list[Product], int]:
        """One page of matching products and the total number of matches."""
        base = self._filtered(tenant_id, query)
        total = (
            await self.session.execute(select(func.count()).select_from(base.subquery()))
        ).scalar_one()
        column = _ORDER_COLUMNS.get(query.order_by or "", products.c.created_at)
        ordering = [column.desc() if query.descending else column.asc(), products.c.id.asc()]
        rows = await self.session.execute(base.order_by(*ordering).offset(offset).limit(limit))
        return [_row_to_product(r) for r in rows], int(total)

    async def revisions(
        self, tenant_id: str, product_id: str, offset: int, limit: int
    ) -> list[tuple[Product, str, str]]:
        """(product as of that revision, change, actor), newest first."""
        rows = await self.session.execute(
            select(product_revisions)
            .where(
                product_revisions.c.tenant_id == tenant_id,
                product_revisions.c.product_id == product_id,
            )
            .order_by(product_revisions.c.revision.desc())
            .offset(offset)
            .limit(limit)
        )
        return [self._revision(r) for r in rows]

    async def revision(
        self, tenant_id: str, product_id: str, revision: int
    ) -> tuple[Product, str, str] | None:
        row = (
            await self.session.execute(
                select(product_revisions).where(
                    product_revisions.c.tenant_id == tenant_id,
                    product_revisions.c.product_id == product_id,
                    product_revisions.c.revision == revision,
                )
            )
        ).first()
        return None if row is None else self._revision(row)

    @staticmethod
    def _revision(row: Any) -> tuple[Product, str, str]:
        product = product_from_dict(row.document)
        product.id = row.product_id
        product.revision = row.revision
        product.updated_at = _aware(row.created_at)
        return product, row.change, row.actor


__all__ = ["ProductRepository"]
