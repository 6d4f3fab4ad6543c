"""Snapshot tests of the presenter's layout (`--present`) on a projector-sized terminal, 200x60,
in Korean and English: servers in boxes, the larger load balancer and chart, the narration in
bold with a blank line between lines, and the bar with the speed and autoplay's state.

As in tests/test_app_snapshots.py the app runs with `instant=True` and no animations.
Regenerate after a deliberate change with `pytest tests/test_snapshots_presenter.py
--snapshot-update` and look at the pictures (as PNG) before committing them.
"""

from __future__ import annotations

import pytest

from tests.support import loaded_course, new_app, snapshot_files_and_tests

SIZE = (200, 60)
COURSE = loaded_course()


@pytest.fixture(autouse=True)
def still(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_presenter_in_place_mid_deployment(snap_compare, lang):
    """5.1.2's third step: two servers out of the load balancer, four boxes, the dip."""
    app = new_app(lang=lang, lesson="5.1.2", present=True, instant=True)
    assert snap_compare(app, press=["right", "right"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_presenter_two_panes(snap_compare, lang):
    """5.1.1's second step: downtime and zero-downtime side by side, at the presenter's size."""
    app = new_app(lang=lang, lesson="5.1.1", present=True, instant=True)
    assert snap_compare(app, press=["right"], terminal_size=SIZE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_presenter_blue_green_at_its_last_step(snap_compare, lang):
    """5.1.3's last step and what comes next (the next section; no quiz or practice here)."""
    steps = len(COURSE.section("5.1.3").steps)
    app = new_app(lang=lang, lesson="5.1.3", present=True, instant=True)
    assert snap_compare(app, press=["right"] * steps, terminal_size=SIZE)


def test_every_snapshot_file_belongs_to_a_snapshot_test(request):
    left_behind, never_recorded = snapshot_files_and_tests(request, __file__)
    assert left_behind == []  # by a test renamed or removed
    assert never_recorded == []
