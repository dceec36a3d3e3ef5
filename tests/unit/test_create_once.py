"""create_or_find: a create is never sent twice blindly; after a retryable failure the
listing is looked up first, and permanent failures end it at once."""

from __future__ import annotations

import pytest

from services.common.platforms import Platform
from services.sync.adapters.create_once import create_or_find, sleep_backoff
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget

BUDGET = RetryBudget(attempts=3, seconds=5, initial_backoff=0.001, max_backoff=0.001)


def _error(kind: FailureKind) -> AdapterError:
    return AdapterError(kind, Platform.SHOPEE, "x", code="c")


class Script:
    """A create that fails as told, then succeeds; a lookup that finds what it is told."""

    def __init__(self, failures: list[FailureKind], found_after: int | None = None) -> None:
        self.failures = failures
        self.found_after = found_after
        self.sent = 0
        self.looked = 0
        self.budgets: list[RetryBudget] = []

    async def create(self, single: RetryBudget) -> str:
        self.budgets.append(single)
        self.sent += 1
        if self.failures:
            raise _error(self.failures.pop(0))
        return "created"

    async def find(self) -> str | None:
        self.looked += 1
        return "found" if self.found_after is not None and self.looked >= self.found_after else None


async def test_a_stored_create_is_found_not_resent() -> None:
    script = Script([FailureKind.RETRYABLE], found_after=1)
    assert await create_or_find(BUDGET, script.create, script.find) == "found"
    assert (script.sent, script.looked) == (1, 1)
    assert all(b.attempts == 1 for b in script.budgets)  # each send: no retries of its own


async def test_resent_when_not_found() -> None:
    script = Script([FailureKind.RETRYABLE, FailureKind.RETRYABLE])
    paused: list[int] = []

    async def pause(exc: AdapterError, attempt: int) -> None:
        paused.append(attempt)

    assert await create_or_find(BUDGET, script.create, script.find, pause=pause) == "created"
    assert (script.sent, script.looked, paused) == (3, 2, [0, 1])


@pytest.mark.parametrize("kind", [FailureKind.PERMANENT, FailureKind.AUTH])
async def test_non_retryable_failures_end_it(kind: FailureKind) -> None:
    script = Script([kind])
    with pytest.raises(AdapterError):
        await create_or_find(BUDGET, script.create, script.find)
    assert (script.sent, script.looked) == (1, 0)


async def test_the_last_attempt_raises() -> None:
    script = Script([FailureKind.RETRYABLE] * 3)
    with pytest.raises(AdapterError):
        await create_or_find(BUDGET, script.create, script.find, pause=sleep_backoff(BUDGET))
    assert (script.sent, script.looked) == (3, 2)
