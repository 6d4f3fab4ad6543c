"""The teacher's view in the app: `c` on the map or `--teacher`, every learner's row, kept up to
date while learners work, Escape back to the map, both languages, any size."""

from __future__ import annotations

import pytest

from app.store import ProgressStore
from app.ui.screens import teacher as teacher_screen
from app.ui.screens.course_map import CourseMapScreen
from app.ui.screens.teacher import TeacherScreen
from app.ui.widgets.chrome import TooSmall
from tests.support import new_app, settle


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    """Poll every 0.1 s instead of 2 s, so a refresh shows within a test's patience."""
    monkeypatch.setattr(teacher_screen, "POLL_S", 0.1)


def two_learners() -> None:
    with ProgressStore.open("alice") as store:
        store.mark_section_completed("5.1", "en")
        store.record_quiz_attempt("5.1.2", [], 7, 10, 1.0, 2.0)
    with ProgressStore.open("김민지") as store:
        store.record_quiz_attempt("5.2.2", [], 4, 5, 1.0, 2.0)


def shown(app) -> str:
    """The table as the screen shows it, at the width the screen gave it."""
    import io

    from rich.console import Console

    static = app.screen.query_one("#class-table")
    console = Console(width=app.size.width, file=io.StringIO(), record=True, color_system=None)
    console.print(static.content)
    return " ".join(console.export_text().split())


async def test_c_on_the_map_shows_every_learner_and_escape_goes_back(data_dir):
    two_learners()
    app = new_app(lang="en", instant=True, profile="teacher")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, TeacherScreen), "teacher open")
        text = shown(app)
        assert "alice" in text and "김민지" in text
        assert "7/10 · 5.1.2" in text and "4/5 · 5.2.2" in text
        assert "1/8" in text  # alice: one of the course's sections done
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, CourseMapScreen), "back on the map")


async def test_the_view_refreshes_when_a_learner_records_an_attempt(data_dir):
    two_learners()
    app = new_app(lang="en", instant=True, teacher=True, profile="teacher")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TeacherScreen), "--teacher opens it")
        screen = app.screen
        assert "9/10 · 5.1" not in shown(app)
        reads = screen.reads
        with ProgressStore.open("alice") as store:  # alice's app, elsewhere, saves a quiz
            store.record_quiz_attempt("5.1", [], 9, 10, 3.0, 4.0)
        await settle(pilot, lambda: screen.reads > reads, "a poll saw the new attempt", 200)
        assert "9/10 · 5.1" in shown(app)
        with ProgressStore.open("bob") as store:  # a new learner joins
            store.mark_section_completed("5.1", "en")
        await settle(pilot, lambda: "bob" in shown(app), "the new learner's row", 200)


async def test_the_view_speaks_both_languages(data_dir):
    two_learners()
    app = new_app(lang="ko", instant=True, teacher=True, profile="teacher")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TeacherScreen), "teacher open")
        assert "학습자" in shown(app) and "최근 활동" in shown(app)
        await pilot.press("l")
        await pilot.pause()
        assert "Learner" in shown(app) and "Last active" in shown(app)
        status = str(app.screen.query_one("#class-status").content)
        assert "Refreshes every 0.1 s" in status


async def test_footer_shows_the_keys(data_dir):
    app = new_app(lang="en", instant=True, teacher=True, profile="teacher")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TeacherScreen), "teacher open")
        keys = {binding.key for (_, binding, enabled, _) in
                app.screen.active_bindings.values() if binding.show}
        assert {"escape", "r", "l", "q"} <= keys


async def test_narrow_and_tiny_terminals(data_dir):
    two_learners()
    app = new_app(lang="ko", instant=True, teacher=True, profile="teacher")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TeacherScreen), "teacher open")
        text = shown(app)
        assert "김민지" in text and "4/5 · 5.2.2" in text  # as blocks: still every value whole
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.screen.query_one(TooSmall).display
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display and "김민지" in shown(app)
