"""bench.host_stalls: the stall figures, and a real probe process start to stop."""

from __future__ import annotations

import os
import time

from bench.host_stalls import LATE_MS, HostStallProbes, combine, summarise


def test_only_wake_ups_later_than_the_limit_are_stalls() -> None:
    summary = summarise(1, True, [0.1, LATE_MS, LATE_MS + 1, 0.3, 30.0])
    assert (summary.wakeups, summary.stalls) == (5, 2)
    assert summary.stalled_ms == LATE_MS + 1 + 30.0
    assert summary.worst_ms == 30.0


def test_a_quiet_probe_reports_its_worst_wake_up_and_no_stall() -> None:
    summary = summarise(0, False, [0.2, 1.5])
    assert (summary.stalls, summary.stalled_ms, summary.worst_ms) == (0, 0.0, 1.5)


def test_cpus_combine_into_one_figure() -> None:
    combined = combine([summarise(0, True, [0.1, 12.0]), summarise(1, False, [7.0, 8.0, 0.5])])
    assert combined["realtime"] is False  # one CPU could not be probed at real-time priority
    assert (combined["stalls"], combined["stalled_ms"], combined["worst_ms"]) == (3, 27.0, 12.0)
    assert [c["cpu"] for c in combined["per_cpu"]] == [0, 1]
    assert combine([])["stalls"] == 0


def test_probes_run_on_every_usable_cpu_and_report() -> None:
    probes = HostStallProbes()
    probes.start()
    time.sleep(0.2)  # each probe wakes every 5 ms; one wake-up is all this needs
    combined = probes.stop()
    assert [c["cpu"] for c in combined["per_cpu"]] == sorted(os.sched_getaffinity(0))
    assert all(c["wakeups"] >= 1 for c in combined["per_cpu"])
    assert combined["stalls"] == sum(c["stalls"] for c in combined["per_cpu"])
