"""Pilot tests of quiz mode: every kind of question answered from the keyboard, right and wrong.

The quiz under test joins the 5.2.1 ordering question to the 5.2.2 quiz (choice, prediction,
practical), so one sitting holds every kind. The practical opens a stand-in practice screen
that dismisses with a real grade from the grader (the reference solution or a known-bad
attempt), which is the interface the real practice screen keeps.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.screen import Screen
from textual.widgets import Static

from app.store import ProgressStore
from app.ui.app import DeployLabApp
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.quiz import (
    ANSWERED,
    ARRANGE,
    ASK,
    END,
    PRACTICE,
    LeaveQuizScreen,
    QuizHelpScreen,
    QuizScreen,
    practice_result,
)
from app.ui.widgets.quiz_view import OptionRow
from app.words import points_text, word
from models.grading import grade
from models.quiz import CHOICE, ORDER, PRACTICAL, PREDICT, Quiz, QuizRun, QuizText
from tests.support import fill_the_disk, loaded_exercises, loaded_quizzes, new_app

SIZE = (100, 30)
SEED = 3
QUIZZES = loaded_quizzes()
EXERCISES = loaded_exercises()


def every_kind_quiz() -> Quiz:
    """5.2.2's quiz (choice, predict, practical) with 5.2.1's ordering question added."""
    base, extra = QUIZZES["5.2.2"], QUIZZES["5.2.1"]
    order = next(q for q in extra.questions if q.kind == ORDER)
    texts = {lang: QuizText(text.title,
                            {**text.questions, order.id: extra.text(lang, order.id)})
             for lang, text in base.texts.items()}
    return Quiz(base.id, (*base.questions, order), texts)


QUIZ = every_kind_quiz()
GRADES = {"pass": grade(EXERCISES["bluegreen"], EXERCISES["bluegreen"].solution),
          "fail": grade(EXERCISES["bluegreen"], EXERCISES["bluegreen"].bad[0].script)}


class StandInPractice(Screen):
    """The practice screen's interface: built with (exercise, lang), dismissed with a grade."""

    BINDINGS = [("p", "finish('pass')"), ("f", "finish('fail')"), ("escape", "leave")]
    opened: list[tuple[str, str]] = []

    def __init__(self, exercise: str, lang: str):
        super().__init__()
        StandInPractice.opened.append((exercise, lang))

    def compose(self):
        yield Static("practice")

    def action_finish(self, which: str) -> None:
        self.dismiss(GRADES[which])

    def action_leave(self) -> None:
        self.dismiss(None)


