"""PlatformListing and bulk results -> protobuf."""

from __future__ import annotations

from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2

from services.catalog.domain.listing import PlatformListing
from services.catalog.domain.model import Product
from services.catalog.entrypoints.proto_mapping import (
    money_to_proto,
    platform_to_proto,
    product_to_proto,
)
from services.catalog.service.bulk import BulkChange, BulkResult


def listing_to_proto(listing: PlatformListing, product: Product) -> pb.PlatformListing:
    """The listing plus the product content every platform shows unchanged."""
    message = pb.PlatformListing(
        platform=platform_to_proto(listing.platform),
        market=listing.market,
        title=listing.title,
        category=listing.category,
        enabled=listing.enabled,
        currency=listing.currency,
        description=product.description,
        images=[product_pb2.Image(url=i.url, alt=i.alt) for i in product.images],
        product_revision=product.revision,
        issues=[
            pb.ListingIssue(code=i.code, field=i.field, message=i.message, severity=i.severity)
            for i in listing.issues
        ],
    )
    for variant in listing.variants:
        item = message.variants.add(sku=variant.sku, option_values=variant.option_values)
        item.price.CopyFrom(money_to_proto(variant.price))
        compare_at = money_to_proto(variant.compare_at_price)
        if compare_at is not None:
            item.compare_at_price.CopyFrom(compare_at)
    return message


def _change_to_proto(change: BulkChange) -> pb.ProductChange:
    message = pb.ProductChange(
        product_id=change.product_id, sku=change.sku, changed=change.changed, error=change.error
    )
    if change.before is not None:
        message.before.CopyFrom(product_to_proto(change.before))
    if change.after is not None:
        message.after.CopyFrom(product_to_proto(change.after))
    return message


def bulk_result_to_proto(result: BulkResult) -> pb.BulkUpdateProductsResponse:
    return pb.BulkUpdateProductsResponse(
        changes=[_change_to_proto(c) for c in result.changes],
        summary=pb.BulkUpdateSummary(
            matched=len(result.changes),
            changed=result.count("changed"),
            unchanged=result.count("unchanged"),
            failed=result.count("failed"),
        ),
        dry_run=result.dry_run,
    )
