"""Token plumbing every adapter shares; each platform keeps its token endpoint and wire shape.

- `access_token` / `refresh_token_of`: the shop's current tokens, or an AUTH failure
  (`no_token`) when it has none.
- `fetch_tokens`: one call to the platform's token endpoint (rate limited and retried,
  never refreshed: it is the refresh), the new `TokenPair` kept on the `ShopAuth` at
  once, because refresh tokens are single use on most platforms.
- `authorized_call`: a shop call through the shop's bucket and the retry budget; on AUTH
  the token is refreshed once under the shop's lock (so concurrent calls do not spend a
  single-use refresh token twice) and the call retried once.
- `ensure_token`: for platforms that fetch a token before calling (no refresh token):
  fetched once, under the same lock, when missing or expired.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.transport import HttpTransport

T = TypeVar("T")
P = TypeVar("P")

# Gets a new pair from the platform and keeps it on the shop (the adapter's refresh_token).
Refresh = Callable[[ShopAuth], Awaitable[TokenPair]]


def _missing(http: HttpTransport, message: str) -> AdapterError:
    return AdapterError(FailureKind.AUTH, http.platform, message, code="no_token")


def access_token(http: HttpTransport, shop: ShopAuth) -> str:
    """The shop's access token; AUTH `no_token` when it has none."""
    if shop.tokens is None:
        raise _missing(http, "shop has no access token")
    return shop.tokens.access_token


def refresh_token_of(http: HttpTransport, shop: ShopAuth) -> str:
    """The shop's refresh token; AUTH `no_token` when it has no tokens."""
    if shop.tokens is None:
        raise _missing(http, "no refresh token")
    return shop.tokens.refresh_token


async def fetch_tokens(
    http: HttpTransport,
    shop: ShopAuth,
    attempt: Callable[[], Awaitable[P]],
    read_pair: Callable[[P], TokenPair],
) -> TokenPair:
    """One token-endpoint call; the new pair is stored on `shop` before anything else runs."""
    answer = await http.call(shop, attempt)
    shop.tokens = read_pair(answer)
    return shop.tokens


async def authorized_call(
    http: HttpTransport,
    shop: ShopAuth,
    attempt: Callable[[], Awaitable[T]],
    refresh: Refresh,
    *,
    budget: RetryBudget | None = None,
) -> T:
    """`attempt` rate limited and retried; on AUTH refreshed once, then run once more."""

    def run() -> Awaitable[T]:
        return http.call(shop, attempt, budget=budget)

    return await http.call_refreshing(shop, run, refresh)


def _usable(shop: ShopAuth) -> bool:
    return shop.tokens is not None and shop.tokens.access_expires_at > datetime.now(UTC)


async def ensure_token(http: HttpTransport, shop: ShopAuth, refresh: Refresh) -> str:
    """The shop's access token, fetched first when missing or expired (once per shop)."""
    if not _usable(shop):
        async with http.refresh_lock(shop):
            # Another call may have fetched it while this one waited for the lock.
            if not _usable(shop):
                await refresh(shop)
    return access_token(http, shop)
