"""Practice where the book has hands-on: `x` in 5.1.2, 5.1.4 and 5.2.2, and what comes next.

Commands go into the console as a learner's line (set the value, press Enter). The section
files say which exercises belong to a section; the loader's checks of those lists are in
test_lessons.py (test_bad_section_values).
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from app.ui.dialogs.exercise_picker import ExercisePickerScreen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.lesson import LessonScreen
from app.ui.screens.practice import PracticeScreen
from app.words import word
from tests.support import (
    copy_course,
    enter,
    loaded_course,
    loaded_exercises,
    new_app,
    plain,
    settle,
)

SIZE = (120, 36)
COURSE = loaded_course()
EXERCISES = loaded_exercises()
BLUE_GREEN = ("bluegreen", "bluegreen-console", "bluegreen-6", "bluegreen-bad-build",
              "bluegreen-slow-start")


def test_the_sections_say_which_exercises_are_theirs():
    owned = {s.id: s.exercises for s in COURSE.sections if s.exercises}
    assert owned == {"5.1.2": ("in-place",), "5.1.4": ("bluegreen-in-server",),
                     "5.2.2": BLUE_GREEN}
    # Every exercise of the course belongs to exactly one section.
    listed = [e for ids in owned.values() for e in ids]
    assert sorted(listed) == sorted(EXERCISES)


async def _practice_from(pilot, section_id: str):
    app = pilot.app
    app.open_section(section_id)
    await pilot.pause()
    assert isinstance(app.screen, LessonScreen)
    await pilot.press("x")
    await settle(pilot, lambda: not isinstance(app.screen, LessonScreen), f"x in {section_id}")
    return app.screen


@pytest.mark.parametrize(("section_id", "exercise", "line"), [
    ("5.1.2", "in-place", "deregister web-1 web-2"),
    ("5.1.4", "bluegreen-in-server", "start web-1:8082 v102"),
])
async def test_x_opens_the_sections_own_exercise_and_it_runs_commands(section_id, exercise,
                                                                      line):
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _practice_from(pilot, section_id)
        assert isinstance(screen, PracticeScreen) and screen.exercise.id == exercise
        await enter(pilot, screen, line)
        assert screen.console.feedback_kind != "error", screen.console.feedback_text
        assert [a.text() for a in screen.session.actions] == [line]
        assert screen.session.results[-1].ok
        await pilot.press("escape", "escape")  # leave the input, then the screen
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.section.id == section_id


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_x_in_5_2_2_offers_the_blue_green_exercises_and_opens_the_one_picked(lang):
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        picker = await _practice_from(pilot, "5.2.2")
        assert isinstance(picker, ExercisePickerScreen)
        options = picker.query_one("#picker-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == list(BLUE_GREEN)  # the section's, in its order; nothing else
        assert EXERCISES["bluegreen-console"].text(lang).title in plain(
            options.get_option_at_index(1).prompt)
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, PracticeScreen), "the picked one")
        screen = app.screen
        assert screen.exercise.id == "bluegreen-console"
        await enter(pilot, screen, "launch build 1 v102")
        assert screen.console.feedback_kind != "error", screen.console.feedback_text
        assert screen.session.results[-1].ok
        assert [n.name for n in screen.session.frame().nodes if n.name.startswith("build")] \
            == ["build-1"]


async def test_escape_in_the_5_2_2_choice_goes_back_to_the_lesson():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        picker = await _practice_from(pilot, "5.2.2")
        assert isinstance(picker, ExercisePickerScreen)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, LessonScreen), "back to the lesson")


# --- what next, and n/N on the map ----------------------------------------------------------

def map_heading(app) -> str:
    return plain(app.screen.query_one("#map-heading", Static).content)


def map_description(app) -> str:
    return plain(app.screen.query_one("#map-description", Static).content)


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_the_map_counts_sections_quizzes_and_exercises_done(lang):
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: word("map.counts", lang, sections=0, sections_n=8,
                                         quizzes=0, quizzes_n=8, exercises=0, exercises_n=7)
                     in map_heading(app), "the counts, nothing done")
        app.store.mark_section_completed("5.1", lang)
        app.store.record_quiz_attempt("5.1", [], 3, 5, 0.0, 10.0)
        app.store.record_practice_attempt("in-place", "x", False, 40, [], 1)  # not passed
        app.store.record_practice_attempt("bluegreen-console", "x", True, 100, [], 1)
        app._completed_cache = None
        app.open_section("5.1.1")
        await pilot.pause()
        app.show_map()
        await settle(pilot, lambda: word("map.counts", lang, sections=1, sections_n=8,
                                         quizzes=1, quizzes_n=8, exercises=1, exercises_n=7)
                     in map_heading(app), "the counts after a section, a quiz and a pass")


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_the_map_says_what_comes_next_for_the_section_last_opened(lang):
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_section("5.1.2")
        await pilot.pause()
        while app.screen.k < len(COURSE.section("5.1.2").steps) - 1:  # read it to the end
            await pilot.press("right")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the map")
        title = EXERCISES["in-place"].text(lang).title
        following = COURSE.text(lang, "5.1.3").title
        await settle(pilot, lambda: word("map.next.practice", lang, title=title)
                     in map_description(app), "the what-next line")
        shown = map_description(app)
        assert shown.startswith("5.1.2 ")  # the highlight is on the section last opened
        assert word("map.next.quiz", lang) in shown
        assert word("map.next.section", lang, id="5.1.3", title=following) in shown
        assert word("map.next.read", lang) not in shown  # it has been read
        # x on the map lists every exercise, with this section's next one highlighted.
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, ExercisePickerScreen), "the picker")
        options = app.screen.query_one("#picker-list", OptionList)
        assert options.option_count == len(EXERCISES)
        assert options.get_option_at_index(options.highlighted).id == "in-place"


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_a_lessons_end_names_its_exercise(lang):
    section = COURSE.section("5.1.4")
    app = new_app(lang=lang, lesson="5.1.4", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(len(section.steps)):
            await pilot.press("right")
        await pilot.pause()
        shown = app.screen.query_one("#narration-text").source
        title = EXERCISES["bluegreen-in-server"].text(lang).title
        assert word("next.practice", lang, title=title) in shown
        assert word("next.quiz", lang) in shown
        assert word("next.section", lang, id="5.2.1",
                    title=COURSE.text(lang, "5.2.1").title) in shown


def test_deploylab_check_names_an_unknown_exercise_in_a_section_file(tmp_path, capsys):

    from app.cli.main import main

    root = tmp_path / "course"
    copy_course(root)
    path = root / "sections" / "5.1.2.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('exercises = ["in-place"]', 'exercises = ["in-plase"]'),
                    encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1)
                if "in-plase" in row)
    assert main(["check", str(root)]) == 1  # check: 1 for a broken course, 2 for bad input
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"5.1.2.toml, line {line}" in err
    assert "exercise 'in-plase' is not in exercises/; did you mean 'in-place'?" in err
