"""Snapshot tests of practice mode (pytest-textual-snapshot), in Korean and English: a coached
mistake (launch, register and deregister blue at once: ⚠ with the reason, then ✗ with the
count and the cause, in the log; 120x50, where the log holds both) and the console exercise
(bluegreen-console) half way, green attached next to blue (120x36).

As in tests/test_app_snapshots.py: `instant=True`, the store in a temporary folder, no
animations. Regenerate after a deliberate change with
`pytest tests/test_snapshots_practice.py --snapshot-update`, and look at the pictures.
"""

from __future__ import annotations

import pytest

from tests.support import new_app, snapshot_files_and_tests

SIZE = (120, 36)
TALL = (120, 50)  # the log's 14 lines hold the Korean ⚠ and ✗ with their reasons
MISTAKE = ["launch green 4 v102", "register green", "deregister blue", "wait 30"]
CONSOLE_HALF_WAY = ["launch build 1 v102", "wait ready build-1",
                    "create-image img-v102 from build-1", "create-template lt-v102 from img-v102",
                    "create-asg green from lt-v102 size 4", "wait ready green", "attach-asg green",
                    "wait healthy green"]


@pytest.fixture(autouse=True)
def still(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


async def practice_with(pilot, exercise: str, commands: list[str]):
    from app.ui.screens.practice import PracticeScreen

    screen = PracticeScreen(exercise, pilot.app.lang)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    screen.console.input.cursor_blink = False
    for command in commands:
        screen.console.input.value = command
        await pilot.press("enter")
        await pilot.pause()
    return screen


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_coached_mistake(snap_compare, lang):
    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        screen = await practice_with(pilot, "bluegreen", MISTAKE)
        marks = [screen.log_text(k, p).plain.split()[0] for k, p in screen._log
                 if k == "result"]
        assert marks == ["✓", "✓", "⚠", "✗"]  # what the picture must show

    assert snap_compare(app, run_before=run_before, terminal_size=TALL)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_console_exercise_half_way(snap_compare, lang):
    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        screen = await practice_with(pilot, "bluegreen-console", CONSOLE_HALF_WAY)
        assert len(screen.session.results) == len(CONSOLE_HALF_WAY) and not screen.graded
        await pilot.press("ctrl+t")  # the hint about what is still to do (the goal)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_every_snapshot_file_belongs_to_a_snapshot_test(request):
    left_behind, never_recorded = snapshot_files_and_tests(request, __file__)
    assert left_behind == []  # by a test renamed or removed
    assert never_recorded == []
