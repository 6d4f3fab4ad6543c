"""Each strategy script over fleet sizes, versions and seeds: what a teacher would check by hand.

The per-event invariants live in test_engine_invariants.py; these tests look at the strategies'
own promises: capacity by batch size, instance counts, canary weights as replica counts, what
happens to a broken build, and that every step is a sentence of the practice language.
"""

from __future__ import annotations

import math

import pytest

from app.words import render
from models.actions import Action
from models.engine import HOOK, Simulation
from models.params import SimParams
from models.practice import parse_script
from models.report import RunSpec, simulate
from models.scenarios import BLUEGREEN, IN_SERVER, Scenario
from models.strategies import CANARY_PAUSE_S, CANARY_WEIGHTS, STRATEGIES, run_script

SEEDS = (1, 2, 3, 4, 5)


def summary(**spec) -> dict:
    return simulate(RunSpec(**spec)).summary()


@pytest.mark.parametrize("servers", range(2, 7))
def test_in_place_keeps_all_but_one_batch_serving(servers):
    for batch in range(1, servers):
        s = summary(strategy="in-place", servers=servers, batch=batch)
        assert (s["failed"], s["min_serving"]) == (0, servers - batch), (servers, batch)
        assert s["max_instances"] == servers
        assert s["final_versions"] == {"v102": servers}
        assert s["outcome"] == "succeeded"


def test_in_place_with_the_whole_fleet_in_one_batch_goes_down():
    # AllAtOnce: nobody is left to serve while the only batch deploys.
    s = summary(strategy="in-place", servers=4, batch=4)
    assert s["min_serving"] == 0 and s["failed"] > 0 and s["downtime_s"] > 0
    assert s["final_versions"] == {"v102": 4}


def test_smaller_batches_take_longer():
    durations = [summary(strategy="in-place", servers=4, batch=b)["duration_s"] for b in (1, 2, 4)]
    assert durations[0] > durations[1] > durations[2]


@pytest.mark.parametrize("servers", range(1, 7))
def test_blue_green_doubles_the_fleet_and_never_drops_below_it(servers):
    s = summary(strategy="blue-green", servers=servers)
    assert s["max_instances"] == 2 * servers
    assert s["min_serving"] >= servers
    assert s["failed"] == 0
    assert s["final_versions"] == {"v102": servers}


def test_blue_green_costs_more_instance_seconds_than_in_place_per_second():
    # Same fleet; blue/green pays for 2N while both groups exist, in-place never more than N.
    bg, ip = summary(strategy="blue-green"), summary(strategy="in-place")
    assert bg["instance_seconds"] / bg["duration_s"] > ip["instance_seconds"] / ip["duration_s"]


def test_in_server_uses_one_host_and_no_failures():
    s = summary(strategy="in-server")
    assert (s["max_instances"], s["failed"], s["final_versions"]) == (1, 0, {"v102": 1})


def play(strategy: str, servers: int, seed: int = 1, fault: str = "none", batch: int = 2):
    """Run a strategy action by action; returns the simulation and (action, serving) pairs."""
    script_fn, kind = STRATEGIES[strategy]
    scenario = Scenario(kind, servers)
    sim = Simulation(scenario, SimParams(fault=fault), seed)
    script = script_fn(scenario, sim.params, batch)
    seen = []
    try:
        action = next(script)
        while True:
            sim.begin(action)
            serving = {}
            for t in sim.lb.routable:
                v = t.instance.version()
                serving[v] = serving.get(v, 0) + 1
            seen.append((action.text(), serving))
            action = script.send(sim.run_current())
    except StopIteration as stop:
        outcome = stop.value
    return sim, seen, outcome


