"""One server interceptor: request id, auth, access log, metrics and error mapping.

grpc.aio interceptors only see the handler, so each RPC kind's behaviour is wrapped
here in one place; servicers stay thin translators that raise domain errors.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from services.common.auth import Principal, TokenAuthenticator
from services.common.deps_defaults import random_hex_id
from services.common.errors import DomainError
from services.common.logging import get_logger
from services.common.metrics import RPC_HANDLED, RPC_LATENCY
from services.common.request_context import RequestContext, set_request_context
from services.common.rpc.status import RpcError, domain_error_status, internal_status
from services.common.rpc.types import Context, Handler

log = get_logger("syncstore.rpc")

# Services every caller may use without a token (Kubernetes probes, grpcurl).
_OPEN_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
# RPC names that only read; everything else needs a writer role.
_READ_PREFIXES = ("Get", "List", "Export", "Watch", "Preview")


def is_read_method(method: str) -> bool:
    return method.rsplit("/", 1)[-1].startswith(_READ_PREFIXES)


@functools.cache
def _children(service: str, method: str, code: str) -> tuple[Any, Any]:
    """The labelled metric children of one outcome, looked up once: `labels()` takes a
    lock and builds a key on every call, a measurable share of a cheap RPC."""
    return RPC_HANDLED.labels(service, method, code), RPC_LATENCY.labels(service, method)


class _Call:
    """Bookkeeping of one RPC: context, timing, outcome."""

    def __init__(self, method: str, metadata: dict[str, str]) -> None:
        self.method = method
        self.service, _, self.name = method.lstrip("/").rpartition("/")
        self.request_id = metadata.get("x-request-id") or random_hex_id()
        self.correlation_id = metadata.get("x-correlation-id") or self.request_id
        self.started = time.perf_counter()
        self.code = grpc.StatusCode.OK

    def bind(self, principal: Principal | None) -> None:
        """Make this RPC the current request (its log lines and events name it)."""
        set_request_context(
            RequestContext(self.request_id, self.correlation_id, self.method, principal)
        )

    def finish(self) -> None:
        elapsed = time.perf_counter() - self.started
        handled, latency = _children(self.service, self.name, self.code.name)
        handled.inc()
        latency.observe(elapsed)
        log.info("rpc", code=self.code.name, duration_ms=round(elapsed * 1000, 2))


class ServerInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, authenticator: TokenAuthenticator) -> None:
        self._auth = authenticator
        self._wrapped: dict[str, Handler] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_OPEN_SERVICES):
            return handler
        # A method's handler never changes once the server runs, so its wrapper is built
        # once; the call's metadata is read from its context.
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            wrapped = self._wrapped[method] = self._wrap(handler, method)
        return wrapped

    def _authorize(self, call: _Call, metadata: dict[str, str]) -> Principal:
        principal = self._auth.authenticate(metadata.get("authorization"))
        if not is_read_method(call.method):
            principal.require_write()
        return principal

    async def _fail(self, call: _Call, context: Context, exc: Exception) -> None:
        error: RpcError
        if isinstance(exc, DomainError):
            error = domain_error_status(exc, call.request_id)
            log.info("rpc_rejected", code=error.code.name, reason=exc.message)
        else:
            error = internal_status(call.request_id)
            log.error("rpc_internal_error", exc_info=exc)
        call.code = error.code
        await context.abort(error.code, error.message, error.trailing_metadata)

    def _wrap(self, handler: Handler, method: str) -> Handler:
        h: Any = handler

        async def begin(context: Context) -> _Call:
            metadata = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
            call = _Call(method, metadata)
            try:
                call.bind(self._authorize(call, metadata))
            except DomainError as exc:
                call.bind(None)
                try:
                    await self._fail(call, context, exc)
                finally:
                    call.finish()
            return call

        async def guard(call: _Call, context: Context, exc: Exception) -> None:
            if isinstance(exc, grpc.aio.AbortError):
                call.code = context.code() or grpc.StatusCode.UNKNOWN
                raise exc
            await self._fail(call, context, exc)

        if h.unary_unary or h.stream_unary:
            inner = h.unary_unary or h.stream_unary

            async def unary_response(request: Any, context: Context) -> Any:
                call = await begin(context)
                try:
                    return await inner(request, context)
                except Exception as exc:
                    await guard(call, context, exc)
                finally:
                    call.finish()

            factory = (
                grpc.unary_unary_rpc_method_handler
                if h.unary_unary
                else grpc.stream_unary_rpc_method_handler
            )
            return factory(
                unary_response,
                request_deserializer=h.request_deserializer,
                response_serializer=h.response_serializer,
            )

        inner_stream = h.unary_stream or h.stream_stream

        async def stream_response(request: Any, context: Context) -> AsyncIterator[Any]:
            call = await begin(context)
            try:
                async for item in inner_stream(request, context):
                    yield item
            except Exception as exc:
                await guard(call, context, exc)
            finally:
                call.finish()

        factory_s = (
            grpc.unary_stream_rpc_method_handler
            if h.unary_stream
            else grpc.stream_stream_rpc_method_handler
        )
        return factory_s(
            stream_response,
            request_deserializer=h.request_deserializer,
            response_serializer=h.response_serializer,
        )
