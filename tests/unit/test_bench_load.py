"""The benchmarks' open-loop generator: every call once, errors counted, all answers awaited."""

from __future__ import annotations

import asyncio

import pytest

from bench.load import _result, median_p99_ms, open_loop, pool_windows


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


def test_pool_windows_takes_every_call_and_sums_counts() -> None:
    windows = [
        _result([0.010] * 100, 0, 5.0),
        _result([0.020] * 90 + [0.030] * 10, 10, 5.1),
        _result([0.040] * 100, 0, 5.0),
    ]

    result = pool_windows(windows)

    assert result.p50_ms == pytest.approx(20.0)
    assert result.p99_ms == pytest.approx(40.0)
    assert (result.requests, result.errors) == (290, 10)
    assert result.seconds == pytest.approx(15.1)
    assert len(result.latencies_s) == 300
    with pytest.raises(ValueError, match="windows"):
        pool_windows([])


def test_pooled_p99_counts_a_stall_that_the_median_of_windows_leaves_out() -> None:
    steady = [0.010] * 200
    stalled = [0.010] * 190 + [0.200] * 10  # 5 % of one window stalled
    windows = [_result(list(steady), 0, 1.0), _result(stalled, 0, 1.0), _result(steady, 0, 1.0)]

    assert median_p99_ms(windows) == pytest.approx(10.0)
    # 10 of 600 calls are slow: more than 1 %, so the pooled p99 is a slow one.
    assert pool_windows(windows).p99_ms == pytest.approx(200.0)
    assert median_p99_ms([]) == 0.0
