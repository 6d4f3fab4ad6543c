"""Pilot tests of practice mode: one test per thing the screen does.

Commands go into the console as a learner's line: the test sets the console's value and
presses Enter (one key press, not one per letter); one test types key by key, with Tab
completion and history. What holds for every exercise, every known-bad attempt and both
languages is checked headless in test_practice_attempts.py, with `run_as_the_screen`; the
tests here check that the screen grades as that helper does. The app runs `instant` (each
command ends at once) except in the animation test; its progress store lives in a temporary
folder (conftest).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from textual.widgets import Button, Static

from app.ui.app import DeployLabApp
from app.ui.dialogs.confirm_solution import ConfirmSolutionScreen
from app.ui.dialogs.exercise_picker import ExercisePickerScreen
from app.ui.dialogs.practice_help import PracticeHelpScreen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.practice import PracticeScreen
from app.ui.widgets.stage import ClusterView
from app.words import render, word
from models.grading import criterion_label
from tests.support import (
    commands,
    enter,
    loaded_exercises,
    new_app,
    plain,
    run_as_the_screen,
    settle,
)

SIZE = (120, 36)
EXERCISES = loaded_exercises()


def shown(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


def outcome(grade):
    return (grade.passed, grade.score, [(c.id, c.passed, c.t, c.line) for c in grade.criteria],
            [a.text() for a in grade.actions])


async def enter_attempt(pilot, exercise: str, script: str) -> PracticeScreen:
    """Open practice, enter `script`'s commands (until something grades it), then say done."""
    screen = await open_practice(pilot, exercise)
    for line in commands(script):
        if screen.graded:
            break
        await enter(pilot, screen, line)
    if not screen.graded:
        await pilot.press("ctrl+d")
        await pilot.pause()
    return screen


async def open_practice(pilot, exercise: str, **kwargs) -> PracticeScreen:
    screen = PracticeScreen(exercise, pilot.app.lang, **kwargs)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_the_reference_solution_passes_is_saved_and_the_picker_shows_it_after_a_restart():
    exercise = EXERCISES["bluegreen"]
    posted = []
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        assert screen.focused is screen.console.input
        for line in commands(exercise.solution):
            assert not screen.graded
            await enter(pilot, screen, line)
            assert screen.console.feedback_kind != "error", screen.console.feedback_text
        # The goal state grades the attempt without the learner asking.
        assert screen.graded and screen.session.grade.passed
        assert screen.session.grade.score == 100
        assert outcome(screen.session.grade) == outcome(
            run_as_the_screen(exercise, exercise.solution).grade)
        graded = [m for m in posted if isinstance(m, PracticeScreen.AttemptGraded)]
        assert len(graded) == 1 and graded[0].grade is screen.session.grade
        assert commands(graded[0].commands) == commands(exercise.solution)
        assert word("practice.bar.passed", "en", score=100) in plain(
            screen.query_one("#practice-bar", Static).content)
        report = shown(screen, "#practice-grade")
        assert word("practice.eff.heading", "en") in report
        assert word("practice.grade.saved", "en") in report
        saved = app.store.practice_attempts("bluegreen")
        assert len(saved) == 1 and saved[0].passed and saved[0].score == 100
        assert commands(saved[0].commands) == commands(exercise.solution)
    app = new_app(lang="en", instant=True)  # the same data folder, a new process's app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ExercisePickerScreen)
        option = picker.query_one("#picker-list").get_option("bluegreen")
        assert word("practice.picker.passed", "en") in plain(option.prompt)
        other = picker.query_one("#picker-list").get_option("in-place")
        assert word("practice.picker.new", "en") in plain(other.prompt)


async def test_a_wrong_attempt_names_the_rule_the_moment_and_the_line():
    exercise = EXERCISES["bluegreen"]
    bad = exercise.bad[0]
    lang = "ko"
    expected = run_as_the_screen(exercise, bad.script).grade
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_attempt(pilot, "bluegreen", bad.script)
        assert outcome(screen.session.grade) == outcome(expected)
        result = screen.session.grade.criterion(bad.fails)
        assert not result.passed and result.line == bad.line
        report = shown(screen, "#practice-grade")
        command = screen.session.grade.command(bad.line)
        t = expected.criterion(bad.fails).t
        at = word("practice.grade.at", lang, t=f"{t:,.0f}" if t >= 100 else f"{t:,.1f}",
                  line=bad.line, command=command)
        assert at in report
        # In the listing, the command carries ◀ and the names of the rules it broke.
        label = re.escape(render(criterion_label(bad.fails), lang))
        assert re.search(rf"{bad.line} {re.escape(command)} ◀ [^◀]*{label}", report), report
        # A failed attempt is still saved, with the criteria the grader gave.
        saved = app.store.practice_attempts("bluegreen")
        assert len(saved) == 1 and not saved[0].passed
        assert bad.fails in saved[0].failed_criteria


