"""bench.schedstat reads the run-queue wait of a process's threads."""

from __future__ import annotations

import os

from bench.schedstat import runqueue_wait_seconds


def test_own_process_wait_is_read_and_never_shrinks() -> None:
    first = runqueue_wait_seconds(os.getpid())
    sum(range(200_000))  # some work between the readings
    second = runqueue_wait_seconds(os.getpid())

    assert first is not None and second is not None
    assert 0.0 <= first <= second


def test_a_process_that_does_not_exist_has_no_figure() -> None:
    assert runqueue_wait_seconds(2**22 + 12345) is None
