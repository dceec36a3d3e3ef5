"""Creating a listing without ever creating it twice, for every adapter.

A create that timed out (or hit a 5xx or throttling) may still have been stored by the
platform, so it is never retried blindly: after each retryable failure the listing is
looked up by seller SKU first, and only sent again when it is not there. Attempts and
time come from the adapter's retry budget; each send itself is made without retries.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.sync.adapters.errors import AdapterError
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget

Created = TypeVar("Created")
Found = TypeVar("Found")

# What to do after a retryable failure, before the lookup: (the failure, attempt number).
Pause = Callable[[AdapterError, int], Awaitable[None]]


def sleep_backoff(budget: RetryBudget) -> Pause:
    """Sleep the platform's Retry-After, else the budget's exponential backoff."""

    async def pause(exc: AdapterError, attempt: int) -> None:
        wait = exc.retry_after
        if wait is None:
            wait = min(budget.max_backoff, budget.initial_backoff * 2**attempt)
        await asyncio.sleep(wait)

    return pause


def bucket_pause(bucket: Callable[[], TokenBucket]) -> Pause:
    """Pause the shop's bucket for the platform's Retry-After (when it sent one): the next
    call waits there, with no sleep of our own. `bucket` is asked at pause time, since a
    shop's bucket is replaced when its rate changes."""

    async def pause(exc: AdapterError, _attempt: int) -> None:
        if exc.retry_after:
            bucket().pause(exc.retry_after)

    return pause


async def create_or_find(
    budget: RetryBudget,
    create: Callable[[RetryBudget], Awaitable[Created]],
    find: Callable[[], Awaitable[Found | None]],
    *,
    pause: Pause | None = None,
    may_have_stored: Callable[[AdapterError], bool] | None = None,
    deadline: bool = True,
) -> Created | Found:
    """`create(single-attempt budget)`; after a retryable failure, `find()` before resending.

    `may_have_stored` (default: every retryable failure may have) skips the lookup after a
    failure the platform refused before running anything. `deadline=False` bounds the loop
    by the budget's attempts only, not also by its seconds.
    """
    single = RetryBudget(1, budget.seconds, budget.initial_backoff, budget.max_backoff)
    ends = time.monotonic() + budget.seconds if deadline else math.inf
    for attempt in range(budget.attempts):
        try:
            return await create(single)
        except AdapterError as exc:
            if not exc.retryable or attempt + 1 >= budget.attempts:
                raise
            if time.monotonic() > ends:
                raise
            if pause is not None:
                await pause(exc, attempt)
            if may_have_stored is not None and not may_have_stored(exc):
                continue
        found = await find()
        if found is not None:
            return found
    raise AssertionError("unreachable: the last attempt raises")
