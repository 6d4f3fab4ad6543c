"""Pilot tests of the course UI: the map, a lesson's keys, its clock, its sizes.

One section of each kind of stage (a pipeline, one cluster pane, two panes, the comparison
table) is stepped through to the end and back on screen; every section's every step in both
languages is checked headless in test_course_steps.py, at the pane sizes these walks check.
The app runs with `instant=True` (each step completes at once) unless a test is about
animation; there the test moves the clock by hand. The progress store is in a temporary folder
(conftest).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.widgets import Markdown, OptionList

from app.store import ProgressStore
from app.ui.dialogs.help import HelpScreen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.lesson import SPEEDS, LessonScreen
from app.ui.widgets.chrome import StepBar, TooSmall
from app.ui.widgets.comparison import ComparisonView
from app.ui.widgets.pipeline_view import PipelineView
from app.ui.widgets.stage import ClusterView, receiving, state_key
from app.words import other_lang, word
from models.course import CLUSTER, PIPELINE, TABLE, StagePlayer, shown_panes
from tests.support import loaded_course, loaded_exercises, new_app, pane_size, step_end_frames

COURSE = loaded_course()
EXERCISES = loaded_exercises()
SECTION_IDS = [s.id for s in COURSE.sections]
SIZE = (120, 36)


@pytest.fixture
def hand_clock(monkeypatch):
    """The lesson's clock still ticks, but no time passes on it: the test calls `advance`
    (on a busy machine, real ticks could finish an animation before the test looks at it)."""
    monkeypatch.setattr("app.ui.screens.lesson.time", SimpleNamespace(monotonic=lambda: 0.0))


def lines_text(view) -> str:
    """What a self-drawing stage widget shows at its current size."""
    width, height = view.content_size
    return "\n".join("".join(seg.text for seg in line) for line in view.build(width, height))


def step_bar_text(app) -> str:
    return str(app.screen.query_one(StepBar).render())


def narration_source(app) -> str:
    return app.screen.query_one("#narration-text", Markdown).source


def check_step_on_screen(app, section, lang: str, k: int) -> None:
    """The screen shows step k: counter, title, narration, and the engine at step k's end."""
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    assert screen.k == k
    step = section.steps[k]
    text = COURSE.text(lang, section.id).steps[step.id]
    bar = step_bar_text(app)
    assert word("step.counter", lang, k=k + 1, n=len(section.steps)) in bar
    assert text.title in narration_source(app)
    assert text.body.strip()[:20] in narration_source(app)
    expected = step_end_frames(section.id)[k]
    assert screen.player.frames() == expected
    assert not screen.player.animating
    if section.stage == CLUSTER:
        on_stage = shown_panes(section, k)
        for pane in section.panes:
            view = screen.query_one(f"#pane-{pane.name}", ClusterView)
            assert view.display == (pane.name in on_stage), pane.name
            if not view.display:
                continue
            shown = lines_text(view)
            frame = expected[pane.name]
            assert view.frame == frame
            assert word("m.serving", lang, n=frame.answering, total=frame.needed) in shown
            assert word("m.failed", lang, n=f"{frame.failed:,}") in shown
            for node in frame.nodes[:3]:  # the smallest panes show at least three rows
                if node.kind == "host":
                    assert node.name in shown
                    assert word(state_key(node), lang) in shown
    elif section.stage == PIPELINE:
        shown = lines_text(screen.query_one(PipelineView))
        assert word("pipe.source", lang) in shown and word("pipe.monitor", lang) in shown
    elif section.stage == TABLE:
        view = screen.query_one(ComparisonView)
        assert view.rows is not None and len(view.rows) == len(section.strategies)


def one_of_each_stage() -> list:
    """The first section of each kind of stage and pane layout, in alternating languages."""
    firsts = {}
    for section in COURSE.sections:
        firsts.setdefault((section.stage, len(section.panes)), section.id)
    return [pytest.param(sid, ("ko", "en")[i % 2], id=f"{sid}-{('ko', 'en')[i % 2]}")
            for i, sid in enumerate(firsts.values())]


