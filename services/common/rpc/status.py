"""Domain errors -> gRPC status with google.rpc details (BadRequest, PreconditionFailure)."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common import errors


@dataclass(frozen=True)
class RpcError:
    code: grpc.StatusCode
    message: str
    trailing_metadata: tuple[tuple[str, str | bytes], ...]


_CODES: dict[type[errors.DomainError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
}


def _pack(message: object) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)  # type: ignore[arg-type]
    return packed


def _status(code: grpc.StatusCode, message: str, details: list[any_pb2.Any]) -> RpcError:
    status = status_pb2.Status(code=code.value[0], message=message, details=details)
    converted = rpc_status.to_status(status)
    return RpcError(code, message, tuple(converted.trailing_metadata))


def domain_error_status(error: errors.DomainError, request_id: str) -> RpcError:
    """The gRPC status for a domain error, with machine-readable details."""
    code = next((c for cls, c in _CODES.items() if isinstance(error, cls)), grpc.StatusCode.UNKNOWN)
    details = [_pack(error_details_pb2.RequestInfo(request_id=request_id))]
    if isinstance(error, errors.InvalidArgument):
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field, description=v.description
                )
                for v in error.violations
            ]
        )
        details.insert(0, _pack(bad))
    elif isinstance(error, errors.FailedPrecondition) and error.violations:
        failure = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(
                    type=v.type, subject=v.subject, description=v.description
                )
                for v in error.violations
            ]
        )
        details.insert(0, _pack(failure))
    return _status(code, error.message, details)


def internal_status(request_id: str) -> RpcError:
    """INTERNAL with the request id only: no stack trace or exception text leaks out."""
    return _status(
        grpc.StatusCode.INTERNAL,
        f"internal error (request id {request_id})",
        [_pack(error_details_pb2.RequestInfo(request_id=request_id))],
    )


assert grpc.StatusCode.INVALID_ARGUMENT.value[0] == code_pb2.INVALID_ARGUMENT