def plain(renderable) -> str:
    """A widget's content as plain text, wide enough that no sentence wraps."""
    console = Console(width=2000, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def content_text(screen) -> str:
    """Everything the quiz screen's body holds (on screen or a scroll away)."""
    parts = [plain(w.content) for w in screen.query(Static) if w.display and
             (w.parent is None or w.parent.display)]
    return "\n".join(parts)


def visible_text(app) -> str:
    """The rows of the terminal as drawn right now."""
    return "\n".join("".join(seg.text for seg in strip)
                     for strip in app.screen._compositor.render_strips())


def squash(text: str) -> str:
    return " ".join(text.split())


async def open_quiz_screen(pilot, quiz: Quiz = QUIZ, seed: int | None = SEED,
                           practice=StandInPractice) -> QuizScreen:
    screen = QuizScreen(quiz, seed=seed, practice_screen=practice)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


async def arrange_by_keys(pilot, screen: QuizScreen, wanted: tuple[int, ...]) -> None:
    """Put the steps in `wanted` order with the keyboard only: Space, ↑↓, Space for each."""
    for place, step in enumerate(wanted):
        at = screen.arrangement.index(step)
        while screen.cursor < at:
            await pilot.press("down")
        while screen.cursor > at:
            await pilot.press("up")
        if at != place:
            await pilot.press("space", *["up"] * (at - place), "space")
    await pilot.press("enter")
    await pilot.pause()


def check_choice_feedback(screen: QuizScreen, lang: str, picked: int) -> None:
    """After answering: the verdict, a mark on every option and every option's reason."""
    shown = screen.run.shown(screen.run.position)
    text = squash(content_text(screen))
    right = shown.right[0]
    if picked == right:
        assert word("quiz.result.right", lang) in text
    else:
        assert word("quiz.result.wrong", lang, n=right + 1) in text
    for index in range(len(shown.option_ids)):
        why = shown.why(lang, index)
        if why:
            assert squash(why) in text
    rows = list(screen.query(OptionRow))
    assert rows[right].state.mark == "right"
    assert word("quiz.tag.right", lang) in rows[right].state.tag
    assert word("quiz.tag.yours", lang) in rows[picked].state.tag
    if picked != right:
        assert rows[picked].state.mark == "wrong"
    if shown.explanation(lang):
        assert squash(shown.explanation(lang)) in text


@pytest.mark.parametrize(("lang", "right"), [("en", True), ("ko", False)],
                         ids=["right-en", "wrong-ko"])
async def test_every_kind_answered_from_the_keyboard(lang: str, right: bool, data_dir) -> None:
    """Right answers in English, wrong ones in Korean: every branch of the screen once, and
    each language's words (the catalogue test checks both languages have every word; scores
    and reviews of right and wrong answers in both are checked headless in test_quiz.py)."""
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot)
        kinds = []
        expected = 0.0
        while screen.phase != END:
            shown = screen.shown
            kinds.append(shown.kind)
            assert squash(shown.prompt(lang))[:30] in squash(content_text(screen))
            if shown.kind in (CHOICE, PREDICT):
                assert screen.phase == ASK
                target = shown.right[0] if right else (shown.right[0] + 1) % len(shown.option_ids)
                if shown.kind == PREDICT:  # arrows and Enter for one, a number key for the other
                    while screen.cursor < target:
                        await pilot.press("down")
                    while screen.cursor > target:
                        await pilot.press("up")
                    await pilot.press("enter")
                else:
                    await pilot.press(str(target + 1))
                await pilot.pause()
                check_choice_feedback(screen, lang, target)
                expected += 1.0 if right else 0.0
            elif shown.kind == ORDER:
                assert screen.phase == ARRANGE
                assert word("quiz.how.order", lang) in squash(content_text(screen))
                wanted = shown.right if right else tuple(reversed(shown.right))
                await arrange_by_keys(pilot, screen, wanted)
                answer = screen.answer
                assert answer.given == wanted
                assert answer.credit == (1.0 if right else 0.0)  # reversed earns nothing
                text = squash(content_text(screen))
                verdict = (word("quiz.result.order_right", lang) if right else
                           word("quiz.result.order_wrong", lang, points="0"))
                assert verdict in text
                assert word("quiz.heading.right_order", lang) in text
                for index in range(len(shown.option_ids)):
                    assert squash(shown.why(lang, index)) in text
                expected += answer.credit
            else:
                assert shown.kind == PRACTICAL and screen.phase == PRACTICE
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(app.screen, StandInPractice)
                assert StandInPractice.opened[-1] == (shown.question.exercise, lang)
                await pilot.press("p" if right else "f")
                await pilot.pause()
                assert app.screen is screen
                grade_given = GRADES["pass" if right else "fail"]
                answer = screen.answer
                assert answer.passed is grade_given.passed
                assert answer.credit == pytest.approx(grade_given.score / 100)
                text = squash(content_text(screen))
                key = "quiz.result.passed" if right else "quiz.result.failed"
                assert word(key, lang, score=grade_given.score,
                           points=points_text(answer.credit)) in text
                assert squash(shown.explanation(lang)) in text
                expected += answer.credit
            assert screen.phase == ANSWERED
            await pilot.press("enter")
            await pilot.pause()
        assert sorted(kinds) == sorted([CHOICE, CHOICE, PREDICT, PRACTICAL, ORDER])
        score = screen.run.score()
        assert score.points == pytest.approx(expected)
        text = squash(content_text(screen))
        assert word("quiz.end.score", lang, points=points_text(score.points), possible=5,
                   percent=score.percent, correct=score.correct) in text
        for item in screen.run.review(lang):
            assert squash(item.prompt) in text
            if item.explanation:
                assert squash(item.explanation) in text
            if not item.correct:
                assert word("quiz.end.right", lang) in text
        attempts = app.store.quiz_attempts(QUIZ.id)
        assert len(attempts) == 1
        stored = attempts[0]
        assert (stored.score, stored.max_score) == (score.percent, 100)
        assert stored.started_at <= stored.finished_at
        assert [a["question"] for a in stored.answers] == [q.id for q in screen.run.questions]
        assert word("quiz.end.saved", lang, n=1) in text


