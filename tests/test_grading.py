"""The grader: references pass, known-bad attempts fail on the named criterion and line, the grade
is the same for the same seed, and the rules are judged over the whole run, not by luck."""

from __future__ import annotations

import dataclasses
import re

import pytest

from app.words import render, rendered
from models.exercises import CRITERIA
from models.grading import goal_reached, grade, grade_live, grade_once, grade_run
from models.practice import parse_line
from tests.support import loaded_exercises

EXERCISES = loaded_exercises()
SEED_OFFSETS = (0, 1, 2)
REQUIRED = ("bluegreen", "bluegreen-in-server", "in-place", "bluegreen-bad-build")
HANGUL = re.compile(r"[가-힣]")


def test_the_four_exercises_of_the_issue_and_the_variants_exist():
    assert set(REQUIRED) <= set(EXERCISES)
    variants = {e.id: e for e in EXERCISES.values() if e.base == "bluegreen"}
    assert variants["bluegreen-6"].scenario.servers == 6
    assert variants["bluegreen-slow-start"].params.fault == "slow-start"
    assert variants["bluegreen-bad-build"].params.fault == "bad-build"
    for exercise in EXERCISES.values():
        assert "zero-downtime" in [c.id for c in exercise.criteria]
        assert set(exercise.texts) == {"ko", "en"}


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
@pytest.mark.parametrize("offset", SEED_OFFSETS)
def test_the_reference_solution_passes_with_full_marks(exercise_id, offset):
    exercise = EXERCISES[exercise_id]
    result = grade(exercise, exercise.solution, exercise.seed + offset)
    assert result.passed, [(c.id, render(c.note, "en")) for c in result.failed]
    assert result.score == 100
    assert result.facts["failed"] == 0


CASES = [(e.id, bad.id) for e in EXERCISES.values() for bad in e.bad]


@pytest.mark.parametrize(("exercise_id", "bad_id"), CASES)
@pytest.mark.parametrize("offset", SEED_OFFSETS)
def test_each_known_bad_attempt_fails_on_its_criterion_at_its_line(exercise_id, bad_id, offset):
    exercise = EXERCISES[exercise_id]
    bad = next(b for b in exercise.bad if b.id == bad_id)
    result = grade(exercise, bad.script, exercise.seed + offset)
    criterion = result.criterion(bad.fails)
    assert not result.passed and result.score < 100
    assert not criterion.passed
    assert criterion.line == bad.line
    assert criterion.t is not None and criterion.t >= 0
    # The message points at the command the learner wrote on that line.
    command = result.command(bad.line)
    assert command and command in render(criterion.note, "en")
    assert command in render(criterion.note, "ko")


def test_every_criterion_is_the_named_failure_of_some_known_bad_attempt():
    named = {(e.id, b.fails) for e in EXERCISES.values() for b in e.bad}
    for exercise in EXERCISES.values():
        for spec in exercise.criteria:
            assert (exercise.id, spec.id) in named, (exercise.id, spec.id)


@pytest.mark.parametrize("exercise_id", REQUIRED)
def test_the_same_attempt_and_seed_give_the_same_grade(exercise_id):
    exercise = EXERCISES[exercise_id]
    attempts = [exercise.solution] + [b.script for b in exercise.bad]
    # Each run is deterministic (one run per seed here: the three-run verdict is made of them).
    for seed in (1, 2, 3):
        for text in attempts:
            first = rendered(grade_once(exercise, text, seed).as_dict(), "en")
            assert rendered(grade_once(exercise, text, seed).as_dict(), "en") == first
    verdict = rendered(grade(exercise, attempts[-1]).as_dict(), "en")
    assert rendered(grade(exercise, attempts[-1]).as_dict(), "en") == verdict
    requests = {grade_once(exercise, exercise.solution, seed).facts["requests"]
                for seed in (1, 2, 3)}
    assert len(requests) > 1  # the seed does shape the traffic


