"""A run is judged by what users see: a steady lead-in before the first command, and an
observation window after the last one until nothing is pending, plus a margin (DOMAIN.md)."""

from __future__ import annotations

import pytest

from models.actions import Action
from models.engine import LEAD_IN_S, OBSERVE_MARGIN_S, Simulation
from models.grading import grade
from models.params import SimParams
from models.report import RunSpec, simulate
from models.scenarios import BLUEGREEN, FLEET, Scenario
from tests.support import loaded_exercises

SEEDS = (1, 2, 3)
STRATEGIES = ("recreate", "in-place", "blue-green", "in-server", "canary")
EXERCISES = loaded_exercises()


def run(strategy: str, seed: int, **spec):
    return simulate(RunSpec(strategy=strategy, seed=seed, **spec))


def dips(timeline: list[dict], low: int, full: int) -> int:
    """How many times capacity falls from `full` to `low`. A bucket holds its fewest and most
    serving but not their order, so a bucket that reaches `full` ends a dip, and the next one
    that reaches `low` starts another."""
    count, down = 0, False
    for bucket in timeline:
        if not down and bucket["serving_min"] <= low:
            count, down = count + 1, True
        elif down and bucket["serving_max"] >= full:
            down = False
    return count


@pytest.mark.parametrize("seed", SEEDS)
def test_in_place_starts_and_ends_at_full_capacity_and_dips_twice(seed):
    report = run("in-place", seed, servers=4, batch=2).as_dict()
    timeline = report["timeline"]
    assert timeline[0]["t"] == -LEAD_IN_S and timeline[0]["serving_min"] == 4
    assert timeline[-1]["serving_min"] == timeline[-1]["serving_max"] == 4
    assert min(b["serving_min"] for b in timeline) == 2
    assert dips(timeline, 2, 4) == 2  # 4 → 2 → 4 → 2 → 4, the book's picture


@pytest.mark.parametrize("seed", SEEDS)
def test_in_server_serves_the_new_version_after_the_switch(seed):
    summary = run("in-server", seed).summary()
    assert summary["ok_by_version"].get("v102", 0) > 0 and summary["failed"] == 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_run_is_observed_past_its_last_command(strategy, seed):
    report = run(strategy, seed)
    summary = report.summary()
    assert summary["duration_s"] >= summary["deployment_s"] + OBSERVE_MARGIN_S
    assert not report.sim.pending()
    # the lead-in's requests are part of the run, all answered
    lead_in = [b for b in report.as_dict()["timeline"] if b["t"] < 0]
    assert lead_in and all(b["failed"] == 0 and b["requests"] > 0 for b in lead_in)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_window_waits_for_a_drain_the_last_command_started(seed):
    params = SimParams(rps=8, service_mean_s=20.0, workers=500)  # slow: draining takes a while
    sim = Simulation(Scenario(FLEET, 2), params, seed)
    sim.run(Action.of("deregister web-1"))
    assert sim.lb.state_of("web-1") == "draining"
    sim.finish()
    drained = next(e.t for e in sim.metrics.events if e.kind == "drained")
    assert drained > 1.0
    assert sim.metrics.window_end >= drained + OBSERVE_MARGIN_S


@pytest.mark.parametrize("seed", [2, 3, 4])
@pytest.mark.parametrize("tail", ["", "wait 60\n"])
def test_the_bad_build_trap_fails_zero_downtime_at_the_line_that_caused_it(seed, tail):
    """Traffic does not stop when the last command returns: blue is gone and green never
    becomes healthy, so users fail whether or not the attempt waited afterwards."""
    exercise = EXERCISES["bluegreen-bad-build"]
    script = "launch green 4 v102\nregister green\nderegister blue\n" + tail
    result = grade(exercise, script, seed)
    zero = result.criterion("zero-downtime")
    assert not result.passed and not zero.passed and zero.line == 3


@pytest.mark.parametrize("seed", SEEDS)
def test_switching_to_an_empty_slot_fails_zero_downtime_even_as_the_last_command(seed):
    exercise = EXERCISES["bluegreen-in-server"]
    result = grade(exercise, "start web-1:8082 v102\nswitch web-1 8082\n", seed)
    zero = result.criterion("zero-downtime")
    assert not zero.passed and zero.line == 2


@pytest.mark.parametrize("seed", SEEDS)
def test_a_group_of_only_initial_targets_answers_nobody(seed):
    """Fail-open is only over registered unhealthy targets: new `initial` ones get nothing."""
    sim = Simulation(Scenario(BLUEGREEN, 2), SimParams(rps=20), seed)
    sim.run(Action.of("launch green 2 v102"))
    sim.run(Action.of("wait 20"))
    sim.run(Action.of("deregister blue"))
    sim.run(Action.of("register green"))
    assert {sim.lb.state_of(n) for n in ("green-1", "green-2")} == {"initial"}
    assert sim.lb.routable == [] and not sim.lb.fail_open
