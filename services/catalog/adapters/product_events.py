"""Turn a committed-to-be product change into a ProductChanged event in the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from syncstore.events.v1 import catalog_events_pb2

from services.catalog.domain.model import Product, ProductStatus
from services.catalog.entrypoints.proto_mapping import status_to_proto
from services.common.db import DbConnection
from services.common.events.outbox import enqueue, new_event_meta
from services.common.request_context import correlation_id

SOURCE = "catalog"


def subject_for(product: Product, change: str) -> str:
    # Revision 1 is the product's birth, whichever path (create, import) made it.
    if product.revision == 1:
        return "catalog.product.created"
    if product.status is ProductStatus.ARCHIVED and change == "archive":
        return "catalog.product.archived"
    return "catalog.product.updated"


async def record_product_event(
    session: DbConnection,
    tenant_id: str,
    product: Product,
    change: str,
    *,
    initial_quantities: Mapping[str, int] | None = None,
    removed_variant_skus: Iterable[str] = (),
) -> None:
    """Enqueue catalog.product.* in the caller's transaction (the outbox relay sends it)."""
    subject = subject_for(product, change)
    quantities = initial_quantities or {}
    variants = []
    for sku in product.variant_skus:
        stock = catalog_events_pb2.VariantStock(sku=sku)
        if sku in quantities:
            stock.initial_quantity = quantities[sku]
        variants.append(stock)
    message = catalog_events_pb2.ProductChanged(
        meta=new_event_meta(subject, tenant_id, correlation_id(), SOURCE),
        product_id=product.id,
        sku=product.sku,
        revision=product.revision,
        status=status_to_proto(product.status),
        variants=variants,
        removed_variant_skus=sorted(removed_variant_skus),
        change=change,
    )
    await enqueue(session, subject=subject, message=message, meta=message.meta)
