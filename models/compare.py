"""Every strategy run through the engine on the same fleet and traffic: the table of lesson 5.3.

Each row comes from three runs with the same seed: the deployment itself (`report.simulate`, the
numbers `deploylab simulate` prints), a rollback, timed from the last moment the strategy can
still roll back in its own way until the old version again serves all traffic at full strength,
and the same deployment at a busy hour: traffic at `BUSY_SHARE` of what the strategy's own
fleet answers (in-server blue/green runs on one host, the others on `servers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from .actions import Action
from .engine import Simulation
from .params import SimParams
from .report import RunSpec, simulate
from .scenarios import Scenario
from .strategies import CANARY_PAUSE_S, STRATEGIES, Script, act, in_place, recreate, run_script


@dataclass(frozen=True)
class ComparisonRow:
    """One strategy's deployment and rollback, as measured by the engine."""

    strategy: str
    failed: int
    downtime_s: float
    min_serving: int
    max_instances: int
    duration_s: float  # the deployment itself, first command to last (not the observation)
    # Time to bring all traffic back to the old version, measured by running a rollback.
    rollback_s: float
    # The same deployment at a busy hour: what users lost, and the p95 latency they felt.
    busy_failed: int
    busy_p95_s: float


BUSY_SHARE = 0.75  # a busy hour's traffic, as a share of what the whole fleet answers


COLUMNS = tuple(f.name for f in fields(ComparisonRow) if f.name != "strategy")


def _swapped(sc: Scenario) -> Scenario:
    """The same layout with the versions exchanged: deploying it means going back."""
    return Scenario(sc.kind, sc.servers, sc.new_version, sc.version)


# Where each strategy's own rollback starts: None = after the whole deployment; otherwise the
# deployment stops just before the first action this predicate accepts.
def _before_terminating_blue(action: Action) -> bool:
    return action.verb == "terminate" and action.args == ("blue",)


def _at_first_canary_pause(action: Action) -> bool:
    return action.verb == "wait" and action.args == (f"{CANARY_PAUSE_S:g}",)


ROLLBACK_POINTS: dict[str, Callable[[Action], bool] | None] = {
    "recreate": None,
    "in-place": None,
    "blue-green": _before_terminating_blue,  # blue still exists; after terminate it cannot
    "in-server": None,
    "canary": _at_first_canary_pause,  # a canary is aborted while it is being watched
}


def _rollback_recreate(sim: Simulation, batch: int) -> Script:
    return (yield from recreate(_swapped(sim.scenario), sim.params, batch))


def _rollback_in_place(sim: Simulation, batch: int) -> Script:
    # CodeDeploy rolls back by deploying the last good revision the same rolling way.
    return (yield from in_place(_swapped(sim.scenario), sim.params, batch))


def _rollback_blue_green(sim: Simulation, batch: int) -> Script:
    yield act("register blue")
    yield act("wait healthy blue")
    yield act("deregister green")
    return "rolled_back"


def _rollback_in_server(sim: Simulation, batch: int) -> Script:
    yield act("switch web-1 8081")  # the old process still runs idle on its slot
    return "rolled_back"


def _rollback_canary(sim: Simulation, batch: int) -> Script:
    # Abort: stable back to full size first, then no request goes to a canary.
    retired = sum(1 for i in sim.instances.values() if i.group == "blue" and not i.alive)
    if retired:
        yield act(f"launch blue {retired} {sim.scenario.version}")
        yield act("register blue")
        yield act("wait healthy blue")
    yield act("deregister green")
    return "rolled_back"


ROLLBACKS: dict[str, Callable[[Simulation, int], Script]] = {
    "recreate": _rollback_recreate,
    "in-place": _rollback_in_place,
    "blue-green": _rollback_blue_green,
    "in-server": _rollback_in_server,
    "canary": _rollback_canary,
}


def _run_until(sim: Simulation, script: Script, stop: Callable[[Action], bool] | None) -> None:
    """Drive `script` on `sim`, stopping before the first action `stop` accepts (if any)."""
    try:
        action = next(script)
        while stop is None or not stop(action):
            action = script.send(sim.run(action))
    except StopIteration:
        return


def rollback_time(strategy: str, servers: int = 4, batch: int = 2, seed: int = 1,
                  rps: float = 4.0) -> float:
    """Simulated seconds a rollback takes until the old version serves everything again."""
    script_fn, kind = STRATEGIES[strategy]
    scenario = Scenario(kind, servers)
    sim = Simulation(scenario, SimParams(rps=rps), seed)
    _run_until(sim, script_fn(scenario, sim.params, batch), ROLLBACK_POINTS[strategy])
    started = sim.now
    run_script(sim, ROLLBACKS[strategy](sim, batch))
    back = sim.final_versions()
    if back != {scenario.version: scenario.host_count}:
        raise RuntimeError(f"the {strategy} rollback left {back} serving")
    return sim.now - started


def compare_strategies(strategies: Sequence[str], servers: int = 4, seed: int = 1,
                       rps: float = 4.0) -> tuple[ComparisonRow, ...]:
    """Run each strategy (and its rollback) on the same fleet, seed and traffic."""
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategy '{unknown[0]}'; expected one of "
                         + ", ".join(STRATEGIES))
    batch = servers // 2  # HalfAtATime: the book's two of four
    rows = []
    for name in strategies:
        summary = simulate(RunSpec(strategy=name, servers=servers, batch=batch, rps=rps,
                                   seed=seed)).summary()
        busy = simulate(RunSpec(strategy=name, servers=servers, batch=batch,
                                rps=busy_rps(name, servers), seed=seed)).summary()
        rows.append(ComparisonRow(
            strategy=name, failed=summary["failed"], downtime_s=summary["downtime_s"],
            min_serving=summary["min_serving"], max_instances=summary["max_instances"],
            duration_s=summary["deployment_s"],
            rollback_s=round(rollback_time(name, servers, batch, seed, rps), 3),
            busy_failed=busy["failed"], busy_p95_s=round(busy["latency_ms"]["p95"] / 1000, 3)))
    return tuple(rows)


def busy_rps(strategy: str, servers: int = 4) -> float:
    """A busy hour's requests a second for `strategy`: `BUSY_SHARE` of its fleet's capacity."""
    hosts = Scenario(STRATEGIES[strategy][1], servers).host_count
    return BUSY_SHARE * hosts * SimParams().capacity_rps


__all__ = ["BUSY_SHARE", "ComparisonRow", "COLUMNS", "busy_rps", "compare_strategies",
           "rollback_time"]
