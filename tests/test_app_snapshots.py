"""Snapshot tests of the course UI (pytest-textual-snapshot): the map, a middle step of every
section in Korean and English at 100x30, one section at 80x24, the practice screen (mid-attempt
and graded with a failure) and a quiz question after answering.

The app runs with `instant=True` (no clock, every step complete), its progress store in a
temporary folder, and animations off, so each screenshot is the same on every run.
Regenerate after a deliberate change with `pytest tests/test_app_snapshots.py --snapshot-update`
and look at the pictures before committing them.
"""

from __future__ import annotations

import pytest

from tests.support import loaded_course, new_app, snapshot_files_and_tests

COURSE = loaded_course()
SECTION_IDS = [s.id for s in COURSE.sections]
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def still(monkeypatch):
    """No animations (the progress store is in a temporary folder already: conftest)."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def middle_step_presses(section_id: str) -> list[str]:
    return ["right"] * ((len(COURSE.section(section_id).steps) - 1) // 2)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_course_map(snap_compare, lang):
    app = new_app(lang=lang, instant=True)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("section_id", SECTION_IDS)
def test_middle_step_of_each_section(snap_compare, section_id, lang):
    app = new_app(lang=lang, lesson=section_id, instant=True)
    assert snap_compare(app, press=middle_step_presses(section_id), terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_in_place_at_80x24(snap_compare, lang):
    app = new_app(lang=lang, lesson="5.1.2", instant=True)
    assert snap_compare(app, press=["right", "right"], terminal_size=(80, 24))


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_busy_hour(snap_compare, size, lang):
    """5.1.2's busy hour: in-place's two servers with full queues and latency climbing,
    blue/green next to it at the same traffic."""
    section = COURSE.section("5.1.2")
    k = [s.id for s in section.steps].index("busy-hour")
    app = new_app(lang=lang, lesson="5.1.2", instant=True)
    assert snap_compare(app, press=["right"] * k, terminal_size=size)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_summary_table(snap_compare, size, lang):
    app = new_app(lang=lang, lesson="5.3", instant=True)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_present_at_200x60(snap_compare, lang):
    """The classroom layout on a projector-sized terminal: the stage scaled up, not 30 empty
    rows."""
    app = new_app(lang=lang, lesson="5.1.3", present=True, instant=True)
    assert snap_compare(app, press=["right", "right"], terminal_size=(200, 60))


# --- practice and quiz ---------------------------------------------------------------------
async def practice_with(pilot, commands: list[str]) -> None:
    from app.ui.screens.practice import PracticeScreen

    screen = PracticeScreen("bluegreen", pilot.app.lang)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    screen.console.input.cursor_blink = False
    for command in commands:
        screen.console.input.value = command
        await pilot.press("enter")
        await pilot.pause()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_practice_mid_attempt(snap_compare, lang):
    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        await practice_with(pilot, ["launch green 4 v102", "register green", "lunch"])

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_practice_graded_with_a_failure(snap_compare, lang):
    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        await practice_with(pilot, ["launch green 4 v102", "register green",
                                    "wait healthy green", "deregister blue", "terminate blue"])

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_quiz_question_after_answering(snap_compare, lang):
    from app.ui.screens.quiz import QuizScreen
    from lessons.quizzes import load_quizzes

    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(QuizScreen(load_quizzes()["5.2.2"], seed=1))
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


# --- the snapshot files themselves ---------------------------------------------------------
def test_every_snapshot_file_belongs_to_a_snapshot_test(request):
    left_behind, never_recorded = snapshot_files_and_tests(request, __file__)
    assert left_behind == []  # by a test renamed or removed
    assert never_recorded == []
