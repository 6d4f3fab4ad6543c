"""The name screen a served tab opens on (`deploylab --ask-name`): the name becomes the profile,
by the same rules as `--profile`; a name that cannot be one is asked again, saying why."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from app.store import PROFILE_MAX_CHARS, ProgressStore
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.lesson import LessonScreen
from app.ui.screens.name import NameScreen, name_problem
from app.words import word
from tests.support import new_app

SIZE = (100, 30)


def problem_shown(app) -> str:
    return str(app.screen.query_one("#name-problem", Static).render())


async def submit(pilot, text: str) -> None:
    field = pilot.app.screen.query_one(Input)
    field.value = text  # as typed or pasted: the Input takes control characters from a paste
    await pilot.press("enter")
    await pilot.pause()


BAD_NAMES = [  # what is typed, the reason shown, its parameters
    ("", "name.reason.empty", {}),
    ("   ", "name.reason.empty", {}),
    ("가" * (PROFILE_MAX_CHARS + 1), "name.reason.long",
     {"count": PROFILE_MAX_CHARS + 1, "max": PROFILE_MAX_CHARS}),
    ("kim\x07", "name.reason.control", {"char": "U+0007"}),
    ("kim\tminsu", "name.reason.control", {"char": "U+0009"}),
    ("kim minsu", "name.reason.space", {}),
    ("kim/minsu", "name.reason.character", {"char": "/"}),
    ("kim!", "name.reason.character", {"char": "!"}),
    ("-kim", "name.reason.start", {"char": "-"}),
    ("nul", "name.reason.reserved", {"name": "nul"}),
]


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_a_name_that_cannot_be_a_profile_is_asked_again_with_why(lang, data_dir):
    app = new_app(lang=lang, ask_name=True)
    async with app.run_test(size=SIZE) as pilot:
        for typed, reason, params in BAD_NAMES:  # one after another, as a learner might
            await submit(pilot, typed)
            assert isinstance(app.screen, NameScreen), typed  # still asking
            assert problem_shown(app) == word(reason, lang, **params), typed
        assert not (data_dir / "profiles").exists()
        await submit(pilot, "minsu")  # the next, good name is taken
        assert isinstance(app.screen, CourseMapScreen)
    assert [p.name for p in (data_dir / "profiles").iterdir()] == ["minsu"]


def test_the_spaces_around_a_name_are_dropped():
    assert name_problem("  김민수  ", "ko") == (None, "김민수")


async def test_a_korean_name_becomes_the_profile_and_keeps_progress(data_dir):
    app = new_app(lang="ko", ask_name=True, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, NameScreen)
        assert app._store is None  # nothing is opened before the name: no "default" profile
        await pilot.press("ctrl+p")  # the palette opens sections: not before the name
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"김민수")  # typed, key by key
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        assert app.profile == "김민수"
        app.open_section("5.1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        screen.enter_step(screen.last, animate=False)
        await pilot.pause()
        await pilot.press("escape")  # back to the map, not to the name
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        await pilot.press("c")  # the class's progress: not in a learner's tab
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        assert list(app._notifications)[-1].message == word("serve.no_teacher", "ko")
    assert [p.name for p in (data_dir / "profiles").iterdir()] == ["김민수"]
    with ProgressStore.open("김민수") as store:
        assert store.completed_sections() == {"5.1"}


async def test_without_ask_name_the_course_opens_on_the_map(data_dir):
    app = new_app(lang="en")
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, CourseMapScreen)


async def test_the_lesson_asked_for_opens_once_the_name_is_given(data_dir):
    app = new_app(lang="en", ask_name=True, lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, NameScreen)
        await submit(pilot, "alice")
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.section.id == "5.1.2"


async def test_serve_present_asks_the_name_then_shows_the_presenter_layout(data_dir):
    app = new_app(lang="en", ask_name=True, present=True, instant=True)
    async with app.run_test(size=(200, 60)) as pilot:
        assert isinstance(app.screen, NameScreen) and app.has_class("-present")
        await submit(pilot, "teacher-screen")
        assert isinstance(app.screen, CourseMapScreen) and app.has_class("-present")
