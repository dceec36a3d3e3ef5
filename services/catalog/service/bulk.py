"""BulkUpdateProducts: one operation over many products, with a dry run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.catalog.adapters.product_events import record_product_event
from services.catalog.adapters.repository import ProductRepository
from services.catalog.domain.bulk import BulkItemError, BulkOperation, apply_operation
from services.catalog.domain.bulk import validate_operation as validate_bulk_operation
from services.catalog.domain.model import Product, product_from_dict, product_to_dict
from services.catalog.domain.product_query import ProductQuery
from services.catalog.domain.product_validation import validate_product
from services.catalog.domain.updates import same_content
from services.catalog.service.deps import CatalogDeps
from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import InvalidArgument
from services.common.idempotency import IdempotencyKey, run_idempotent

# A bulk change is one transaction; beyond this many products, split it by filter.
MAX_BULK_PRODUCTS = 10_000


@dataclass
class BulkChange:
    product_id: str
    sku: str
    before: Product | None
    after: Product | None
    changed: bool
    error: str = ""


@dataclass
class BulkResult:
    changes: list[BulkChange]
    dry_run: bool

    def count(self, what: str) -> int:
        if what == "changed":
            return sum(1 for c in self.changes if c.changed)
        if what == "failed":
            return sum(1 for c in self.changes if c.error)
        return sum(1 for c in self.changes if not c.changed and not c.error)


def _plan(product: Product, op: BulkOperation) -> BulkChange:
    try:
        after = apply_operation(product, op)
        validate_product(after)
    except BulkItemError as exc:
        return BulkChange(product.id, product.sku, product, None, False, str(exc))
    except InvalidArgument as exc:
        return BulkChange(product.id, product.sku, product, None, False, exc.message)
    return BulkChange(product.id, product.sku, product, after, not same_content(product, after))


def _doc(product: Product | None) -> dict[str, Any] | None:
    if product is None:
        return None
    return {"doc": product_to_dict(product), "id": product.id, "revision": product.revision}


def _undoc(data: dict[str, Any] | None) -> Product | None:
    if data is None:
        return None
    product = product_from_dict(data["doc"])
    product.id, product.revision = data["id"], data["revision"]
    return product


class BulkService:
    def __init__(self, deps: CatalogDeps) -> None:
        self.deps = deps

    async def _select(
        self, repo: ProductRepository, tenant: str, ids: list[str], query: ProductQuery | None
    ) -> list[Product]:
        if ids:
            found = {p.id: p for p in await repo.get_many(tenant, ids)}
            missing = [i for i in ids if i not in found]
            if missing:
                raise InvalidArgument.single(
                    "product_ids", f"unknown product ids: {', '.join(missing[:20])}"
                )
            return [found[i] for i in dict.fromkeys(ids)]
        if query is None:
            raise InvalidArgument.single("product_ids", "give product_ids or a filter")
        products, total = await repo.search(tenant, query, 0, MAX_BULK_PRODUCTS + 1)
        if total > MAX_BULK_PRODUCTS:
            raise InvalidArgument.single(
                "filter", f"matches {total} products; at most {MAX_BULK_PRODUCTS} per bulk update"
            )
        return products

    async def bulk_update(
        self,
        caller: Principal,
        ids: list[str],
        query: ProductQuery | None,
        op: BulkOperation,
        dry_run: bool,
        key: IdempotencyKey | None,
    ) -> BulkResult:
        validate_bulk_operation(op)
        tenant = caller.tenant_id
        if dry_run:
            async with self.deps.db.reader() as session:
                selected = await self._select(ProductRepository(session), tenant, ids, query)
            return BulkResult([_plan(p, op) for p in selected], dry_run=True)

        async def work(session: DbConnection) -> dict[str, Any]:
            repo = ProductRepository(session)
            changes = [_plan(p, op) for p in await self._select(repo, tenant, ids, query)]
            now = self.deps.clock()
            for change in changes:
                if not change.changed or change.after is None or change.before is None:
                    continue
                change.after.revision = change.before.revision + 1
                change.after.updated_at = now
                await repo.save(tenant, change.after, change.before, "bulk_updated", caller.actor)
                await record_product_event(session, tenant, change.after, "bulk_update")
            return {
                "changes": [
                    {
                        "product_id": c.product_id,
                        "sku": c.sku,
                        "before": _doc(c.before),
                        "after": _doc(c.after),
                        "changed": c.changed,
                        "error": c.error,
                    }
                    for c in changes
                ]
            }

        answer = await run_idempotent(
            self.deps.db,
            tenant,
            "BulkUpdateProducts",
            key,
            work,
            conflict_message="a product changed during the bulk update; retry",
        )
        self.deps.notify_outbox()
        return BulkResult(
            [
                BulkChange(
                    c["product_id"],
                    c["sku"],
                    _undoc(c["before"]),
                    _undoc(c["after"]),
                    c["changed"],
                    c["error"],
                )
                for c in answer["changes"]
            ],
            dry_run=False,
        )