@pytest.mark.parametrize("servers", range(1, 9))
def test_canary_weights_become_replica_counts_rounded_up(servers):
    _sim, seen, outcome = play("canary", servers)
    assert outcome == "succeeded"
    pauses = [serving for text, serving in seen if text == f"wait {CANARY_PAUSE_S:g}"]
    expected = [{"v102": math.ceil(servers * w / 100)} for w in CANARY_WEIGHTS if w < 100]
    assert [{"v102": p.get("v102", 0)} for p in pauses] == expected
    # The stable version keeps the rest, so capacity stays at the fleet size.
    assert all(sum(p.values()) == servers for p in pauses)


BROKEN_CASES = [("in-place", 4), ("recreate", 4), ("blue-green", 4), ("in-server", 1),
                ("canary", 4)]


@pytest.mark.parametrize(("strategy", "hosts"), BROKEN_CASES)
@pytest.mark.parametrize("to_version", ["v102", "v200", "v500", "2.0.0"])
def test_a_broken_build_is_never_left_serving_whatever_its_name(strategy, hosts, to_version):
    # Strategies read the health check's result, not its wording: a version called v200 must
    # not look like an HTTP 200.
    s = summary(strategy=strategy, fault="bad-build", to_version=to_version)
    assert s["outcome"] == "rolled_back"
    assert s["final_versions"] == {"v101": hosts}
    assert to_version not in s["ok_by_version"]


@pytest.mark.parametrize(("strategy", "hosts"), BROKEN_CASES)
@pytest.mark.parametrize("to_version", ["v200", "v500"])
def test_a_good_build_goes_out_whatever_its_name(strategy, hosts, to_version):
    s = summary(strategy=strategy, to_version=to_version)
    assert s["outcome"] == "succeeded"
    assert s["final_versions"] == {to_version: hosts}


@pytest.mark.parametrize("seed", SEEDS)
def test_in_place_stops_at_the_failed_batch_and_redeploys_v101_everywhere(seed):
    """CodeDeploy: the next batch is not started; the rollback is a new deployment of the last
    good revision to every instance, batch by batch."""
    sim, seen, outcome = play("in-place", 4, seed, fault="bad-build")
    assert outcome == "rolled_back"
    deployed = [text for text, _ in seen if text.startswith("deploy ")]
    assert deployed == ["deploy web-1 web-2 v102", "deploy web-1 web-2 v101",
                        "deploy web-3 web-4 v101"]
    assert sim.final_versions() == {"v101": 4}
    assert "v102" not in sim.metrics.ok_by_version
    hooks = [e.detail for e in sim.metrics.events if e.kind == "hook" and e.target == "deployment"]
    assert hooks == ["Rollback"]


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("fault", ["none", "bad-build", "slow-start"])
def test_strategies_speak_the_practice_language(strategy, fault):
    """A strategy is a script a learner could type: every action parses as practice input."""
    sim, seen, _outcome = play(strategy, 4, fault=fault)
    typed = [text for text, _ in seen if not text.startswith(f"{HOOK} ")]  # lifecycle marks
    parsed = parse_script("\n".join(typed), sim.scenario)
    assert [a.text() for a in parsed.actions] == typed


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_each_action_reports_success_on_the_happy_path(strategy):
    """With no fault, no step of a strategy should hit an error (a script bug would)."""
    sim, _seen, outcome = play(strategy, 4)
    assert outcome == "succeeded"
    failed = [(r.action.text(), render(r.message, "en")) for r in sim.results if not r.ok]
    assert failed == []


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_same_seed_same_run_other_seed_other_traffic(strategy):
    runs = [simulate(RunSpec(strategy=strategy, seed=seed)).as_dict() for seed in (7, 7, 8)]
    assert runs[0] == runs[1]
    assert runs[0]["summary"]["requests"] != runs[2]["summary"]["requests"]


def test_run_script_returns_the_scripts_outcome():
    script_fn, kind = STRATEGIES["blue-green"]
    scenario = Scenario(kind, 2)
    sim = Simulation(scenario, SimParams(fault="bad-build"), 3)
    assert run_script(sim, script_fn(scenario, sim.params)) == "rolled_back"


