"""The capacity chart's data: a run's metrics buckets as frozen points, squeezed into columns.

The stage and `simulate`'s report draw the same chart from these columns. A column keeps the
fewest *and* the most targets answering in its interval (so 4 → 2 → 4 → 2 → 4 survives being
squeezed), the versions answering at those two moments (the chart stacks them), its failures by
reason and its worst p95 latency. The y axis is absolute: 0 … the fleet (2N for blue/green).
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

from .metrics import Histogram, Metrics
from .scenarios import BLUEGREEN, IN_SERVER, Scenario

# Failure reasons as the chart names them, in the order the legend lists them. The engine's
# "down" is a 502 when nginx sits in front of the app (in-server): nginx answers, the app not.
REASONS = ("no_target", "down", "bad_gateway", "overloaded", "http_500", "cut")
RECENT_BUCKETS = 2  # what "now" means on the metrics line: the open bucket and the one before


class Point(NamedTuple):
    """One metrics bucket, frozen."""

    t0: float
    low: int  # fewest targets answering
    high: int  # most targets answering
    at_low: tuple[tuple[str, int], ...]  # answering targets by version at the fewest
    at_high: tuple[tuple[str, int], ...]
    requests: int
    ok_by_version: tuple[tuple[str, int], ...]
    failed_by: tuple[tuple[str, int], ...]  # chart reasons
    p95_ms: float | None


class Timeline(NamedTuple):
    """Everything the chart and the metrics line read about a run so far (immutable)."""

    bucket_s: float
    points: tuple[Point, ...]
    top: int  # the y axis runs 0 … top
    needed: int  # the capacity the lesson needs (N): the start fleet
    versions: tuple[str, ...]  # stacking order, bottom first
    share: tuple[tuple[str, float], ...]  # recent answered requests by version, percent
    p95_ms: float | None  # recent p95 latency


class Column(NamedTuple):
    """One chart column: one or several buckets."""

    t0: float
    t1: float
    low: int
    high: int
    at_low: tuple[tuple[str, int], ...]
    at_high: tuple[tuple[str, int], ...]
    failed: int
    reason: str | None  # the most frequent failure reason in the column
    p95_ms: float | None


EMPTY = Timeline(5.0, (), 1, 1, (), (), None)

# Closed buckets never change, so their points are made once per run.
_frozen: weakref.WeakKeyDictionary[Metrics, list[Point]] = weakref.WeakKeyDictionary()


def axis_top(scenario: Scenario) -> int:
    """The y axis: the fleet, or both groups for blue/green (2N)."""
    if scenario.kind == BLUEGREEN:
        return 2 * scenario.servers
    return scenario.host_count


def _point(bucket, proxied: bool) -> Point:
    failed_by = bucket.failed_by
    if proxied and "down" in failed_by:
        failed_by = {("bad_gateway" if k == "down" else k): v for k, v in failed_by.items()}
    return Point(bucket.t0, bucket.answering_min, bucket.answering_max, bucket.versions_at_min,
                 bucket.versions_at_max, bucket.requests, tuple(sorted(bucket.by_version.items())),
                 tuple(sorted(failed_by.items())),
                 bucket.latency.percentile_ms(0.95) if bucket.latency.total else None)


def timeline(metrics: Metrics, scenario: Scenario) -> Timeline:
    """The run so far as the chart reads it."""
    buckets = metrics.buckets
    proxied = scenario.kind == IN_SERVER
    frozen = _frozen.setdefault(metrics, [])
    for i in range(len(frozen), len(buckets) - 1):
        frozen.append(_point(buckets[i], proxied))
    points = tuple(frozen) + ((_point(buckets[-1], proxied),) if buckets else ())
    versions = list(scenario.versions)
    for p in points:
        for v, _ in p.at_high + p.at_low:
            if v not in versions:
                versions.append(v)
    top = max([axis_top(scenario)] + [p.high for p in points])
    recent = buckets[-RECENT_BUCKETS:]
    answered: dict[str, int] = {}
    latency = Histogram()
    for b in recent:
        for v, n in b.by_version.items():
            answered[v] = answered.get(v, 0) + n
        latency.merge(b.latency)
    total = sum(answered.values())
    share = tuple((v, 100.0 * answered[v] / total) for v in versions if answered.get(v))
    return Timeline(metrics.bucket_s, points, top, scenario.host_count, tuple(versions), share,
                    latency.percentile_ms(0.95))


def columns(tl: Timeline, width: int) -> tuple[Column, ...]:
    """The whole run in at most `width` columns (one bucket a column while it fits)."""
    points = tl.points
    n = len(points)
    if not n or width <= 0:
        return ()
    per = -(-n // width)
    out = []
    for i in range(0, n, per):
        chunk = points[i:i + per]
        lowest = min(chunk, key=lambda p: p.low)
        highest = max(reversed(chunk), key=lambda p: p.high)  # the last of the highest
        failed_by: dict[str, int] = {}
        for p in chunk:
            for reason, count in p.failed_by:
                failed_by[reason] = failed_by.get(reason, 0) + count
        reason = max(failed_by, key=lambda r: (failed_by[r], -REASONS.index(r)),
                     default=None) if failed_by else None
        p95s = [p.p95_ms for p in chunk if p.p95_ms is not None]
        out.append(Column(chunk[0].t0, chunk[-1].t0 + tl.bucket_s, lowest.low, highest.high,
                          lowest.at_low, highest.at_high, sum(failed_by.values()), reason,
                          max(p95s) if p95s else None))
    return tuple(out)


def reasons_seen(cols: tuple[Column, ...]) -> tuple[str, ...]:
    """The failure reasons the chart shows, in legend order."""
    seen = {c.reason for c in cols if c.reason}
    return tuple(r for r in REASONS if r in seen)


def version_at(mix: tuple[tuple[str, int], ...], order: tuple[str, ...], level: float) -> str:
    """Which version's share of a stacked bar holds `level` (bottom = the first in `order`)."""
    counts = dict(mix)
    seen = 0
    last = ""
    for v in order:
        n = counts.get(v, 0)
        if not n:
            continue
        seen += n
        last = v
        if level <= seen:
            return v
    return last