async def test_a_typo_is_an_error_under_the_input_and_changes_nothing():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        before = screen.session.frame()
        await enter(pilot, screen, "lunch green 4 v102")
        feedback = screen.console.feedback_text
        assert "line 1" in feedback and "'lunch'" in feedback and "'launch'" in feedback
        assert screen.console.feedback_kind == "error"
        assert screen.session.actions == () and screen.session.frame() == before
        assert screen.console.input.value == "lunch green 4 v102"  # kept, to be corrected
        await enter(pilot, screen, "")  # an empty line clears the error
        assert screen.console.feedback_kind != "error" and screen.session.actions == ()
        await enter(pilot, screen, "terminate purple")
        assert "purple" in screen.console.feedback_text
        assert screen.session.actions == ()


async def test_hints_open_one_tier_at_a_time():
    exercise = EXERCISES["bluegreen"]
    first = exercise.criteria[0].id
    hints = exercise.text("en").tiers(first)  # before any command: the first criterion's
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        about = render(criterion_label(first), "en")
        assert word("practice.hint.none", "en", about=about) in shown(screen, "#practice-hint")
        await pilot.press("escape")  # leave the input so letter keys are keys
        for k in range(1, len(hints) + 1):
            await pilot.press("h")
            text = shown(screen, "#practice-hint")
            assert word("practice.hint.heading", "en", k=k, n=len(hints), about=about) in text
            first_words = " ".join(hints[k - 1].split()[:3]).replace("**", "").replace("`", "")
            assert first_words in text
            if k < len(hints):
                later = " ".join(hints[k].split()[:4]).replace("**", "").replace("`", "")
                assert later not in text
        await pilot.press("h")
        assert word("practice.hint.all", "en") in shown(screen, "#practice-hint")
        # Ctrl+T asks for a hint while typing, too (here: nothing more to show).
        await pilot.press("i", "ctrl+t")
        assert screen.hints_open == {first: len(hints)} and screen.hints_used == len(hints)


async def test_undo_replays_from_the_seed_and_reset_starts_over():
    exercise = EXERCISES["bluegreen"]
    lines = commands(exercise.solution)
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        start = screen.session.frame()
        await enter(pilot, screen, lines[0])
        after_first = screen.session.frame()
        await enter(pilot, screen, lines[1])
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [a.text() for a in screen.session.actions] == [lines[0]]
        assert screen.session.frame() == after_first  # the same run, replayed
        await pilot.press("escape", "r")
        await pilot.pause()
        assert screen.session.actions == () and screen.session.frame() == start
        assert screen.focused is screen.console.input


async def test_an_attempt_that_passes_by_luck_is_not_passed_and_the_screen_says_why():
    """The live run passes; the same commands on another run of the traffic do not. The grade
    says the attempt depends on timing and what to wait for, and the replay shows that run."""
    from tests.test_grade_runs import LUCKY, TIMING_EN

    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_attempt(pilot, "in-place", LUCKY)
        grade = screen.session.grade
        assert screen.graded and not grade.passed
        assert [run.passed for run in grade.runs] == [True, False, True]
        report = " ".join(shown(screen, "#practice-grade").split())
        assert TIMING_EN in report
        assert "Passed on 2 of 3 runs of the same traffic (seeds 1, 1001, 2001)" in report
        bar = plain(screen.query_one("#practice-bar").content)
        assert word("practice.bar.failed", "en", score=grade.score) in bar
        # The replay opens where capacity fell, on the run where it did.
        stage = screen.query_one("#practice-stage", ClusterView)
        assert screen.replay_stop == screen.session.first_failure_stop()
        assert screen.session.sim.seed == 1001 and stage.frame.serving < 2
        saved = app.store.practice_attempts("in-place")
        assert len(saved) == 1 and not saved[0].passed
        assert "capacity" in saved[0].failed_criteria


async def test_replay_steps_through_the_graded_run_and_undo_goes_on_from_it():
    exercise = EXERCISES["bluegreen"]
    bad = next(b for b in exercise.bad if b.fails == "order")
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_attempt(pilot, "bluegreen", bad.script)
        stage = screen.query_one("#practice-stage", ClusterView)
        stops = screen.session.stops()
        # Grading opens the replay at the first failure.
        assert screen.replay_stop == screen.session.first_failure_stop()
        for _ in stops:
            await pilot.press("left")
        assert screen.replay_stop == stops[0]
        assert stage.frame == exercise.new_simulation().frame()
        bar = plain(screen.query_one("#practice-bar").content)
        assert word("practice.replay.start", "en") in bar
        seen = [stage.frame.t]
        for _ in stops[1:]:
            await pilot.press("right")
            seen.append(stage.frame.t)
        assert screen.replay_stop == stops[-1]
        assert seen == sorted(seen) and seen[-1] > seen[0]
        await pilot.press("shift+left")
        assert screen.replay_stop.t == pytest.approx(max(0.0, stops[-1].t - 15.0))
        # Undo after grading lets the learner go on from the command before the last.
        assert screen.console.input.disabled
        await pilot.press("u")
        await pilot.pause()
        assert not screen.graded and not screen.console.input.disabled
        assert screen.focused is screen.console.input
        assert [a.text() for a in screen.session.actions] == commands(bad.script)[:-1]


