"""CreateProduct / GetProduct / UpdateProduct / ArchiveProduct / revisions over real gRPC."""

from __future__ import annotations

import grpc
from google.protobuf import field_mask_pb2
from syncstore.catalog.v1 import catalog_service_pb2 as pb
from syncstore.catalog.v1 import product_pb2

from tests.integration.catalog.conftest import Catalog, idr, make_product
from tests.support.grpc_errors import bad_request_fields, expect_error, precondition_violations


async def test_create_then_get_by_id_and_sku(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    assert created.id and created.revision == 1
    assert created.create_time.seconds > 0
    by_id = await catalog.a.get_product(created.id)
    by_sku = await catalog.a.get_product(sku="TEE-1")
    assert by_id == by_sku == created
    assert [v.sku for v in by_id.variants] == ["TEE-1-RED", "TEE-1-BLU", "TEE-1-GRE"]
    assert not by_id.variants[0].HasField("price")
    assert by_id.variants[1].price.amount_minor == 160_000
    assert by_id.base_price == idr(150_000)
    assert by_id.description == "<p>Soft <b>cotton</b></p>"


async def test_product_without_variants_gets_a_default_one(catalog: Catalog) -> None:
    product = product_pb2.Product(sku="MUG", title="Ceramic Mug", base_price=idr(50_000))
    created = await catalog.a.create_product(product)
    assert [v.sku for v in created.variants] == ["MUG"]
    assert created.status == product_pb2.PRODUCT_STATUS_DRAFT


async def test_bad_input_names_every_field_and_writes_nothing(catalog: Catalog) -> None:
    product = make_product()
    product.title = "  "
    product.base_price.CopyFrom(product_pb2.Product().base_price)
    product.base_price.currency = "XYZ"
    product.base_price.amount_minor = -5
    product.variants[2].option_values[:] = ["Purple"]
    error = await expect_error(catalog.a.create_product(product), grpc.StatusCode.INVALID_ARGUMENT)
    fields = bad_request_fields(error)
    assert "product.title" in fields
    assert any(f.startswith("product.base_price") for f in fields)
    assert any(f.startswith("product.variants[2]") for f in fields)
    page = await catalog.a.list_products()
    assert page.total_size == 0


async def test_more_than_three_options_is_rejected(catalog: Catalog) -> None:
    product = product_pb2.Product(sku="X", title="Thing", base_price=idr(1000))
    for name in ("A", "B", "C", "D"):
        product.options.add(name=name, values=["1"])
    product.variants.add(sku="X-1", option_values=["1", "1", "1", "1"])
    error = await expect_error(catalog.a.create_product(product), grpc.StatusCode.INVALID_ARGUMENT)
    assert "product.options" in bad_request_fields(error)


async def test_duplicate_skus_are_already_exists(catalog: Catalog) -> None:
    await catalog.a.create_product(make_product())
    await expect_error(catalog.a.create_product(make_product()), grpc.StatusCode.ALREADY_EXISTS)
    other = make_product(sku="TEE-2")
    other.variants[0].sku = "TEE-1-RED"  # a variant SKU another product owns
    await expect_error(catalog.a.create_product(other), grpc.StatusCode.ALREADY_EXISTS)


async def test_idempotency_key_replays_first_result(catalog: Catalog) -> None:
    first = await catalog.a.create_product(make_product(), idempotency_key="k1")
    again = await catalog.a.create_product(make_product(), idempotency_key="k1")
    assert again == first
    different = make_product(title="Another title")
    await expect_error(
        catalog.a.create_product(different, idempotency_key="k1"), grpc.StatusCode.ALREADY_EXISTS
    )
    assert (await catalog.a.list_products()).total_size == 1


async def test_update_with_mask_and_stale_revision(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    patch = product_pb2.Product(id=created.id, title="Organic Cotton Tee", brand="ignored")
    request = pb.UpdateProductRequest(
        product=patch, update_mask=field_mask_pb2.FieldMask(paths=["title"]), expected_revision=1
    )
    updated = (await catalog.a.stub.UpdateProduct(request, metadata=catalog.a.metadata())).product
    assert updated.title == "Organic Cotton Tee"
    assert updated.brand == "Acme"  # not in the mask
    assert updated.revision == 2
    error = await expect_error(
        catalog.a.stub.UpdateProduct(request, metadata=catalog.a.metadata()),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert precondition_violations(error)[0].type == "REVISION"


async def test_update_mask_must_name_known_fields(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    for paths in ([], ["revision"], ["nonsense"]):
        request = pb.UpdateProductRequest(
            product=product_pb2.Product(id=created.id),
            update_mask=field_mask_pb2.FieldMask(paths=paths),
        )
        error = await expect_error(
            catalog.a.stub.UpdateProduct(request, metadata=catalog.a.metadata()),
            grpc.StatusCode.INVALID_ARGUMENT,
        )
        assert "update_mask" in bad_request_fields(error)


async def test_update_unknown_product_is_not_found(catalog: Catalog) -> None:
    request = pb.UpdateProductRequest(
        product=product_pb2.Product(id="nope", title="x"),
        update_mask=field_mask_pb2.FieldMask(paths=["title"]),
    )
    await expect_error(
        catalog.a.stub.UpdateProduct(request, metadata=catalog.a.metadata()),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_archive_revisions_and_restore(catalog: Catalog) -> None:
    created = await catalog.a.create_product(make_product())
    meta = catalog.a.metadata
    archived = (
        await catalog.a.stub.ArchiveProduct(
            pb.ArchiveProductRequest(product_id=created.id), metadata=meta()
        )
    ).product
    assert archived.status == product_pb2.PRODUCT_STATUS_ARCHIVED and archived.revision == 2
    again = (
        await catalog.a.stub.ArchiveProduct(
            pb.ArchiveProductRequest(product_id=created.id), metadata=meta()
        )
    ).product
    assert again.revision == 2  # archiving twice changes nothing
    revisions = (
        await catalog.a.stub.ListProductRevisions(
            pb.ListProductRevisionsRequest(product_id=created.id), metadata=meta()
        )
    ).revisions
    assert [(r.revision, r.change) for r in revisions] == [(2, "archived"), (1, "created")]
    restored = (
        await catalog.a.stub.RestoreProductRevision(
            pb.RestoreProductRevisionRequest(product_id=created.id, revision=1), metadata=meta()
        )
    ).product
    assert restored.status == product_pb2.PRODUCT_STATUS_ACTIVE
    assert restored.revision == 3
    await expect_error(
        catalog.a.stub.RestoreProductRevision(
            pb.RestoreProductRevisionRequest(product_id=created.id, revision=99), metadata=meta()
        ),
        grpc.StatusCode.NOT_FOUND,
    )
