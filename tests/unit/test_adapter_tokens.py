"""The token plumbing every adapter shares (services/sync/adapters/tokens.py): missing
tokens are AUTH, a new pair is kept on the shop, AUTH is refreshed once per shop even
under concurrency, and ensure_token fetches a missing or expired token once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokens import (
    access_token,
    authorized_call,
    ensure_token,
    fetch_tokens,
    refresh_token_of,
)
from services.sync.adapters.transport import HttpTransport

FAST = RetryBudget(attempts=3, seconds=5, initial_backoff=0.001, max_backoff=0.001)


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError("no request expected")


def _http() -> HttpTransport:
    return HttpTransport(
        Platform.SHOPEE,
        default_rate=1000.0,
        transport=httpx.MockTransport(_no_network),
        retry_budget=FAST,
    )


def _pair(token: str, *, expires_in: float = 3600) -> TokenPair:
    expires = datetime.now(UTC) + timedelta(seconds=expires_in)
    return TokenPair(token, f"refresh-{token}", expires)


def _shop(tokens: TokenPair | None = None) -> ShopAuth:
    return ShopAuth(Platform.SHOPEE, "7", {}, tokens)


class Refresher:
    """Stands in for an adapter's refresh_token: counts calls, hands out new pairs."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, shop: ShopAuth) -> TokenPair:
        self.calls += 1
        await asyncio.sleep(0.01)  # let concurrent callers pile up on the lock
        shop.tokens = _pair(f"t{self.calls}")
        return shop.tokens


def test_missing_tokens_are_auth_failures_with_the_adapters_platform() -> None:
    http = _http()
    for read in (access_token, refresh_token_of):
        with pytest.raises(AdapterError) as caught:
            read(http, _shop())
        assert caught.value.kind is FailureKind.AUTH
        assert caught.value.code == "no_token"
        assert caught.value.platform is Platform.SHOPEE
    shop = _shop(_pair("a"))
    assert access_token(http, shop) == "a"
    assert refresh_token_of(http, shop) == "refresh-a"


async def test_fetch_tokens_keeps_the_new_pair_on_the_shop() -> None:
    http, shop = _http(), _shop(_pair("old"))

    async def answer() -> dict[str, str]:
        return {"access_token": "new"}

    pair = await fetch_tokens(http, shop, answer, lambda p: _pair(p["access_token"]))
    assert shop.tokens is pair and pair.access_token == "new"


async def test_auth_is_refreshed_once_for_concurrent_calls() -> None:
    http, shop, refresh = _http(), _shop(_pair("stale")), Refresher()
    # Every call is refused with the stale token before any of them refreshes.
    all_refused = asyncio.Barrier(5)

    async def attempt() -> str:
        assert shop.tokens is not None
        token = shop.tokens.access_token
        if token == "stale":
            await all_refused.wait()
            raise AdapterError(FailureKind.AUTH, Platform.SHOPEE, "expired", code="e")
        return token

    results = await asyncio.gather(
        *(authorized_call(http, shop, attempt, refresh) for _ in range(5))
    )
    assert results == ["t1"] * 5
    assert refresh.calls == 1  # a single-use refresh token is spent once


async def test_auth_twice_fails_after_one_refresh() -> None:
    http, shop, refresh = _http(), _shop(_pair("a")), Refresher()

    async def attempt() -> str:
        raise AdapterError(FailureKind.AUTH, Platform.SHOPEE, "refused", code="e")

    with pytest.raises(AdapterError) as caught:
        await authorized_call(http, shop, attempt, refresh)
    assert caught.value.kind is FailureKind.AUTH
    assert refresh.calls == 1


@pytest.mark.parametrize("tokens", [None, _pair("expired", expires_in=-1)])
async def test_ensure_token_fetches_a_missing_or_expired_token_once(
    tokens: TokenPair | None,
) -> None:
    http, shop, refresh = _http(), _shop(tokens), Refresher()
    got = await asyncio.gather(*(ensure_token(http, shop, refresh) for _ in range(5)))
    assert got == ["t1"] * 5
    assert refresh.calls == 1


async def test_ensure_token_keeps_a_valid_token() -> None:
    http, shop, refresh = _http(), _shop(_pair("ok")), Refresher()
    assert await ensure_token(http, shop, refresh) == "ok"
    assert refresh.calls == 0
