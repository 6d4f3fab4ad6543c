"""Helpers the UI tests and their headless twins share (fixtures live in conftest.py).

`run_as_the_screen` does, without Textual, what the practice screen does with console lines in
instant mode: parse against the live names, run each command to its end, grade the moment the
goal state is reached, and grade on Ctrl+D otherwise. The pilot tests check that the screen
gives the same grade, so the headless matrices speak for the screen.
"""

from __future__ import annotations

import io

from rich.console import Console

from models.course import PIPELINE
from models.exercises import Exercise
from models.practice_session import PracticeSession

# Content sizes of the stage widgets in a lesson at 120×36: test_course_steps draws every step
# at them, and test_app_course checks that the lesson screen gives them.
ONE_PANE, TWO_PANES, PIPELINE_PANE = (68, 31), (68, 15), (68, 32)


def plain(renderable) -> str:
    """A renderable as one line of plain text (no colour, no wrapping, spaces squashed)."""
    console = Console(width=2000, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return " ".join(console.export_text().split())


def commands(script: str) -> list[str]:
    """A script's console lines: comments and blank lines left out."""
    lines = (line.split("#", 1)[0].strip() for line in script.splitlines())
    return [line for line in lines if line]


def run_as_the_screen(exercise: Exercise, script: str) -> PracticeSession:
    """Enter `script` line by line as the practice screen runs it (instant), then Ctrl+D.

    A line that does not parse raises `ParseError` (the screen would show it under the input).
    """
    session = PracticeSession(exercise)
    for line in commands(script):
        action = session.parse(line)
        if action is None:
            continue
        session.begin(action)
        session.finish_current()
        if session.goal_now():
            break
    session.grade_now()
    return session


def pane_size(section) -> tuple[int, int]:
    """The content size of each stage widget of `section`'s lesson at 120×36."""
    if section.stage == PIPELINE:
        return PIPELINE_PANE
    return ONE_PANE if len(section.panes) == 1 else TWO_PANES


async def enter(pilot, screen, line: str) -> None:
    """Put `line` in the practice console and press Enter (one key, not one per letter)."""
    screen.console.input.value = line
    await pilot.press("enter")
    await pilot.pause()
