"""Practice posts `AttemptGraded`; the App records it and tells the screen how that went."""

from __future__ import annotations

from textual.widgets import Input

from app.store import ProgressStore
from app.ui.app import DeployLabApp
from app.ui.screens.practice import PracticeScreen
from app.words import word
from tests.support import fill_the_disk, loaded_exercises, new_app

EXERCISE = loaded_exercises()["in-place"]
BAD = EXERCISE.bad[0]


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
    app = new_app(lang="en", instant=True)
    screen = await attempt(app, messages)
    graded = [m for m in messages if isinstance(m, PracticeScreen.AttemptGraded)]
    assert len(graded) == 1 and graded[0].exercise == EXERCISE.id
    assert not graded[0].grade.passed and graded[0].grade.criterion(BAD.fails).line == BAD.line
    assert screen.saved_rows == 1
    assert word("practice.grade.saved", "en") in screen.report


async def test_a_full_disk_is_said_at_once_no_save_is_claimed_and_the_attempt_is_kept():
    messages: list = []
    store = ProgressStore.open("default")
    fill_the_disk(store)
    app = new_app(lang="en", instant=True, store=store)
    screen = await attempt(app, messages)
    assert screen.saved_rows == 0
    assert word("practice.grade.saved", "en") not in screen.report
    assert "This attempt is not saved yet" in screen.report and "full" in screen.report
    assert "full" in screen.log_text
    toasts = [n.message for n in app._notifications]
    assert any("could not be saved" in t and "tries again" in t for t in toasts), toasts
    assert store.unsaved == 1  # kept (test_store: written with the next save there is room for)
