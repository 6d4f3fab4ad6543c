"""One headless deployment run and its report (the `deploylab simulate` JSON object)."""

from __future__ import annotations

from typing import NamedTuple

from .engine import Simulation
from .params import SimParams
from .scenarios import Scenario
from .strategies import STRATEGIES, run_script


class RunSpec(NamedTuple):
    """What to simulate: a strategy on a fleet, with traffic, a seed and maybe a fault."""

    strategy: str = "in-place"
    servers: int = 4
    batch: int = 2
    rps: float = 10.0
    seed: int = 1
    fault: str = "none"
    from_version: str = "v101"
    to_version: str = "v102"
    capacity_rps: float = SimParams().capacity_rps  # requests a second one server can answer


# Simulated seconds a run lasts at the default timings (lead-in, deployment and observation), by
# strategy and fault, measured; tests keep it within a factor of the real runs. What a run costs
# grows with its requests and, for the per-change bookkeeping over every server, servers squared.
RUN_SECONDS = {
    "recreate": {"none": 95, "bad-build": 125, "slow-start": 235},
    "in-place": {"none": 125, "bad-build": 155, "slow-start": 405},
    "blue-green": {"none": 120, "bad-build": 115, "slow-start": 260},
    "in-server": {"none": 75, "bad-build": 170, "slow-start": 170},
    "canary": {"none": 345, "bad-build": 115, "slow-start": 765},
}
SERVER_PAIR_COST = 0.33  # one pair of servers costs about a third of an answered request
REFUSED_COST = 0.25  # a request refused (overloaded) costs a quarter of one that is answered


def estimated_requests(spec: RunSpec, params: SimParams | None = None) -> float:
    """About how many requests a run of `spec` sends, before running it."""
    by_fault = RUN_SECONDS[spec.strategy]
    seconds = by_fault.get(spec.fault, by_fault["none"])
    spike = (params or SimParams()).spike_factor
    extra = (spike - 1) * 60 if spec.fault == "traffic-spike" else 0.0  # the spike's minute
    return spec.rps * (seconds + extra)


def estimated_work(spec: RunSpec) -> float:
    """A run's cost in answered requests' worth of engine work, to refuse one that would take
    minutes: requests past what the fleet can answer are refused, which is cheaper."""
    requests = estimated_requests(spec)
    answered = min(1.0, spec.servers * spec.capacity_rps / spec.rps) * requests
    return answered + REFUSED_COST * (requests - answered) + SERVER_PAIR_COST * spec.servers ** 2


class RunReport:
    """A finished run: the simulation itself and its outcome."""

    def __init__(self, spec: RunSpec, sim: Simulation, outcome: str):
        self.spec, self.sim, self.outcome = spec, sim, outcome

    def summary(self) -> dict:
        m = self.sim.metrics
        return {
            **self.sim.summary(),
            "outcome": self.outcome,
            "ok_by_version": dict(sorted(m.ok_by_version.items())),
            "failures": [
                {"cause": f.cause, "line": f.line, "count": f.count,
                 "first_t": round(f.first_t, 3), "last_t": round(f.last_t, 3)}
                for f in sorted(m.failures.values(), key=lambda f: f.first_t)
            ],
        }

    def as_dict(self) -> dict:
        m = self.sim.metrics
        return {
            "strategy": self.spec.strategy,
            "params": self.spec._asdict(),
            "summary": self.summary(),
            "events": [e.as_dict() for e in m.events],
            "timeline": [b.as_dict() for b in m.buckets],
        }


def simulate(spec: RunSpec, params: SimParams | None = None) -> RunReport:
    """Run one strategy headless from its start state to the end, deterministically."""
    script, kind = STRATEGIES[spec.strategy]
    scenario = Scenario(kind, spec.servers, spec.from_version, spec.to_version)
    params = (params or SimParams()).with_(rps=spec.rps, fault=spec.fault,
                                           faulty_version=spec.to_version)
    params = params.with_capacity(spec.capacity_rps)
    sim = Simulation(scenario, params, spec.seed)
    outcome = run_script(sim, script(scenario, params, spec.batch))
    sim.finish()
    return RunReport(spec, sim, outcome)
