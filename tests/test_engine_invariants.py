"""DOMAIN.md's invariants, checked after every simulation event of whole runs.

Every strategy runs with every fault across several seeds, driven exactly as
`models.report.simulate` drives it, while an observer watches three things from outside the
engine's own bookkeeping: each routing decision (the load balancer's `pick`), each process kill
(`AppProcess.kill`, with the requests in flight on it) and the state after each simpy event
(`Environment.step`). The ALB behaviours (health threshold, draining, fail-open) get their own
small scenarios at the end.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck as Suppress
from hypothesis import given, settings
from hypothesis import strategies as st

from models.actions import Action
from models.cluster import SLOT_PORTS, AppProcess
from models.engine import Simulation
from models.loadbalancer import DRAINING, HEALTHY, UNHEALTHY
from models.params import HealthCheck, SimParams
from models.report import RunReport, RunSpec, simulate
from models.scenarios import BLUEGREEN, FLEET, IN_SERVER, Scenario
from models.strategies import STRATEGIES, run_script

SEEDS = (1, 2, 3, 4, 5)
FAULTS = ("none", "bad-build", "slow-start", "traffic-spike")
FLEET_SIZE = 4
# (strategy, batch): in-place runs both the book's HalfAtATime and OneAtATime.
CONFIGS = (("recreate", 2), ("in-place", 1), ("in-place", 2), ("blue-green", 2),
           ("in-server", 2), ("canary", 2))
ZERO_DOWNTIME = ("in-place", "blue-green", "in-server", "canary")
# CodeDeploy's hooks between BlockTraffic and AllowTraffic, in DOMAIN.md's order.
CODEDEPLOY_HOOKS = ("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                    "AfterInstall", "ApplicationStart", "ValidateService")
# The whole per-instance lifecycle behind a load balancer (DOMAIN.md, CodeDeploy in-place).
LIFECYCLE = ("BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic", *CODEDEPLOY_HOOKS,
             "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic")


def answering(proc: AppProcess | None) -> bool:
    """A process a request can succeed on: alive, running, and not a bad build."""
    return proc is not None and proc.answers and proc.good


def serving_hosts(sim: Simulation) -> list[str]:
    """Hosts that are registered, healthy, not draining, and whose app answers 200."""
    return sorted(t.instance.name for t in sim.lb.targets.values()
                  if t.state == HEALTHY and answering(t.instance.serving_process()))


def alive_processes(sim: Simulation) -> list[AppProcess]:
    procs = []
    for inst in sim.instances.values():
        if inst.process is not None and inst.process.alive:
            procs.append(inst.process)
        for slot in (inst.slots or {}).values():
            if slot.process is not None and slot.process.alive:
                procs.append(slot.process)
    return procs


@dataclass
class Kill:
    t: float
    holder: str
    cut: int
    was_live_slot: bool
    lb_state: str


@dataclass
class Observation:
    """What one whole run looked like from outside; `violations` lists broken rules."""

    report: RunReport | None = None
    violations: list[str] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    first_pick: dict[str, float] = field(default_factory=dict)  # host -> first time it got traffic
    picks: int = 0
    requests_before: int = 0  # requests made before the observer was attached
    fail_open_picks: int = 0
    min_serving_in_window: int | None = None
    max_alive: int = 0
    zero_serving_with_failures: bool = False  # some in-window instant: nobody serves, requests fail
    live_ports: set[tuple[str, int]] = field(default_factory=set)
    switches: list[tuple[float, str, int, bool]] = field(default_factory=list)
    greens_at_first_blue_deregistration: list[tuple[str, str]] | None = None

    def violate(self, t: float, text: str) -> None:
        if len(self.violations) < 20:  # the first few tell the story
            self.violations.append(f"t={t:.3f}: {text}")


class Observer:
    """Watches one `Simulation` event by event; install before the run, `detach` after."""

    def __init__(self, sim: Simulation, obs: Observation):
        self.sim, self.obs = sim, obs
        self.explained_failures = 0  # failures this step that a rule says must happen
        self.failed_before = 0
        self.live = {name: inst.live_port for name, inst in sim.instances.items() if inst.slots}
        self.blue_deregistered = False
        self._orig_pick = sim.lb.pick
        self._orig_step = sim.env.step
        sim.lb.pick = self._pick
        sim.env.step = self._step
        obs.requests_before = sim.metrics.requests  # the lead-in ran before anyone watched
        _current.append(self)
        AppProcess.kill = _observed_kill

    # --- routing -------------------------------------------------------------------------
    def _pick(self):
        sim, obs = self.sim, self.obs
        target = self._orig_pick()
        now = sim.now
        registered = [t for t in sim.lb.targets.values() if t.state != DRAINING]
        healthy = [t for t in registered if t.state == HEALTHY]
        all_unhealthy = bool(registered) and all(t.state == UNHEALTHY for t in registered)
        obs.picks += 1
        if target is None:
            self.explained_failures += 1
            if healthy or all_unhealthy:
                obs.violate(now, "no target picked though one could take the request")
            return target
        name = target.instance.name
        obs.first_pick.setdefault(name, now)
        if sim.lb.targets.get(name) is not target or target.state == DRAINING:
            obs.violate(now, f"request sent to {name}, which is not registered ({target.state})")
        elif target.state != HEALTHY:
            if healthy or not all_unhealthy:
                obs.violate(now, f"request sent to {name} in state {target.state}")
            else:
                obs.fail_open_picks += 1
        proc = target.instance.serving_process()
        if not answering(proc):
            self.explained_failures += 1  # a non-running or broken process must fail it
        elif proc.busy >= proc.workers and len(proc.queue) >= sim.params.queue_limit:
            self.explained_failures += 1  # every worker busy and the queue full: overloaded
        return target

    # --- kills ---------------------------------------------------------------------------
    def on_kill(self, proc: AppProcess) -> None:
        sim = self.sim
        cut = proc.in_flight if proc.alive else 0
        self.explained_failures += cut
        for inst in sim.instances.values():
            holders = [(inst.name, inst.process, False)]
            for slot in (inst.slots or {}).values():
                holders.append((slot.name, slot.process, inst.live_port == slot.port))
            for holder, held, live in holders:
                if held is proc:
                    self.obs.kills.append(Kill(sim.now, holder, cut, live,
                                               sim.lb.state_of(inst.name)))
                    return

    # --- after every event ---------------------------------------------------------------
    def _step(self):
        self.explained_failures = 0
        self.failed_before = self.sim.metrics.failed
        self.events_before = len(self.sim.metrics.events)
        try:
            self._orig_step()
        finally:
            self._after_step()

    def _after_step(self) -> None:
        sim, obs, m = self.sim, self.obs, self.sim.metrics
        now = sim.now
        for e in m.events[self.events_before:]:
            if e.kind == "drained" and e.detail.startswith("cut="):
                # The deregistration delay ran out: the load balancer closed these requests.
                self.explained_failures += int(e.detail.removeprefix("cut="))
        in_flight = sum(p.in_flight for p in alive_processes(sim))
        if m.requests != m.ok + m.failed + in_flight:
            obs.violate(now, f"requests {m.requests} != ok {m.ok} + failed {m.failed} "
                             f"+ in flight {in_flight}")
        if m.failed - self.failed_before != self.explained_failures:
            obs.violate(now, f"{m.failed - self.failed_before} requests failed in one event, "
                             f"{self.explained_failures} expected")
        serving = serving_hosts(sim)
        alive = sum(1 for i in sim.instances.values() if i.alive)
        obs.max_alive = max(obs.max_alive, alive)
        if m.in_window:
            if obs.min_serving_in_window is None or len(serving) < obs.min_serving_in_window:
                obs.min_serving_in_window = len(serving)
            if not serving and m.failed > 0:
                obs.zero_serving_with_failures = True
        for name, inst in sim.instances.items():
            if inst.slots is None:
                continue
            obs.live_ports.add((name, inst.live_port))
            if inst.live_port != self.live[name]:
                proc = inst.slots[inst.live_port].process
                obs.switches.append((now, name, inst.live_port, answering(proc)))
                self.live[name] = inst.live_port
        if not self.blue_deregistered and any(
                i.group == "blue" and sim.lb.state_of(i.name) == DRAINING
                for i in sim.instances.values()):
            self.blue_deregistered = True
            obs.greens_at_first_blue_deregistration = sorted(
                (i.name, sim.lb.state_of(i.name)) for i in sim.instances.values()
                if i.group == "green" and i.alive)

    def detach(self) -> None:
        self.sim.lb.pick = self._orig_pick
        self.sim.env.step = self._orig_step
        if self in _current:
            _current.remove(self)
        if not _current:
            AppProcess.kill = _orig_kill


_current: list[Observer] = []
_orig_kill = AppProcess.kill


def _observed_kill(proc: AppProcess) -> int:
    if _current:
        _current[-1].on_kill(proc)
    return _orig_kill(proc)


def observe(spec: RunSpec, params: SimParams | None = None) -> Observation:
    """Run `spec` exactly as `simulate` does, watched event by event."""
    script, kind = STRATEGIES[spec.strategy]
    scenario = Scenario(kind, spec.servers, spec.from_version, spec.to_version)
    params = (params or SimParams()).with_(rps=spec.rps, fault=spec.fault,
                                           faulty_version=spec.to_version)
    sim = Simulation(scenario, params, spec.seed)
    obs = Observation()
    observer = Observer(sim, obs)
    try:
        outcome = run_script(sim, script(scenario, params, spec.batch))
        sim.finish()
    finally:
        observer.detach()
    obs.report = RunReport(spec, sim, outcome)
    return obs


@functools.cache
def observed(strategy: str, batch: int, fault: str, seed: int) -> Observation:
    return observe(RunSpec(strategy=strategy, servers=FLEET_SIZE, batch=batch, seed=seed,
                           fault=fault))


# Each run is watched once per process (`observed` is cached): under pytest-xdist with
# `--dist loadgroup` (pyproject addopts) all the tests of one run go to the same worker.
ALL_RUNS = [pytest.param(strategy, batch, fault, seed,
                         id=f"{strategy}-b{batch}-{fault}-s{seed}",
                         marks=pytest.mark.xdist_group(f"run-{strategy}-b{batch}-{fault}-s{seed}"))
            for strategy, batch in CONFIGS for fault in FAULTS for seed in SEEDS]


def runs_of(*strategies: str, faults=FAULTS):
    return [p for p in ALL_RUNS if p.values[0] in strategies and p.values[2] in faults]


def events_of(obs: Observation, target: str | None = None):
    events = obs.report.sim.metrics.events
    return [e for e in events if target is None or e.target == target]


# --- invariants 1-3 for every run ------------------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), ALL_RUNS)
def test_every_event_keeps_routing_and_accounting_rules(strategy, batch, fault, seed):
    """1: only registered healthy targets get requests (fail-open aside); 2: requests reaching a
    process that does not answer fail; 3: requests cut by a kill are counted as failed. Every
    request is accounted for exactly once at every instant."""
    obs = observed(strategy, batch, fault, seed)
    assert obs.violations == []
    # every request went through routing
    assert obs.picks == obs.report.sim.metrics.requests - obs.requests_before
    assert obs.picks > 0


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), ALL_RUNS)
def test_observation_does_not_change_the_run(strategy, batch, fault, seed):
    """The watched run is the run `deploylab simulate` reports, so the checks are about it."""
    watched = observed(strategy, batch, fault, seed).report.as_dict()
    plain = simulate(RunSpec(strategy=strategy, servers=FLEET_SIZE, batch=batch, seed=seed,
                             fault=fault)).as_dict()
    assert watched == plain


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), ALL_RUNS)
def test_strategies_never_stop_a_process_with_requests_in_flight(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    assert [k for k in obs.kills if k.cut] == []
    assert [e for e in events_of(obs) if e.kind == "unsafe_stop"] == []


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), ALL_RUNS)
def test_outcome_and_final_versions_follow_the_fault(strategy, batch, fault, seed):
    summary = observed(strategy, batch, fault, seed).report.summary()
    hosts = 1 if strategy == "in-server" else FLEET_SIZE
    # The nginx recipe gives v102 10 s + 10 tries 10 s apart; a slow start misses that and the
    # recipe gives up with nginx untouched, as a bad build does.
    gives_up = fault == "bad-build" or (strategy == "in-server" and fault == "slow-start")
    if gives_up:
        assert summary["outcome"] == "rolled_back"
        assert summary["final_versions"] == {"v101": hosts}
        assert "v102" not in summary["ok_by_version"]  # no user ever got the broken build
    else:
        assert summary["outcome"] == "succeeded"
        assert summary["final_versions"] == {"v102": hosts}


# --- invariant 4: zero downtime --------------------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of(*ZERO_DOWNTIME))
def test_zero_downtime_strategies_always_serve_and_never_fail(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    summary = obs.report.summary()
    assert obs.min_serving_in_window is not None and obs.min_serving_in_window >= 1
    assert summary["failed"] == 0
    assert summary["downtime_s"] == 0
    assert summary["succeeded"] == summary["requests"]


# --- invariant 5: in-place batches -----------------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of("in-place"))
def test_in_place_takes_at_most_one_batch_out_of_service(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    assert obs.min_serving_in_window == FLEET_SIZE - batch
    assert obs.report.summary()["min_serving"] == FLEET_SIZE - batch
    assert obs.max_alive == FLEET_SIZE  # no new instances


# --- invariant 6: CodeDeploy hook order ------------------------------------------------------
def _lifecycles(obs: Observation, name: str):
    """Each deployment to `name`: its hook events, and the traffic events among them."""
    runs: list[list] = []
    for e in events_of(obs, name):
        if e.kind == "hook" and e.detail == LIFECYCLE[0]:
            runs.append([])
        if runs and e.kind in ("hook", "draining", "register", "validate_failed"):
            runs[-1].append(e)
    return runs


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of("in-place"))
def test_in_place_runs_codedeploys_lifecycle_on_every_host(strategy, batch, fault, seed):
    """BeforeBlockTraffic … AfterAllowTraffic in order; deregistered inside BlockTraffic, the
    process stopped only once drained, registered inside AllowTraffic and only after
    ValidateService passed; with a bad build, the deployment stops at the failed batch and the
    rollback deploys v101 to every host."""
    obs = observed(strategy, batch, fault, seed)
    deploys = 0
    for name in (f"web-{i}" for i in range(1, FLEET_SIZE + 1)):
        for run in _lifecycles(obs, name):
            hooks = [e.detail for e in run if e.kind == "hook"]
            failed = any(e.kind == "validate_failed" for e in run)
            assert tuple(hooks) == LIFECYCLE[:len(hooks)], (name, hooks)
            assert len(hooks) == len(LIFECYCLE) or failed, (name, hooks)
            deploys += 1
            kinds = [e.detail if e.kind == "hook" else e.kind for e in run]
            if "draining" in kinds:
                assert kinds.index("BlockTraffic") < kinds.index("draining") \
                    < kinds.index("AfterBlockTraffic"), kinds
            if not failed:
                assert kinds.index("AllowTraffic") < kinds.index("register") \
                    < kinds.index("AfterAllowTraffic"), kinds
            else:
                assert "register" not in kinds, f"{name} registered after ValidateService failed"
    versions = obs.report.summary()["final_versions"]
    if fault == "bad-build":
        assert deploys == batch + FLEET_SIZE  # the failed batch, then v101 to every host
        assert versions == {"v101": FLEET_SIZE}
        assert obs.report.outcome == "rolled_back"
    else:
        assert deploys == FLEET_SIZE
        assert versions == {"v102": FLEET_SIZE}


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of("recreate"))
def test_recreate_runs_the_install_hooks_in_order_after_traffic_is_blocked(strategy, batch,
                                                                           fault, seed):
    obs = observed(strategy, batch, fault, seed)
    for name in (f"web-{i}" for i in range(1, FLEET_SIZE + 1)):
        registered, drained = True, False  # the start state: serving
        hooks: list[str] = []
        for e in events_of(obs, name):
            if e.kind == "draining":
                registered, drained = False, False
            elif e.kind == "drained":
                drained = True
            elif e.kind == "register":
                assert hooks in ([], list(CODEDEPLOY_HOOKS)), hooks
                registered = True
            elif e.kind == "hook":
                if e.detail == CODEDEPLOY_HOOKS[0]:
                    assert not registered and drained, f"{name} stopped while taking traffic"
                    hooks = []
                hooks.append(e.detail)
                assert tuple(hooks) == CODEDEPLOY_HOOKS[:len(hooks)], hooks
        assert hooks == list(CODEDEPLOY_HOOKS)
        assert registered, f"{name} left out of the load balancer"


# --- invariant 7: server-level blue/green ----------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"),
                         runs_of("blue-green", faults=("none", "slow-start", "traffic-spike")))
def test_blue_green_switches_only_to_a_healthy_green(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    summary = obs.report.summary()
    greens = obs.greens_at_first_blue_deregistration
    assert greens == [(f"green-{i}", HEALTHY) for i in range(1, FLEET_SIZE + 1)]
    assert obs.min_serving_in_window >= FLEET_SIZE
    assert obs.max_alive == summary["max_instances"] == 2 * FLEET_SIZE
    for i in range(1, FLEET_SIZE + 1):
        kinds = [e.kind for e in events_of(obs, f"blue-{i}")]
        assert kinds.index("draining") < kinds.index("drained") < kinds.index("terminate")
    alive = [i for i in obs.report.sim.instances.values() if i.alive]
    assert sorted(i.name for i in alive) == [f"green-{i}" for i in range(1, FLEET_SIZE + 1)]
    assert {i.version() for i in alive} == {"v102"}
    # No green got a request before the load balancer found it healthy.
    for i in range(1, FLEET_SIZE + 1):
        healthy_at = next(e.t for e in events_of(obs, f"green-{i}") if e.kind == "healthy")
        assert obs.first_pick[f"green-{i}"] > healthy_at


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"),
                         runs_of("blue-green", "canary", faults=("bad-build",)))
def test_a_bad_green_never_gets_users_and_blue_stays(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    assert not any(name.startswith("green") for name in obs.first_pick)
    assert obs.greens_at_first_blue_deregistration is None  # blue was never touched
    assert [e for e in events_of(obs) if e.kind == "register"] == []
    sim = obs.report.sim
    assert all(not i.alive for i in sim.instances.values() if i.group == "green")
    assert obs.min_serving_in_window == FLEET_SIZE


# --- invariant 9: in-server blue/green -------------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of("in-server"))
def test_in_server_switches_once_to_a_checked_slot(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    assert {port for _host, port in obs.live_ports} <= set(SLOT_PORTS)
    assert [k for k in obs.kills if k.was_live_slot] == []
    assert obs.max_alive == 1
    switch_events = [e for e in events_of(obs) if e.kind == "switch"]
    if fault in ("bad-build", "slow-start"):  # broken, or too slow for the recipe's checks
        assert obs.switches == [] and switch_events == []
        assert obs.live_ports == {("web-1", 8081)}  # nginx untouched
        return
    assert [(host, port, ok) for _t, host, port, ok in obs.switches] == [("web-1", 8082, True)]
    switched_at = obs.switches[0][0]
    passed = [e for e in events_of(obs, "web-1:8082") if e.kind == "health" and e.detail == "200"]
    assert passed and passed[-1].t <= switched_at
    assert [e.detail for e in switch_events] == ["checked"]


# --- invariant 10: recreate ------------------------------------------------------------------
@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"), runs_of("recreate"))
def test_recreate_has_an_interval_with_nobody_serving(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    summary = obs.report.summary()
    assert obs.zero_serving_with_failures
    assert obs.min_serving_in_window == 0 == summary["min_serving"]
    assert summary["failed"] > 0 and summary["downtime_s"] > 0


@pytest.mark.parametrize(("strategy", "batch", "fault", "seed"),
                         runs_of("canary", faults=("none", "slow-start", "traffic-spike")))
def test_canary_keeps_full_capacity_while_shifting(strategy, batch, fault, seed):
    obs = observed(strategy, batch, fault, seed)
    assert obs.min_serving_in_window >= FLEET_SIZE
    assert obs.max_alive <= FLEET_SIZE + 2  # at most the next step's canaries on top


# --- ALB behaviours --------------------------------------------------------------------------
def watch(sim: Simulation) -> tuple[Observation, Observer]:
    obs = Observation()
    return obs, Observer(sim, obs)


def run_all(sim: Simulation, *lines: str) -> list:
    return [sim.run(Action.of(line)) for line in lines]


@pytest.fixture
def kills_observed():
    AppProcess.kill = _observed_kill
    yield
    AppProcess.kill = _orig_kill
    _current.clear()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("threshold", [2, 5])
def test_a_new_target_gets_traffic_after_one_passing_check(seed, threshold):
    """AWS: a newly registered target is `initial` and must pass ONE health check; the healthy
    threshold is for an unhealthy target that recovers."""
    health = HealthCheck(interval_s=10.0, healthy_threshold=threshold)
    sim = Simulation(Scenario(BLUEGREEN, 2), SimParams(rps=20, health=health), seed)
    obs, observer = watch(sim)
    run_all(sim, "launch green 1 v102", "wait 20", "register green-1")
    registered_at = sim.now
    assert sim.lb.state_of("green-1") == "initial"
    run_all(sim, "wait healthy green-1", "wait 30")
    observer.detach()
    healthy_at = next(e.t for e in sim.metrics.events
                      if e.kind == "healthy" and e.target == "green-1")
    # The first check comes a moment (the jitter, at most 3 s) after registering, and passes.
    assert 0 < healthy_at - registered_at <= 3.0
    assert obs.first_pick["green-1"] > healthy_at
    assert obs.violations == []


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("threshold", [2, 5])
def test_an_unhealthy_target_recovers_only_after_the_healthy_threshold(seed, threshold):
    health = HealthCheck(interval_s=10.0, healthy_threshold=threshold)
    sim = Simulation(Scenario(FLEET, 2), SimParams(rps=20, health=health), seed)
    obs, observer = watch(sim)
    # Deploying while registered stops the app: two failed checks take web-1 out of service.
    run_all(sim, "deploy web-1 v102")
    run_all(sim, "wait 60")
    observer.detach()
    events = [e for e in sim.metrics.events if e.target == "web-1"]
    unhealthy_at = next(e.t for e in events if e.kind == "unhealthy")
    ready_at = next(e.t for e in events if e.kind == "ready" and e.t > unhealthy_at)
    healthy_at = next(e.t for e in events if e.kind == "healthy" and e.t > unhealthy_at)
    # `threshold` passing checks in a row, `interval_s` apart, the first after the app is up.
    assert healthy_at - ready_at >= (threshold - 1) * health.interval_s
    assert healthy_at - ready_at <= threshold * health.interval_s
    assert obs.violations == []


@pytest.mark.parametrize("seed", SEEDS)
def test_draining_finishes_in_flight_requests_and_ends_early_when_idle(seed):
    # Slow requests, so some are in flight when web-1 is deregistered.
    params = SimParams(rps=8, service_mean_s=4.0, workers=200)
    sim = Simulation(Scenario(FLEET, 2), params, seed)
    obs, observer = watch(sim)
    sim.advance(30)
    in_flight = sim.frame().node("web-1").in_flight
    assert in_flight > 0
    failed_before, ok_before = sim.metrics.failed, sim.metrics.ok
    run_all(sim, "deregister web-1")
    deregistered_at = sim.now
    run_all(sim, "wait drained web-1")
    drained = next(e for e in sim.metrics.events if e.kind == "drained")
    observer.detach()
    assert drained.t < deregistered_at + params.deregistration_delay_s  # ended early
    assert drained.detail == ""  # nothing cut
    assert obs.first_pick["web-1"] < deregistered_at
    assert sim.metrics.failed == failed_before
    assert sim.metrics.ok >= ok_before + in_flight
    assert obs.violations == []
    # No new request reached web-1 after deregistration.
    assert sim.instances["web-1"].process.in_flight == 0
    served = sim.instances["web-1"].served
    sim.advance(60)
    assert sim.instances["web-1"].served == served


@pytest.mark.parametrize("seed", SEEDS)
def test_draining_stops_at_the_delay_and_counts_what_was_cut(seed):
    # Requests take minutes; the deregistration delay is 20 s, so draining cannot finish.
    params = SimParams(rps=4, service_mean_s=300.0, deregistration_delay_s=20.0, workers=2000)
    sim = Simulation(Scenario(FLEET, 2), params, seed)
    obs, observer = watch(sim)
    sim.advance(30)
    assert sim.frame().node("web-1").in_flight > 0
    run_all(sim, "deregister web-1")
    deregistered_at = sim.now
    run_all(sim, "wait drained web-1")
    observer.detach()
    drained = next(e for e in sim.metrics.events if e.kind == "drained")
    assert drained.t == pytest.approx(deregistered_at + params.deregistration_delay_s)
    cut = int(drained.detail.removeprefix("cut="))
    assert cut > 0
    assert sim.frame().node("web-1").in_flight == 0
    # The cut requests failed when the delay ran out, and never count as successes later.
    failures = sim.metrics.failures
    assert sum(f.count for f in failures.values()) == sim.metrics.failed
    assert sim.metrics.failed >= cut
    sim.finish()
    sim.advance(5000)
    in_flight = sum(p.in_flight for p in alive_processes(sim))
    assert sim.metrics.requests == sim.metrics.ok + sim.metrics.failed + in_flight
    assert obs.violations == []


@pytest.mark.parametrize("seed", SEEDS)
def test_a_kill_with_requests_in_flight_counts_them_as_failed(seed, kills_observed):
    params = SimParams(rps=8, service_mean_s=5.0, workers=200)
    sim = Simulation(Scenario(FLEET, 2), params, seed)
    obs, observer = watch(sim)
    sim.advance(20)
    # Deploying onto a host still in the load balancer stops its app under live requests.
    run_all(sim, "deploy web-1 v102")
    observer.detach()
    cuts = [k for k in obs.kills if k.holder == "web-1"]
    assert len(cuts) == 1 and cuts[0].cut > 0
    assert obs.violations == []  # failed rose by exactly the cut, in that very event
    assert sim.metrics.failed >= cuts[0].cut


@pytest.mark.parametrize("seed", SEEDS)
def test_fail_open_when_every_target_is_unhealthy(seed):
    # Every server gets the bad build while registered: all turn unhealthy, and the load
    # balancer then sends to all of them rather than to none.
    params = SimParams(rps=10, fault="bad-build")
    sim = Simulation(Scenario(FLEET, 2), params, seed)
    obs, observer = watch(sim)
    run_all(sim, "deploy web v102", "wait 120")
    observer.detach()
    assert obs.violations == []
    assert sim.lb.fail_open
    assert obs.fail_open_picks > 0
    assert sim.frame().fail_open
    assert {t.state for t in sim.lb.targets.values()} == {UNHEALTHY}
    # Requests still reach both servers (and fail there with HTTP 500).
    before = {name: sim.instances[name].served for name in ("web-1", "web-2")}
    causes_before = {k[0] for k in sim.metrics.failures}
    sim.advance(10)
    assert all(sim.instances[n].served >= before[n] for n in before)
    assert "http_500" in {k[0] for k in sim.metrics.failures} | causes_before


@pytest.mark.parametrize("seed", SEEDS)
def test_round_robin_spreads_requests_evenly(seed):
    sim = Simulation(Scenario(FLEET, 4), SimParams(rps=20), seed)
    sim.advance(100)
    served = [sim.instances[f"web-{i}"].served for i in range(1, 5)]
    assert max(served) - min(served) <= 1


def test_in_server_switch_to_an_empty_slot_is_accepted_and_requests_fail():
    sim = Simulation(Scenario(IN_SERVER, 1), SimParams(rps=10), 1)
    obs, observer = watch(sim)
    run_all(sim, "switch web-1 8082", "wait 10")
    observer.detach()
    assert obs.violations == []
    assert sim.instances["web-1"].live_port == 8082
    assert sim.metrics.failed > 0
    assert {cause for cause, _line in sim.metrics.failures} == {"down"}


# --- any sequence of actions, not just the strategies' ---------------------------------------
def observe_actions(scenario: Scenario, params: SimParams, seed: int,
                    texts: list[str]) -> tuple[Observation, Simulation]:
    """Run learner-style actions (some of them unwise or invalid), watched event by event."""
    sim = Simulation(scenario, params, seed)
    obs = Observation()
    observer = Observer(sim, obs)
    try:
        for text in texts:
            sim.run(Action.of(text))
        sim.finish()
    finally:
        observer.detach()
    return obs, sim


def fleet_actions(draw_target, draw_version):
    return st.one_of(
        st.builds(lambda t, v: f"deploy {t} {v}", draw_target, draw_version),
        st.builds(lambda t: f"register {t}", draw_target),
        st.builds(lambda t: f"deregister {t}", draw_target),
        st.builds(lambda t: f"terminate {t}", draw_target),
        st.builds(lambda t: f"health {t}", draw_target),
        st.builds(lambda t: f"wait healthy {t}", draw_target),
        st.builds(lambda t: f"wait drained {t}", draw_target),
        st.builds(lambda s: f"wait {s}", st.sampled_from([1, 5, 15, 40])),
        st.just("status"),
    )


VERSIONS = st.sampled_from(["v101", "v102"])
SLOTS = st.sampled_from(["web-1:8081", "web-1:8082"])
SCENARIOS = {
    FLEET: (Scenario(FLEET, 3),
            fleet_actions(st.sampled_from(["web-1", "web-2", "web-3", "web"]), VERSIONS)),
    BLUEGREEN: (Scenario(BLUEGREEN, 2), st.one_of(
        st.builds(lambda g, n, v: f"launch {g} {n} {v}", st.sampled_from(["blue", "green"]),
                  st.integers(1, 2), VERSIONS),
        fleet_actions(st.sampled_from(["blue-1", "blue-2", "green-1", "green-2", "blue",
                                       "green"]), VERSIONS))),
    IN_SERVER: (Scenario(IN_SERVER, 1), st.one_of(
        st.builds(lambda s, v: f"start {s} {v}", SLOTS, VERSIONS),
        st.builds(lambda s: f"stop {s}", SLOTS),
        st.builds(lambda p: f"switch web-1 {p}", st.sampled_from(["8081", "8082"])),
        st.builds(lambda s: f"health {s}", SLOTS),
        st.builds(lambda s: f"wait healthy {s}", SLOTS),
        st.sampled_from(["register web-1", "deregister web-1", "wait drained web-1",
                         "wait 5", "wait 20", "status"]))),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[Suppress.too_slow])
@given(data=st.data(), kind=st.sampled_from(sorted(SCENARIOS)),
       fault=st.sampled_from(["none", "bad-build", "slow-start"]),
       seed=st.integers(1, 1000),
       slow_requests=st.booleans(), short_drain=st.booleans())
def test_any_actions_keep_routing_and_accounting_rules(data, kind, fault, seed, slow_requests,
                                                       short_drain):
    """Invariants 1-3 hold whatever a learner types: requests go only where the load balancer
    may send them, and every request is ok, failed or in flight, exactly once, at every event."""
    scenario, actions = SCENARIOS[kind]
    steps = data.draw(st.lists(st.tuples(actions, st.sampled_from([1, 4, 12, 40])),
                               min_size=1, max_size=8))
    # A pause after each action, so traffic flows through whatever state it left.
    texts = [text for action, pause in steps for text in (action, f"wait {pause}")]
    params = SimParams(rps=12, fault=fault, service_mean_s=3.0 if slow_requests else 0.25,
                       deregistration_delay_s=8.0 if short_drain else 300.0)
    obs, sim = observe_actions(scenario, params, seed, texts)
    assert obs.violations == [], texts
    frame = sim.frame()
    assert (frame.requests, frame.ok, frame.failed) == (sim.metrics.requests, sim.metrics.ok,
                                                         sim.metrics.failed)
    assert sum(f.count for f in sim.metrics.failures.values()) == sim.metrics.failed
