"""Every exercise's reference solution and every known-bad attempt, in Korean and English, entered
as the practice screen enters them, and the grade report the screen shows for each.

Headless: `run_as_the_screen` (tests/support.py) does what the screen does with console lines,
and `grade_report` is the text the screen puts in its grade panel. The pilot tests in
test_app_practice.py check, for one solution and one known-bad attempt, that the screen gives
the same grade and shows this report.
"""

from __future__ import annotations

import re

import pytest

from app.ui.widgets.grade_view import grade_report
from app.words import render, word
from models.grading import criterion_label, grade
from models.practice_session import PracticeSession
from tests.support import commands, loaded_exercises, plain, run_as_the_screen

EXERCISES = loaded_exercises()
BAD = [(e.id, b) for e in EXERCISES.values() for b in e.bad]
BAD_IDS = [f"{eid}:{b.id}" for eid, b in BAD]
LANGS = ("ko", "en")


def seconds(t: float) -> str:
    return f"{t:,.0f}" if t >= 100 else f"{t:,.1f}"


def report_of(session: PracticeSession, lang: str) -> str:
    """The grade panel's text, as the screen draws it right after grading."""
    return plain(grade_report(session.grade, lang, efficiency=session.efficiency(),
                              note=word("practice.grade.saved", lang)))


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_reference_solution_reaches_the_goal_on_its_last_line_and_passes(exercise_id):
    exercise = EXERCISES[exercise_id]
    lines = commands(exercise.solution)
    session = run_as_the_screen(exercise, exercise.solution)
    # Every line parsed and ran, and the goal graded the attempt on the last one, not before.
    assert [a.text() for a in session.actions] == lines
    assert commands(session.commands_text()) == lines
    assert session.graded and session.grade.passed and session.grade.score == 100
    assert [a.text() for a in session.grade.actions] == lines
    for lang in LANGS:
        report = report_of(session, lang)
        assert word("practice.eff.heading", lang) in report
        assert word("practice.eff.commands", lang, n=len(lines), ref=len(lines)) in report
        assert word("practice.grade.saved", lang) in report
        assert "◀" not in report  # no command is blamed


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_reference_solution_is_graded_by_the_goal_not_by_the_learner(exercise_id):
    """Its last command reaches the goal: grading comes without Ctrl+D; one command less
    does not reach it."""
    exercise = EXERCISES[exercise_id]
    lines = commands(exercise.solution)
    session = PracticeSession(exercise)
    reached = []
    for line in lines:
        session.begin(session.parse(line))
        session.finish_current()
        reached.append(session.goal_now())
    assert reached == [False] * (len(lines) - 1) + [True]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("exercise_id", "bad"), BAD, ids=BAD_IDS)
def test_a_known_bad_attempt_names_the_rule_the_moment_and_the_line(exercise_id, bad, lang):
    exercise = EXERCISES[exercise_id]
    session = run_as_the_screen(exercise, bad.script)
    result = session.grade.criterion(bad.fails)
    assert not session.grade.passed and not result.passed
    # The console numbers commands (comments and blank lines are not commands).
    script_lines = [a.line for a in exercise.parse(bad.script).actions]
    line = script_lines.index(bad.line) + 1
    assert result.line == line
    expected = grade(exercise, bad.script).criterion(bad.fails)
    assert result.t == expected.t
    report = report_of(session, lang)
    command = session.grade.command(line)
    assert command == commands(bad.script)[line - 1]
    at = word("practice.grade.at", lang, t=seconds(expected.t), line=line, command=command)
    assert at in report
    # In the listing, the command carries ◀ and the names of the rules it broke.
    label = re.escape(render(criterion_label(bad.fails), lang))
    assert re.search(rf"{line} {re.escape(command)} ◀ [^◀]*{label}", report), report
    assert word("practice.eff.heading", lang) not in report  # efficiency only after a pass
