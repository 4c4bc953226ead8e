"""Timing and memory helpers shared by the benchmarks."""
from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank percentile `q` (0–1) of already sorted values."""
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def summarise(times: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds of durations in seconds."""
    times = sorted(times)
    return statistics.median(times) * 1000, percentile(times, 0.95) * 1000


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Call `fn` `runs` times; return the durations in seconds."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                values[key] = int(value.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def memory_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB."""
    return rss_mb("self")


def dir_size_mb(path: str) -> float:
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)) / 1e6


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds a process has used so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_gauge(repeats: int = 5) -> float:
    """Milliseconds a fixed pure-Python workload takes (the best of `repeats`).

    The benchmark machine's speed moves between runs and within one (runs of
    unchanged code differed by ~45 %); measured at a run's start and end, this
    says how fast the machine was, so runs on different days can be compared.
    The work is like a request's: JSON, string handling, dicts and sorting.
    """
    import json
    import re

    words = [f"forening{i % 97} kor{i % 13} idræt{i % 7}" for i in range(2000)]
    pattern = re.compile(r"(\w+?)(\d+)")
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        doc = json.loads(json.dumps([{"name": w, "n": i, "tags": w.split()} for i, w in enumerate(words)]))
        counts: dict[str, int] = {}
        for item in doc:
            for tag in item["tags"]:
                m = pattern.match(tag)
                if m:
                    counts[m.group(1)] = counts.get(m.group(1), 0) + int(m.group(2))
        sorted(doc, key=lambda item: (item["tags"][1], -item["n"]))
        best = min(best, time.perf_counter() - t0)
    return best * 1000
