"""Load generation shared by the benchmarks: closed loop (N callers for T seconds) and
open loop (a fixed arrival rate)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    # Every call's latency in seconds, sorted: windows are pooled from it.
    latencies_s: tuple[float, ...] = field(default=(), repr=False, compare=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _p99(ordered: Sequence[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def _result(latencies: list[float], errors: int, elapsed: float) -> LoadResult:
    ordered = sorted(latencies)
    return LoadResult(
        requests=len(latencies) - errors,
        errors=errors,
        seconds=elapsed,
        p50_ms=statistics.median(ordered or [0.0]) * 1000,
        p99_ms=_p99(ordered) * 1000,
        latencies_s=tuple(ordered),
    )


async def closed_loop(
    call: Callable[[int], Awaitable[Any]], *, concurrency: int, seconds: float
) -> LoadResult:
    """Run `call(i)` from `concurrency` workers back to back for `seconds`."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(worker_id: int) -> None:
        nonlocal errors
        i = worker_id
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await call(i)
            except Exception:
                errors += 1
            latencies.append(time.perf_counter() - started)
            i += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return _result(latencies, errors, time.perf_counter() - started)


async def open_loop(
    call: Callable[[int], Awaitable[Any]], *, rate: float, seconds: float
) -> LoadResult:
    """Start `call(i)` at a fixed `rate` per second for `seconds`, without waiting for answers.

    Latency counts from each call's scheduled start, so a server (or this generator)
    that falls behind shows up in the percentiles instead of silently lowering the load.
    """
    latencies: list[float] = []
    errors = 0

    async def one(i: int, due: float) -> None:
        nonlocal errors
        try:
            await call(i)
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - due)

    # Only the calls still in flight are kept. Gathering every task of the run at the end
    # (4,000 at 500/s for 8 s) queued one callback per task in a single loop turn, and the
    # last calls' answers waited behind them: the requests due in the final 100 ms held
    # 7-23 of the ~40 above the p99 (bench/inventory.py, 3 runs).
    in_flight: set[asyncio.Task[None]] = set()
    started = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(i, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(set(in_flight))
    return _result(latencies, errors, time.perf_counter() - started)


def pool_windows(windows: Sequence[LoadResult]) -> LoadResult:
    """Repeated windows of one measure as one: every call of every window together, so
    p50 and p99 are over all of them and a stall in any window counts.

    Why windows at all: on the shared host a stall of 100-200 ms (its cause not found in
    our own processes: not GC, autovacuum or checkpoints) lands in some 5-s windows and
    not others; a longer measure weighs it fairly, and each window's own figures (which
    the callers print) show where it fell.
    """
    if not windows:
        raise ValueError("windows must not be empty")
    return _result(
        [x for w in windows for x in w.latencies_s],
        sum(w.errors for w in windows),
        sum(w.seconds for w in windows),
    )


def median_p99_ms(windows: Sequence[LoadResult]) -> float:
    """The median of the windows' p99s: what a typical window sees, a stalled one left out."""
    return statistics.median(w.p99_ms for w in windows) if windows else 0.0