def test_order_is_judged_by_what_was_stopped_not_by_whether_a_request_was_unlucky():
    # With almost no traffic nothing is in flight, so no request fails; stopping blue while it
    # is still registered is wrong all the same.
    exercise = EXERCISES["bluegreen"]
    quiet = dataclasses.replace(exercise, params=exercise.params.with_(rps=0.0001))
    result = grade(quiet, "launch green 4 v102\nregister green\nwait healthy green\n"
                          "terminate blue\n")
    assert result.facts["failed"] == 0
    assert result.criterion("zero-downtime").passed
    order = result.criterion("order")
    assert not order.passed and order.line == 4
    assert "blue-1" in render(order.note, "en")


def test_a_deregister_that_leaves_nothing_serving_is_blamed_with_how_low_it_went():
    exercise = EXERCISES["bluegreen"]
    result = grade(exercise, "launch green 4 v102\nregister green\nderegister blue\nwait 30\n")
    capacity = result.criterion("capacity")
    assert (capacity.line, capacity.t) == (3, 40.0)
    assert "fell to 0" in render(capacity.note, "en")
    assert "0대로" in render(capacity.note, "ko")
    downtime = result.criterion("zero-downtime")
    assert downtime.line == 3 and downtime.t > 40.0
    assert "No server was in service" in render(downtime.note, "en")


def test_the_terminate_that_cut_requests_in_flight_is_the_line_blamed():
    exercise = EXERCISES["bluegreen"]
    text = "launch green 4 v102\nregister green\nwait healthy green\nderegister blue\n" \
           "terminate blue\nwait 30\n"
    for seed in (1, 2, 3, 4, 5):
        result = grade(exercise, text, seed)
        order = result.criterion("order")
        assert order.line == 5 and "draining" in render(order.note, "en")
        downtime = result.criterion("zero-downtime")
        if not downtime.passed:  # a request was in flight on blue: it was cut at line 5
            assert downtime.line == 5 and "cut off" in render(downtime.note, "en")


def test_the_bad_build_is_cleaned_up_without_users_ever_reaching_green():
    exercise = EXERCISES["bluegreen-bad-build"]
    result = grade(exercise, exercise.solution)
    assert result.passed
    # `wait ready` on the broken green is an error the learner sees, with its line: HTTP 500.
    assert [line for line, _msg in result.errors] == [3]
    assert "HTTP 500" in render(result.errors[0][1], "en")
    pushed = grade(exercise, "launch green 4 v102\nregister green\nwait 120\nderegister blue\n"
                             "wait 30\n")
    no_green = pushed.criterion("no-green-traffic")
    assert not no_green.passed and no_green.line == 2
    # Green became reachable only when blue left and every target left was unhealthy.
    assert no_green.t == pytest.approx(160.0)
    assert pushed.criterion("zero-downtime").line == 2  # the HTTP 500s of the broken build
    assert "HTTP 500" in render(pushed.criterion("zero-downtime").note, "en")


def test_in_server_switch_to_a_slot_that_does_not_answer_is_blamed_on_the_switch():
    exercise = EXERCISES["bluegreen-in-server"]
    result = grade(exercise, "start web-1:8082 v102\nswitch web-1 8082\nwait 30\n")
    assert result.criterion("zero-downtime").line == 2
    order = result.criterion("order")
    assert order.line == 2 and "before a health check" in render(order.note, "en")
    assert result.criterion("goal").passed  # v102 did end up live: the path was wrong


def test_score_weighs_the_criteria_that_passed():
    exercise = EXERCISES["bluegreen"]
    bad = next(b for b in exercise.bad if b.id == "blue-left-running")
    result = grade(exercise, bad.script)
    weights = {c.id: c.weight for c in exercise.criteria}
    assert [c.id for c in result.failed] == ["cleanup"]
    assert result.score == round(100 * (sum(weights.values()) - weights["cleanup"])
                                 / sum(weights.values()))


