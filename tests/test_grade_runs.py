"""Verdicts that do not depend on luck: an attempt is graded on three runs of the same traffic
(the exercise's seed and two derived from it), passes only if all three pass, and an attempt
that passes on some runs only is told it depends on timing and what to wait for; `grade
--json` lists the runs, and practice mode grades the live run by the same rule."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from app.cli.main import main
from app.ui.widgets.grade_view import grade_report
from app.words import render
from models.grading import grade, grade_live, grade_once, run_seeds
from tests.support import loaded_exercises, plain, run_as_the_screen

EXERCISES = loaded_exercises()
IN_PLACE = EXERCISES["in-place"]
# The book's in-place steps, but waiting for only one of the first batch's two servers before
# taking out the next two: whether web-2 is back in service by then is down to timing.
LUCKY = """deregister web-1
deregister web-2
wait drained web-1
wait drained web-2
deploy web-1 v102
deploy web-2 v102
register web-1
register web-2
wait healthy web-1
deregister web-3
deregister web-4
wait drained web-3
wait drained web-4
deploy web-3 v102
deploy web-4 v102
register web-3
register web-4
wait healthy web-3
wait healthy web-4
"""
TIMING_EN = ("passed on 2 of 3 runs of the same traffic: this attempt depends on timing; "
             "wait for web-2 to be healthy (wait healthy) before line 11 (deregister web-4)")
TIMING_KO = ("같은 트래픽으로 3번 실행해 2번만 통과했습니다. "
             "이 시도는 타이밍에 따라 결과가 달라집니다. "
             "11번째 줄(deregister web-4) 전에 web-2 서버가 정상(healthy)이 될 때까지 기다리세요")


def graded_json(tmp_path: Path, capsys, exercise: str, script: str, lang: str = "en"
                ) -> tuple[int, dict]:
    path = tmp_path / "attempt.txt"
    path.write_text(script, "utf-8")
    code = main(["grade", exercise, str(path), "--json", "--lang", lang])
    return code, json.loads(capsys.readouterr().out)


def test_the_runs_are_the_exercises_seed_and_two_derived_from_it():
    assert run_seeds(1) == (1, 1001, 2001) and run_seeds(6) == (6, 1006, 2006)
    assert [run.seed for run in grade(IN_PLACE, IN_PLACE.solution).runs] == [1, 1001, 2001]


def test_the_lucky_attempt_passes_on_the_exercises_seed_alone():
    """What the rule is for: one run on the exercise's seed passes this attempt."""
    assert grade_once(IN_PLACE, LUCKY).passed
    assert not grade_once(IN_PLACE, LUCKY, 1001).passed


def test_an_attempt_that_depends_on_timing_fails_and_says_what_to_wait_for():
    result = grade(IN_PLACE, LUCKY)
    assert not result.passed
    assert [(r.seed, r.passed) for r in result.runs] == [(1, True), (1001, False), (2001, True)]
    # The criteria and facts are the failing run's: capacity fell at the second deregister.
    assert result.seed == 1001 and result.facts["seed"] == 1001
    assert [c.id for c in result.failed] == ["capacity"]
    assert result.criterion("capacity").line == 11
    assert TIMING_EN in render(result.summary_note(), "en")
    assert TIMING_KO in render(result.summary_note(), "ko")
    assert result.score == result.runs[1].score < 100


