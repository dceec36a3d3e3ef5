"""The create_or_find options Shopify's and WooCommerce's creates use: no lookup after a
failure refused before running (THROTTLED), no deadline, and a bucket pause."""

from __future__ import annotations

import pytest

from services.common.platforms import Platform
from services.sync.adapters.create_once import bucket_pause, create_or_find
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget


def _retryable(code: str, retry_after: float | None = None) -> AdapterError:
    return AdapterError(
        FailureKind.RETRYABLE, Platform.SHOPIFY, "x", code=code, retry_after=retry_after
    )


class Script:
    """A create that fails with the given errors, then succeeds; a lookup that finds none."""

    def __init__(self, failures: list[AdapterError]) -> None:
        self.failures = failures
        self.sent = 0
        self.looked = 0

    async def create(self, _single: RetryBudget) -> str:
        self.sent += 1
        if self.failures:
            raise self.failures.pop(0)
        return "created"

    async def find(self) -> str | None:
        self.looked += 1
        return None


async def test_no_lookup_after_a_failure_that_stored_nothing() -> None:
    script = Script([_retryable("THROTTLED"), _retryable("TIMEOUT")])
    budget = RetryBudget(attempts=3, seconds=5)
    created = await create_or_find(
        budget, script.create, script.find, may_have_stored=lambda e: e.code != "THROTTLED"
    )
    assert (created, script.sent, script.looked) == ("created", 3, 1)


async def test_without_deadline_only_attempts_bound_the_loop() -> None:
    budget = RetryBudget(attempts=3, seconds=-1)  # a deadline already passed
    script = Script([_retryable("TIMEOUT"), _retryable("TIMEOUT")])
    assert await create_or_find(budget, script.create, script.find, deadline=False) == "created"
    with pytest.raises(AdapterError):
        await create_or_find(budget, Script([_retryable("TIMEOUT")]).create, script.find)


async def test_bucket_pause_honours_retry_after_only() -> None:
    paused: list[float] = []

    class Recording(TokenBucket):
        def pause(self, seconds: float) -> None:
            paused.append(seconds)

    bucket = Recording(10.0, capacity=1.0)
    pause = bucket_pause(lambda: bucket)
    await pause(_retryable("429", retry_after=2.0), 0)
    await pause(_retryable("TIMEOUT"), 1)
    assert paused == [2.0]
