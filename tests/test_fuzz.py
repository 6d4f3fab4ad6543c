"""No key crashes the app, at any size: the crashes the fuzzer found, and a short fuzz run.

`make fuzz` (tests/fuzz.py) sends 5,000 seeded random keys to every screen; here a fixed seed
runs a few dozen keys on a few representative screens (the suite stays fast), and each crash the
fuzzer found has a test of its own that sends the keys that caused it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.command import CommandPalette

from app.ui.app import DeployLabApp
from app.ui.dialogs.help import HelpScreen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.lesson import LessonScreen
from app.words import word
from tests import fuzz


@pytest.fixture(autouse=True)
def own_folder(tmp_path, monkeypatch):
    """The palette can save screenshots: any file a key writes lands in the test's folder."""
    monkeypatch.chdir(tmp_path)


def press_now(app, *keys: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    for key in keys:
        fuzz.send(app, key)


async def test_page_keys_do_nothing_while_the_screen_is_too_small():
    """Below 60x20 only the too-small note shows, but the focused list still gets PageUp and
    PageDown: on the map, the exercise picker, a quiz and the palette they ended the app."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("pagedown", "pageup")
        await pilot.resize_terminal(80, 19)
        await pilot.press("x", "pagedown")  # the exercise picker
        await pilot.press("escape")
        await pilot.resize_terminal(59, 30)
        fuzz.open_screen(app, "quiz:5.1.2")
        await pilot.pause()
        await pilot.press("pagedown", "pageup")
        fuzz.open_screen(app, "palette")
        await pilot.pause()
        await pilot.press("pagedown", "pageup")
        assert app.return_code is None  # still running: the keys were harmless
        await pilot.resize_terminal(120, 36)  # and the palette is whole once the screen fits
        assert app.screen.query_one("CommandList").display


async def test_keys_typed_faster_than_a_help_closes_close_only_the_help():
    """The first key closes the help; the second reaches the lesson, not a closed dialog
    (which popped the lesson under it, and the map at the bottom: a crash)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_section("5.1.2")
        await pilot.pause()
        app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        press_now(app, "x", "y", "z")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        app.action_help()
        await pilot.pause()
        app.show_map()
        await pilot.pause()
        app.push_screen(HelpScreen("en"))
        await pilot.pause()
        press_now(app, "x", "y")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        assert app.return_code is None


async def test_a_search_that_starts_after_the_palette_closed_is_dropped():
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        palette = app.screen
        palette.dismiss()
        await pilot.pause()
        palette._gather_commands("5.1")  # what a key typed just before Escape starts
        await pilot.pause()
        assert app.return_code is None
        assert isinstance(app.screen, CourseMapScreen)


# A few dozen keys on two screens: a lesson with the engine and a practice exercise (its
# console takes the hostile lines); `make fuzz` covers every screen with 5,000 keys.
@pytest.mark.parametrize("screen", ["lesson:5.1.2", "practice:bluegreen"])
def test_random_keys_and_resizes_do_not_crash(screen):
    result = fuzz.fuzz_one(screen, keys=40, seed=12, lang="en", replay=None)
    assert result.crash is None, result.crash.describe()
    assert result.keys == 40


def test_the_fuzzer_reports_a_crash_with_its_seed_and_keys(monkeypatch):
    """A fuzz run that breaks the app names the screen, the seed and the keys to replay."""
    def broken(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(CourseMapScreen, "action_quiz", broken)
    result = fuzz.fuzz_one("map", keys=5, seed=3, lang="en", replay=["down", "t", "up"])
    assert result.crash is not None
    text = result.crash.describe()
    assert "RuntimeError: boom" in text and "seed 3" in text
    assert '"t"' in text and "--screens map --replay" in text


def test_every_screen_is_fuzzed():
    names = fuzz.every_screen()
    for expected in ("map", "lesson:5.2.2", "practice:bluegreen", "practice:in-place",
                     "quiz:5.3", "help", "picker", "palette", "leave-quiz"):
        assert expected in names
    assert len(names) == len(set(names))


@pytest.mark.parametrize("keys", [("q", "x"), ("q", "t"), ("q", "question_mark", "x")])
async def test_keys_typed_after_quit_open_nothing(keys):
    """q, then another key before the app has closed: the second key opened the exercise picker
    (or a quiz, or the help) on an app shutting down, whose screen then mounted empty (NoMatches,
    found by the fuzzer as `q`, `c`, `x` on the map)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        press_now(app, *keys)
        await pilot.pause()
        assert app.return_code == 0
        assert [type(s) for s in app.screen_stack] == [CourseMapScreen]


async def test_enter_twice_in_the_palette_closes_it_once():
    """The first Enter picks a section and closes the palette; the second reached the closed
    palette, which closed again and popped the map under it (ScreenStackError)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_command_palette()
        for _ in range(100):  # the palette gathers its sections in a worker
            await pilot.pause(0.02)
            if app.screen.query_one("CommandList").option_count:
                break
        press_now(app, "down", "enter", "enter")
        await fuzz.drain(app, pilot)
        assert app.return_code is None  # and run_test raised no ScreenStackError
        assert isinstance(app.screen_stack[0], CourseMapScreen)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)


@pytest.mark.parametrize(("opened", "keys"), [
    ("map", ("enter", "escape", "enter", "escape")),  # NoMatches: HeaderTitle
    ("lesson:5.1.3", ("escape", "enter", "escape")),  # NoMatches: PipelineView
    ("map", ("x", "escape", "t", "escape")),
])
async def test_a_screen_closed_as_fast_as_it_opened(opened, keys):
    """Enter opens a section and Escape closes it before it has mounted: its on_mount (and its
    header's title) then looked for widgets already gone, and the app ended. Keys now wait for
    the screen they go to."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        fuzz.open_screen(app, opened)
        await pilot.pause()
        press_now(app, *keys)
        await fuzz.drain(app, pilot)
        # Where the keys end depends on when the map's list delivers its Enter; that they end
        # without a crash (run_test re-raises it) is the point.
        assert app.return_code is None
        assert isinstance(app.screen_stack[0], CourseMapScreen)


async def test_no_matches_countdown_after_the_list_is_gone():
    """'No matches found' comes half a second after a search that found nothing; a palette
    being taken down in between had already lost its list (NoMatches: CommandList). The list
    is removed here by hand: the fuzzer's timing is not reproducible."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        palette = app.screen
        await palette.query_one("CommandList").remove()
        palette._start_no_matches_countdown("zzz")
        await pilot.pause(0.8)
        assert app.return_code is None


async def test_no_matches_is_said_in_the_course_language():
    app = DeployLabApp(lang="ko", instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        await pilot.press("z", "z", "z")
        await pilot.pause(0.8)
        options = app.screen.query_one("CommandList")
        texts = [str(options.get_option_at_index(i).prompt.renderable)
                 for i in range(options.option_count)]
        assert texts == [word("palette.no_matches", "ko")]


async def test_a_choice_on_the_map_that_arrives_after_another_screen_opened_is_dropped():
    """A section chosen in the map's list (a click, or Enter before Enter was the map's own key),
    then s before the list delivered its choice: the sandbox opened, then the late choice
    opened the section and closed the sandbox before it had mounted (its console and buttons
    then found their widgets gone: NoMatches). Found by make fuzz."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        the_map = app.screen
        app.open_sandbox()  # s, handled before the list's message
        the_map.on_option_list_option_selected(SimpleNamespace(option_id="5.1.2"))  # late
        await fuzz.drain(app, pilot)
        assert app.return_code is None
        assert type(app.screen).__name__ == "PracticeScreen"  # the sandbox, still open


async def test_a_resize_rewrite_after_practice_closed_does_nothing():
    """A resize asks the practice log to rewrap after the next refresh; the screen could be
    closed by then (its log gone: NoMatches '#practice-log', found by make fuzz)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_practice("bluegreen")
        await pilot.pause()
        screen = app.screen
        app.pop_screen()
        await pilot.pause()
        screen.rewrite_log()
        assert app.return_code is None


async def test_a_palette_no_longer_on_top_closes_nothing():
    """Textual's dismiss pops whatever screen is on top: a late close of a palette already
    gone popped the map (ScreenStackError, found by make fuzz on quiz:5.1)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        palette = app.screen
        app.pop_screen()
        await pilot.pause()
        palette.dismiss()
        await pilot.pause()
        assert app.return_code is None
        assert [type(s) for s in app.screen_stack] == [CourseMapScreen]


async def test_the_theme_list_is_guarded_like_the_palette():
    """The palette's Theme command opened Textual's own palette, whose late close popped the
    map (ScreenStackError at key 2,560 of make fuzz on quiz:5.1, seed 1)."""
    from app.ui.commands import GuardedCommandPalette

    app = DeployLabApp(lang="ko", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.search_themes()
        await pilot.pause()
        themes = app.screen
        assert isinstance(themes, GuardedCommandPalette)
        assert themes.query_one("CommandInput").placeholder == word("palette.search_themes", "ko")
        app.pop_screen()
        await pilot.pause()
        themes.dismiss()
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [CourseMapScreen]


@pytest.mark.parametrize("error", [None, OSError("disk full")])
async def test_the_saved_answer_for_a_practice_screen_already_closed(error):
    """The App records a graded attempt and tells the screen; the learner may have left it by
    then (its grade and log gone: NoMatches '#practice-grade', make fuzz on the picker)."""
    app = DeployLabApp(lang="en", instant=True)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_practice("bluegreen")
        await pilot.pause()
        screen = app.screen
        app.pop_screen()
        await pilot.pause()
        screen.attempt_recorded(error)
        assert app.return_code is None