def test_strategies_probe_at_the_cadence_the_simulation_is_given():
    """Strategies read probe cadence from SimParams, not a copy of their own: a slower
    ValidateService cadence in the params shows up as slower waits between probes."""
    for probe_every_s, tries in ((10.0, 30), (7.0, 3)):
        scenario = Scenario(BLUEGREEN, 2)
        params = SimParams(fault="slow-start", probe_every_s=probe_every_s,
                           validate_tries=tries)
        sim = Simulation(scenario, params, 1)
        run_script(sim, STRATEGIES["blue-green"][0](scenario, params))
        texts = [r.action.text() for r in sim.results]
        assert f"wait {probe_every_s:g}" in texts
        assert texts.count("health green") <= tries
    scenario = Scenario(IN_SERVER, 1)
    params = SimParams(fault="bad-build", probe_every_s=3.0, probe_tries=4)
    sim = Simulation(scenario, params, 1)
    run_script(sim, STRATEGIES["in-server"][0](scenario, params))
    texts = [r.action.text() for r in sim.results]
    assert texts.count("health web-1:8082") <= 4 and "wait 3" in texts


# --- CodeDeploy in-place: parallel batches and the minimum healthy hosts ------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_the_hosts_of_a_batch_deploy_at_the_same_time(seed):
    sim, seen, outcome = play("in-place", 4, seed)
    assert outcome == "succeeded"
    assert [t for t, _ in seen if t.startswith("deploy ")] == ["deploy web-1 web-2 v102",
                                                               "deploy web-3 web-4 v102"]
    stops = {e.target: e.t for e in sim.metrics.events
             if e.kind == "hook" and e.detail == "ApplicationStop"}
    assert stops["web-1"] == stops["web-2"] < stops["web-3"] == stops["web-4"]