@pytest.mark.parametrize(("section_id", "lang"), one_of_each_stage())
async def test_a_section_forward_to_the_end_and_back(section_id, lang):
    section = COURSE.section(section_id)
    app = new_app(lang=lang, lesson=section_id, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The sizes test_course_steps draws every step of every section at.
        for view in app.screen.query("ClusterView, PipelineView"):
            if view.display:  # a hidden pane waits for the step that shows it
                assert tuple(view.content_size) == pane_size(section), view.id
        last = len(section.steps) - 1
        for k in range(last + 1):
            check_step_on_screen(app, section, lang, k)
            if k < last:
                await pilot.press("right")
                await pilot.pause()
        assert section_id in ProgressStore.open().completed_sections()
        await pilot.press("right")  # past the end: stays on the last step
        await pilot.pause()
        check_step_on_screen(app, section, lang, last)
        for k in range(last - 1, -1, -1):
            await pilot.press("left")
            await pilot.pause()
            check_step_on_screen(app, section, lang, k)
        await pilot.press("left")  # before the start: stays on the first step
        await pilot.pause()
        check_step_on_screen(app, section, lang, 0)


async def test_in_place_step_three_has_two_targets_out_of_service():
    section = COURSE.section("5.1.2")
    app = new_app(lang="en", lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        screen = app.screen
        assert screen.k == 2
        frame = screen.player.frames()["main"]
        out = [n.name for n in frame.nodes if not receiving(n, frame)]
        assert out == ["web-1", "web-2"]
        assert frame.serving == 2
        shown = lines_text(screen.query_one("#pane-main", ClusterView))
        assert shown.count(word("st.unused", "en")) == 2
        assert word("m.serving", "en", n=2, total=4) in shown
        assert section.steps[2].focus == ("web-1", "web-2")
        # Focused nodes carry a text mark, not only a colour.
        assert shown.count("»") == 2


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_language_switch_keeps_the_step_and_rewords_the_screen(lang):
    other = "en" if lang == "ko" else "ko"
    section = COURSE.section("5.1.2")
    app = new_app(lang=lang, lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right")
        await pilot.pause()
        frames_before = app.screen.player.frames()
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == other
        check_step_on_screen(app, section, other, 3)
        assert app.screen.player.frames() == frames_before
        shown = lines_text(app.screen.query_one("#pane-main", ClusterView))
        assert word("m.serving", other, n=4, total=4) in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        title = COURSE.text(other, "5.1.2").title
        prompts = [str(app.screen.query_one(OptionList).get_option_at_index(i).prompt)
                   for i in range(len(SECTION_IDS))]
        assert any(title in p for p in prompts)


async def test_escape_returns_to_the_map_and_enter_opens_the_highlighted_section():
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.section.id == SECTION_IDS[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)
        assert len(app.screen_stack) == 1


async def test_deep_link_opens_the_section_over_the_map():
    app = new_app(lang="ko", lesson="5.1.3", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.section.id == "5.1.3"
        assert isinstance(app.screen_stack[0], CourseMapScreen)
        assert COURSE.text("ko", "5.1.3").title in step_bar_text(app)


async def test_map_marks_completed_sections_from_the_store():
    store = ProgressStore.open()
    store.mark_section_completed("5.1.2", "ko")
    store.close()
    app = new_app(lang="en", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        prompts = {options.get_option_at_index(i).id: str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)}
        assert "✓ done" in prompts["5.1.2"]
        assert all("✓" not in text for sid, text in prompts.items() if sid != "5.1.2")


async def test_finishing_a_section_shows_its_mark_on_the_map():
    section = COURSE.section("5.1.2")
    app = new_app(lang="ko", lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["right"] * (len(section.steps) - 1))
        await pilot.press("escape")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        index = SECTION_IDS.index("5.1.2")
        assert word("map.done", "ko") in str(options.get_option_at_index(index).prompt)


@pytest.mark.parametrize("size", [(59, 30), (100, 19), (40, 12)])
async def test_too_small_terminal_shows_a_note_in_both_languages(size):
    app = new_app(lang="en", lesson="5.1.2", instant=True)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        note = app.screen.query_one(TooSmall)
        assert note.display and note.region.area > 0
        text = str(note.render())
        assert "too small" in text and "너무 작습니다" in text
        assert app.screen.query_one("#lesson-body").region.area == 0
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert note.region.area == 0
        assert app.screen.query_one("#lesson-body").region.area > 0


async def test_two_panes_sit_side_by_side_when_wide_and_stack_when_narrow():
    two_pane = next((s for s in COURSE.sections if len(s.panes) == 2), None)
    if two_pane is None:
        pytest.skip("no section with two panes yet")
    app = new_app(lang="en", lesson=two_pane.id, instant=True)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        first, second = app.screen.query(ClusterView)
        assert first.region.y == second.region.y and first.region.x < second.region.x
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert first.region.x == second.region.x and first.region.y < second.region.y
        assert second.region.bottom <= app.screen.query_one("#stage").region.bottom


async def test_next_animates_the_step_and_back_replays_instantly(hand_clock):
    section = COURSE.section("5.1.2")
    app = new_app(lang="en", lesson="5.1.2")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen._stop_clock()  # drive the clock by hand: the test decides when time passes
        screen.enter_step(1, animate=False)
        await pilot.press("right")  # step 3 deploys two hosts: a long animation
        screen._stop_clock()
        assert screen.k == 2 and screen.player.animating
        start = screen.player.frames()["main"].t
        view = screen.query_one("#pane-main", ClusterView)
        for _ in range(10):
            screen.advance(1 / 30)
        assert screen.player.frames()["main"].t > start
        # Requests served since the last frame travel as dots on the links that receive them.
        frame = screen.player.frames()["main"]
        assert view.dots and all(receiving(frame.node(name), frame) for name in view.dots)
        assert "•" in lines_text(view)
        while screen.player.animating:
            screen.advance(0.1)
        expected = StagePlayer(section)
        expected.goto(2)
        assert screen.player.frames() == expected.frames()
        await pilot.press("right", "right", "right")  # step 6 deploys the other two: long
        screen._stop_clock()
        assert screen.player.animating and screen.k == 5
        await pilot.press("left")  # back: the end of step 5 at once, no animation
        assert screen.k == 4 and not screen.player.animating
        expected.goto(4)
        assert screen.player.frames() == expected.frames()
        assert not view.dots


async def test_pause_freezes_the_clock_and_speed_keys_change_it(hand_clock):
    app = new_app(lang="en", lesson="5.1.2")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("right", "right")  # the long deploy step (two hosts, one by one)
        screen._stop_clock()
        assert screen.player.animating
        await pilot.press("p")  # autoplay on
        await pilot.press("p")  # and off again: pauses mid-step
        screen._stop_clock()
        assert screen.paused and not screen.autoplay
        t = screen.player.frames()["main"].t
        screen.advance(0.5)
        assert screen.player.frames()["main"].t == t
        assert word("clock.paused", "en") in step_bar_text(app)
        speed = screen.speed
        await pilot.press("plus")
        assert screen.speed == SPEEDS[SPEEDS.index(speed) + 1]
        await pilot.press("minus", "minus")
        assert screen.speed == SPEEDS[SPEEDS.index(speed) - 1]
        assert f"×{screen.speed}" in step_bar_text(app)
        await pilot.press("right")  # next always plays
        screen._stop_clock()
        assert not screen.paused


async def test_autoplay_moves_on_after_the_step_and_its_reading_time(hand_clock):
    app = new_app(lang="ko", lesson="5.1.2", autoplay=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen._stop_clock()
        while screen.player.animating:
            screen.advance(0.1)
        assert screen._reading is not None  # waits for the reader before moving on
        assert screen.k == 0
        screen._auto_next()
        screen._stop_clock()
        assert screen.k == 1 and screen.player.animating
        await pilot.press("p")
        assert not screen.autoplay


async def test_reset_goes_back_to_the_first_step():
    app = new_app(lang="en", lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right", "right", "r")
        await pilot.pause()
        check_step_on_screen(app, COURSE.section("5.1.2"), "en", 0)


async def test_help_lists_the_keys_and_any_key_closes_it():
    app = new_app(lang="ko", lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert word("help.prev", "ko") in shown and word("help.legend.versions", "ko") in shown
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.k == 0


async def test_command_palette_jumps_to_a_section():
    app = new_app(lang="en", lesson="5.1.2", instant=True)
    target = SECTION_IDS[-1]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*COURSE.text("en", target).title)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.section.id == target
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CourseMapScreen)


async def test_footer_keys_are_in_the_current_language():
    app = new_app(lang="ko", lesson="5.1.2", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bindings = {b.binding.action: b.binding.description
                    for b in app.screen.active_bindings.values()}
        assert bindings["next_step"] == word("key.next", "ko")
        await pilot.press("l")
        await pilot.pause()
        bindings = {b.binding.action: b.binding.description
                    for b in app.screen.active_bindings.values()}
        assert bindings["next_step"] == word("key.next", "en")


async def test_practice_key_only_where_a_section_has_an_exercise():
    from app.ui.screens.practice import PracticeScreen

    with_exercise = next(s for s in COURSE.sections if len(s.exercises) == 1)
    without = next(s for s in COURSE.sections if not s.exercises)
    app = new_app(lang="en", lesson=without.id, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "practice" not in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
    app = new_app(lang="en", lesson=with_exercise.id, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "practice" in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.screen.exercise.id == with_exercise.exercises[0]
        await pilot.press("escape", "escape")  # leave the input, then the screen
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_the_comparison_table_is_computed_in_a_worker():
    table = next((s for s in COURSE.sections if s.stage == TABLE), None)
    if table is None:
        pytest.skip("no table section yet")
    from app.ui.widgets.comparison import ComparisonComputed

    posted = []
    app = new_app(lang="ko", lesson=table.id)
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        view = app.screen.query_one(ComparisonView)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.rows is not None and [r.strategy for r in view.rows] == list(table.strategies)
        # The worker posted its rows once (the hook sees the message at each widget it bubbles
        # through, hence by identity).
        computed = list({id(m): m for m in posted if isinstance(m, ComparisonComputed)}.values())
        assert len(computed) == 1 and computed[0].rows == view.rows and not computed[0].error
        shown = str(view.query_one("#comparison-table").render())
        assert view.rows is not None
        await pilot.press("l")
        await pilot.pause()
        assert shown != str(view.query_one("#comparison-table").render())


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_right_at_the_last_step_offers_what_comes_next(lang):
    """Right at a lesson's end names the quiz, practice where the section has one, and the next
    section; Right once more opens that section."""
    section = COURSE.section("5.2.1")
    app = new_app(lang=lang, lesson="5.2.1", instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(len(section.steps) - 1):
            await pilot.press("right")
        assert app.screen.k == len(section.steps) - 1
        assert word("next.title", lang) not in narration_source(app)
        await pilot.press("right")
        shown = narration_source(app)
        assert word("next.title", lang) in shown and word("next.quiz", lang) in shown
        title = COURSE.text(lang, "5.2.2").title
        assert word("next.section", lang, id="5.2.2", title=title) in shown
        assert "**x**" not in shown  # 5.2.1 has no exercise
        await pilot.press("right")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.section.id == "5.2.2"
        for _ in range(len(COURSE.section("5.2.2").steps)):
            await pilot.press("right")
        titles = ", ".join(EXERCISES[e].text(lang).title
                           for e in COURSE.section("5.2.2").exercises)
        assert word("next.practice_choice", lang, titles=titles) in narration_source(app)


def press_now(app, *keys: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    from tests import fuzz

    for key in keys:
        fuzz.send(app, key)


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_the_maps_footer_shows_enter_first(lang):
    """The list's own Enter (hidden) used to shadow the map's: the footer began at 't Quiz',
    and nothing on screen said that Enter opens a section."""
    app = new_app(lang=lang, instant=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        keys = [(k.key, k.description) for k in app.screen.query("FooterKey")]
        assert keys[0] == ("enter", word("key.open", lang))
        # Down and Enter typed faster than the list handles them open the section below: Enter
        # is the list's own key, after the Down (a browser test found the map's opening 5.2.2).
        press_now(app, "down", "down", "enter")
        await pilot.pause()
        assert app.screen.section.id == COURSE.sections[2].id
        await pilot.press("escape", "l")
        await pilot.pause()
        keys = [(k.key, k.description) for k in app.screen.query("FooterKey")]
        assert ("enter", word("key.open", other_lang(lang))) in keys