async def test_the_solution_needs_a_yes_and_is_not_saved_as_the_learners():
    posted = []
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        await enter(pilot, screen, "status")
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSolutionScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and len(screen.session.actions) == 1
        assert screen.focused is screen.console.input  # back to trying
        await pilot.press("escape", "s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.graded and screen.session.demo and screen.session.grade.passed
        solution = commands(EXERCISES["bluegreen"].solution)
        assert [a.text() for a in screen.session.grade.actions] == solution
        assert word("practice.grade.demo", "ko") in shown(screen, "#practice-grade")
        assert not [m for m in posted if isinstance(m, PracticeScreen.AttemptGraded)]
        assert app.store.practice_attempts() == []


async def test_language_switch_keeps_the_attempt_and_rewords_it():
    exercise = EXERCISES["bluegreen"]
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        await enter(pilot, screen, "launch green 4 v102")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.lang == "ko"
        assert [a.text() for a in screen.session.actions] == ["launch green 4 v102"]
        assert exercise.text("ko").title in plain(screen.query_one("#practice-bar").content)
        log = "\n".join(line.text for line in screen.query_one("#practice-log").lines)
        assert "시작됨" in log  # the launch result, re-worded
        prompt = plain(screen.query_one("#console-prompt").content)
        assert word("practice.console.prompt", "ko") in prompt


async def test_typing_key_by_key_tab_completes_and_up_recalls_history():
    """The one test that types as a learner does, a key at a time."""
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        field = screen.console.input
        await pilot.press("l", "a", "tab")
        assert field.value == "launch "
        await pilot.press("g", "tab")
        assert field.value == "launch green "
        await pilot.press("4", "space", "v", "tab")
        assert field.value == "launch green 4 v10"  # v101 and v102 both fit
        assert "v101" in screen.console.feedback_text and "v102" in screen.console.feedback_text
        await pilot.press("2", "enter")
        await pilot.pause()
        assert [a.text() for a in screen.session.actions] == ["launch green 4 v102"]
        await pilot.press("t", "e", "tab", "g", "r", "tab")  # launched names complete too
        assert field.value == "terminate green"
        assert "green-4" in screen.console.feedback_text
        field.value = ""
        await pilot.press(*"register", "space", *"green", "enter")  # a whole line, key by key
        await pilot.pause()
        assert [a.text() for a in screen.session.actions] == ["launch green 4 v102",
                                                             "register green"]
        await pilot.press("up")
        assert field.value == "register green"
        await pilot.press("up")
        assert field.value == "launch green 4 v102"
        await pilot.press("down")
        assert field.value == "register green"


async def test_buttons_build_and_run_a_command():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")

        async def click(name: str) -> None:
            button = next(b for b in screen.query("#builder-choices Button") if b.name == name)
            button.press()
            await pilot.pause()

        await click("launch")
        assert screen.console.input.value == "launch"
        await click("green")
        await click("4")
        await click("v102")
        # A click's effect takes a chain of messages (button, panel, screen): on a busy machine
        # one idle wait may end before the last of them, so wait for the effect itself.
        await settle(pilot, lambda: screen.session.actions, "the built command ran")
        assert [a.text() for a in screen.session.actions] == ["launch green 4 v102"]
        screen.query_one("#ctl-done", Button).press()
        await settle(pilot, lambda: screen.graded, "Done graded the attempt")
        assert screen.graded and not screen.session.grade.passed


async def test_commands_animate_on_the_clock_when_not_instant(monkeypatch):
    # The screen's clock reads a time the test moves on (0.1 s between frames), so the run does
    # not depend on how fast this machine is. Lines are submitted without a key press: a press
    # waits for the app to go idle, which a running clock never does (Enter is pressed as a
    # key in every other test).
    now = [0.0]
    monkeypatch.setattr("app.ui.screens.practice.time", SimpleNamespace(monotonic=lambda: now[0]))
    app = new_app(lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        session = screen.session

        async def submit(line: str, handled) -> None:
            screen.console.input.value = line
            await screen.console.input.action_submit()
            for _ in range(200):
                await pilot.pause(0.01)
                if handled():
                    return
            raise AssertionError(f"{line!r} was not handled")

        await submit("wait 60", lambda: session.actions)
        stage = screen.query_one("#practice-stage", ClusterView)
        assert session.busy  # it runs on the clock, not at once
        times = []
        for _ in range(300):
            if not session.busy:
                break
            times.append(stage.frame.t)
            now[0] += 0.1
            await pilot.pause(0.05)
        assert not session.busy and session.results[-1].ended == 60
        assert len(set(times)) > 2 and times == sorted(times)  # the stage moved on meanwhile
        # Enter on an empty line finishes a running command at once.
        await submit("wait 3000", lambda: len(session.actions) == 2)
        assert session.busy
        await submit("", lambda: not session.busy)
        assert session.sim.now == 3060


async def test_leaving_hands_the_grade_to_the_opener():
    exercise = EXERCISES["bluegreen-in-server"]
    got = []
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = PracticeScreen("bluegreen-in-server", "en")
        await app.push_screen(screen, callback=got.append)
        await pilot.pause()
        for line in commands(exercise.solution):
            await enter(pilot, screen, line)
        await pilot.press("escape")  # graded: the input is left already, so this leaves
        await pilot.pause()
        assert len(got) == 1 and got[0].passed and got[0].exercise == "bluegreen-in-server"


async def test_help_and_the_exercise_picker():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        await pilot.press("x")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ExercisePickerScreen)
        listed = [picker.query_one("#picker-list").get_option_at_index(i).id
                  for i in range(picker.query_one("#picker-list").option_count)]
        assert sorted(listed) == sorted(EXERCISES)
        assert listed.index("bluegreen") < listed.index("bluegreen-bad-build")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.exercise.id == listed[0]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, PracticeHelpScreen)
        await pilot.press("space")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExercisePickerScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.exercise.id == listed[1]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_fits_small_and_large_terminals(size):
    app = new_app(lang="ko", instant=True)
    async with app.run_test(size=size) as pilot:
        screen = await open_practice(pilot, "bluegreen")
        await enter(pilot, screen, "launch green 4 v102")
        stage = screen.query_one("#practice-stage", ClusterView)
        assert stage.size.height >= 6 and stage.size.width >= 40
        console = screen.console
        assert console.region.bottom <= size[1] - 1  # above the footer
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert screen.graded
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        assert screen.query_one("TooSmall").display