@pytest.mark.parametrize("servers", [10, 40, 200])
def test_a_bigger_fleet_in_two_halves_takes_about_as_long_as_four_servers(servers):
    # Two batches whatever the fleet size: the deployment's own time hardly grows.
    four = summary(strategy="in-place", servers=4, batch=2)["deployment_s"]
    many = summary(strategy="in-place", servers=servers, batch=servers // 2)
    assert many["outcome"] == "succeeded" and many["failed"] == 0
    assert four <= many["deployment_s"] <= 1.25 * four, (four, many["deployment_s"])


def test_half_at_a_time_on_one_server_fails_at_once_touching_nothing():
    # Minimum healthy hosts ceil(1/2) = 1 is the whole fleet: nothing may be taken out.
    report = simulate(RunSpec(strategy="in-place", servers=1, batch=0))
    s = report.summary()
    assert s["outcome"] == "failed"
    assert (s["failed"], s["min_serving"], s["final_versions"]) == (0, 1, {"v101": 1})
    kinds = {e.kind for e in report.sim.metrics.events}
    assert "action" not in kinds  # no command ran
    assert [e.detail for e in report.sim.metrics.events if e.kind == "hook"] == [
        "MinimumHealthyHostsNotMet"]


def test_commands_on_several_targets_act_on_each_once():
    sim = Simulation(Scenario(kind="fleet", servers=4), SimParams(), 3)
    assert sim.run(Action.of("deregister web-1 web web-2")).ok  # web covers all four
    assert sim.lb.routable == []
    result = sim.run(Action.of("wait drained web-1 web-2"))
    assert result.ok and render(result.message, "en") == "web-1, web-2 drained"
    assert sim.run(Action.of("deploy web-1 web-2 v102")).ok
    assert sim.run(Action.of("register web-1 web-2")).ok
    waited = sim.run(Action.of("wait healthy web-1 web-2"))
    assert waited.ok
    assert {t.instance.name for t in sim.lb.routable} == {"web-1", "web-2"}
    assert sim.final_versions() == {"v102": 2}


# --- bad-config: nginx refuses an invalid configuration and keeps the old one -------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_a_refused_reload_leaves_the_old_slot_serving_and_the_recipe_rolls_back(seed):
    report = simulate(RunSpec(strategy="in-server", fault="bad-config", seed=seed))
    s = report.summary()
    assert s["outcome"] == "rolled_back"
    assert (s["failed"], s["final_versions"]) == (0, {"v101": 1})
    assert "v102" not in s["ok_by_version"]
    kinds = [e.kind for e in report.sim.metrics.events]
    assert "reload_refused" in kinds and "switch" not in kinds
    assert report.sim.instances["web-1"].live_port == 8081


def test_a_refused_switch_is_an_error_naming_the_port_still_live():
    sim = Simulation(Scenario(IN_SERVER), SimParams(fault="bad-config"), 1)
    sim.run(Action.of("start web-1:8082 v102"))
    sim.run(Action.of("wait healthy web-1:8082"))
    result = sim.run(Action.of("switch web-1 8082"))
    assert not result.ok
    assert render(result.message, "en") == (
        "nginx on web-1 refused the reload: the new configuration is invalid, so it still sends "
        "to port 8081")
    assert "8081" in render(result.message, "ko")
    assert sim.instances["web-1"].live_port == 8081
    assert sim.final_versions() == {"v101": 1}


@pytest.mark.parametrize("strategy", ["in-place", "blue-green"])
def test_bad_config_touches_only_nginx(strategy):
    plain = simulate(RunSpec(strategy=strategy)).as_dict()
    faulty = simulate(RunSpec(strategy=strategy, fault="bad-config")).as_dict()
    assert faulty["summary"] == plain["summary"] and faulty["events"] == plain["events"]


def test_waiting_for_a_broken_app_to_be_ready_ends_when_it_answers_500():
    sim = Simulation(Scenario(BLUEGREEN, 2), SimParams(fault="bad-build"), 1)
    sim.run(Action.of("launch green 2 v102"))
    result = sim.run(Action.of("wait ready green"))
    assert not result.ok and result.message.key == "answers_500"
    assert result.ended - result.started <= SimParams().app_start_s + 2  # not the 600 s deadline
    assert "HTTP 500" in render(result.message, "en") and "500" in render(result.message, "ko")


def test_wait_healthy_is_the_load_balancers_view_and_wait_ready_the_apps():
    sim = Simulation(Scenario(BLUEGREEN, 2), SimParams(), 1)
    sim.run(Action.of("launch green 2 v102"))
    # Not registered: no health check to wait for. It cannot run, takes no time, and says why.
    early = sim.run(Action.of("wait healthy green"))
    assert not early.ok and early.message.key == "wait_healthy_unregistered"
    assert early.ended == early.started
    for lang in ("en", "ko"):
        text = render(early.message, lang)
        assert "green-1" in text and "wait ready" in text and "register" in text
    ready = sim.run(Action.of("wait ready green"))
    assert ready.ok and ready.message.key == "now_ready"
    assert sim.lb.state_of("green-1") == "unused"  # the app answers; no user can reach it yet
    sim.run(Action.of("register green"))
    healthy = sim.run(Action.of("wait healthy green"))
    assert healthy.ok and all(sim.lb.state_of(f"green-{i}") == "healthy" for i in (1, 2))
    # A target that is draining is not one the load balancer checks any more.
    sim.run(Action.of("deregister blue-1"))
    draining = sim.run(Action.of("wait healthy blue-1"))
    assert draining.message.key == "wait_healthy_unregistered"


def test_wait_healthy_on_an_in_server_slot_is_the_direct_check():
    sim = Simulation(Scenario(IN_SERVER, 1), SimParams(), 1)
    sim.run(Action.of("start web-1:8082 v102"))
    result = sim.run(Action.of("wait healthy web-1:8082"))
    assert result.ok and result.message.key == "now_healthy"
