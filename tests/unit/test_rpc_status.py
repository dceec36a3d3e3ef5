from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2

from services.common import errors
from services.common.rpc.interceptor import is_read_method
from services.common.rpc.status import domain_error_status, internal_status


def _status(metadata: tuple[tuple[str, str | bytes], ...]) -> status_pb2.Status:
    raw = dict(metadata)["grpc-status-details-bin"]
    assert isinstance(raw, bytes)
    return status_pb2.Status.FromString(raw)


def test_invalid_argument_carries_bad_request_with_every_field() -> None:
    error = errors.InvalidArgument(
        [
            errors.FieldViolation("product.title", "required"),
            errors.FieldViolation("product.base_price.currency", "unknown currency 'XYZ'"),
        ]
    )
    rpc = domain_error_status(error, "req-1")
    assert rpc.code is grpc.StatusCode.INVALID_ARGUMENT
    status = _status(rpc.trailing_metadata)
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad)
    assert [(v.field, v.description) for v in bad.field_violations] == [
        ("product.title", "required"),
        ("product.base_price.currency", "unknown currency 'XYZ'"),
    ]
    info = error_details_pb2.RequestInfo()
    assert status.details[1].Unpack(info) and info.request_id == "req-1"


def test_each_domain_error_has_its_code() -> None:
    cases = {
        errors.NotFound("x"): grpc.StatusCode.NOT_FOUND,
        errors.AlreadyExists("x"): grpc.StatusCode.ALREADY_EXISTS,
        errors.FailedPrecondition("x"): grpc.StatusCode.FAILED_PRECONDITION,
        errors.Unauthenticated("x"): grpc.StatusCode.UNAUTHENTICATED,
        errors.PermissionDenied("x"): grpc.StatusCode.PERMISSION_DENIED,
    }
    for error, code in cases.items():
        assert domain_error_status(error, "r").code is code


def test_precondition_failure_details() -> None:
    error = errors.FailedPrecondition(
        "stale", [errors.PreconditionViolation("REVISION", "products/1", "expected 1, is 2")]
    )
    status = _status(domain_error_status(error, "r").trailing_metadata)
    failure = error_details_pb2.PreconditionFailure()
    assert status.details[0].Unpack(failure)
    assert failure.violations[0].type == "REVISION"


def test_internal_status_reveals_only_the_request_id() -> None:
    rpc = internal_status("req-9")
    assert rpc.code is grpc.StatusCode.INTERNAL
    assert rpc.message == "internal error (request id req-9)"


def test_read_methods_by_name() -> None:
    assert is_read_method("/syncstore.catalog.v1.CatalogService/GetProduct")
    assert is_read_method("/syncstore.catalog.v1.CatalogService/ExportProducts")
    assert not is_read_method("/syncstore.catalog.v1.CatalogService/ImportProducts")
    assert not is_read_method("/syncstore.catalog.v1.CatalogService/UpdateProduct")
