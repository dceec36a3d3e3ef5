"""Per-request context (request id, principal, correlation id) in contextvars."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from services.common.auth import Principal
from services.common.errors import Unauthenticated


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    correlation_id: str
    method: str
    principal: Principal | None = None


_current: ContextVar[RequestContext | None] = ContextVar("syncstore_request", default=None)


def set_request_context(ctx: RequestContext | None) -> None:
    """Make `ctx` current (None: no request; work done on behalf of several requests
    sets each one's context in turn, so its events carry that request's ids)."""
    _current.set(ctx)


def current_request() -> RequestContext | None:
    return _current.get()


def current_principal() -> Principal:
    """The authenticated caller of the RPC being served."""
    ctx = _current.get()
    if ctx is None or ctx.principal is None:
        raise Unauthenticated("no authenticated caller")
    return ctx.principal


def correlation_id() -> str:
    ctx = _current.get()
    return ctx.correlation_id if ctx else ""