def test_the_json_has_exactly_the_fields_of_the_design():
    exercise = EXERCISES["bluegreen"]
    bad = next(b for b in exercise.bad if b.id == "terminate-while-draining")
    data = rendered(grade(exercise, bad.script).as_dict(), "en")
    assert list(data) == ["exercise", "passed", "score", "criteria", "summary", "runs"]
    assert [list(run) for run in data["runs"]] == [["seed", "passed", "score", "failed"]] * 3
    assert data["exercise"] == "bluegreen" and data["passed"] is False
    for item in data["criteria"]:
        assert list(item) == ["id", "passed", "message", "t", "line"]
        assert item["id"] in CRITERIA
        if item["passed"]:
            assert item["t"] is None and item["line"] is None
        else:
            assert isinstance(item["t"], float) and isinstance(item["line"], int)
    summary = data["summary"]
    assert summary["text"].startswith("Not passed")
    assert summary["commands"] == 5 and summary["reference_commands"] == 7
    assert summary["final_versions"] == {"v102": 4}


def test_messages_come_in_the_learners_language():
    exercise = EXERCISES["in-place"]
    bad = next(b for b in exercise.bad if b.id == "no-wait-for-drain")
    result = grade(exercise, bad.script)
    for criterion in result.criteria:
        ko, en = render(criterion.note, "ko"), render(criterion.note, "en")
        assert HANGUL.search(ko) and not HANGUL.search(en)
    assert rendered(result.as_dict(), "ko")["summary"]["text"].startswith("아직 통과하지")
    assert rendered(result.as_dict(), "en")["summary"]["text"].startswith("Not passed")


def test_a_run_driven_command_by_command_grades_like_a_whole_script():
    """The practice console runs each command on a live simulation, in small time steps."""
    exercise = EXERCISES["bluegreen"]
    sim = exercise.new_simulation()
    history = ()
    for text in exercise.solution.split("\n"):
        action = parse_line(text, exercise.scenario, history)
        if action is None:
            continue
        sim.begin(action)
        while sim.busy:
            sim.step_until(sim.now + 0.7)  # the UI's animation ticks
        history += (action,)
    console = rendered(grade_live(exercise, sim)[0].as_dict(), "en")
    script = rendered(grade(exercise, "\n".join(a.text() for a in history)).as_dict(), "en")
    assert console == script
    assert console["passed"] and len(console["runs"]) == 3


def test_grading_while_a_command_still_runs_lets_it_finish_first():
    exercise = EXERCISES["in-place"]
    sim = exercise.new_simulation()
    for number, text in enumerate(["deregister web-1", "wait drained web-1",
                                   "deploy web-1 v102"], 1):
        sim.begin(parse_line(text, exercise.scenario, tuple(r.action for r in sim.results)))
        if number < 3:
            sim.run_current()
    sim.step_until(sim.now + 3)  # the deploy is mid-way
    assert sim.busy
    result = grade_run(exercise, sim)
    assert [a.text() for a in result.actions][-1] == "deploy web-1 v102"
    assert not sim.busy
    assert result.criterion("order").passed and result.criterion("zero-downtime").passed
    assert not result.criterion("goal").passed


def test_goal_reached_reads_the_live_run_without_finishing_it():
    exercise = EXERCISES["bluegreen"]
    sim = exercise.new_simulation()
    steps = list(exercise.parse(exercise.solution).actions)
    for action in steps[:-1]:
        sim.run(action)
        assert not goal_reached(exercise, sim)  # blue still runs until the last command
    sim.run(steps[-1])
    requests = sim.metrics.requests
    assert goal_reached(exercise, sim)
    sim.advance(10)
    assert sim.metrics.requests > requests  # traffic still flows: nothing was finished
    assert grade_run(exercise, sim).passed


def test_an_attempt_with_no_commands_fails_the_goal_at_the_start_state():
    exercise = EXERCISES["bluegreen"]
    result = grade_run(exercise, exercise.new_simulation())
    assert not result.passed
    goal = result.criterion("goal")
    assert goal.line is None and "the start state" in render(goal.note, "en")
    assert result.criterion("zero-downtime").passed and result.facts["commands"] == 0


