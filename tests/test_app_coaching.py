"""Pilot tests of practice mode's live coaching: each command's mark says what it did to users.

One app session per test, commands set as the console's value and entered (instant), no sleeps.
"""

from __future__ import annotations

from app.ui.app import DeployLabApp
from app.ui.screens.practice import PracticeScreen
from lessons.exercises import load_exercises
from tests.support import commands, enter

SIZE = (120, 36)
EXERCISES = load_exercises()
MISTAKE = ("launch green 4 v102", "register green", "deregister blue")


def result_lines(screen: PracticeScreen) -> list[str]:
    """Each command's result in the log, as the learner reads it (mark, message, reasons)."""
    return [screen.log_text(kind, payload).plain for kind, payload in screen._log
            if kind == "result"]


async def test_the_mistake_gets_a_warning_then_a_failure_and_a_correct_run_only_ticks():
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen("bluegreen", "en")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        for line in MISTAKE:
            await enter(pilot, screen, line)
        marks = result_lines(screen)
        assert [m.split()[0] for m in marks] == ["✓", "✓", "⚠"]
        # The risk is said in words, with the reason, not only by colour.
        assert "at risk" in marks[2]
        assert ("blue is draining and green is still `initial`: the load balancer has no "
                "healthy target") in marks[2]
        await enter(pilot, screen, "wait 30")
        failing = result_lines(screen)[-1]
        assert failing.startswith("    ✗ ") and "users failing" in failing
        count = int(failing.split("users failing: ")[1].split()[0])
        assert count == screen.session.sim.metrics.failed > 0
        assert "No server was in service to take it." in failing
        # A correct attempt: nothing but ticks, up to the grade.
        await pilot.press("escape", "r")
        solution = EXERCISES["bluegreen"].solution
        for line in commands(solution):
            await enter(pilot, screen, line)
        assert screen.graded and screen.session.grade.passed
        marks = result_lines(screen)[-len(commands(solution)):]
        assert all(m.startswith("    ✓ ") and "⚠" not in m and "✗" not in m for m in marks)


async def test_exam_mode_shows_no_marks_until_the_grade_and_grades_the_same():
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen("bluegreen", "en")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        await pilot.press("escape", "x", "i")  # the toggle is a letter key outside the input
        assert screen.exam
        assert "exam mode" in str(screen.query_one("#practice-bar").content)
        for line in (*MISTAKE, "wait 30"):
            await enter(pilot, screen, line)
        marks = result_lines(screen)
        assert all(m.startswith("    · ") for m in marks)
        assert not any(sign in m for m in marks for sign in "✓⚠✗")
        await pilot.press("ctrl+d")
        assert screen.graded and not screen.session.grade.passed
        assert [m.split()[0] for m in result_lines(screen)] == ["✓", "✓", "⚠", "✗"]
