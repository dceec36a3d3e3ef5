"""How long a process's threads waited for a CPU while runnable (Linux scheduler stats).

The benchmarks share two cores between the load generator, the services and their
databases; a run's latency says little without how much of it was spent queueing for
a core. /proc/<pid>/task/<tid>/schedstat holds, per thread, nanoseconds on a CPU,
nanoseconds runnable but waiting on a run queue, and time slices.
"""

from __future__ import annotations

from pathlib import Path


def runqueue_wait_seconds(pid: int) -> float | None:
    """The run-queue wait of all the live threads of `pid`, in seconds; None where the
    kernel does not report it. A thread that ends between two readings leaves the sum."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        tids = list(tasks.iterdir())
    except OSError:
        return None
    total = 0
    for tid in tids:
        try:
            fields = (tid / "schedstat").read_text().split()
        except OSError:
            continue  # the thread ended meanwhile
        if len(fields) >= 2:
            total += int(fields[1])
    return total / 1e9
