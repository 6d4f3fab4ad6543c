"""`deploylab check`: validate the course files and run every exercise's reference and known-bad
attempts. No Textual here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cli.grade import FAILED, PASSED, fail, relative
from app.words import lang_from_env, render
from lessons import COURSE_DIR, LOCALES
from lessons.files import CourseFileError
from models.exercises import Exercise
from models.grading import RUNS, grade


def run_check(args: argparse.Namespace) -> int:
    """Validate every course file in args.dir (default: the built-in course) and run every
    exercise's reference (must pass) and known-bad attempts (must fail as named)."""
    if args.dir == "":
        return fail("the folder name is empty; give a course folder, or nothing for the "
                    "built-in course")
    root = Path(args.dir) if args.dir is not None else COURSE_DIR
    if not root.is_dir():
        from app.cli.usage import PATH_CHARS, quoted

        shown = quoted(args.dir, PATH_CHARS)
        if root.is_symlink() and not root.exists():
            return fail(f"'{shown}' is a link to nothing, not a folder")
        return fail(f"'{shown}' is not a folder")
    if not any(root.iterdir()):
        from app.cli.usage import PATH_CHARS, quoted

        return fail(f"'{quoted(args.dir, PATH_CHARS)}' is an empty folder, not a course (a "
                    "course has sections/, exercises/, quizzes/ and a folder per language)")
    problems, summary = check_course(root, lang_from_env(dict(os.environ)))
    if problems:
        for problem in problems:
            print(f"deploylab check: {problem}", file=sys.stderr)
        return FAILED
    print(summary)
    return PASSED


def check_course(root: Path, lang: str = "en") -> tuple[list[str], str]:
    """Every problem in the course at `root` as one sentence each (a course file's problem in
    `lang`), and the OK summary line."""
    from lessons.course import load_course
    from lessons.exercises import load_exercises
    from lessons.quizzes import load_quizzes

    problems: list[str] = []
    course = exercises = None
    quizzes: dict | None = None
    try:
        course = load_course(root)
    except CourseFileError as err:
        problems.append(_where(err, root, lang))
    origins: dict[tuple[str, str], tuple[Path, int | None]] = {}
    try:
        exercises = load_exercises(root, origins)
    except CourseFileError as err:
        problems.append(_where(err, root, lang))
    if (root / "quizzes").is_dir():
        try:
            quizzes = load_quizzes(root)
        except CourseFileError as err:
            problems.append(_where(err, root, lang))
    # A section's `exercises` are resolved by load_course; a practical quiz's by load_quizzes.
    runs = bad_count = 0
    for exercise in (exercises or {}).values():
        found, runs_here = _check_scripts(exercise, origins, root)
        problems.extend(found)
        runs += runs_here
        bad_count += len(exercise.bad)
    if problems:
        return problems, ""
    sections = len(course.sections) if course else 0
    summary = (f"OK: {sections} sections, {len(exercises or {})} exercises and "
               f"{len(quizzes or {})} quizzes in {' and '.join(LOCALES)}; "
               f"{len(exercises or {})} reference solutions pass and {bad_count} known-bad "
               f"attempts fail on their named criterion and line, each graded as grade does, "
               f"on {RUNS} runs of the same traffic ({runs} graded runs).")
    return problems, summary


def _check_scripts(exercise: Exercise, origins: dict, root: Path) -> tuple[list[str], int]:
    """Grade the reference and the known-bad attempts as `deploylab grade` does (on its runs of
    the same traffic); one problem per script, with the seeds it happened on."""
    problems: list[str] = []
    wrong: dict[str, list[tuple[int, str]]] = {}  # script id -> (seed, what happened)
    runs = 0
    result = grade(exercise, exercise.solution)
    runs += len(result.run_verdicts)
    if not result.passed:
        failed = result.failed[0]
        wrong["solution"] = [(run.seed, f"fails '{failed.id}': {render(failed.note, 'en')}")
                             for run in result.run_verdicts if not run.passed]
    for bad in exercise.bad:
        result = grade(exercise, bad.script)
        runs += len(result.run_verdicts)
        criterion = result.criterion(bad.fails)
        if criterion.passed or result.passed:
            wrong[bad.id] = [(run.seed, "passes it") for run in result.run_verdicts
                             if bad.fails not in run.failed]
        elif criterion.line != bad.line:
            wrong[bad.id] = [(result.seed, f"fails it at line {criterion.line}")]
    for script_id, cases in wrong.items():
        path, line = origins.get((exercise.id, script_id), (None, None))
        where = _place(path, line, root, exercise)
        seed_list = ", ".join(str(seed) for seed, _ in cases)
        first = cases[0][1]
        if script_id == "solution":
            problems.append(f"{where}: the reference solution of '{exercise.id}' {first} "
                            f"(seeds {seed_list})")
        else:
            bad = next(b for b in exercise.bad if b.id == script_id)
            problems.append(f"{where}: known-bad attempt '{bad.id}' of '{exercise.id}' should "
                            f"fail '{bad.fails}' at line {bad.line}, but {first} (seeds "
                            f"{seed_list})")
    return problems, runs


def _where(err: CourseFileError, root: Path, lang: str) -> str:
    """A loader's error in `lang`, the file named relative to the course folder (ko/ and en/
    hold files of the same names)."""
    return relative(err.path, root) + (f", line {err.line}" if err.line else "") + \
        f": {err.problem_in(lang)}"


def _place(path: Path | None, line: int | None, root: Path, exercise: Exercise) -> str:
    path = path or root / "exercises" / f"{exercise.id}.toml"
    return relative(path, root) + (f", line {line}" if line else "")
