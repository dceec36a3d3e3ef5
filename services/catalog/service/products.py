"""Product use cases: create, read, update, archive, list, revisions, restore."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from services.catalog.adapters.product_events import record_product_event
from services.catalog.adapters.repository import ProductRepository
from services.catalog.domain.model import Product, ProductStatus
from services.catalog.domain.product_query import ProductQuery
from services.catalog.domain.product_validation import normalize_product, validate_product
from services.catalog.domain.updates import apply_mask, same_content
from services.catalog.service.deps import CatalogDeps
from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PreconditionViolation,
)
from services.common.idempotency import IdempotencyKey, fingerprint_json, run_idempotent
from services.common.paging import decode_page_token, encode_page_token


@dataclass(frozen=True)
class ProductPage:
    products: list[Product]
    next_page_token: str
    total_size: int


@dataclass(frozen=True)
class RevisionEntry:
    product: Product
    change: str
    actor: str


def _check_revision(current: Product, expected: int) -> None:
    if expected and current.revision != expected:
        raise FailedPrecondition(
            f"product {current.id} is at revision {current.revision}, not {expected}",
            [
                PreconditionViolation(
                    "REVISION",
                    f"products/{current.id}",
                    f"expected revision {expected}, current revision {current.revision}",
                )
            ],
        )


async def check_unique_skus(
    repo: ProductRepository, tenant_id: str, product: Product, own_id: str | None
) -> None:
    """ALREADY_EXISTS when another product holds this product's SKU or a variant SKU."""
    holder = await repo.get_by_sku(tenant_id, product.sku)
    if holder is not None and holder.id != own_id:
        raise AlreadyExists(f"a product with sku {product.sku!r} already exists")
    owners = await repo.variant_owners(tenant_id, product.variant_skus)
    taken = sorted(sku for sku, owner in owners.items() if owner != own_id)
    if taken:
        raise AlreadyExists(f"variant sku already used by another product: {', '.join(taken)}")


