"""Servers have finite capacity: workers and a bounded queue, so fewer servers serving is felt
as latency and, past the queue, as `overloaded` failures (DOMAIN.md)."""

from __future__ import annotations

import json

import pytest

from app.cli.main import main
from models.actions import Action
from models.engine import Simulation
from models.params import SimParams
from models.report import RunSpec, simulate
from models.scenarios import FLEET, Scenario

SEEDS = (1, 2, 3)
FLEET_CAPACITY = 4 * SimParams().capacity_rps


@pytest.mark.parametrize("seed", SEEDS)
def test_at_a_busy_hour_in_place_hurts_and_blue_green_does_not(seed):
    busy = 0.75 * FLEET_CAPACITY
    in_place = simulate(RunSpec(strategy="in-place", rps=busy, seed=seed)).summary()
    blue_green = simulate(RunSpec(strategy="blue-green", rps=busy, seed=seed)).summary()
    assert blue_green["failed"] == 0
    worse = in_place["peak_p95_ms"] >= 3 * blue_green["peak_p95_ms"]
    overloaded = any(f["cause"] == "overloaded" for f in in_place["failures"])
    assert worse or overloaded
    assert in_place["peak_p95_ms"] > blue_green["peak_p95_ms"]


@pytest.mark.parametrize("seed", SEEDS)
def test_normal_traffic_is_comfortable_for_the_books_fleet(seed):
    for strategy in ("in-place", "blue-green", "in-server", "canary"):
        summary = simulate(RunSpec(strategy=strategy, seed=seed)).summary()
        assert summary["failed"] == 0, strategy
        assert not any(f["cause"] == "overloaded" for f in summary["failures"])


@pytest.mark.parametrize("seed", SEEDS)
def test_one_server_past_its_capacity_queues_then_refuses(seed):
    params = SimParams(rps=3 * SimParams().capacity_rps, queue_limit=20)
    sim = Simulation(Scenario(FLEET, 1), params, seed)
    sim.run(Action.of("wait 60"))
    proc = sim.instances["web-1"].process
    assert proc.busy <= proc.workers and len(proc.queue) <= params.queue_limit
    m = sim.metrics
    assert m.failures[("overloaded", None)].count > 0
    assert m.requests == m.ok + m.failed + proc.in_flight
    # A full queue of 20 in front of 4 workers: a typical answer waits about 20 / capacity s.
    comfortable = Simulation(Scenario(FLEET, 1), SimParams(rps=4), seed)
    comfortable.run(Action.of("wait 60"))
    busy_p50 = m.latency().percentile_ms(0.5)
    assert busy_p50 > 3 * comfortable.metrics.latency().percentile_ms(0.5)
    assert busy_p50 > 1000 * 0.5 * params.queue_limit / params.capacity_rps


def test_latency_percentiles_are_ordered_and_in_every_bucket():
    report = simulate(RunSpec(strategy="in-place")).as_dict()
    p = report["summary"]["latency_ms"]
    assert 0 < p["p50"] <= p["p95"] <= p["p99"]
    assert report["summary"]["peak_p95_ms"] >= p["p95"]
    for bucket in report["timeline"]:
        q = bucket["latency_ms"]
        if bucket["ok"]:
            assert q["p50"] <= q["p95"] <= q["p99"]
        else:
            assert q == {"p50": None, "p95": None, "p99": None}


def test_capacity_is_a_simulate_option_and_is_in_params(capsys):
    assert main(["simulate", "--capacity", "4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params"]["capacity_rps"] == 4
    assert any(f["cause"] == "overloaded" for f in data["summary"]["failures"])
    assert main(["simulate", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["params"]["capacity_rps"] == FLEET_CAPACITY / 4


@pytest.mark.parametrize("bad", ["0", "-3", "nan", "inf", "x"])
def test_a_bad_capacity_is_one_sentence(bad, capsys):
    assert main(["simulate", "--capacity", bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploylab: argument --capacity:") and err.count("\n") == 1


def test_an_overloading_deregister_is_blamed_and_explained_in_both_languages():
    import dataclasses

    from app.words import rendered, word
    from lessons.exercises import load_exercises
    from models.grading import grade

    exercise = load_exercises()["in-place"]
    busy = dataclasses.replace(exercise, params=exercise.params.with_(rps=40))
    result = grade(busy, "deregister web-1\nderegister web-2\nwait 60\n")
    zero = result.criterion("zero-downtime")
    assert not zero.passed and zero.line == 2
    for lang in ("ko", "en"):
        message = rendered(result.as_dict(), lang)["criteria"][0]["message"]
        assert word("grade.cause_overloaded", lang) in message


def test_latency_by_version_shows_each_version_felt_the_dips_only_in_place():
    """At a busy hour both halves of an in-place run serve through a dip (v101 during the first
    batch, v102 during the second); blue/green keeps full capacity for both versions."""
    busy = 0.75 * FLEET_CAPACITY
    in_place = simulate(RunSpec(strategy="in-place", rps=busy, seed=2)).summary()
    blue_green = simulate(RunSpec(strategy="blue-green", rps=busy, seed=2)).summary()
    for s in (in_place, blue_green):
        assert set(s["latency_by_version_ms"]) == {"v101", "v102"} == set(s["ok_by_version"])
        for p in s["latency_by_version_ms"].values():
            assert 0 < p["p50"] <= p["p95"] <= p["p99"]
    for version in ("v101", "v102"):
        slow = in_place["latency_by_version_ms"][version]["p95"]
        assert slow >= 3 * blue_green["latency_by_version_ms"][version]["p95"], version
