"""Numbers a lesson's narration quotes, computed by the engine instead of typed.

A step's body may hold `{name}` or `{pane.name}` (a pane of the section; plain `{name}` means the
section's first pane). A name is either one of the pane's parameters (`PARAMS`: the health-check
interval, the probe spacing and tries, the deregistration delay, ...) or a number of the step's
replayed end state (`STATE`: requests, failed, p95 latency, time, ...). Fields are names only: no
format spec, no conversion, no indexing. `{{` and `}}` are literal braces.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from .engine import Simulation
from .messages import Msg
from .params import SimParams


def _num(value: float | int | None) -> str:
    """A number as the narration prints it: 1,234 for counts, 2.5 for fractions, – for none."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _load_pct(params: SimParams, servers: int) -> float:
    return round(100 * params.rps / (servers * params.capacity_rps))


# What a pane's run is set up with: (params, servers) -> value.
PARAMS: dict[str, Callable[[SimParams, int], float | int]] = {
    "health_interval_s": lambda p, n: p.health.interval_s,
    "healthy_threshold": lambda p, n: p.health.healthy_threshold,
    "unhealthy_threshold": lambda p, n: p.health.unhealthy_threshold,
    "probe_every_s": lambda p, n: p.probe_every_s,
    "probe_tries": lambda p, n: p.probe_tries,
    "deregistration_delay_s": lambda p, n: p.deregistration_delay_s,
    "app_start_s": lambda p, n: p.app_start_s,
    "rps": lambda p, n: p.rps,
    "servers": lambda p, n: n,
    "workers": lambda p, n: p.workers,
    "queue_limit": lambda p, n: p.queue_limit,
    "capacity_rps": lambda p, n: p.capacity_rps,
    "fleet_capacity_rps": lambda p, n: p.capacity_rps * n,
    "load_pct": _load_pct,
}


def default_figures(servers: int = 4) -> dict[str, str]:
    """The parameters' values at the engine's defaults (the book's 4 servers), as text."""
    params = SimParams()
    return {name: _num(value(params, servers)) for name, value in PARAMS.items()}


def _p95(sim: Simulation) -> float | None:
    value = sim.metrics.latency().percentile_ms(0.95)
    return None if value is None else round(value)


def _peak_p95(sim: Simulation) -> float | None:
    value = sim.metrics.peak_p95_ms()
    return None if value is None else round(value)


# What the step's end state holds: (simulation, the step's waits on this pane) -> value.
STATE: dict[str, Callable[[Simulation, tuple[float, ...]], float | int | None]] = {
    "requests": lambda s, w: s.metrics.requests,
    "ok": lambda s, w: s.metrics.ok,
    "failed": lambda s, w: s.metrics.failed,
    "serving": lambda s, w: s.metrics.serving,
    "instances": lambda s, w: s.metrics.instances,
    "p95_ms": lambda s, w: _p95(s),
    "peak_p95_ms": lambda s, w: _peak_p95(s),
    "queue_peak": lambda s, w: s.metrics.queue_peak,
    "t_s": lambda s, w: round(s.now),
    "queued": lambda s, w: sum(n.queued for n in s.frame().nodes),  # waiting now
    "draining_in_flight": lambda s, w: sum(n.in_flight for n in s.frame().nodes
                                           if n.lb == "draining"),
    "wait_s": lambda s, w: w[0] if w else None,  # the step's first `wait N` on this pane
}


class FieldError(ValueError):
    """A placeholder the engine cannot fill; `field` is what the text wrote, `problem` the
    message (catalogue key and parameters) that says why."""

    def __init__(self, field: str, problem: Msg):
        super().__init__(problem.key)
        self.field = field
        self.problem = problem


def fields(text: str) -> list[str]:
    """Every placeholder of `text` in order; raises FieldError for one that is not a bare name."""
    found = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as err:
        raise FieldError("", Msg("braces", (("error", str(err)),),
                                 "course_file.placeholder")) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (
            f":{spec}" if spec else "") + "}"
        if spec or conversion or "[" in name or not name:
            raise FieldError(shown, Msg("bare", (("shown", shown),), "course_file.placeholder"))
        found.append(name)
    return found


def split(name: str) -> tuple[str | None, str]:
    """'pane.field' -> (pane, field); 'field' -> (None, field)."""
    pane, dot, field = name.rpartition(".")
    return (pane, field) if dot else (None, name)


def known(name: str, panes: tuple[str, ...]) -> Msg | None:
    """None when `name` can be filled for a section with `panes`, else why it cannot (a
    message: catalogue key and parameters)."""
    pane, field = split(name)
    if field not in PARAMS and field not in STATE:
        return Msg("unknown", (("name", name), ("known", tuple(sorted((*PARAMS, *STATE))))),
                   "course_file.placeholder")
    if pane is None and not panes:
        return Msg("needs_pane", (("name", name),), "course_file.placeholder")
    if pane is not None and pane not in panes:
        listed = tuple(panes) or Msg("no_panes", (), "course_file.placeholder")
        return Msg("unknown_pane", (("name", name), ("pane", pane), ("panes", listed)),
                   "course_file.placeholder")
    return None


def needs_state(text: str) -> bool:
    """Whether filling `text` needs the step's replayed state (not just the parameters)."""
    return any(split(name)[1] in STATE for name in fields(text))


def fill(text: str, value: Callable[[str | None, str], float | int | None]) -> str:
    """`text` with every placeholder replaced by `value(pane, field)`, formatted."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(_num(value(*split(name))))
    return "".join(out)


__all__ = ["PARAMS", "STATE", "FieldError", "fields", "known", "needs_state", "fill", "split"]
