"""Pilot tests of hints that read the state, and of recording what helped an attempt.

Commands are set as the console's value and entered (instant). The hint shown is the one about
the criterion the run is closest to breaking (or has broken); the hint tiers opened and the
solution seen go with the graded attempt into the store and `deploylab progress --export`; in
the quiz's practical (exam mode) no mark shows until the grade, and no solution is offered.
"""

from __future__ import annotations

import json

from app.cli.main import main
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.practice import PracticeScreen
from app.ui.screens.quiz import QuizScreen
from app.words import render, word
from models.grading import criterion_label, grade
from models.quiz import PRACTICAL, Quiz, QuizText
from tests.support import commands, enter, loaded_exercises, loaded_quizzes, new_app, settle

SIZE = (120, 36)
EXERCISES = loaded_exercises()


def hint_text(screen: PracticeScreen) -> str:
    return " ".join(str(screen.query_one("#practice-hint").content).split())


def grade_text(screen: PracticeScreen) -> str:
    return " ".join(str(screen.query_one("#practice-grade").content).split())


def about(criterion: str, lang: str = "en") -> str:
    return render(criterion_label(criterion), lang)


def tier(exercise_id: str, criterion: str, k: int, lang: str = "en") -> str:
    return " ".join(EXERCISES[exercise_id].text(lang).tiers(criterion)[k].split())


async def open_practice(pilot, exercise: str, lang: str = "en") -> PracticeScreen:
    screen = PracticeScreen(exercise, lang, instant=True)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_after_a_mistake_the_hint_is_about_the_rule_it_broke_not_the_first_one():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "in-place")
        # before any command: the first criterion's hint
        assert word("practice.hint.none", "en", about=about("zero-downtime")) in hint_text(screen)
        await pilot.press("ctrl+t")
        assert tier("in-place", "zero-downtime", 0) in hint_text(screen)
        # three of four out at once: fewer than two serve, a capacity mistake
        await enter(pilot, screen, "deregister web-1 web-2 web-3")
        assert screen.session.focus() == "capacity"
        text = hint_text(screen)
        assert word("practice.hint.none", "en", about=about("capacity")) in text
        assert tier("in-place", "zero-downtime", 0) not in text
        await pilot.press("ctrl+t", "ctrl+t")
        text = hint_text(screen)
        assert word("practice.hint.heading", "en", k=2, n=3, about=about("capacity")) in text
        assert tier("in-place", "capacity", 0) in text and tier("in-place", "capacity", 1) in text
        assert tier("in-place", "capacity", 2) not in text  # the commands come last
        assert screen.hints_open == {"zero-downtime": 1, "capacity": 2}
        # undo the mistake: the hint is about the first criterion again, its tier still open
        await pilot.press("ctrl+z")
        assert tier("in-place", "zero-downtime", 0) in hint_text(screen)
        assert word("practice.hint.used", "en", n=3) in hint_text(screen)
        # Closed and opened again, the exercise still knows what was seen (its next attempt
        # would record three hints); another exercise starts with none.
        await pilot.press("escape", "escape")
        await settle(pilot, lambda: screen not in app.screen_stack, "the practice screen closed")
        again = await open_practice(pilot, "in-place")
        assert again.hints_open == {"zero-downtime": 1, "capacity": 2}
        assert tier("in-place", "zero-downtime", 0) in hint_text(again)
        assert word("practice.hint.used", "en", n=3) in hint_text(again)
        app.pop_screen()
        other = await open_practice(pilot, "bluegreen")
        assert other.hints_used == 0 and not other.solution_seen


async def test_korean_hints_follow_the_state_too():
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen-in-server", "ko")
        await enter(pilot, screen, "launch web 1 v102")  # a second host: not in-server
        await pilot.press("ctrl+t")
        assert screen.session.focus() == "strategy"
        assert tier("bluegreen-in-server", "strategy", 0, "ko") in hint_text(screen)
        assert word("practice.hint.heading", "ko", k=1, n=3,
                    about=about("strategy", "ko")) in hint_text(screen)


