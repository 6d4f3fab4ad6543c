"""Practice posts `AttemptGraded`; the App records it and tells the screen how that went."""

from __future__ import annotations

from textual.widgets import Input

from app.store import ProgressStore
from app.ui.app import DeployLabApp
from app.ui.screens.practice import PracticeScreen
from app.words import word
from lessons.exercises import load_exercises

EXERCISE = load_exercises()["in-place"]
BAD = EXERCISE.bad[0]


class FullStore:
    """A store whose writes fail the way a full disk makes them fail."""

    notice = None

    def __init__(self, real: ProgressStore):
        self.real = real

    def record_practice_attempt(self, *args, **kwargs):
        raise OSError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self.real, name)


async def attempt(app: DeployLabApp, messages: list) -> PracticeScreen:
    async with app.run_test(size=(120, 36), message_hook=messages.append) as pilot:
        screen = PracticeScreen(EXERCISE.id, "en", instant=True)
        await app.push_screen(screen)
        await pilot.pause()
        for line in [x for x in BAD.script.splitlines() if x.strip()]:
            screen.query_one(Input).value = line
            await pilot.press("enter")
            await pilot.pause()
        if not screen.graded:
            await pilot.press("ctrl+d")
        await pilot.pause()
        screen.report = str(screen.query_one("#practice-grade").content)
        screen.saved_rows = len(app.store.practice_attempts(EXERCISE.id))
        screen.log_text = "\n".join(str(line.text) for line in
                                     screen.query_one("#practice-log").lines)
        return screen


async def test_a_graded_attempt_is_posted_once_and_recorded_by_the_app():
    messages: list = []
    app = DeployLabApp(lang="en", instant=True)
    screen = await attempt(app, messages)
    graded = [m for m in messages if isinstance(m, PracticeScreen.AttemptGraded)]
    assert len(graded) == 1 and graded[0].exercise == EXERCISE.id
    assert not graded[0].grade.passed and graded[0].grade.criterion(BAD.fails).line == BAD.line
    assert screen.saved_rows == 1
    assert word("practice.grade.saved", "en") in screen.report


async def test_a_store_that_cannot_write_is_said_and_no_save_is_claimed():
    messages: list = []
    app = DeployLabApp(lang="en", instant=True, store=FullStore(ProgressStore.open("default")))
    screen = await attempt(app, messages)
    assert screen.saved_rows == 0
    assert word("practice.grade.saved", "en") not in screen.report
    assert "disk is full" in screen.log_text