async def test_language_switch_keeps_the_question_and_the_answer() -> None:
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot)
        await pilot.press("enter")  # the first option, whatever it is
        await pilot.pause()
        position, answer = screen.run.position, screen.answer
        shown = screen.shown
        en_text = squash(content_text(screen))
        assert squash(shown.prompt("en")) in en_text
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "ko"
        assert screen.run.position == position and screen.answer is answer
        ko_text = squash(content_text(screen))
        assert squash(shown.prompt("ko")) in ko_text
        assert squash(shown.prompt("en")) not in ko_text
        assert word("quiz.bar.counter", "ko", k=shown.number, n=shown.total) in visible_text(app)
        if shown.kind in (CHOICE, PREDICT):
            labels = [row.state.label for row in screen.query(OptionRow)]
            assert labels == list(shown.labels("ko"))
        footer_words = {b.description for b in screen._bindings.key_to_bindings["enter"]}
        assert footer_words == {word("quiz.key.next", "ko")}


async def test_language_switch_while_ordering_keeps_the_arrangement() -> None:
    quiz = QUIZZES["5.2.1"]
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot, quiz, seed=1)
        while screen.phase != ARRANGE:
            await pilot.press("s", "enter")
        await pilot.press("space", "down", "down")
        arranged = list(screen.arrangement)
        assert arranged != list(range(len(arranged)))
        await pilot.press("l")
        await pilot.pause()
        assert screen.arrangement == arranged and screen.grabbed_from is not None
        labels = screen.shown.labels("en")
        assert [row.state.label for row in screen.query(OptionRow)] == [labels[i]
                                                                       for i in arranged]
        assert screen.query(OptionRow)[screen.cursor].state.grabbed


async def test_escape_while_holding_a_step_puts_it_back() -> None:
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot, QUIZZES["5.2.1"], seed=1)
        while screen.phase != ARRANGE:
            await pilot.press("s", "enter")
        before = list(screen.arrangement)
        await pilot.press("down", "space", "down", "down")
        assert screen.arrangement != before
        await pilot.press("escape")
        await pilot.pause()
        assert screen.arrangement == before and screen.grabbed_from is None
        assert app.screen is screen and screen.cursor == 1


async def test_escape_asks_before_throwing_answers_away() -> None:
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_quiz_screen(pilot)
        await pilot.press("escape")  # nothing answered yet: leaves at once
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        screen = await open_quiz_screen(pilot)
        await pilot.press("s")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveQuizScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.run.answered
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        assert app.store.quiz_attempts() == []


async def test_practical_without_a_grade_stays_open_and_skip_counts_zero() -> None:
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot)
        while screen.phase != PRACTICE:
            await pilot.press("s", "enter")
        await pilot.press("enter", "escape")  # into the exercise and out without a grade
        await pilot.pause()
        assert app.screen is screen and screen.phase == PRACTICE
        assert word("quiz.practical.no_grade", "en") in squash(content_text(screen))
        await pilot.press("s")
        await pilot.pause()
        assert screen.answer.skipped and screen.answer.credit == 0
        assert word("quiz.result.skipped", "en") in squash(content_text(screen))


