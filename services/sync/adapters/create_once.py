"""Creating a listing without ever creating it twice, for every adapter.

A create that timed out (or hit a 5xx or throttling) may still have been stored by the
platform, so it is never retried blindly: after each retryable failure the listing is
looked up by seller SKU first, and only sent again when it is not there. Attempts and
time come from the adapter's retry budget; each send itself is made without retries.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.sync.adapters.errors import AdapterError
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


async def create_or_find(
    budget: RetryBudget,
    create: Callable[[RetryBudget], Awaitable[Created]],
    find: Callable[[], Awaitable[Found | None]],
    *,
    pause: Pause | None = None,
) -> Created | Found:
    """`create(single-attempt budget)`; after a retryable failure, `find()` before resending."""
    single = RetryBudget(1, budget.seconds, budget.initial_backoff, budget.max_backoff)
    deadline = time.monotonic() + budget.seconds
    for attempt in range(budget.attempts):
        try:
            return await create(single)
        except AdapterError as exc:
            if not exc.retryable or attempt + 1 >= budget.attempts:
                raise
            if time.monotonic() > deadline:
                raise
            if pause is not None:
                await pause(exc, attempt)
        found = await find()
        if found is not None:
            return found
    raise AssertionError("unreachable: the last attempt raises")
