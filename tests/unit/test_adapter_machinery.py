"""The adapter machinery every platform shares: failure kinds, token buckets, retries."""

from __future__ import annotations

import pytest

from services.common.platforms import Platform
from services.sync.adapters.errors import AdapterError, FailureKind, classify_http_status
from services.sync.adapters.rate_limit import ShopLimiter, TokenBucket
from services.sync.adapters.retry import RetryBudget, call_with_retry

FAST = RetryBudget(attempts=4, seconds=10, initial_backoff=0.001, max_backoff=0.005)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _error(kind: FailureKind, retry_after: float | None = None) -> AdapterError:
    return AdapterError(kind, Platform.SHOPEE, "nope", code="error_x", retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, FailureKind.RETRYABLE),
        (503, FailureKind.RETRYABLE),
        (408, FailureKind.RETRYABLE),
        (401, FailureKind.AUTH),
        (400, FailureKind.PERMANENT),
        (404, FailureKind.PERMANENT),
        (200, None),
    ],
)
def test_http_status_classification(status: int, kind: FailureKind | None) -> None:
    assert classify_http_status(status) is kind


def test_error_keeps_the_platform_code_and_message() -> None:
    error = _error(FailureKind.PERMANENT)
    assert (error.code, error.platform_message) == ("error_x", "nope")
    assert "error_x" in str(error) and not error.retryable


def test_bucket_refills_at_its_rate_and_pauses_on_request() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=2, clock=clock)
    assert bucket.delay() == 0
    bucket._tokens = 0
    assert bucket.delay() == pytest.approx(0.1)
    clock.now += 0.05
    assert bucket.delay() == pytest.approx(0.05)
    clock.now += 1
    assert bucket.delay() == 0
    bucket.pause(3)
    assert bucket.delay() == pytest.approx(3)


def test_replicas_share_a_shops_limit() -> None:
    limiter = ShopLimiter(replicas=4)
    bucket = limiter.bucket("tiktok_shop", "s1", 50)
    assert bucket.rate == 12.5
    assert limiter.bucket("tiktok_shop", "s1", 50) is bucket
    assert limiter.bucket("tiktok_shop", "s2", 50) is not bucket
    with pytest.raises(ValueError):
        TokenBucket(0)


async def test_retryable_failures_are_retried_until_success() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise _error(FailureKind.RETRYABLE)
        return "ok"

    assert await call_with_retry(flaky, bucket=TokenBucket(1000), budget=FAST) == "ok"
    assert calls == 3


@pytest.mark.parametrize("kind", [FailureKind.PERMANENT, FailureKind.AUTH])
async def test_permanent_and_auth_failures_are_not_retried(kind: FailureKind) -> None:
    calls = 0

    async def refused() -> None:
        nonlocal calls
        calls += 1
        raise _error(kind)

    with pytest.raises(AdapterError) as info:
        await call_with_retry(refused, bucket=TokenBucket(1000), budget=FAST)
    assert info.value.kind is kind and calls == 1


async def test_budget_ends_retries_and_retry_after_pauses_the_bucket() -> None:
    calls = 0
    bucket = TokenBucket(1000)

    async def throttled() -> None:
        nonlocal calls
        calls += 1
        raise _error(FailureKind.RETRYABLE, retry_after=0.01)

    with pytest.raises(AdapterError):
        await call_with_retry(throttled, bucket=bucket, budget=FAST)
    assert calls == FAST.attempts
    assert bucket._paused_until > 0
