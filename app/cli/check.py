"""`deploylab check`: validate the course files and run every exercise's reference and known-bad
attempts. No Textual here."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cli.grade import FAILED, PASSED, fail, relative, where
from app.words import lang_from_env, render, word
from lessons import COURSE_DIR, LOCALES
from lessons.files import CourseFileError
from models.exercises import Exercise
from models.grading import RUNS, grade


def run_check(args: argparse.Namespace) -> int:
    """Validate every course file in args.dir (default: the built-in course) and run every
    exercise's reference (must pass) and known-bad attempts (must fail as named); every
    sentence in the locale's language."""
    lang = lang_from_env(dict(os.environ))
    if args.dir == "":
        return fail(word("course_file.check.empty_name", lang))
    root = Path(args.dir) if args.dir is not None else COURSE_DIR
    if not root.is_dir():
        from app.cli.usage import PATH_CHARS, quoted

        shown = quoted(args.dir, PATH_CHARS)
        if root.is_symlink() and not root.exists():
            return fail(word("course_file.check.dangling_link", lang, path=shown))
        return fail(word("course_file.check.not_a_folder", lang, path=shown))
    if not any(root.iterdir()):
        from app.cli.usage import PATH_CHARS, quoted

        return fail(word("course_file.check.empty_folder", lang,
                         path=quoted(args.dir, PATH_CHARS)))
    problems, summary = check_course(root, lang)
    if problems:
        for problem in problems:
            print(f"deploylab check: {problem}", file=sys.stderr)
        return FAILED
    print(summary)
    return PASSED


def check_course(root: Path, lang: str = "en") -> tuple[list[str], str]:
    """Every problem in the course at `root` as one sentence each, and the OK summary line,
    in `lang`."""
    from lessons.course import load_course
    from lessons.exercises import load_exercises
    from lessons.quizzes import load_quizzes

    problems: list[str] = []
    course = exercises = None
    quizzes: dict | None = None
    try:
        course = load_course(root)
    except CourseFileError as err:
        problems.append(where(err, root, lang))
    origins: dict[tuple[str, str], tuple[Path, int | None]] = {}
    try:
        exercises = load_exercises(root, origins)
    except CourseFileError as err:
        problems.append(where(err, root, lang))
    if (root / "quizzes").is_dir():
        try:
            quizzes = load_quizzes(root)
        except CourseFileError as err:
            problems.append(where(err, root, lang))
    # A section's `exercises` are resolved by load_course; a practical quiz's by load_quizzes.
    runs = bad_count = 0
    for exercise in (exercises or {}).values():
        found, runs_here = _check_scripts(exercise, origins, root, lang)
        problems.extend(found)
        runs += runs_here
        bad_count += len(exercise.bad)
    if problems:
        return problems, ""
    sections = len(course.sections) if course else 0
    summary = word("course_file.check.summary", lang, sections=sections,
                   exercises=len(exercises or {}), quizzes=len(quizzes or {}),
                   langs=word("course_file.check.and", lang).join(LOCALES), bad=bad_count,
                   runs=RUNS, graded=runs)
    return problems, summary


def _check_scripts(exercise: Exercise, origins: dict, root: Path,
                   lang: str = "en") -> tuple[list[str], int]:
    """Grade the reference and the known-bad attempts as `deploylab grade` does (on its runs of
    the same traffic); one problem per script, with the seeds it happened on."""
    problems: list[str] = []
    wrong: dict[str, list[tuple[int, str]]] = {}  # script id -> (seed, what happened)
    runs = 0
    result = grade(exercise, exercise.solution)
    runs += len(result.run_verdicts)
    if not result.passed:
        failed = result.failed[0]
        wrong["solution"] = [(run.seed, word("course_file.check.fails", lang, criterion=failed.id,
                                             note=render(failed.note, lang)))
                             for run in result.run_verdicts if not run.passed]
    for bad in exercise.bad:
        result = grade(exercise, bad.script)
        runs += len(result.run_verdicts)
        criterion = result.criterion(bad.fails)
        if criterion.passed or result.passed:
            wrong[bad.id] = [(run.seed, word("course_file.check.passes", lang))
                             for run in result.run_verdicts
                             if bad.fails not in run.failed]
        elif criterion.line != bad.line:
            wrong[bad.id] = [(result.seed, word("course_file.check.fails_at", lang,
                                                line=criterion.line))]
    for script_id, cases in wrong.items():
        path, line = origins.get((exercise.id, script_id), (None, None))
        where = _place(path, line, root, exercise)
        seed_list = ", ".join(str(seed) for seed, _ in cases)
        first = cases[0][1]
        if script_id == "solution":
            problems.append(word("course_file.check.solution_wrong", lang, where=where,
                                 exercise=exercise.id, what=first, seeds=seed_list))
        else:
            bad = next(b for b in exercise.bad if b.id == script_id)
            problems.append(word("course_file.check.bad_wrong", lang, where=where, bad=bad.id,
                                 exercise=exercise.id, fails=bad.fails, line=bad.line,
                                 what=first, seeds=seed_list))
    return problems, runs


def _place(path: Path | None, line: int | None, root: Path, exercise: Exercise) -> str:
    path = path or root / "exercises" / f"{exercise.id}.toml"
    return relative(path, root) + (f", line {line}" if line else "")
