"""Learn SKUs from catalog.product.* events (a durable consumer, the kernel's loop).

Duplicates are dropped by the inbox; reordering by the catalog revision each SKU has
seen. An import's initial quantity lands only when the SKU has no stock yet.
"""

from __future__ import annotations

from syncstore.catalog.v1 import product_pb2
from syncstore.events.v1 import catalog_events_pb2

from services.common.events.consumer import ConsumerSpec, EventMessage, PermanentEventError
from services.common.events.inbox import first_delivery
from services.common.logging import get_logger
from services.inventory.domain.model import SkuRecord, StockSource
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.stock_change import StockChange

log = get_logger("syncstore.inventory.catalog")

CONSUMER = ConsumerSpec(
    stream="CATALOG",
    durable="inventory-catalog",
    filter_subjects=("catalog.product.>",),
    ack_wait=30,
    max_deliver=8,
    backoff=(1, 5, 15, 60),
)


class CatalogListener:
    def __init__(self, deps: InventoryDeps) -> None:
        self.deps = deps

    async def handle(self, message: EventMessage) -> None:
        try:
            event = catalog_events_pb2.ProductChanged.FromString(message.data)
        except Exception as exc:  # a payload that never parses will never parse
            raise PermanentEventError(f"not a ProductChanged: {exc}") from exc
        tenant = event.meta.tenant_id
        if not tenant:
            raise PermanentEventError("event has no tenant")
        async with self.deps.db.transaction() as conn:
            if not await first_delivery(conn, CONSUMER.durable, event.meta.event_id):
                return
            change = StockChange(
                conn,
                tenant,
                self.deps.settings_cache,
                source=StockSource.IMPORT,
                reason="catalog import",
                reference=f"product:{event.product_id}",
                actor="catalog",
                now=self.deps.clock(),
            )
            await self._learn(change, event)
            await change.finish()
        self.deps.notify_outbox()

    async def _learn(self, change: StockChange, event: catalog_events_pb2.ProductChanged) -> None:
        active = event.status != product_pb2.PRODUCT_STATUS_ARCHIVED
        present = {v.sku: v for v in event.variants}
        known = await change.repo.skus(sorted(set(present) | set(event.removed_variant_skus)))
        applied: set[str] = set()
        for sku in sorted(set(present) | set(event.removed_variant_skus)):
            record = known.get(sku)
            if record is not None and record.catalog_revision >= event.revision:
                log.info("stale_catalog_event", sku=sku, revision=event.revision)
                continue
            applied.add(sku)
            updated = record or SkuRecord(sku=sku)
            updated.product_id = event.product_id
            updated.active = active and sku in present
            updated.catalog_revision = event.revision
            await change.repo.put_sku(updated, new=record is None)
        # A stale event (a newer revision already seen) brings no stock either: its
        # quantity may belong to a SKU archived since.
        quantities = {
            sku: v.initial_quantity
            for sku, v in present.items()
            if v.HasField("initial_quantity") and sku in applied and active
        }
        if not quantities:
            return
        await change.lock(quantities)
        location = await change.location("")
        for sku, quantity in sorted(quantities.items()):
            if quantity > 0 and not await change.repo.has_levels(sku):
                await change.apply(sku, location.id, quantity, 0)
