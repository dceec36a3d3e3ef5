"""The fault switches' part of a shop request, shared by the platforms' route wrappers.

Each platform keeps its own checks before this and its own error answers; this only
decides, from `shop.faults`, whether the request is refused, handled, or handled and then
answered too late.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from starlette.responses import Response

from sandbox.faults import Verdict
from sandbox.state import Shop

E = TypeVar("E", bound=Exception)


async def serve_with_faults(
    shop: Shop,
    path: str,
    handle: Callable[[], Awaitable[Response]],
    *,
    refuse: Callable[[Verdict], Response],
    error: type[E],
    error_response: Callable[[E], Response],
    over_limit: Callable[[], bool] | None = None,
) -> Response:
    """Record `path`, apply the shop's latency and faults, and answer through `handle`."""
    shop.requests.append((time.monotonic(), path))
    faults = shop.faults
    if delay := faults.latency():
        await asyncio.sleep(delay)
    # `over_limit` is a platform's own limiter, used instead of the shop's one bucket and
    # counted like it, so the faults' counters read the same on every platform.
    if over_limit is None:
        verdict = faults.decide()
    elif over_limit():
        faults.rate_limited += 1
        verdict = Verdict.RATE_LIMITED
    else:
        verdict = faults.decide(own_limit=False)
    if verdict in (Verdict.RATE_LIMITED, Verdict.THROTTLED, Verdict.SERVER_ERROR):
        return refuse(verdict)
    try:
        response = await handle()
    except error as exc:
        response = error_response(exc)
    if verdict is Verdict.TIMEOUT:
        # The request was handled (and stored); only the answer comes too late.
        await asyncio.sleep(faults.hang_seconds)
    return response
