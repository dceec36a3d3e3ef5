"""The benchmarks' open-loop generator: every call once, errors counted, all answers awaited."""

from __future__ import annotations

import asyncio

import pytest

from bench.load import LoadResult, _result, median_of_windows, open_loop, pooled_p99_ms


async def test_open_loop_runs_every_call_once_and_counts_errors() -> None:
    seen: list[int] = []

    async def call(i: int) -> None:
        seen.append(i)
        await asyncio.sleep(0)
        if i % 10 == 0:
            raise RuntimeError("refused")

    result = await open_loop(call, rate=10_000, seconds=0.01)

    assert sorted(seen) == list(range(100))
    assert result.errors == 10
    assert result.requests == 90


async def test_open_loop_waits_for_the_last_answers() -> None:
    release, all_started = asyncio.Event(), asyncio.Event()
    started: list[int] = []
    finished: list[int] = []

    async def call(i: int) -> None:
        started.append(i)
        if len(started) == 50:
            all_started.set()
        await release.wait()
        finished.append(i)

    run = asyncio.create_task(open_loop(call, rate=10_000, seconds=0.005))
    await all_started.wait()
    await asyncio.sleep(0)
    assert not run.done()
    release.set()
    result = await run

    assert sorted(finished) == list(range(50))
    assert result.requests == 50


def test_median_of_windows_takes_medians_and_sums_counts() -> None:
    windows = [
        LoadResult(requests=2500, errors=0, seconds=5.0, p50_ms=10.0, p99_ms=30.0),
        LoadResult(requests=2490, errors=10, seconds=5.1, p50_ms=14.0, p99_ms=95.0),
        LoadResult(requests=2500, errors=0, seconds=5.0, p50_ms=11.0, p99_ms=41.0),
    ]

    result = median_of_windows(windows)

    assert (result.p50_ms, result.p99_ms) == (11.0, 41.0)
    assert (result.requests, result.errors) == (7490, 10)
    assert result.seconds == pytest.approx(15.1)
    with pytest.raises(ValueError, match="windows"):
        median_of_windows([])


def test_pooled_p99_counts_a_stall_that_the_median_of_windows_leaves_out() -> None:
    steady = [0.010] * 200
    stalled = [0.010] * 190 + [0.200] * 10  # 5 % of one window stalled
    windows = [_result(list(steady), 0, 1.0), _result(stalled, 0, 1.0), _result(steady, 0, 1.0)]

    assert median_of_windows(windows).p99_ms == pytest.approx(10.0)
    # 10 of 600 calls are slow: more than 1 %, so the pooled p99 is a slow one.
    assert pooled_p99_ms(windows) == pytest.approx(200.0)
    assert pooled_p99_ms([]) == 0.0