def test_grade_and_simulate_count_final_versions_the_same_way_for_a_broken_green():
    """One definition of `final_versions`: a routed target answering HTTP 500 serves nothing.

    Before the two were one function, the engine counted green ×4 as v102 here while the grade
    said nothing served."""
    from models.engine import Simulation
    from models.report import RunReport

    exercise = EXERCISES["bluegreen-bad-build"]
    script = next(b.script for b in exercise.bad if b.id == "registered-broken-green")
    result = grade(exercise, script)
    sim = Simulation(exercise.scenario, exercise.params, exercise.seed)
    for action in exercise.parse(script).actions:
        sim.run(action)
    sim.finish()
    report = RunReport(None, sim, "failed")
    assert result.facts["final_versions"] == report.summary()["final_versions"] == {}
    for key in ("requests", "failed", "min_serving", "max_instances", "instance_seconds"):
        assert result.facts[key] == report.summary()[key]


# --- the strategy an exercise teaches ----------------------------------------------------
@pytest.mark.parametrize(("exercise_id", "bad_id", "line", "en", "ko"), [
    ("in-place", "new-servers", 1, "new instances were created (web-5, web-6, web-7, web-8)",
     "새 인스턴스(web-5, web-6, web-7, web-8)를 만들었습니다"),
    ("bluegreen-in-server", "second-host", 1, "another host was created (web-2)",
     "호스트(web-2)를 하나 더 만들었습니다"),
])
def test_another_strategy_passes_every_rule_but_the_strategy_blamed_on_its_launch(
        exercise_id, bad_id, line, en, ko):
    """Blue/green inside in-place, or a second host for in-server: users saw nothing wrong, so
    only the strategy criterion can tell, and it names the launch that created instances."""
    exercise = EXERCISES[exercise_id]
    bad = next(b for b in exercise.bad if b.id == bad_id)
    result = grade(exercise, bad.script)
    assert [c.id for c in result.failed] == ["strategy"]
    strategy = result.criterion("strategy")
    assert strategy.line == line and result.command(line).startswith("launch web")
    assert f"line {line} ({result.command(line)})" in render(strategy.note, "en")
    assert en in render(strategy.note, "en") and ko in render(strategy.note, "ko")


def test_in_server_must_move_traffic_by_switching_nginx():
    exercise = EXERCISES["bluegreen-in-server"]
    restarted = grade(exercise, "start web-1:8082 v102\nwait healthy web-1:8082\n"
                                "stop web-1:8081\nstart web-1:8081 v102\n"
                                "wait healthy web-1:8081\n")
    assert restarted.criterion("goal").passed  # v102 is live, but not by a switch
    strategy = restarted.criterion("strategy")
    assert not strategy.passed and strategy.line == 5
    assert "nginx was never switched" in render(strategy.note, "en")
    assert "nginx를 한 번도 전환하지 않았습니다" in render(strategy.note, "ko")
    reference = grade(exercise, exercise.solution).criterion("strategy")
    assert reference.passed and "stayed on web-1" in render(reference.note, "en")


def test_the_strategy_criterion_is_on_the_exercises_that_teach_one():
    assert EXERCISES["in-place"].criterion("strategy").new_instances is False
    in_server = EXERCISES["bluegreen-in-server"].criterion("strategy")
    assert (in_server.new_instances, in_server.switch) == (False, True)
    # Server-level blue/green creates instances by design: no such rule there.
    assert "strategy" not in [c.id for c in EXERCISES["bluegreen"].criteria]


# --- switching back to the old slot ------------------------------------------------------
SWITCHED = "start web-1:8082 v102\nwait healthy web-1:8082\nswitch web-1 8082\n"


def test_switching_back_to_the_old_slot_that_still_runs_is_a_checked_switch():
    """The recipe's instant rollback: 8081 has served all along, so going back is safe."""
    exercise = EXERCISES["bluegreen-in-server"]
    result = grade(exercise, SWITCHED + "switch web-1 8081\n")
    assert result.criterion("order").passed, render(result.criterion("order").note, "en")
    assert result.criterion("zero-downtime").passed
    assert not result.criterion("goal").passed  # rolled back: v101 serves again


def test_switching_to_a_fresh_process_nobody_checked_is_still_unchecked():
    exercise = EXERCISES["bluegreen-in-server"]
    result = grade(exercise, SWITCHED + "stop web-1:8081\nstart web-1:8081 v101\nwait 30\n"
                                        "switch web-1 8081\n")
    order = result.criterion("order")
    assert not order.passed and order.line == 7
    assert "before a health check had passed there" in render(order.note, "en")
