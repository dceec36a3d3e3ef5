"""Retrying adapter calls: jittered exponential backoff within a budget (tenacity).

Only RETRYABLE failures are retried; AUTH and PERMANENT ones surface at once (the
caller refreshes the token once on AUTH). A platform's Retry-After wins over the
computed backoff, and also pauses the shop's bucket so queued calls wait too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    stop_any,
    wait_random_exponential,
)

from services.sync.adapters.errors import AdapterError
from services.sync.adapters.rate_limit import TokenBucket

T = TypeVar("T")


@dataclass(frozen=True)
class RetryBudget:
    attempts: int = 6
    seconds: float = 60.0
    initial_backoff: float = 0.5
    max_backoff: float = 20.0


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, AdapterError) and exc.retryable


async def call_with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    bucket: TokenBucket,
    budget: RetryBudget = RetryBudget(),
) -> T:
    """Run `call` after taking a token; retry retryable failures within the budget."""
    backoff = wait_random_exponential(multiplier=budget.initial_backoff, max=budget.max_backoff)

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, AdapterError) and failure.retry_after is not None:
            bucket.pause(failure.retry_after)
            return failure.retry_after
        return float(backoff(state))

    retrying = AsyncRetrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_any(stop_after_attempt(budget.attempts), stop_after_delay(budget.seconds)),
        wait=wait,
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            await bucket.acquire()
            return await call()
    raise AssertionError("unreachable: tenacity re-raises the last failure")
