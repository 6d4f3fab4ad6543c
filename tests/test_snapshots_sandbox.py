"""Snapshot tests of the sandbox (pytest-textual-snapshot), in Korean and English at 100x30.

Mid-way through a blue/green run in the sandbox: green launched and registered, blue
deregistered while green is still `initial`, then 20 s of waiting, so the log shows the ⚠ and
the ✗ marks with what users saw (the count and the cause), the stage shows blue draining, and
the side panel the sandbox's keys (no goal, hints or score). Regenerate after a deliberate
change with `pytest tests/test_snapshots_sandbox.py --snapshot-update` and look at the pictures.
"""

from __future__ import annotations

import pytest

from tests.support import new_app, snapshot_files_and_tests

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def still(monkeypatch, tmp_path):
    """No animations; any file the sandbox might write lands in the test's folder."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_sandbox_mid_way(snap_compare, lang):
    app = new_app(lang=lang, instant=True)

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press("s")  # the map's sandbox
        await pilot.pause()
        screen = pilot.app.screen
        screen.console.input.cursor_blink = False
        for command in ("launch green 4 v102", "register green", "deregister blue", "wait 20"):
            screen.console.input.value = command
            await pilot.press("enter")
            await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_every_snapshot_file_belongs_to_a_snapshot_test(request):
    left_behind, never_recorded = snapshot_files_and_tests(request, __file__)
    assert left_behind == []  # by a test renamed or removed
    assert never_recorded == []