async def test_hints_and_the_solution_are_saved_with_the_attempt_and_exported(tmp_path):
    app = new_app(lang="en", instant=True)
    solution = commands(EXERCISES["bluegreen"].solution)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        await pilot.press("ctrl+t", "ctrl+t")
        for line in solution:
            await enter(pilot, screen, line)
        assert screen.graded and screen.session.grade.passed
        assert word("practice.aid.passed_hints", "en", n=2) in grade_text(screen)
        [first] = app.store.practice_attempts("bluegreen")
        assert (first.passed, first.hints_used, first.solution_seen) == (True, 2, False)
        assert (first.section_id, first.lang) == ("5.2.2", "en")

        # the solution, watched: its own run is not saved, the next attempt says it was seen
        await pilot.press("s")
        await settle(pilot, lambda: app.screen is not screen, "the confirmation")
        await pilot.press("y")
        await settle(pilot, lambda: screen.graded and screen.session.demo, "the demo's grade")
        assert len(app.store.practice_attempts("bluegreen")) == 1
        await pilot.press("r")
        for line in solution:
            await enter(pilot, screen, line)
        assert screen.graded and screen.session.grade.passed
        assert word("practice.aid.passed_solution", "en") in grade_text(screen)
        after = app.store.practice_attempts("bluegreen")[-1]
        assert (after.passed, after.solution_seen, after.counts_as_passed) == (True, True, False)

    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "in-place", "ko")
        await pilot.press("escape", "s")
        await settle(pilot, lambda: app.screen is not screen, "the confirmation")
        await pilot.press("y")
        await settle(pilot, lambda: screen.graded and screen.session.demo, "the demo's grade")
        await pilot.press("r")
        for line in commands(EXERCISES["in-place"].solution):
            await enter(pilot, screen, line)
        assert screen.session.grade.passed
        assert word("practice.aid.passed_solution", "ko") in grade_text(screen)
        # a pass after the solution does not mark the exercise passed, on the map either
        assert app.store.summary().exercises["in-place"].passed is False
        assert app.store.summary().exercises["bluegreen"].passed is True
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the map")
        await settle(pilot, lambda: app.screen.counts() is not None, "the map's records")
        assert app.screen.counts()["exercises"] == 1  # bluegreen's, not in-place's

    target = tmp_path / "progress.json"
    assert main(["progress", "--export", str(target)]) == 0
    rows = [r for r in json.loads(target.read_text("utf-8"))["records"]
            if r["kind"] == "practice"]
    assert [(r["item"], r["passed"], r["hints_used"], r["solution_seen"], r["section"], r["lang"])
            for r in rows] == [("bluegreen", True, 2, False, "5.2.2", "en"),
                               ("bluegreen", True, 2, True, "5.2.2", "en"),
                               ("in-place", True, 0, True, "5.1.2", "ko")]


def practical_only() -> Quiz:
    quiz = loaded_quizzes()["5.2.2"]
    question = next(q for q in quiz.questions if q.kind == PRACTICAL)
    texts = {lang: QuizText(text.title, {question.id: text.questions[question.id]})
             for lang, text in quiz.texts.items()}
    return Quiz(quiz.id, (question,), texts)


async def test_the_quizs_practical_is_an_exam_no_marks_until_the_grade_and_no_solution():
    app = new_app(lang="en", instant=True)
    quiz = practical_only()
    exercise = EXERCISES[quiz.questions[0].exercise]
    mistake = ("launch green 4 v102", "register green", "deregister blue", "wait 30")
    async with app.run_test(size=SIZE) as pilot:
        quiz_screen = QuizScreen(quiz, seed=1)
        await app.push_screen(quiz_screen)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PracticeScreen), "the practical")
        screen = app.screen
        screen._instant_arg = True
        assert screen.exam and screen.exercise_locked
        for line in mistake:
            await enter(pilot, screen, line)
        results = [screen.log_text(k, p).plain for k, p in screen._log if k == "result"]
        assert results and all(r.startswith("    · ") for r in results)
        assert not any(mark in r for r in results for mark in "✓⚠✗")
        assert not screen.check_action("solution", ())
        assert not screen.query_one("#ctl-solution").display  # no button for it either
        await pilot.press("ctrl+d")
        assert screen.graded
        marks = [screen.log_text(k, p).plain.split()[0] for k, p in screen._log if k == "result"]
        assert marks == ["✓", "✓", "⚠", "✗"]
        expected = grade(exercise, "\n".join(mistake))
        assert (screen.session.grade.passed, screen.session.grade.score) == \
            (expected.passed, expected.score)  # exam mode keeps the grade
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is quiz_screen, "back in the quiz")
        answer = quiz_screen.run.answer_at(0)
        assert answer.passed is False and answer.score == expected.score / 100