async def test_broken_exercise_files_are_one_sentence_not_a_crash(monkeypatch):
    from app.ui.screens.lesson import LessonScreen
    from lessons import exercises as exercise_files
    from lessons.files import CourseFileError

    def broken(*_args, **_kwargs):
        raise CourseFileError("exercises/bluegreen.toml", "'solution' is missing", 12)

    monkeypatch.setattr(exercise_files, "load_exercises", broken)
    app = DeployLabApp(lang="en", lesson="5.2.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape", "x")  # the map's list of exercises says the same
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 2
        assert all("bluegreen.toml, line 12: 'solution' is missing" in n for n in notes)


async def test_the_map_shows_each_sections_quiz_and_practice_records():
    from app.store import ProgressStore
    from app.words import word

    store = ProgressStore.open("default")
    store.record_practice_attempt("bluegreen", "status", False, 40, [], 1)
    store.record_practice_attempt("bluegreen", "launch green 4 v102", True, 100, [], 1)
    store.record_quiz_attempt("5.2.2", [], 75, 100, 0.0, 1.0)
    store.close()
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#map-list")
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id == "5.2.2")
        await pilot.pause()
        text = shown(app.screen, "#map-description")
        assert word("map.quiz_best", "en", score=75, n=1) in text
        # 5.2.2 has several exercises: each one tried is named.
        title = EXERCISES["bluegreen"].text("en").title
        assert (word("map.practice_best_named", "en", score=100, n=2, title=title)
                + word("map.practice_passed", "en")) in text
        options.highlighted = 0  # 5.1: nothing tried there yet
        await pilot.pause()
        assert "best" not in shown(app.screen, "#map-description")


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_every_help_screen_shows_its_keys(lang):
    """The help boxes size to their text (an auto-width box of full-width lines shrinks to
    nothing, which once left every help screen an empty frame)."""
    from app.ui.dialogs.help import HelpScreen
    from app.ui.dialogs.quiz_help import QuizHelpScreen

    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for modal in (HelpScreen(lang), PracticeHelpScreen(lang), QuizHelpScreen(lang)):
            await app.push_screen(modal)
            await pilot.pause()
            box = modal.query_one("Vertical")
            assert box.region.width > 40 and box.region.height > 8, type(modal).__name__
            lines = [line.content for line in modal.query(Static)]
            assert any(str(text).strip() for text in lines)
            await pilot.press("space")
            await pilot.pause()
            assert app.screen is not modal
