"""Snapshot tests of the capacity chart on the stage, in Korean and English, at 80x24, 120x36
and 200x60: 5.1.2's last step (two dips and the return to 4 between), 5.1.3 while both groups
serve (v101 and v102 stacked, 8 of 8 on a 2N axis) and 5.1.4's switch to an empty slot
(serving 0, 502s climbing).

The app runs with `instant=True` (no clock, every step complete) and animations off, so each
picture is the same on every run. Regenerate after a deliberate change with
`pytest tests/test_chart_snapshots.py --snapshot-update` and look at the pictures first.
"""

from __future__ import annotations

import pytest

from app.ui.app import DeployLabApp
from lessons.course import load_course
from tests.support import snapshot_files_and_tests

COURSE = load_course()
SIZES = [(80, 24), (120, 36), (200, 60)]
STEPS = [("5.1.2", "trade-offs"), ("5.1.3", "both-serve"), ("5.1.4", "empty-switch")]


@pytest.fixture(autouse=True)
def still(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def presses(section_id: str, step_id: str) -> list[str]:
    steps = [s.id for s in COURSE.section(section_id).steps]
    return ["right"] * steps.index(step_id)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("section_id", "step_id"), STEPS, ids=[s for s, _ in STEPS])
def test_chart_on_the_stage(snap_compare, section_id, step_id, size, lang):
    app = DeployLabApp(lang=lang, lesson=section_id, instant=True, course=COURSE)

    async def run_before(pilot) -> None:
        await pilot.press(*presses(section_id, step_id))
        await pilot.pause()
        pilot.app.clear_notifications()  # the last step's "section complete" would cover it
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_every_snapshot_file_belongs_to_a_snapshot_test(request):
    left_behind, never_recorded = snapshot_files_and_tests(request, __file__)
    assert left_behind == []  # by a test renamed or removed
    assert never_recorded == []
