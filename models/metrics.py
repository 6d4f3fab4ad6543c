"""Counters, a bucketed timeline and the event log of one run; memory does not grow per request."""

from __future__ import annotations

import math
from typing import NamedTuple

# Latency histograms: fixed log-spaced bins (each 10% wider than the last, from 1 ms), so a run
# keeps no per-request data and a percentile is exact to within one bin.
LATENCY_BASE_MS = 1.0
LATENCY_GROWTH = 1.1
LATENCY_BINS = 150  # up to about 1.6 million ms; anything slower lands in the last bin
_LOG_GROWTH = math.log(LATENCY_GROWTH)


class Histogram:
    """Counts of latencies in log-spaced bins; percentiles read from the bin edges."""

    __slots__ = ("counts", "total")

    def __init__(self):
        self.counts: list[int] = [0] * LATENCY_BINS
        self.total = 0

    def add(self, seconds: float) -> None:
        ms = seconds * 1000.0
        index = (0 if ms <= LATENCY_BASE_MS
                 else int(math.log(ms / LATENCY_BASE_MS) / _LOG_GROWTH) + 1)
        self.counts[index if index < LATENCY_BINS else LATENCY_BINS - 1] += 1
        self.total += 1

    def merge(self, other: Histogram) -> None:
        for i, count in enumerate(other.counts):
            self.counts[i] += count
        self.total += other.total

    def percentile_ms(self, q: float) -> float | None:
        """The upper edge of the bin holding the q-th fraction of requests (None if empty)."""
        if not self.total:
            return None
        want, seen = q * self.total, 0
        for i, count in enumerate(self.counts):
            seen += count
            if seen >= want and count:
                return round(LATENCY_BASE_MS * LATENCY_GROWTH ** i, 1)
        return round(LATENCY_BASE_MS * LATENCY_GROWTH ** (LATENCY_BINS - 1), 1)

    def summary(self) -> dict:
        return {"p50": self.percentile_ms(0.50), "p95": self.percentile_ms(0.95),
                "p99": self.percentile_ms(0.99)}


class Event(NamedTuple):
    """Something that happened at simulated time `t` (what the UI animates, the grader reads)."""

    t: float
    kind: str
    target: str
    detail: str = ""
    line: int | None = None

    def as_dict(self) -> dict:
        return {"t": round(self.t, 3), "kind": self.kind, "target": self.target,
                "detail": self.detail, "line": self.line}


class Bucket:
    """Traffic and capacity over one slice of simulated time."""

    __slots__ = ("t0", "requests", "ok", "failed", "serving_min", "serving_max", "serving",
                 "instances_max", "by_version", "failed_by", "latency", "answering_min",
                 "answering_max", "versions_at_min", "versions_at_max")

    def __init__(self, t0: float, serving: int, instances: int, answering: int = 0,
                 versions: tuple[tuple[str, int], ...] = ()):
        self.t0 = t0
        self.requests = self.ok = self.failed = 0
        self.serving_min = self.serving_max = self.serving = serving
        self.instances_max = instances
        # Targets that receive traffic *and* answer (a live slot with no process, a target
        # answering 500 or a terminated instance still registered do not), fewest and most,
        # with the answering targets by version at those two moments (what the chart stacks).
        self.answering_min = self.answering_max = answering
        self.versions_at_min = self.versions_at_max = versions
        self.by_version: dict[str, int] = {}  # requests answered, by version
        self.failed_by: dict[str, int] = {}  # failed requests, by reason
        self.latency = Histogram()  # answered requests

    def as_dict(self) -> dict:
        return {"t": round(self.t0, 3), "requests": self.requests, "ok": self.ok,
                "failed": self.failed, "serving": self.serving_min,
                "serving_min": self.serving_min, "serving_max": self.serving_max,
                "instances": self.instances_max,
                "by_version": dict(sorted(self.by_version.items())),
                "failed_by": dict(sorted(self.failed_by.items())),
                "latency_ms": self.latency.summary()}


class Failure:
    """Failed requests of one cause, attributed to the attempt line that caused them."""

    __slots__ = ("cause", "line", "count", "first_t", "last_t")

    def __init__(self, cause: str, line: int | None, t: float):
        self.cause, self.line, self.count, self.first_t, self.last_t = cause, line, 0, t, t


