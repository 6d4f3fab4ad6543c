"""The CI/CD pipeline of lesson 5.1, checked over whole runs for every mode, answer and seed.

DOMAIN.md: continuous delivery never reaches production without a person's approval; continuous
deployment never waits; a failing test stops the line (nothing ships until the commit that fixes
the build); continuous integration runs only source, build and test; a rejected or unanswered
approval fails.
"""

from __future__ import annotations

import pytest

from models.pipeline import (
    APPROVE,
    DELIVERY,
    DEPLOYMENT,
    FAILED,
    INTEGRATION,
    NO_ANSWER,
    PASSED,
    REJECT,
    RUNNING,
    SKIPPED,
    STAGES,
    Pipeline,
    PipelineSpec,
)

SEEDS = (1, 2, 3, 4, 5)
CASES = [pytest.param(mode, failing, approval, seed,
                      id=f"{mode}-fail{failing}-{approval}-s{seed}")
         for mode in (DELIVERY, DEPLOYMENT)
         for failing in (None, 1, 2)
         for approval in (APPROVE, REJECT, NO_ANSWER)
         for seed in SEEDS]


def finished(spec: PipelineSpec, seed: int) -> Pipeline:
    pipeline = Pipeline(spec, seed)
    pipeline.run()
    assert pipeline.done
    return pipeline


def events_of(pipeline: Pipeline, commit: int):
    return [e for e in pipeline.events if e.commit == commit]


def first(pipeline: Pipeline, commit: int, stage: str, state: str):
    return next((e for e in events_of(pipeline, commit)
                 if e.stage == stage and e.state == state), None)


@pytest.mark.parametrize(("mode", "failing", "approval", "seed"), CASES)
def test_stages_run_in_order_one_at_a_time(mode, failing, approval, seed):
    pipeline = finished(PipelineSpec(mode=mode, failing_commit=failing, approval=approval), seed)
    for commit in range(1, pipeline.spec.commits + 1):
        running = None
        last_t = 0.0
        order = []
        for e in events_of(pipeline, commit):
            assert e.t >= last_t
            last_t = e.t
            if e.state == RUNNING:
                assert running is None, f"{e.stage} started while {running} still ran"
                running = e.stage
                order.append(e.stage)
            elif e.state in (PASSED, FAILED):
                assert e.stage == running
                running = None
        assert running is None
        assert order == [s for s in STAGES if s in order]  # a prefix-respecting subsequence


@pytest.mark.parametrize(("mode", "failing", "approval", "seed"), CASES)
def test_production_needs_approval_in_delivery_and_never_waits_in_deployment(
        mode, failing, approval, seed):
    pipeline = finished(PipelineSpec(mode=mode, failing_commit=failing, approval=approval), seed)
    for commit in range(1, pipeline.spec.commits + 1):
        prod = first(pipeline, commit, "production", RUNNING)
        staged = first(pipeline, commit, "staging", PASSED)
        if mode == DEPLOYMENT:
            assert [e for e in events_of(pipeline, commit) if e.stage == "approval"] == []
            if staged is not None:
                assert prod is not None and prod.t == staged.t  # straight on, no gate
        else:
            approved = first(pipeline, commit, "approval", PASSED)
            if prod is not None:
                assert approved is not None and approved.t <= prod.t
            if approved is not None:
                assert approval == APPROVE


@pytest.mark.parametrize(("mode", "failing", "approval", "seed"), CASES)
def test_who_reaches_production(mode, failing, approval, seed):
    spec = PipelineSpec(mode=mode, failing_commit=failing, approval=approval)
    pipeline = finished(spec, seed)
    frame = pipeline.frame()
    for commit in range(1, spec.commits + 1):
        row = dict(zip(STAGES, frame.stages[commit - 1], strict=True))
        if failing is not None and commit >= failing:
            # A failing test stops the line: this commit and every later one, built on the
            # broken main line, fail their tests, and nothing after the test runs.
            assert row["test"] == FAILED
            after = STAGES[STAGES.index("test") + 1:]
            assert all(row[s] == SKIPPED for s in after)
            assert [e for e in events_of(pipeline, commit)
                    if e.stage in after and e.state != SKIPPED] == []
            assert commit not in frame.deployed
        elif mode == DEPLOYMENT or approval == APPROVE:
            assert commit in frame.deployed
            assert row["production"] == PASSED
        else:
            assert row["approval"] == FAILED
            assert row["production"] == SKIPPED
            assert commit not in frame.deployed
    assert list(frame.deployed) == sorted(frame.deployed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("approval", "wait_attr"), [(REJECT, "approve_after_s"),
                                                      (NO_ANSWER, "approval_timeout_s")])
def test_rejected_or_unanswered_approval_fails_when_the_answer_or_timeout_comes(
        seed, approval, wait_attr):
    spec = PipelineSpec(mode=DELIVERY, commits=1, approval=approval)
    pipeline = finished(spec, seed)
    asked = first(pipeline, 1, "approval", RUNNING)
    failed = first(pipeline, 1, "approval", FAILED)
    assert failed.t - asked.t == pytest.approx(getattr(spec, wait_attr))


@pytest.mark.parametrize("seed", SEEDS)
def test_an_approval_that_comes_after_the_timeout_is_no_approval(seed):
    spec = PipelineSpec(mode=DELIVERY, commits=1, approval=APPROVE, approve_after_s=900.0,
                        approval_timeout_s=600.0)
    pipeline = finished(spec, seed)
    asked = first(pipeline, 1, "approval", RUNNING)
    failed = first(pipeline, 1, "approval", FAILED)
    assert failed is not None and failed.t - asked.t == pytest.approx(600.0)
    assert pipeline.frame().deployed == ()


def test_same_seed_same_pipeline_other_seed_other_timing():
    spec = PipelineSpec(commits=3)
    a, b, c = (finished(spec, seed).events for seed in (4, 4, 5))
    assert a == b
    assert [e.t for e in a] != [e.t for e in c]
    for commit in (1, 2, 3):  # the same path through the stages, at other moments
        assert ([(e.stage, e.state) for e in a if e.commit == commit]
                == [(e.stage, e.state) for e in c if e.commit == commit])


def test_the_frame_during_a_run_shows_where_each_commit_is():
    pipeline = Pipeline(PipelineSpec(mode=DELIVERY, commits=2), 1)
    pipeline.advance(30)
    frame = pipeline.frame()
    assert frame.t == 30
    assert frame.stages[0][STAGES.index("build")] == RUNNING
    assert all(state not in (RUNNING, PASSED) for state in frame.stages[1])  # not committed yet
    assert frame.deployed == ()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_broken_main_line_ships_nothing_until_the_fix(seed):
    spec = PipelineSpec(mode=DEPLOYMENT, commits=4, failing_commit=2, fixed_by=4)
    frame = finished(spec, seed).frame()
    tests = [dict(zip(STAGES, row, strict=True))["test"] for row in frame.stages]
    assert tests == [PASSED, FAILED, FAILED, PASSED]
    assert frame.deployed == (1, 4)


@pytest.mark.parametrize("seed", SEEDS)
def test_integration_is_build_and_test_only(seed):
    pipeline = finished(PipelineSpec(mode=INTEGRATION, commits=3), seed)
    for row in pipeline.frame().stages:
        states = dict(zip(STAGES, row, strict=True))
        assert [states[s] for s in ("source", "build", "test")] == [PASSED] * 3
        assert all(states[s] == SKIPPED for s in STAGES[3:])
    assert {e.stage for e in pipeline.events} == {"source", "build", "test"}
    assert pipeline.frame().deployed == ()