async def test_a_quiz_finished_on_a_full_disk_says_it_is_not_saved() -> None:
    store = ProgressStore.open("default")
    fill_the_disk(store)
    app = new_app(lang="en", instant=True, store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot)
        while not screen.run.finished:
            screen.run.skip()
            screen.run.next()
        await screen.enter_question()  # the end: scored, recorded, shown
        await pilot.pause()
        text = squash(content_text(screen))
        assert "Saved to your progress" not in text  # it said "(attempt 0)"
        assert "Not saved yet" in text and "full" in text
        assert any("could not be saved" in n.message for n in app._notifications)
        assert store.unsaved == 1 and store.quiz_attempts(QUIZ.id) == []


def test_the_app_owns_the_quizzes_and_exercises_it_loaded() -> None:
    """Loaded once per app, not cached in module globals; the screen asks the app."""
    import inspect

    import app.ui.screens.quiz as quiz_screen

    assert "global " not in inspect.getsource(quiz_screen)
    first, second = DeployLabApp(lang="en"), DeployLabApp(lang="en")
    assert first.quizzes() is first.quizzes() and first.quizzes() is not second.quizzes()
    assert first.quizzes() == QUIZZES
    assert first.exercise_title("bluegreen", "ko") == EXERCISES["bluegreen"].texts["ko"].title
    assert first.exercise_title("no-such-exercise", "en") == "no-such-exercise"


def test_practice_result_reads_grades_pairs_and_nothing() -> None:
    assert practice_result(GRADES["pass"]) == (True, 100.0)
    assert practice_result((False, 40)) == (False, 40.0)
    assert practice_result(None) is None
    assert practice_result("graded") is None


async def test_default_seed_is_the_attempt_number_and_a_retake_reorders(data_dir) -> None:
    quiz = QUIZZES["5.1.2"]
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz_screen(pilot, quiz, seed=None)
        assert screen.run.seed == 1
        assert screen.run.questions == QuizRun(quiz, 1).questions
        while screen.phase != END:
            await pilot.press("1", "enter")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert screen.phase != END and screen.run.seed == 2
        assert screen.run.questions == QuizRun(quiz, 2).questions
        await pilot.press("escape")
        await pilot.pause()
        second = await open_quiz_screen(pilot, quiz, seed=None)
        assert second.run.seed == 2  # one attempt stored, so this is the second
        first_option_orders = {QuizRun(quiz, s).shown(0).option_ids for s in (1, 2, 3, 4)}
        assert len(first_option_orders) > 1  # the seed really reorders


async def test_review_scrolls_and_help_opens_from_the_keyboard() -> None:
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_quiz_screen(pilot, QUIZZES["5.2.1"], seed=2)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, QuizHelpScreen)
        assert word("quiz.help.space", "ko") in squash(content_text(app.screen))
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
        while screen.phase != END:
            await pilot.press("s", "enter")
        await pilot.pause()
        body = screen.query_one("#quiz-body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        assert word("quiz.end.title", "ko") in content_text(screen)


async def test_fits_80_by_24_in_korean() -> None:
    """At 80×24 the question, its options and the footer's keys are all on screen."""
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_quiz_screen(pilot, QUIZZES["5.2.2"], seed=1)
        while screen.phase != ASK:
            await pilot.press("s", "enter")
        shown = screen.shown
        rows = visible_text(app).splitlines()
        assert len(rows) == 24
        drawn = squash("\n".join(rows))
        for label in shown.labels("ko"):
            assert squash(label)[:12] in drawn
        assert word("quiz.key.answer", "ko") in rows[-1]
        assert word("quiz.key.leave", "ko") in rows[-1]