class Metrics:
    """Everything a run measures. Window = the deployment (first action start to last end)."""

    def __init__(self, bucket_s: float):
        self.bucket_s = bucket_s
        self.requests = self.ok = self.failed = 0
        self.ok_by_version: dict[str, int] = {}
        self.latency_by_version: dict[str, Histogram] = {}
        self.failures: dict[tuple[str, int | None], Failure] = {}
        self.events: list[Event] = []
        self.buckets: list[Bucket] = []
        self._bucket: Bucket | None = None
        self._bucket_end = 0.0
        self.serving = 0
        self.working = 0
        self.working_by_version: tuple[tuple[str, int], ...] = ()
        self.instances = 0
        self.queue_peak = 0  # most requests waiting for a worker on one process at once
        # Deployment window.
        self.window_start: float | None = None
        self.window_end: float | None = None
        self.min_serving: int | None = None
        self.max_instances = 0
        self.downtime_s = 0.0
        self.instance_seconds = 0.0
        self._last_change = 0.0
        # For the grader: serving capacity as it changed in the window, as (t, serving, the
        # attempt line that last took capacity away), and when each group could first get traffic.
        self.serving_log: list[tuple[float, int, int | None]] = []
        self.first_routable: dict[str, tuple[float, int | None]] = {}

    # --- per request (hot path) ----------------------------------------------------------
    def bucket(self, now: float) -> Bucket:
        if now >= self._bucket_end or self._bucket is None:
            t0 = (now // self.bucket_s) * self.bucket_s
            self._bucket = Bucket(t0, self.serving, self.instances, self.working,
                                  self.working_by_version)
            self._bucket_end = t0 + self.bucket_s
            self.buckets.append(self._bucket)
        return self._bucket

    def arrival(self, now: float) -> None:
        self.requests += 1
        self.bucket(now).requests += 1

    def succeeded(self, now: float, version: str, latency_s: float = 0.0) -> None:
        self.ok += 1
        self.ok_by_version[version] = self.ok_by_version.get(version, 0) + 1
        b = self.bucket(now)
        b.ok += 1
        b.by_version[version] = b.by_version.get(version, 0) + 1
        b.latency.add(latency_s)
        by_version = self.latency_by_version.get(version)
        if by_version is None:
            by_version = self.latency_by_version[version] = Histogram()
        by_version.add(latency_s)

    def fail(self, now: float, cause: str, line: int | None, count: int = 1) -> None:
        if count <= 0:
            return
        self.failed += count
        b = self.bucket(now)
        b.failed += count
        b.failed_by[cause] = b.failed_by.get(cause, 0) + count
        f = self.failures.get((cause, line))
        if f is None:
            f = self.failures[(cause, line)] = Failure(cause, line, now)
        f.count += count
        f.last_t = now

    # --- capacity changes (rare) ---------------------------------------------------------
    def capacity(self, now: float, serving: int, working: int, instances: int,
                 line: int | None = None,
                 working_by_version: tuple[tuple[str, int], ...] = ()) -> None:
        self._accumulate(now)
        if serving != self.serving and self.in_window:
            self.serving_log.append((now, serving, line))
        b = self.bucket(now)  # a bucket opened now starts from the capacity before this change
        self.serving, self.working, self.instances = serving, working, instances
        self.working_by_version = working_by_version
        b.serving = serving
        # Before the deployment starts the start state is being built target by target: that
        # is no dip in capacity, so the bucket's fewest is what it has built so far.
        b.serving_min = min(b.serving_min, serving) if self.in_window else serving
        b.serving_max = max(b.serving_max, serving) if self.in_window else serving
        if not self.in_window:
            b.answering_min = b.answering_max = working
            b.versions_at_min = b.versions_at_max = working_by_version
        else:  # ties keep the latest mix (in-place swaps versions at the same count)
            if working <= b.answering_min:
                b.answering_min, b.versions_at_min = working, working_by_version
            if working >= b.answering_max:
                b.answering_max, b.versions_at_max = working, working_by_version
        b.instances_max = max(b.instances_max, instances)
        if self.in_window:
            self.min_serving = (serving if self.min_serving is None
                                else min(self.min_serving, serving))
            self.max_instances = max(self.max_instances, instances)

    @property
    def in_window(self) -> bool:
        return self.window_start is not None and self.window_end is None

    def _accumulate(self, now: float) -> None:
        if self.in_window:
            span = now - max(self._last_change, self.window_start)
            if span > 0:
                self.instance_seconds += span * self.instances
                if self.working == 0:
                    self.downtime_s += span
        self._last_change = now

    def open_window(self, now: float) -> None:
        if self.window_start is None:
            self.window_start = now
            self._last_change = now
            self.min_serving = self.serving
            self.max_instances = self.instances
            self.serving_log.append((now, self.serving, None))

    def routable(self, group: str, now: float, line: int | None) -> None:
        """A target of `group` can receive traffic now (only the first time is kept)."""
        if group not in self.first_routable:
            self.first_routable[group] = (now, line)

    def close_window(self, now: float) -> None:
        if self.in_window:
            self._accumulate(now)
            self.window_end = now

    # --- latency over the run -------------------------------------------------------------
    def latency(self) -> Histogram:
        whole = Histogram()
        for histogram in self.latency_by_version.values():
            whole.merge(histogram)
        return whole

    def peak_p95_ms(self) -> float | None:
        """The worst bucket's p95 (buckets with at least a few answers, so one slow request in
        a quiet bucket is not the peak)."""
        peaks = [b.latency.percentile_ms(0.95) for b in self.buckets if b.latency.total >= 5]
        return max(peaks) if peaks else None