def test_grade_json_lists_each_run_and_the_readable_grade_says_it_depends_on_timing(
        tmp_path, capsys):
    code, data = graded_json(tmp_path, capsys, "in-place", LUCKY)
    assert code == 1 and data["passed"] is False
    assert data["runs"] == [
        {"seed": 1, "passed": True, "score": 100, "failed": []},
        {"seed": 1001, "passed": False, "score": data["score"], "failed": ["capacity"]},
        {"seed": 2001, "passed": True, "score": 100, "failed": []}]
    assert data["summary"]["seed"] == 1001 and TIMING_EN in data["summary"]["text"]
    capacity = next(c for c in data["criteria"] if c["id"] == "capacity")
    assert capacity["passed"] is False and capacity["line"] == 11
    path = tmp_path / "attempt.txt"
    assert main(["grade", "in-place", str(path), "--lang", "en"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert TIMING_EN in out
    assert "Passed on 2 of 3 runs of the same traffic (seeds 1, 1001, 2001)" in out


def test_an_attempt_that_passes_passes_on_all_three_runs(tmp_path, capsys):
    for exercise in EXERCISES.values():
        code, data = graded_json(tmp_path, capsys, exercise.id, exercise.solution)
        assert code == 0 and data["passed"] is True
        assert data["runs"] == [{"seed": seed, "passed": True, "score": 100, "failed": []}
                                for seed in run_seeds(exercise.seed)]
        assert data["summary"]["seed"] == exercise.seed


def test_an_attempt_wrong_on_every_run_reports_the_exercises_seed_without_a_timing_note():
    bad = next(b for b in IN_PLACE.bad if b.id == "no-wait-for-drain")
    result = grade(IN_PLACE, bad.script)
    assert [r.passed for r in result.runs] == [False] * 3 and result.seed == IN_PLACE.seed
    assert "depends on timing" not in render(result.summary_note(), "en")


def test_practice_grades_the_live_run_by_the_same_three_run_rule():
    """The screen's run is the first; the learner's commands run again on the other seeds,
    and the run shown (and replayed) afterwards is the one that failed."""
    session = run_as_the_screen(IN_PLACE, LUCKY)
    result = session.grade
    assert not result.passed and [r.passed for r in result.runs] == [True, False, True]
    assert session.sim.seed == 1001 and result.criterion("capacity").line == 11
    for lang, text in (("en", TIMING_EN), ("ko", TIMING_KO)):
        assert text in " ".join(plain(grade_report(result, lang)).split())
    first = session.first_failure_stop()
    replayed = session.replay(first)
    assert replayed.seed == 1001 and replayed.metrics.serving < 2  # the moment capacity fell


def test_a_live_run_is_run_again_with_the_same_time_between_its_commands():
    """Ten simulated seconds between the deregister and the deploy let web-1 drain on every
    run; run back to back, the deploy would stop it while it drains."""
    sim = IN_PLACE.new_simulation()
    for number, text in enumerate(["deregister web-1", "deploy web-1 v102", "register web-1",
                                   "wait healthy web-1"], 1):
        if number == 2:
            sim.advance(10)
        sim.run(IN_PLACE.parse(text).actions[0]._replace(line=number))
    result, _shown = grade_live(IN_PLACE, sim)
    assert [r.failed for r in result.runs] == [("goal",)] * 3  # only one server got v102
    assert grade(IN_PLACE, "deregister web-1\ndeploy web-1 v102\nregister web-1\n"
                           "wait healthy web-1\n").criterion("order").line == 2


def test_a_fixed_wait_that_is_long_enough_only_on_some_runs_is_told_to_wait_for_health():
    """Blue/green with `wait 32` instead of `wait healthy green`: enough on the exercise's
    seed, too short on the other two runs of the same traffic."""
    result = grade(EXERCISES["bluegreen"], "launch green 4 v102\nregister green\nwait 32\n"
                                           "deregister blue\nwait drained blue\nterminate blue\n")
    assert [r.passed for r in result.runs] == [True, False, False]
    assert result.seed == 1001 and result.criterion("capacity").line == 4
    text = render(result.summary_note(), "en")
    assert "passed on 1 of 3 runs of the same traffic: this attempt depends on timing" in text
    assert "to be healthy (wait healthy) before line 4 (deregister blue)" in text


def test_when_the_failure_names_nothing_to_wait_for_the_verdict_names_the_failing_run():
    result = grade(IN_PLACE, LUCKY)
    plain_timing = replace(result, advice=None)
    assert render(plain_timing.summary_note(), "en").endswith(
        "this attempt depends on timing; on the run with seed 1001 it failed capacity. "
        f"Score {result.score}/100.")
    assert "시드 1001로 실행했을 때 서비스 용량 기준을 충족하지 못했습니다" in \
        render(plain_timing.summary_note(), "ko")