class ProductService:
    def __init__(self, deps: CatalogDeps) -> None:
        self.deps = deps

    async def _snapshot(self, tenant_id: str, answer: dict[str, Any]) -> Product:
        """The product exactly as a (possibly replayed) write left it."""
        async with self.deps.db.reader() as session:
            repo = ProductRepository(session)
            entry = await repo.revision(tenant_id, answer["product_id"], answer["revision"])
            current = await repo.get(tenant_id, answer["product_id"])
        if entry is None or current is None:
            raise NotFound(f"product {answer['product_id']} not found")
        product = entry[0]
        product.created_at = current.created_at
        return product

    async def create(
        self, caller: Principal, product: Product, key: IdempotencyKey | None
    ) -> Product:
        product = normalize_product(product)
        validate_product(product)
        tenant = caller.tenant_id

        async def work(session: DbConnection) -> dict[str, Any]:
            repo = ProductRepository(session)
            await check_unique_skus(repo, tenant, product, None)
            now = self.deps.clock()
            product.id = self.deps.new_id()
            product.revision = 1
            product.created_at = product.updated_at = now
            await repo.add(tenant, product, "created", caller.actor)
            await record_product_event(session, tenant, product, "create")
            return {"product_id": product.id, "revision": 1}

        answer = await run_idempotent(
            self.deps.db,
            tenant,
            "CreateProduct",
            key,
            work,
            conflict_message=f"a product with sku {product.sku!r} already exists",
        )
        self.deps.notify_outbox()
        return await self._snapshot(tenant, answer)

    async def get(self, caller: Principal, product_id: str = "", sku: str = "") -> Product:
        if not product_id and not sku:
            raise InvalidArgument.single("product_id", "give product_id or sku")
        async with self.deps.db.reader() as session:
            repo = ProductRepository(session)
            if product_id:
                product = await repo.get(caller.tenant_id, product_id)
            else:
                product = await repo.get_by_sku(caller.tenant_id, sku)
        if product is None:
            raise NotFound(f"product {product_id or sku!r} not found")
        return product

    async def _change(
        self,
        caller: Principal,
        product_id: str,
        operation: str,
        change: str,
        key: IdempotencyKey | None,
        expected_revision: int,
        mutate: Any,
    ) -> Product:
        """Shared body of every single-product change: read, mutate, validate, save, event."""
        tenant = caller.tenant_id

        async def work(session: DbConnection) -> dict[str, Any]:
            repo = ProductRepository(session)
            current = await repo.get(tenant, product_id)
            if current is None:
                raise NotFound(f"product {product_id!r} not found")
            _check_revision(current, expected_revision)
            updated: Product = await mutate(repo, current)
            updated = normalize_product(updated)
            validate_product(updated)
            if same_content(updated, current):
                return {"product_id": current.id, "revision": current.revision}
            if updated.sku != current.sku or updated.variant_skus != current.variant_skus:
                await check_unique_skus(repo, tenant, updated, current.id)
            updated.id, updated.created_at = current.id, current.created_at
            updated.revision = current.revision + 1
            updated.updated_at = self.deps.clock()
            await repo.save(tenant, updated, current, change, caller.actor)
            removed = set(current.variant_skus) - set(updated.variant_skus)
            await record_product_event(
                session, tenant, updated, operation_event(change), removed_variant_skus=removed
            )
            return {"product_id": updated.id, "revision": updated.revision}

        answer = await run_idempotent(
            self.deps.db,
            tenant,
            operation,
            key,
            work,
            conflict_message="a product or variant sku in this change already exists",
        )
        self.deps.notify_outbox()
        return await self._snapshot(tenant, answer)

    async def update(
        self,
        caller: Principal,
        patch: Product,
        paths: list[str],
        expected_revision: int,
        key: IdempotencyKey | None,
    ) -> Product:
        if not patch.id:
            raise InvalidArgument.single("product.id", "required to name the product to update")

        async def mutate(_repo: ProductRepository, current: Product) -> Product:
            return apply_mask(current, patch, paths)

        return await self._change(
            caller, patch.id, "UpdateProduct", "updated", key, expected_revision, mutate
        )

    async def archive(
        self, caller: Principal, product_id: str, expected_revision: int, key: IdempotencyKey | None
    ) -> Product:
        if not product_id:
            raise InvalidArgument.single("product_id", "required")

        async def mutate(_repo: ProductRepository, current: Product) -> Product:
            archived = apply_mask(current, current, [])
            archived.status = ProductStatus.ARCHIVED
            return archived

        return await self._change(
            caller, product_id, "ArchiveProduct", "archived", key, expected_revision, mutate
        )

    async def restore(
        self,
        caller: Principal,
        product_id: str,
        revision: int,
        expected_revision: int,
        key: IdempotencyKey | None,
    ) -> Product:
        if revision <= 0:
            raise InvalidArgument.single("revision", "must be a positive revision number")

        async def mutate(repo: ProductRepository, current: Product) -> Product:
            entry = await repo.revision(caller.tenant_id, current.id, revision)
            if entry is None:
                raise NotFound(f"product {current.id} has no revision {revision}")
            return entry[0]

        return await self._change(
            caller, product_id, "RestoreProductRevision", "restored", key, expected_revision, mutate
        )

    async def list_products(
        self, caller: Principal, query: ProductQuery, page_size: int, page_token: str
    ) -> ProductPage:
        fingerprint = fingerprint_json(asdict(query))
        offset = decode_page_token(page_token, fingerprint)
        async with self.deps.db.reader() as session:
            products, total = await ProductRepository(session).search(
                caller.tenant_id, query, offset, page_size
            )
        next_offset = offset + len(products)
        token = encode_page_token(next_offset, fingerprint) if next_offset < total else ""
        return ProductPage(products, token, total)

    async def revisions(
        self, caller: Principal, product_id: str, page_size: int, page_token: str
    ) -> tuple[list[RevisionEntry], str]:
        fingerprint = fingerprint_json({"revisions": product_id})
        offset = decode_page_token(page_token, fingerprint)
        async with self.deps.db.reader() as session:
            repo = ProductRepository(session)
            current = await repo.get(caller.tenant_id, product_id)
            if current is None:
                raise NotFound(f"product {product_id!r} not found")
            rows = await repo.revisions(caller.tenant_id, product_id, offset, page_size + 1)
        entries = [RevisionEntry(p, change, actor) for p, change, actor in rows[:page_size]]
        for entry in entries:
            entry.product.created_at = current.created_at
        more = len(rows) > page_size
        return entries, encode_page_token(offset + page_size, fingerprint) if more else ""


def operation_event(change: str) -> str:
    """The event `change` label for a revision's change name."""
    return {"updated": "update", "archived": "archive", "restored": "restore"}.get(change, change)
