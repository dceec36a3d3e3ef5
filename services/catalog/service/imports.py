"""ImportProducts / ExportProducts in Shopify's product CSV format."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.catalog.adapters.product_events import record_product_event
from services.catalog.adapters.repository import ProductRepository
from services.catalog.domain.import_merge import merge_import
from services.catalog.domain.model import Product
from services.catalog.domain.product_query import ProductQuery
from services.catalog.domain.product_validation import normalize_product, validate_product
from services.catalog.domain.shopify_csv_export import iter_shopify_csv
from services.catalog.domain.shopify_csv_import import ImportedProduct, parse_shopify_csv
from services.catalog.domain.updates import same_content
from services.catalog.service.deps import CatalogDeps
from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import InvalidArgument
from services.common.idempotency import IdempotencyKey, recall, remember
from services.common.logging import get_logger
from services.common.money import is_known_currency

log = get_logger("syncstore.catalog.import")

# Products written per transaction: large enough to amortise commits, small enough
# that a writer never holds the database lock (or, on SQLite, the event loop) for long.
BATCH = 100


@dataclass
class ImportRowError:
    row: int
    column: str
    message: str
    handle: str = ""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[ImportRowError] = field(default_factory=list)
    dry_run: bool = False


class _ProductRejected(Exception):
    def __init__(self, error: ImportRowError) -> None:
        super().__init__(error.message)
        self.error = error


class ImportService:
    def __init__(self, deps: CatalogDeps) -> None:
        self.deps = deps

    async def import_csv(
        self,
        caller: Principal,
        data: bytes,
        *,
        currency: str,
        dry_run: bool,
        key: IdempotencyKey | None,
    ) -> ImportSummary:
        currency = currency or self.deps.default_currency
        if not is_known_currency(currency):
            raise InvalidArgument.single("currency", f"unknown currency {currency!r}")
        tenant = caller.tenant_id
        if key is not None and not dry_run:
            async with self.deps.db.transaction() as session:
                cached = await recall(session, tenant, "ImportProducts", key)
            if cached is not None:
                return _summary_from(cached)
        parsed = parse_shopify_csv(data, currency)
        summary = ImportSummary(dry_run=dry_run)
        summary.errors = [
            ImportRowError(e.row, e.column, e.message, e.handle) for e in parsed.errors
        ]
        summary.failed = len(parsed.failed_handles)
        for start in range(0, len(parsed.products), BATCH):
            await self._import_batch(caller, parsed.products[start : start + BATCH], summary)
            # SQLite statements run inline on the loop: let other requests in between.
            await asyncio.sleep(0)
        if not dry_run:
            self.deps.notify_outbox()
            if key is not None:
                # Imports are state-based (a re-run finds everything unchanged), so the key
                # is recorded after the batches rather than inside one giant transaction.
                async with self.deps.db.transaction() as session:
                    if await recall(session, tenant, "ImportProducts", key) is None:
                        await remember(session, tenant, "ImportProducts", key, asdict(summary))
        log.info(
            "import_finished",
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            failed=summary.failed,
            dry_run=dry_run,
        )
        return summary

    async def _import_batch(
        self, caller: Principal, batch: list[ImportedProduct], summary: ImportSummary
    ) -> None:
        if summary.dry_run:
            async with self.deps.db.reader() as session:
                repo = ProductRepository(session)
                await self._apply(caller, repo, batch, summary, events=None)
            return
        try:
            async with self.deps.db.transaction() as session:
                outcome = ImportSummary()
                await self._apply(
                    caller, ProductRepository(session), batch, outcome, events=session
                )
        except IntegrityError:
            # A concurrent writer took one of the SKUs: redo product by product so only
            # the clashing one fails.
            if len(batch) == 1:
                summary.failed += 1
                summary.errors.append(
                    ImportRowError(
                        batch[0].first_row,
                        "Handle",
                        "sku taken by a concurrent change; retry",
                        batch[0].product.sku,
                    )
                )
                return
            for item in batch:
                await self._import_batch(caller, [item], summary)
            return
        summary.created += outcome.created
        summary.updated += outcome.updated
        summary.unchanged += outcome.unchanged
        summary.failed += outcome.failed
        summary.errors.extend(outcome.errors)

    async def _apply(
        self,
        caller: Principal,
        repo: ProductRepository,
        batch: list[ImportedProduct],
        summary: ImportSummary,
        *,
        events: DbConnection | None,
    ) -> None:
        """Count (and with a write connection, write) what the batch does to the catalog."""
        tenant = caller.tenant_id
        existing = await repo.get_many_by_sku(tenant, [i.product.sku for i in batch])
        owners = await repo.variant_owners(
            tenant, [sku for i in batch for sku in i.product.variant_skus]
        )
        now = self.deps.clock()
        for item in batch:
            current = existing.get(item.product.sku)
            try:
                product = self._prepare(item, current, owners)
            except _ProductRejected as rejected:
                summary.failed += 1
                summary.errors.append(rejected.error)
                continue
            if current is not None and same_content(product, current):
                summary.unchanged += 1
                continue
            if current is None:
                summary.created += 1
                product.id, product.revision = self.deps.new_id(), 1
                product.created_at = product.updated_at = now
                if events is not None:
                    await repo.add(tenant, product, "imported", caller.actor)
            else:
                summary.updated += 1
                product.revision, product.updated_at = current.revision + 1, now
                if events is not None:
                    await repo.save(tenant, product, current, "imported", caller.actor)
            if events is not None:
                removed = (
                    set(current.variant_skus) - set(product.variant_skus) if current else set()
                )
                await record_product_event(
                    events,
                    tenant,
                    product,
                    "import",
                    initial_quantities=item.initial_quantities,
                    removed_variant_skus=removed,
                )

    def _prepare(
        self, item: ImportedProduct, current: Product | None, owners: dict[str, str]
    ) -> Product:
        product = item.product if current is None else merge_import(current, item.product)
        product = normalize_product(product)
        try:
            validate_product(product)
        except InvalidArgument as exc:
            raise _ProductRejected(
                ImportRowError(item.first_row, "", exc.message, item.product.sku)
            ) from None
        own_id = current.id if current else None
        taken = sorted(s for s in product.variant_skus if owners.get(s, own_id) != own_id)
        if taken:
            raise _ProductRejected(
                ImportRowError(
                    item.first_row,
                    "Variant SKU",
                    f"variant sku already used by another product: {', '.join(taken)}",
                    item.product.sku,
                )
            )
        if current is not None:
            product.id, product.created_at = current.id, current.created_at
        return product

    async def export_csv(self, caller: Principal, query: ProductQuery) -> AsyncIterator[bytes]:
        """The matching products as Shopify CSV, in chunks of about 64 KiB."""
        offset, page = 0, 500
        header_sent = False
        buffer: list[str] = []
        size = 0
        while True:
            async with self.deps.db.reader() as session:
                products, total = await ProductRepository(session).search(
                    caller.tenant_id, query, offset, page
                )
            for text in iter_shopify_csv(products, include_header=not header_sent):
                buffer.append(text)
                size += len(text)
                if size >= 65536:
                    yield "".join(buffer).encode()
                    buffer, size = [], 0
            header_sent = True
            offset += len(products)
            if not products or offset >= total:
                break
        if buffer:
            yield "".join(buffer).encode()


def _summary_from(data: dict[str, Any]) -> ImportSummary:
    summary = ImportSummary(**{k: v for k, v in data.items() if k != "errors"})
    summary.errors = [ImportRowError(**e) for e in data.get("errors", [])]
    return summary
