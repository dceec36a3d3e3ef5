"""How long the host kept this machine's CPUs from running (vCPU stalls), seen from inside.

Why: on the shared VM the Reserve p99 swings several-fold from one minute to the next
while the service's CPU per reservation stays the same, and the kernel's steal counter
shows almost nothing. A thread at real-time priority (SCHED_FIFO), pinned to one CPU and
waking every 5 ms, is made to wait by nothing in the guest but interrupts: a wake-up
that comes several milliseconds late means the CPU itself was not running. A wake-up's
lateness is the part of a stall after it was due, so the figures are lower bounds.

`HostStallProbes` runs one probe process per CPU beside a measure. Where real-time
priority is refused (no CAP_SYS_NICE), a probe still runs and says `realtime: false`;
its stalls then include waits behind our own processes.

Run alone: `python -m bench.host_stalls CPU` probes one CPU until SIGTERM, printing
"ready" once started and its summary as JSON at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

LATE_MS = 5.0  # a wake-up later than this counts as a stall
# Every 5 ms, not 1: each wake-up preempts whatever runs on that CPU (a probe waking
# every 1 ms took 5 % of a CPU), and a stall of 5 ms or more still spans a wake-up.
_SLEEP_S = 0.005
_PRIORITY = 10  # low among real-time priorities: above every ordinary process


@dataclass(frozen=True)
class StallSummary:
    cpu: int
    realtime: bool
    wakeups: int
    stalls: int  # wake-ups late by more than LATE_MS
    stalled_ms: float  # the lateness of those, summed
    worst_ms: float  # the latest wake-up of all


def summarise(cpu: int, realtime: bool, late_ms: Sequence[float]) -> StallSummary:
    """The summary of a probe's wake-ups, given how late each one came."""
    stalled = [x for x in late_ms if x > LATE_MS]
    return StallSummary(
        cpu=cpu,
        realtime=realtime,
        wakeups=len(late_ms),
        stalls=len(stalled),
        stalled_ms=round(sum(stalled), 1),
        worst_ms=round(max(late_ms, default=0.0), 1),
    )


def combine(summaries: list[StallSummary]) -> dict[str, Any]:
    """All the CPUs' probes as one figure, with each CPU's own."""
    return {
        "realtime": all(s.realtime for s in summaries) if summaries else False,
        "late_over_ms": LATE_MS,
        "stalls": sum(s.stalls for s in summaries),
        "stalled_ms": round(sum(s.stalled_ms for s in summaries), 1),
        "worst_ms": max((s.worst_ms for s in summaries), default=0.0),
        "per_cpu": [asdict(s) for s in summaries],
    }


def probe(cpu: int) -> StallSummary:
    """Probe `cpu` until SIGTERM (this process's main)."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    os.sched_setaffinity(0, {cpu})
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(_PRIORITY))
        realtime = True
    except PermissionError:
        realtime = False
    print("ready", flush=True)
    late_ms: list[float] = []
    while not stopping:
        before = time.perf_counter()
        time.sleep(_SLEEP_S)
        late_ms.append((time.perf_counter() - before - _SLEEP_S) * 1000)
    return summarise(cpu, realtime, late_ms)


class HostStallProbes:
    """One probe per CPU this process may use, from `start()` to `stop()`."""

    def __init__(self) -> None:
        self._probes: list[subprocess.Popen[str]] = []

    def start(self) -> None:
        for cpu in sorted(os.sched_getaffinity(0)):
            process = subprocess.Popen(
                [sys.executable, "-m", "bench.host_stalls", str(cpu)],
                stdout=subprocess.PIPE,
                text=True,
            )
            self._probes.append(process)
            assert process.stdout is not None
            process.stdout.readline()  # "ready": the probe runs at its priority now

    def stop(self) -> dict[str, Any]:
        """Stop every probe; their figures combined (`combine`)."""
        summaries = []
        for process in self._probes:
            process.terminate()
            out, _ = process.communicate(timeout=10)
            summaries.append(StallSummary(**json.loads(out)))
        self._probes = []
        return combine(summaries)


if __name__ == "__main__":
    print(json.dumps(asdict(probe(int(sys.argv[1])))), flush=True)
