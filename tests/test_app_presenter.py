"""The presenter (`--present`): the speed on screen and its keys, autoplay's pause at each
step's end (and its countdown), large narration, the boxed stage, no grading or console."""

from __future__ import annotations

import math

import pytest

from app.ui.screens import lesson as lesson_screen
from app.ui.screens.lesson import PRESENT_PAUSE_S, LessonScreen, reading_delay
from app.ui.widgets.presenter import PresenterBar
from app.ui.widgets.stage import ClusterView
from app.words import word
from tests.support import new_app, plain

SIZE = (200, 60)


class HandClock:
    """The lesson's clock, moved by the test (a busy machine must not decide what it sees)."""

    def __init__(self):
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> HandClock:
    hand = HandClock()
    monkeypatch.setattr(lesson_screen, "time", hand)
    return hand


def bar_text(app) -> str:
    return plain(app.screen.query_one(PresenterBar).render())


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_plus_and_minus_change_the_speed_the_bar_shows(lang):
    app = new_app(lang=lang, lesson="5.1.2", present=True, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert word("present.speed", lang, speed=20) in bar_text(app)
        await pilot.press("plus")
        assert screen.speed == 50 and word("present.speed", lang, speed=50) in bar_text(app)
        await pilot.press("minus", "minus")
        assert screen.speed == 10 and word("present.speed", lang, speed=10) in bar_text(app)
        for _ in range(10):
            await pilot.press("minus")
        assert word("present.speed", lang, speed=1) in bar_text(app)  # the slowest stays put


async def test_autoplay_waits_at_a_step_end_and_counts_the_pause_down(clock):
    app = new_app(lang="en", lesson="5.1.2", present=True)  # autoplay: on with --present
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.autoplay
        screen._stop_clock()
        assert screen.player.animating and screen.autoplay_mode()[0] == "playing"
        while screen.player.animating:
            screen.advance(0.1)
        text = lesson_screen.LessonScreen.texts(screen).steps[screen.section.steps[0].id]
        pause = reading_delay(text.title + text.body) + PRESENT_PAUSE_S
        # At the step's end autoplay waits: still step 1, a timer set, the seconds on screen.
        assert screen.k == 0 and screen._reading is not None
        assert screen.next_at == pytest.approx(clock.now + pause)
        assert screen.autoplay_mode() == ("waiting", math.ceil(pause))
        assert word("present.waiting", "en", s=math.ceil(pause)) in bar_text(app)
        clock.now += pause - 2.5
        screen.show_presenter_bar()
        assert word("present.waiting", "en", s=3) in bar_text(app)
        screen._auto_next()  # the timer's end
        screen._stop_clock()
        assert screen.k == 1 and screen.autoplay_mode()[0] == "playing"
        await pilot.press("p")  # p stops autoplay mid-step: paused
        assert screen.autoplay_mode()[0] == "paused"
        assert word("present.paused", "en") in bar_text(app)


async def test_the_pause_is_longer_for_the_presenter_than_for_a_reader(clock):
    app = new_app(lang="en", lesson="5.1.2", autoplay=True)  # not presenting
    async with app.run_test(size=(120, 36)):
        screen = app.screen
        screen._stop_clock()
        while screen.player.animating:
            screen.advance(0.1)
        text = screen.texts().steps[screen.section.steps[0].id]
        assert screen.next_at == pytest.approx(clock.now + reading_delay(text.title + text.body))
        assert not screen.query(PresenterBar)  # the bar is the presenter's alone


async def test_no_quiz_or_practice_console_on_the_projector():
    app = new_app(lang="en", lesson="5.2.2", present=True, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "x")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)  # neither the quiz nor practice opened
        screen = app.screen
        for _ in screen.section.steps[1:]:
            await pilot.press("right")
        await pilot.press("right")  # past the last step: what comes next
        await pilot.pause()
        said = plain(screen.query_one("#narration-large").content)
        assert word("next.title", "en") in said
        assert word("next.quiz", "en") not in said and word("next.practice", "en") not in said


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_narration_is_large_bold_and_double_spaced(lang):
    app = new_app(lang=lang, lesson="5.1.3", present=True, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        static = app.screen.query_one("#narration-large")
        lines = static.render_lines(static.region.reset_offset)  # as drawn, row by row
        texts = ["".join(seg.text for seg in strip).strip() for strip in lines]
        body = [i for i, t in enumerate(texts) if t][1:]  # the title banner first
        assert len(body) >= 3
        # Every line of text is followed by a blank one.
        assert all(texts[i + 1] == "" for i in body if i + 1 < len(texts))
        first = next(iter(lines[body[0]]))
        assert any(seg.style and seg.style.bold for seg in lines[body[0]] if seg.text.strip()), \
            first


async def test_the_stage_boxes_each_server_and_enlarges_the_load_balancer():
    app = new_app(lang="en", lesson="5.1.3", present=True, instant=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        view = app.screen.query_one(ClusterView)
        width, height = view.content_size
        drawn = ["".join(seg.text for seg in line) for line in view.build(width, height)]
        boxed = [line for line in drawn if "│  ◇ v101 blue-" in line or "│  ◆ v102 green-" in line]
        assert len(boxed) == 8  # each of the eight servers in a box of its own
        assert sum(line.count("┌" + "─" * 9 + "┐") for line in drawn) == 1  # the 11-wide ALB
        tops = [i for i, line in enumerate(drawn) if "┌" in line and "─┐" in line]
        assert len(tops) == 9  # the load balancer and eight servers
    small = new_app(lang="en", lesson="5.1.3", instant=True)
    async with small.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        view = small.screen.query_one(ClusterView)
        width, height = view.content_size
        drawn = ["".join(seg.text for seg in line) for line in view.build(width, height)]
        assert not any("│  ◇ v101 blue-" in line for line in drawn)  # only the presenter's


async def test_a_short_terminal_keeps_the_narration_bold_but_not_spaced():
    """At 80x24 the narration pane has 8 rows: blank lines between lines would leave one line
    of text showing; they come back when the terminal grows tall."""
    app = new_app(lang="ko", lesson="5.1.2", present=True, instant=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        static = app.screen.query_one("#narration-large")
        assert static.content.spaced is False
        lines = static.render_lines(static.region.reset_offset)
        texts = ["".join(seg.text for seg in strip).strip() for strip in lines]
        body = next(i for i, t in enumerate(texts) if t and i > 0)  # under the title banner
        assert texts[body + 1]  # the body's second line right under its first
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert app.screen.query_one("#narration-large").content.spaced is True
