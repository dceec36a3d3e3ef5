"""HTTP plumbing every marketplace adapter shares (DESIGN §6); no platform names here.

- `pooled_client`: one pooled `httpx.AsyncClient` with explicit timeouts.
- `HttpTransport.exchange`: one request (any JSON or raw body, extra headers; the
  reply keeps status and headers); `send` is its JSON-object form. Timeouts and
  transport errors are RETRYABLE, HTTP statuses map through `classify_http_status`,
  the platform's own error envelope is read by a callable it passes in, Retry-After
  is kept on the error.
- `HttpTransport.call`: a call through the shop's `TokenBucket`, retried within the
  budget by `call_with_retry`.
- `HttpTransport.call_refreshing`: on AUTH, refresh the token once (under a per-shop
  lock, so concurrent calls do not spend a single-use refresh token twice), then retry
  once.
Requests are signed by a callable run on every attempt (fresh timestamps); tokens,
keys and signatures are never logged: only the path, status and code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind, classify_http_status
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget, call_with_retry

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class EnvelopeError:
    """An error the platform reported in its own response body."""

    code: str
    message: str
    # None: the body carries no kind of its own; the HTTP status decides.
    kind: FailureKind | None = None
    # The caller takes this body as an answer anyway (e.g. a partial-success code).
    accepted: bool = False


@dataclass(frozen=True)
class Reply:
    """A successful answer: the decoded JSON (object or array), status and headers."""

    payload: Any
    status: int
    headers: httpx.Headers


# Reads a JSON response body: the platform's error (an empty code means none), or None.
ReadEnvelope = Callable[[Mapping[str, Any]], EnvelopeError | None]
# Builds the full, freshly signed URL for one attempt (may raise AdapterError).
SignUrl = Callable[[], str]


def pooled_client(
    *,
    timeout: httpx.Timeout | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 20,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=timeout or DEFAULT_TIMEOUT,
        transport=transport,
        limits=httpx.Limits(max_connections=max_connections),
    )


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (delta form), or None when absent or unreadable."""
    return retry_after_header(response.headers)


def retry_after_header(headers: httpx.Headers) -> float | None:
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def no_envelope(_payload: Mapping[str, Any]) -> EnvelopeError | None:
    return None


