"""Helpers the UI tests and their headless twins share (fixtures live in conftest.py).

`run_as_the_screen` does, without Textual, what the practice screen does with console lines in
instant mode: parse against the live names, run each command to its end, grade the moment the
goal state is reached, and grade on Ctrl+D otherwise. The pilot tests check that the screen
gives the same grade, so the headless matrices speak for the screen.
"""

from __future__ import annotations

import functools
import io
import shutil
import sqlite3
from pathlib import Path

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


def copy_course(target: Path) -> Path:
    """The built-in course's files (not its code or caches) copied to `target`, which is
    returned: tests break the copy, never the course."""
    from lessons import COURSE_DIR

    shutil.copytree(COURSE_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` by `new` (`old` must be there)."""
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def pane_size(section, k: int = 0) -> tuple[int, int]:
    """The content size of each stage widget of `section`'s lesson at 120×36, at step k."""
    from models.course import shown_panes

    if section.stage == PIPELINE:
        return PIPELINE_PANE
    return ONE_PANE if len(shown_panes(section, k)) == 1 else TWO_PANES


async def settle(pilot, done, what: str, pauses: int = 50) -> None:
    """Pause until `done()` is true: an effect that takes a chain of messages may outlast one
    idle wait when the machine is busy. Fails, naming `what`, after `pauses` pauses."""
    for _ in range(pauses):
        if done():
            return
        await pilot.pause()
    raise AssertionError(f"{what}: not so after {pauses} pauses")


async def enter(pilot, screen, line: str) -> None:
    """Put `line` in the practice console and press Enter (one key, not one per letter)."""
    screen.console.input.value = line
    await pilot.press("enter")
    await pilot.pause()


FILLERS = {  # rows of no real item, to fill each table's pages (their ids start with "filler")
    "meta": "INSERT INTO meta (key, value) VALUES ('filler-' || ?, ?)",
    "section_completion": "INSERT INTO section_completion (section_id, lang, completed_at) "
                          "VALUES ('filler-' || ? || ?, 'en', 0)",
    "quiz_attempt": "INSERT INTO quiz_attempt (quiz_id, answers, score, max_score, started_at, "
                    "finished_at) VALUES ('filler-' || ?, ?, 0, 1, 0, 0)",
    "practice_attempt": "INSERT INTO practice_attempt (exercise, commands, passed, score, "
                        "criteria, seed, recorded_at) VALUES ('filler-' || ?, ?, 0, 0, '[]', 0, "
                        "0)",
}


def fill_the_disk(store) -> None:
    """Make every further write to `store`'s file fail as on a full disk (SQLITE_FULL): the
    file may not grow past its pages, and each table's pages are filled with filler rows (ids
    starting with "filler")."""
    conn = store._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    number = 0
    for sql in FILLERS.values():
        for size in (2000, 200, 20, 1):  # big rows, then smaller ones into what room is left
            try:
                while True:
                    number += 1
                    conn.execute(sql, (str(number), "x" * size))
            except sqlite3.OperationalError:
                pass


# --- what a test process loads once ----------------------------------------------------------
# The course files do not change while the tests run, so each process reads them once and every
# test (and every App a test starts) shares the result; tests about loading call the loaders.
@functools.cache
def loaded_course():
    from lessons.course import load_course

    return load_course()


@functools.cache
def loaded_exercises() -> dict:
    from lessons.exercises import load_exercises

    return load_exercises()


@functools.cache
def loaded_quizzes() -> dict:
    from lessons.quizzes import load_quizzes

    return load_quizzes()


@functools.cache
def step_end_frames(section_id: str) -> tuple[dict, ...]:
    """The frames `StagePlayer.goto(k)` gives for each step k of a section of the loaded
    course, from one pass: playing step k to its end from the end of step k-1 is what goto's
    replay does, so this costs one replay of the section instead of one per step."""
    from models.course import StagePlayer

    player = StagePlayer(loaded_course().section(section_id))
    frames = []
    for k in range(player.step_count):
        player.play(k)
        player.finish()
        frames.append(player.frames())
    return tuple(frames)


def new_app(**kwargs):
    """A `DeployLabApp` given the course, the exercises and the quizzes this process loaded
    (the App does not read them again); `kwargs` as for the App."""
    from app.ui.app import DeployLabApp

    kwargs.setdefault("course", loaded_course())
    kwargs.setdefault("exercises", loaded_exercises())
    kwargs.setdefault("quizzes", loaded_quizzes())
    return DeployLabApp(**kwargs)


def snapshot_files_and_tests(request, module_file: str) -> tuple[list[str], list[str]]:
    """For a snapshot test module: (SVG files no test of it uses, its tests with no SVG file).
    syrupy fails a run that leaves a snapshot file unused, but not under pytest-xdist (-n),
    where it skips that check; each snapshot module asserts both lists are empty instead."""
    from pathlib import Path

    tests = {item.name for item in request.node.parent.collect()
             if "snap_compare" in getattr(item, "fixturenames", ())}
    folder = Path(module_file).with_name("__snapshots__") / Path(module_file).stem
    files = {path.name.removesuffix(".svg") for path in folder.glob("*.svg")}
    return sorted(files - tests), sorted(tests - files)
