"""CatalogService over gRPC: translate protobuf <-> domain and call the use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal, InvalidOperation

from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import catalog_service_pb2_grpc as pb_grpc

from services.catalog.domain.bulk import BulkOperation, PriceAdjustment
from services.catalog.entrypoints.listing_mapping import bulk_result_to_proto, listing_to_proto
from services.catalog.entrypoints.proto_mapping import (
    mask_paths,
    page_size_from_proto,
    platform_from_proto,
    pricing_rule_from_proto,
    pricing_rule_to_proto,
    product_from_proto,
    product_query_from_proto,
    product_to_proto,
    status_from_proto,
)
from services.catalog.service.bulk import BulkService
from services.catalog.service.imports import ImportService
from services.catalog.service.listings import ListingService
from services.catalog.service.products import ProductService
from services.common.errors import InvalidArgument
from services.common.idempotency import IdempotencyKey
from services.common.proto_time import timestamp_of
from services.common.request_context import current_principal
from services.common.rpc.idempotency_key import idempotency_key_of
from services.common.rpc.types import Context

# Imports are buffered whole before parsing (all-or-nothing per product needs every
# row of a product); this bounds the memory one request can take.
MAX_IMPORT_BYTES = 256 * 1024 * 1024


def _bulk_operation(op: pb.BulkOperation) -> BulkOperation:
    price = None
    if op.HasField("price"):
        kind = op.price.WhichOneof("adjustment")
        percent = None
        if kind == "percent":
            try:
                percent = Decimal(op.price.percent)
            except InvalidOperation:
                raise InvalidArgument.single(
                    "operation.price.percent", "must be a decimal number like 10 or -12.5"
                ) from None
        price = PriceAdjustment(
            percent=percent,
            fixed_minor=op.price.fixed_minor if kind == "fixed_minor" else None,
            rounding_step_minor=op.price.rounding_step_minor,
        )
    return BulkOperation(
        price=price,
        set_category=op.set_category,
        set_status=status_from_proto(op.set_status),
        add_tags=list(op.add_tags),
        remove_tags=list(op.remove_tags),
    )


class CatalogServicer(pb_grpc.CatalogServiceServicer):
    def __init__(
        self,
        products: ProductService,
        bulk: BulkService,
        imports: ImportService,
        listings: ListingService,
    ) -> None:
        self.products = products
        self.bulk = bulk
        self.imports = imports
        self.listings = listings

    async def CreateProduct(
        self, request: pb.CreateProductRequest, context: Context
    ) -> pb.CreateProductResponse:
        if not request.HasField("product"):
            raise InvalidArgument.single("product", "required")
        product = await self.products.create(
            current_principal(),
            product_from_proto(request.product),
            idempotency_key_of(request),
        )
        return pb.CreateProductResponse(product=product_to_proto(product))

    async def GetProduct(
        self, request: pb.GetProductRequest, context: Context
    ) -> pb.GetProductResponse:
        product = await self.products.get(current_principal(), request.product_id, request.sku)
        return pb.GetProductResponse(product=product_to_proto(product))

    async def UpdateProduct(
        self, request: pb.UpdateProductRequest, context: Context
    ) -> pb.UpdateProductResponse:
        paths = mask_paths(request.update_mask)
        product = await self.products.update(
            current_principal(),
            product_from_proto(request.product),
            paths,
            request.expected_revision,
            idempotency_key_of(request),
        )
        return pb.UpdateProductResponse(product=product_to_proto(product))

    async def ArchiveProduct(
        self, request: pb.ArchiveProductRequest, context: Context
    ) -> pb.ArchiveProductResponse:
        product = await self.products.archive(
            current_principal(),
            request.product_id,
            request.expected_revision,
            idempotency_key_of(request),
        )
        return pb.ArchiveProductResponse(product=product_to_proto(product))

    async def ListProducts(
        self, request: pb.ListProductsRequest, context: Context
    ) -> pb.ListProductsResponse:
        query = product_query_from_proto(request.query, request.filter, request.order_by)
        page = await self.products.list_products(
            current_principal(),
            query,
            page_size_from_proto(request.page_size),
            request.page_token,
        )
        return pb.ListProductsResponse(
            products=[product_to_proto(p) for p in page.products],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )

    async def BulkUpdateProducts(
        self, request: pb.BulkUpdateProductsRequest, context: Context
    ) -> pb.BulkUpdateProductsResponse:
        query = None
        if not request.product_ids:
            if not request.HasField("filter"):
                raise InvalidArgument.single("product_ids", "give product_ids or a filter")
            query = product_query_from_proto("", request.filter, "")
        result = await self.bulk.bulk_update(
            current_principal(),
            list(request.product_ids),
            query,
            _bulk_operation(request.operation),
            request.dry_run,
            idempotency_key_of(request),
        )
        return bulk_result_to_proto(result)

    async def ImportProducts(
        self,
        request_iterator: AsyncIterator[pb.ImportProductsRequest],
        context: Context,
    ) -> pb.ImportProductsResponse:
        chunks: list[bytes] = []
        size = 0
        first: pb.ImportProductsRequest | None = None
        async for message in request_iterator:
            first = first or message
            size += len(message.chunk)
            if size > MAX_IMPORT_BYTES:
                raise InvalidArgument.single(
                    "chunk", f"the file exceeds {MAX_IMPORT_BYTES // (1024 * 1024)} MiB"
                )
            chunks.append(message.chunk)
        if first is None or size == 0:
            raise InvalidArgument.single("chunk", "the file is empty")
        data = b"".join(chunks)
        key = IdempotencyKey.for_request(
            first.idempotency_key, data + f"|{first.currency}|{first.dry_run}".encode()
        )
        summary = await self.imports.import_csv(
            current_principal(), data, currency=first.currency, dry_run=first.dry_run, key=key
        )
        return pb.ImportProductsResponse(
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            failed=summary.failed,
            dry_run=summary.dry_run,
            errors=[
                pb.ImportError(row=e.row, column=e.column, message=e.message, handle=e.handle)
                for e in summary.errors
            ],
        )

    async def ExportProducts(
        self, request: pb.ExportProductsRequest, context: Context
    ) -> AsyncIterator[pb.ExportProductsResponse]:
        query = product_query_from_proto("", request.filter, "sku")
        async for chunk in self.imports.export_csv(current_principal(), query):
            yield pb.ExportProductsResponse(chunk=chunk)

    async def ListProductRevisions(
        self, request: pb.ListProductRevisionsRequest, context: Context
    ) -> pb.ListProductRevisionsResponse:
        entries, token = await self.products.revisions(
            current_principal(),
            request.product_id,
            page_size_from_proto(request.page_size),
            request.page_token,
        )
        response = pb.ListProductRevisionsResponse(next_page_token=token)
        for entry in entries:
            item = response.revisions.add(
                revision=entry.product.revision, change=entry.change, actor=entry.actor
            )
            item.product.CopyFrom(product_to_proto(entry.product))
            if entry.product.updated_at is not None:
                item.create_time.CopyFrom(timestamp_of(entry.product.updated_at))
        return response

    async def RestoreProductRevision(
        self, request: pb.RestoreProductRevisionRequest, context: Context
    ) -> pb.RestoreProductRevisionResponse:
        product = await self.products.restore(
            current_principal(),
            request.product_id,
            request.revision,
            request.expected_revision,
            idempotency_key_of(request),
        )
        return pb.RestoreProductRevisionResponse(product=product_to_proto(product))

    async def SetPricingRule(
        self, request: pb.SetPricingRuleRequest, context: Context
    ) -> pb.SetPricingRuleResponse:
        if not request.HasField("rule"):
            raise InvalidArgument.single("rule", "required")
        rule = await self.listings.set_rule(
            current_principal(),
            pricing_rule_from_proto(request.rule),
            idempotency_key_of(request),
        )
        return pb.SetPricingRuleResponse(rule=pricing_rule_to_proto(rule))

    async def ListPricingRules(
        self, request: pb.ListPricingRulesRequest, context: Context
    ) -> pb.ListPricingRulesResponse:
        rules = await self.listings.rules(current_principal(), request.market)
        return pb.ListPricingRulesResponse(rules=[pricing_rule_to_proto(r) for r in rules])

    async def GetPlatformListing(
        self, request: pb.GetPlatformListingRequest, context: Context
    ) -> pb.GetPlatformListingResponse:
        listing, product = await self.listings.platform_listing(
            current_principal(),
            request.product_id,
            platform_from_proto(request.platform, "platform"),
            request.market,
        )
        return pb.GetPlatformListingResponse(listing=listing_to_proto(listing, product))