class HttpTransport:
    """One adapter's client, per-shop buckets, retry budget and refresh locks."""

    def __init__(
        self,
        platform: Platform,
        *,
        default_rate: float,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
        throttle_wait: Callable[[httpx.Headers], float | None] | None = None,
    ) -> None:
        self.platform = platform
        # Reads how long a throttled/failed answer asks us to wait (Retry-After by default;
        # Tokopedia adds X-Ratelimit-Reset-After).
        self.throttle_wait = throttle_wait or (lambda headers: retry_after_header(headers))
        self.default_rate = default_rate
        self.client = pooled_client(
            timeout=timeout, transport=transport, max_connections=max_connections
        )
        self.budget = retry_budget or RetryBudget()
        self.replicas = max(1, replicas)
        self._buckets: dict[str, TokenBucket] = {}
        self._refresh_locks: dict[str, asyncio.Lock] = {}
        # Requests sent, per API path (tests and benchmarks read it).
        self.calls: dict[str, int] = {}

    async def aclose(self) -> None:
        await self.client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        """The shop's bucket at its rate divided by `replicas`; capacity 1 (even pacing)."""
        rate = (shop.rate_limit or self.default_rate) / self.replicas
        existing = self._buckets.get(shop.shop_id)
        if existing is None or existing.rate != rate:
            existing = self._buckets[shop.shop_id] = TokenBucket(rate, capacity=1.0)
        return existing

    def _error(
        self,
        kind: FailureKind,
        message: str,
        code: str,
        response: httpx.Response | None = None,
    ) -> AdapterError:
        return AdapterError(
            kind,
            self.platform,
            message,
            code=code,
            http_status=response.status_code if response is not None else None,
            retry_after=self.throttle_wait(response.headers) if response is not None else None,
        )

    async def send(
        self,
        method: str,
        path: str,
        sign_url: SignUrl,
        *,
        body: Mapping[str, Any] | None = None,
        read_envelope: ReadEnvelope = no_envelope,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> dict[str, Any]:
        """One attempt answered by a JSON object; raises a classified AdapterError.

        `content` sends raw bytes instead of `body` (for signatures over the bytes sent).
        """
        reply = await self.exchange(
            method,
            path,
            sign_url,
            json_body=body,
            content=content,
            read_envelope=read_envelope,
            headers=headers,
        )
        if not isinstance(reply.payload, dict):
            raise self._error(
                FailureKind.RETRYABLE, "response is not a JSON object", f"http_{reply.status}"
            )
        return reply.payload

    async def exchange(
        self,
        method: str,
        path: str,
        sign_url: SignUrl,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        read_envelope: ReadEnvelope = no_envelope,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One attempt with any JSON (or raw) body; the reply keeps status and headers.

        A JSON object answer goes through `read_envelope`; a JSON array answer (REST
        collections) is returned as is when the status is below 400.
        """
        url = sign_url()
        self.calls[path] = self.calls.get(path, 0) + 1
        name = self.platform.value
        try:
            response = await self.client.request(
                method,
                url,
                json=json_body if content is None else None,
                content=content,
                headers=headers,
            )
        except httpx.TimeoutException as exc:
            log.warning("%s %s timed out", name, path)
            raise self._error(FailureKind.RETRYABLE, type(exc).__name__, "timeout") from exc
        except httpx.TransportError as exc:
            log.warning("%s %s transport error %s", name, path, type(exc).__name__)
            raise self._error(FailureKind.RETRYABLE, type(exc).__name__, "transport") from exc
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, list) and status < 400:
            return Reply(payload, status, response.headers)
        if not isinstance(payload, dict):
            kind = classify_http_status(status) or FailureKind.RETRYABLE
            log.warning("%s %s -> %s (no JSON envelope)", name, path, status)
            raise self._error(kind, "response is not a JSON object", f"http_{status}", response)
        error = read_envelope(payload)
        if error is not None and error.accepted:
            return Reply(payload, status, response.headers)
        code = error.code if error is not None else ""
        if not code and status < 400:
            return Reply(payload, status, response.headers)
        kind = (
            error.kind
            if error is not None and error.kind is not None
            else (classify_http_status(status) or FailureKind.PERMANENT)
        )
        if status >= 500 or status == 429:
            kind = FailureKind.RETRYABLE
        log.warning("%s %s -> %s %s", name, path, status, code or "-")
        message = error.message if error is not None else ""
        raise self._error(kind, message, code or f"http_{status}", response)

    async def call(
        self,
        shop: ShopAuth,
        attempt: Callable[[], Awaitable[T]],
        *,
        budget: RetryBudget | None = None,
    ) -> T:
        """`attempt` through the shop's bucket, retried within the budget."""
        return await call_with_retry(
            attempt, bucket=self.bucket(shop), budget=budget or self.budget
        )

    def refresh_lock(self, shop: ShopAuth) -> asyncio.Lock:
        """The shop's lock around token refreshes (one refresh at a time per shop)."""
        return self._refresh_locks.setdefault(shop.shop_id, asyncio.Lock())

    async def call_refreshing(
        self,
        shop: ShopAuth,
        run: Callable[[], Awaitable[T]],
        refresh: Callable[[ShopAuth], Awaitable[object]],
    ) -> T:
        """`run`; on AUTH refresh the token once (per-shop lock), then `run` once more."""
        token_used = shop.tokens.access_token if shop.tokens else ""
        try:
            return await run()
        except AdapterError as exc:
            if exc.kind is not FailureKind.AUTH or shop.tokens is None:
                raise
            await self._refresh_once(shop, token_used, refresh)
            return await run()

    async def _refresh_once(
        self,
        shop: ShopAuth,
        token_used: str,
        refresh: Callable[[ShopAuth], Awaitable[object]],
    ) -> None:
        async with self.refresh_lock(shop):
            # Another call already refreshed (refresh tokens are often single use).
            if shop.tokens is not None and shop.tokens.access_token != token_used:
                return
            await refresh(shop)
